"""Applications data on the running platform, for the cross-service tests: a call open now and applications
taken through the workflow. Steps a person takes through the gateway elsewhere are taken here directly on the
applications service, as the gateway forwards them (signed with this run's gateway key), so roles the gateway
may not offer yet (expert) can act."""

from datetime import timedelta

import httpx

from servicekit import clock
from servicekit.clock import CHINA_TIME
from servicekit.testing import identity_headers

PERSON_FORM = {"applicant_name": "隐私探针申报人", "unit": "探针大学（虚构）", "position": "副教授",
               "discipline": "engineering", "highest_degree": "doctorate", "research_field": "机器人",
               "full_time_in_province": True, "declaration": True,
               "achievements": "主持省级项目两项，成果在省内企业转化应用，发表论文二十余篇。"}
# A fictional person born 1995-05-05 in 沈阳市和平区, with a valid check digit.
PERSONAL = {"id_type": "resident_id", "id_number": "210102199505050010", "phone": "13912345678",
            "email": "probe-applicant@example.com"}


def as_role(role: str, subject: str = "user:424242", agency: str | None = None) -> dict[str, str]:
    return identity_headers(role=role, subject=subject, agency=agency)


def ok(response: httpx.Response) -> dict:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.text[:300]}"
    return response.json() if response.content else {}


def open_call_now(service: httpx.Client, program: str, **extra) -> dict:
    """A call of `program` open now (this year's), made once per platform."""
    today = clock.now().astimezone(CHINA_TIME).date()
    existing = service.get("/calls", params={"program": program, "status": "open"}).json()["items"]
    if existing:
        return existing[0]
    return ok(service.post("/calls", headers=as_role("admin"), json={
        "program_code": program, "year": today.year, "opens_at": f"{today - timedelta(days=1)}T00:00:00",
        "closes_at": f"{today + timedelta(days=30)}T17:00:00", "quota_total": 5, **extra}))


def application_on_notice(service_url: str) -> dict:
    """An application of 青年拔尖人才 with personal data, on public notice with an objection filed (made once per
    platform): the ids of the call, the application and the notice."""
    with httpx.Client(base_url=service_url, timeout=30) as service:
        call = open_call_now(service, "t02-young-top")
        for notice in service.get("/notices", params={"call_id": call["id"]}).json():
            return {"call_id": call["id"], "application_id": notice["entries"][0]["application_id"],
                    "notice_id": notice["id"]}
        reviewing, city = as_role("reviewer", "user:9001", "prov-hrss-dept"), as_role("reviewer", "user:9002",
                                                                                      "city-shenyang")
        applicant = as_role("applicant", "user:424242")
        application = ok(service.post("/applications", headers=applicant, json={
            "call_id": call["id"], "nominating_agency": "city-shenyang", "form_data": PERSON_FORM,
            "personal": PERSONAL}))
        app_id = application["id"]
        for action, headers in (("submit", applicant), ("nominate", city), ("start_formal_review", reviewing),
                                ("pass_formal_review", reviewing)):
            ok(service.post(f"/applications/{app_id}/transitions", headers=headers, json={"action": action}))
        for n in (1, 2, 3):
            expert = as_role("expert", f"user:{9100 + n}")
            assignment = ok(service.post(f"/applications/{app_id}/experts", headers=reviewing,
                                         json={"expert": f"user:{9100 + n}", "expert_name": f"探针专家{n}"}))
            ok(service.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert,
                            json={"declaration": "no_conflict"}))
            ok(service.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert, json={
                "scores": {"achievements": 30, "potential": 20, "contribution": 15, "integrity": 8},
                "comment": "建议支持。"}))
        ok(service.post(f"/applications/{app_id}/transitions", headers=reviewing, json={"action": "recommend"}))
        notice = ok(service.post(f"/calls/{call['id']}/notices", headers=reviewing,
                                 json={"application_ids": [app_id]}))
        ok(service.post(f"/notices/{notice['id']}/objections", json={
            "application_id": app_id, "filer_name": "探针异议人", "filer_contact": "13800138000",
            "reason": "探针：核查其获奖情况。"}))
        return {"call_id": call["id"], "application_id": app_id, "notice_id": notice["id"]}
