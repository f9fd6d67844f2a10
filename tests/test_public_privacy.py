"""The public never sees personal data: every GET operation of the merged OpenAPI document that answers an
anonymous caller is fetched (path parameters filled from the plan's own codes), and every response is
scanned for personal-data fields and for strings shaped like ID numbers, mobile numbers or e-mail
addresses. The platform runs with a signed-in reviewer's and applicants' data present."""

import json
import re

import httpx
import pytest

from applications_flow import application_on_notice

pytestmark = pytest.mark.platform

PERSONAL_FIELDS = {"id_number", "id_card", "identity_number", "phone", "mobile", "telephone", "email",
                   "password", "password_hash", "secret_hash", "address", "birth_date", "date_of_birth"}
# 18-character resident ID (17 digits + digit or X), mainland mobile numbers, e-mail addresses.
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SAMPLE_PARAMS = {"code": "liaoning-2018-2020", "plan_code": "liaoning-2018-2020", "number": "5"}
PATH_SAMPLES = {"/api/agencies/agencies/{code}": {"code": "prov-hrss-dept"},
                "/api/agencies/deliverables/{code}": {"code": "t05-doctors-postdocs"},
                "/api/agencies/deliverables/{code}/reports": {"code": "t05-doctors-postdocs"},
                "/api/applications/programs/{code}": {"code": "t02-young-top"},
                "/api/applications/programs/{code}/form": {"code": "t02-young-top"},
                "/api/applications/forms/{code}": {"code": "talent-person"}}
APPLICATIONS_PUBLIC = ["/api/applications/programs", "/api/applications/programs/{code}",
                       "/api/applications/programs/{code}/form", "/api/applications/forms/{code}",
                       "/api/applications/calls", "/api/applications/calls/{call_id}",
                       "/api/applications/calls/{call_id}/quota", "/api/applications/notices",
                       "/api/applications/notices/{notice_id}"]


def personal_data_in(value: object, path: str = "$") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() in PERSONAL_FIELDS and item not in (None, "", []):
                found.append(f"{path}.{key}")
            found += personal_data_in(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += personal_data_in(item, f"{path}[{index}]")
    elif isinstance(value, str):
        for name, pattern in (("id-number", ID_NUMBER), ("mobile", MOBILE), ("email", EMAIL)):
            if pattern.search(value):
                found.append(f"{path} looks like a {name}: {value[:40]}")
    return found


def test_the_scanner_finds_what_it_looks_for():
    sample = {"items": [{"name": "张三", "phone": "13912345678"}, {"note": "身份证 21010219900101123X"},
                        {"contact": "someone@example.com"}]}
    assert len(personal_data_in(sample)) == 4
    assert personal_data_in({"name": "张三", "amount_fen": 300000000, "task": 5}) == []


def test_no_public_response_carries_personal_data(platform):
    # Personal data exists in the applications service too: an application with an ID number, phone and
    # e-mail on public notice, with an objection whose filer left a phone number.
    made = application_on_notice(platform.service_url("applications"))
    samples = {**PATH_SAMPLES, **{template: {"call_id": made["call_id"], "notice_id": made["notice_id"]}
                                  for template in APPLICATIONS_PUBLIC if "{" in template and "code" not in template}}
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        # Personal data exists: a registered applicant with an e-mail address.
        client.post("/api/auth/register", json={"username": "privacy-probe", "password": "a-long-password",
                                                "display_name": "隐私探针", "email": "probe@example.com"})
        document = client.get("/api/openapi.json").json()
        scanned, findings = [], []
        for versioned, item in document["paths"].items():
            template = versioned.replace("/api/v1/", "/api/", 1)
            if "get" not in item or template in ("/api/openapi.json",):
                continue
            params = {**SAMPLE_PARAMS, **samples.get(template, {})}
            path = template.format(**{name: params.get(name, "1") for name in re.findall(r"{(\w+)}", template)})
            response = client.get(path, params={"plan": "liaoning-2018-2020"} if "matrix" in path else None)
            if response.status_code != 200:
                continue
            scanned.append(template)
            if "json" in response.headers.get("content-type", ""):
                findings += [f"{template}: {f}" for f in personal_data_in(response.json())]
            elif response.headers.get("content-type", "").startswith("text/"):
                findings += [f"{template}: {f}" for f in personal_data_in(response.text)]
    assert findings == []
    assert "/api/agencies/tasks" in scanned and "/api/health" in scanned
    assert sorted(set(APPLICATIONS_PUBLIC) - set(scanned)) == []
    notices = httpx.get(f"{platform.gateway_url}/api/applications/notices").json()
    assert any(e["applicant_name"] == "隐私探针申报人" for n in notices for e in n["entries"])
    print(json.dumps(scanned, ensure_ascii=False))
