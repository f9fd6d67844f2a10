"""The access matrix of the applications service (see test_access_matrix.py for the roles and the classes):
every endpoint × every kind of caller, through the gateway, on real objects — a call open now and applicant A's
application in formal review (nominated by 沈阳市, reviewed by 省人力资源社会保障厅 = agency X), with an
attachment. Rows are kept here and added to the main matrix's completeness check (`application_rows`)."""

import asyncio
import uuid
from dataclasses import dataclass

import httpx
import pytest

from applications_flow import application_on_notice, as_role, ok, open_call_now
from test_access_matrix import callers  # noqa: F401 - a fixture, used by name
from test_access_matrix import ADMIN, PUBLIC, ROLES, Row, expect, matches

pytestmark = pytest.mark.platform

PDF = b"%PDF-1.4\n%%EOF\n"
READ, REVIEW = "applications:read", "applications:review"
# Each caller that may assign an expert assigns a different one (an expert is assigned to an application once).
EXPERT_IDS = {"reviewer_x": 8801, "key_x": 8802, "key_applications:review": 8804}
FORM = {"applicant_name": "矩阵测试申报人", "unit": "矩阵大学（虚构）", "position": "博士后研究人员",
        "discipline": "engineering", "highest_degree": "doctorate", "research_field": "材料", "declaration": True,
        "full_time_in_province": True, "achievements": "在站期间主持省级课题一项，成果在省内企业应用。"}
SIGNED_IN = expect("ok", anonymous=401)
STAFF_ONLY = expect("ok", anonymous=401, applicant_a=403, applicant_b=403)
EXPERT_ONLY = expect(403, anonymous=401)
# Applicant A's application: A and agency X (its reviewing agency) see it; B and agency Y are told it is not there.
ITS_READERS = expect("ok", anonymous=401, applicant_b=404, reviewer_y=404)


@dataclass
class Objects:
    call_id: int
    application_id: int
    attachment_id: int
    notice_id: int


def _personal(serial: int) -> dict:
    body = f"2101021996010{serial % 10}00{1 + 2 * (serial % 4)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return {"id_number": body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11],
            "phone": f"1370000{serial:04d}", "email": f"matrix-{serial}@example.com"}


async def make_objects(gateway_url: str, service_url: str, headers: dict[str, dict[str, str]]) -> Objects:
    on_notice = application_on_notice(service_url)
    with httpx.Client(base_url=service_url, timeout=30) as service:
        call = open_call_now(service, "t05-postdoc-living-subsidy")
    async with httpx.AsyncClient(base_url=f"{gateway_url}/api/applications", timeout=30) as api:
        application = ok(await api.post("/applications", headers=headers["applicant_a"], json={
            "call_id": call["id"], "nominating_agency": "city-shenyang", "form_data": FORM,
            "personal": _personal(1)}))
        url = f"/applications/{application['id']}"
        attachment = ok(await api.post(f"{url}/attachments", headers=headers["applicant_a"],
                                       data={"label": "在站证明"}, files={"file": ("proof.pdf", PDF, "application/pdf")}))
        ok(await api.post(f"{url}/transitions", headers=headers["applicant_a"], json={"action": "submit"}))
        with httpx.Client(base_url=service_url, timeout=30) as service:  # 沈阳市 nominates (no such caller in ROLES)
            ok(service.post(f"{url}/transitions", headers=as_role("reviewer", "user:9002", "city-shenyang"),
                            json={"action": "nominate"}))
        ok(await api.post(f"{url}/transitions", headers=headers["reviewer_x"],
                          json={"action": "start_formal_review"}))
    return Objects(call["id"], application["id"], attachment["id"], on_notice["notice_id"])


def application_rows(objects: Objects | None = None) -> list[Row]:
    """Rows for every applications endpoint; with `objects` the paths name real records."""
    o = objects or Objects(1, 1, 1, 1)
    p = "/api/applications"
    app = f"{p}/applications/{o.application_id}"
    return [
        # programs and forms: public; administrators add and change programs
        Row("GET", f"{p}/programs", f"{p}/programs", PUBLIC),
        Row("GET", f"{p}/programs/{{code}}", f"{p}/programs/t02-young-top", PUBLIC),
        Row("GET", f"{p}/programs/{{code}}/form", f"{p}/programs/t02-young-top/form", PUBLIC),
        Row("GET", f"{p}/forms/{{code}}", f"{p}/forms/talent-person", PUBLIC),
        Row("POST", f"{p}/programs", f"{p}/programs", ADMIN, {}),
        Row("PATCH", f"{p}/programs/{{code}}", f"{p}/programs/t13-transfer-service-base", ADMIN, {}),
        # calls and quotas: public catalog; administrators open calls and change quotas; staff read the changes
        Row("GET", f"{p}/calls", f"{p}/calls", PUBLIC),
        Row("GET", f"{p}/calls/{{call_id}}", f"{p}/calls/{o.call_id}", PUBLIC),
        Row("GET", f"{p}/calls/{{call_id}}/quota", f"{p}/calls/{o.call_id}/quota", PUBLIC),
        Row("POST", f"{p}/calls", f"{p}/calls", ADMIN, {}),
        Row("PATCH", f"{p}/calls/{{call_id}}", f"{p}/calls/{o.call_id}", ADMIN, {}),
        Row("PUT", f"{p}/calls/{{call_id}}/quota", f"{p}/calls/{o.call_id}/quota", ADMIN, {}),
        Row("PUT", f"{p}/calls/{{call_id}}/allocations/{{agency_code}}",
            f"{p}/calls/{o.call_id}/allocations/city-shenyang", ADMIN, {}),
        Row("GET", f"{p}/calls/{{call_id}}/quota-changes", f"{p}/calls/{o.call_id}/quota-changes", STAFF_ONLY, scope=READ),
        # applications: applicants start them; each caller sees only the ones they may
        Row("POST", f"{p}/applications", f"{p}/applications",
            expect(403, anonymous=401, applicant_a="ok", applicant_b="ok"),
            lambda role: {"call_id": o.call_id, "nominating_agency": "city-dalian", "form_data": FORM,
                          "personal": _personal(2 if role == "applicant_a" else 3)}),
        Row("GET", f"{p}/applications", f"{p}/applications", SIGNED_IN, scope=READ),
        Row("GET", f"{p}/applications/{{application_id}}", app, ITS_READERS, scope=READ),
        Row("PATCH", f"{p}/applications/{{application_id}}", app,
            expect(403, anonymous=401, applicant_a=409, applicant_b=404), {}),
        Row("POST", f"{p}/applications/{{application_id}}/transitions", f"{app}/transitions",
            expect(403, anonymous=401, applicant_a=409, applicant_b=404, reviewer_y=404, admin=409),
            {"action": "submit"}),
        Row("GET", f"{p}/applications/{{application_id}}/timeline", f"{app}/timeline", ITS_READERS, scope=READ),
        # No body: a JSON one is refused (415) before access is checked, this route takes multipart/form-data.
        Row("POST", f"{p}/applications/{{application_id}}/attachments", f"{app}/attachments",
            expect(403, anonymous=401, applicant_a=422, applicant_b=422), None),
        Row("GET", f"{p}/applications/{{application_id}}/attachments/{{attachment_id}}",
            f"{app}/attachments/{o.attachment_id}", ITS_READERS, scope=READ),
        Row("DELETE", f"{p}/applications/{{application_id}}/attachments/{{attachment_id}}",
            f"{app}/attachments/{o.attachment_id}", expect(403, anonymous=401, applicant_a=409, applicant_b=404)),
        # expert review: the reviewing agency assigns and reads; experts declare and score
        Row("POST", f"{p}/applications/{{application_id}}/experts", f"{app}/experts",
            expect(403, anonymous=401, reviewer_x="ok", reviewer_y=404, key_x="ok", admin="ok"),
            lambda role: {"expert": f"user:{EXPERT_IDS.get(role, 8803)}", "expert_name": "矩阵专家"}, scope=REVIEW),
        Row("DELETE", f"{p}/applications/{{application_id}}/experts/{{assignment_id}}", f"{app}/experts/999999",
            expect(403, anonymous=401, reviewer_x=404, reviewer_y=404, key_x=404, admin=404), scope=REVIEW),
        Row("GET", f"{p}/applications/{{application_id}}/reviews", f"{app}/reviews",
            expect("ok", anonymous=401, applicant_a=403, applicant_b=403, reviewer_y=404), scope=(READ, REVIEW)),
        Row("GET", f"{p}/reviews/assignments", f"{p}/reviews/assignments", EXPERT_ONLY),
        Row("POST", f"{p}/reviews/assignments/{{assignment_id}}/declaration",
            f"{p}/reviews/assignments/999999/declaration", EXPERT_ONLY, {"declaration": "no_conflict"}),
        Row("PUT", f"{p}/reviews/assignments/{{assignment_id}}/score-sheet",
            f"{p}/reviews/assignments/999999/score-sheet", EXPERT_ONLY, {"scores": {}, "comment": "矩阵测试"}),
        # the working-day calendar: public to read; administrators enter a year chinesecalendar lacks
        Row("GET", f"{p}/calendar/{{year}}", f"{p}/calendar/2019", PUBLIC),
        Row("PUT", f"{p}/calendar/{{year}}", f"{p}/calendar/2031", ADMIN, {}),
        # notices: public to read and to object to; the reviewing agency publishes, concludes, resolves
        Row("GET", f"{p}/notices", f"{p}/notices", PUBLIC),
        Row("GET", f"{p}/notices/{{notice_id}}", f"{p}/notices/{o.notice_id}", PUBLIC),
        Row("POST", f"{p}/calls/{{call_id}}/notices", f"{p}/calls/{o.call_id}/notices",
            expect(403, anonymous=401, reviewer_x=409, key_x=409, admin=409), {}, scope=REVIEW),
        Row("POST", f"{p}/notices/{{notice_id}}/objections", f"{p}/notices/{o.notice_id}/objections", expect(422),
            {"application_id": o.application_id, "reason": "矩阵测试：匿名异议应被拒绝。"}),
        Row("POST", f"{p}/notices/{{notice_id}}/conclude", f"{p}/notices/{o.notice_id}/conclude",
            expect(409, anonymous=401, applicant_a=403, applicant_b=403, reviewer_y=403), scope=REVIEW),
        Row("GET", f"{p}/objections", f"{p}/objections", STAFF_ONLY, scope=READ),
        Row("POST", f"{p}/objections/{{objection_id}}/resolve", f"{p}/objections/999999/resolve",
            expect(404, anonymous=401, applicant_a=403, applicant_b=403),
            {"outcome": "dismissed", "resolution": "矩阵测试"}, scope=REVIEW),
        Row("GET", f"{p}/audit", f"{p}/audit", ADMIN),
        # the decision (the approval saga), revocation and the reconciler: administrators only
        Row("POST", f"{p}/applications/{{application_id}}/decision", f"{app}/decision", ADMIN, {}),
        Row("POST", f"{p}/decisions", f"{p}/decisions", ADMIN, {}),
        Row("GET", f"{p}/applications/{{application_id}}/approvals", f"{app}/approvals", ADMIN),
        Row("GET", f"{p}/approvals/{{approval_id}}", f"{p}/approvals/approval-999999-000000000000", ADMIN),
        Row("POST", f"{p}/approvals/{{approval_id}}/revoke", f"{p}/approvals/approval-999999-000000000000/revoke",
            ADMIN, {"reason": "矩阵测试"}),
        Row("POST", f"{p}/reconciler/runs", f"{p}/reconciler/runs", ADMIN),
        Row("GET", f"{p}/reconciler/report", f"{p}/reconciler/report", ADMIN),
    ]


@pytest.fixture(scope="module")
def objects(platform, callers) -> Objects:
    return asyncio.run(make_objects(platform.gateway_url, platform.service_url("applications"), callers.headers))


def test_every_applications_operation_has_a_row(platform):
    document = httpx.get(f"{platform.gateway_url}/api/openapi.json").json()
    documented = {(method.upper(), path.replace("/api/v1/", "/api/", 1)) for path, item in document["paths"].items()
                  for method in item
                  if path.startswith("/api/v1/applications/") and not path.endswith(("/healthz", "/readyz"))}
    assert sorted(documented ^ {(row.method, row.template) for row in application_rows()}) == []


def test_each_role_gets_the_expected_answer_from_the_applications_service(platform, callers, objects):
    failures = []
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        for row in application_rows(objects):
            for role in ROLES:
                headers = {**callers.headers[role], **row.headers}
                if row.method in ("POST", "PUT", "PATCH"):
                    headers["Idempotency-Key"] = f"matrix-{role}-{uuid.uuid4().hex[:8]}"
                body = row.body(role) if callable(row.body) else row.body
                response = client.request(row.method, row.path, headers=headers,
                                          json=body if row.method in ("POST", "PUT", "PATCH") else None)
                if not matches(row.expected[role], response.status_code):
                    failures.append(f"{row.method} {row.template} as {role}: expected {row.expected[role]}, got "
                                    f"{response.status_code} {response.text[:160]}")
    assert failures == []
