"""Progress reports: who may file them, idempotency, validation, review by the lead agency, progress figures."""

from datetime import UTC, datetime

import pytest

from agencies_factories import (
    HRSS,
    PLAN,
    POSTDOCS,
    admin,
    agency_key,
    create_accepted_report,
    create_report,
    report_body,
    reviewer,
)
from servicekit.testing import identity_headers


@pytest.fixture(autouse=True)
def late_2020(frozen_clock):
    """The service's clock stands at the end of 2020 unless a test moves it."""
    frozen_clock.move_to(datetime(2020, 12, 1, 4, tzinfo=UTC))


async def reports_on(client, deliverable: str) -> dict:
    return (await client.get(f"/deliverables/{deliverable}/reports")).json()


async def accept(client, report_id: int, agency: str = HRSS):
    return await client.post(f"/reports/{report_id}/accept", headers=reviewer(agency), json={"comment": "同意"})


# --- who may report --------------------------------------------------------------------------------------


async def test_anonymous_callers_must_sign_in(client):
    response = await client.post(f"/deliverables/{POSTDOCS}/reports", json=report_body("2019-Q2", 10, "人"))
    assert (response.status_code, response.json()["code"]) == (401, "login_required")


# Headers are made inside the test: the signing keys exist only once the session has started.
@pytest.mark.parametrize(("headers", "status", "code"), [
    (lambda: identity_headers(role="applicant", subject="a1"), 403, "role_not_allowed"),
    (lambda: identity_headers(role="admin"), 403, "role_not_allowed"),
    (lambda: agency_key(HRSS, "reports:review"), 403, "scope_missing"),
    (lambda: identity_headers(role="reviewer", subject="u9"), 403, "caller_without_agency"),
])
async def test_callers_who_may_not_report(client, headers, status, code):
    response = await client.post(f"/deliverables/{POSTDOCS}/reports", headers=headers(),
                                 json=report_body("2019-Q2", 10, "人"))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert (await reports_on(client, POSTDOCS))["total"] == 0


@pytest.mark.parametrize("agency", ["prov-org-dept", "prov-agriculture-commission", "no-such-agency"])
async def test_an_agency_that_does_not_own_the_task_gets_403(client, agency):
    response = await create_report(client, POSTDOCS, agency_key(agency), "2019-Q2", 10, "人")
    assert (response.status_code, response.json()["code"]) == (403, "not_task_owner")
    assert response.json()["messages"]["en"] == (
        "Your agency neither leads nor shares this task, so it cannot report on it.")


@pytest.mark.parametrize("headers", [lambda: agency_key(HRSS), lambda: agency_key("prov-education-dept"),
                                     lambda: agency_key("city-dalian"), lambda: reviewer("city-huludao")])
async def test_leads_responsible_agencies_and_cities_of_the_group_report(client, headers):
    response = await create_report(client, POSTDOCS, headers(), "2019-Q2", 120, "人")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["period"], body["value"], body["unit"]) == ("pending", "2019-Q2", 120.0, "人")
    assert body["task"] == {"plan_code": PLAN, "number": 5, "title": "实施青年英才储备计划",
                            "title_en": "Implement the young talent reserve programme"}
    assert (body["reported_on"], body["submitted_at"]) == ("2020-12-01", "2020-12-01T04:00:00Z")
    assert body["evidence"] == ["https://example.gov.cn/evidence/1"]


async def test_reports_show_no_personal_data(client):
    report = (await create_report(client, POSTDOCS, reviewer("city-dalian", subject="zhang.san"), "2019-Q2", 5,
                                "人")).json()
    public = (await client.get(f"/reports/{report['id']}")).text
    assert "zhang.san" not in public and "submitted_by" not in public


async def test_unknown_deliverable_is_404(client):
    response = await create_report(client, "no-such-deliverable", agency_key(HRSS), "2019-Q2", 1, "人")
    assert (response.status_code, response.json()["code"]) == (404, "deliverable_not_found")


# --- idempotency -----------------------------------------------------------------------------------------


async def test_the_same_idempotency_key_files_one_report(client):
    headers = {**agency_key(HRSS), "Idempotency-Key": "hrss-2019-q2"}
    first = await create_report(client, POSTDOCS, headers, "2019-Q2", 300, "人")
    again = await create_report(client, POSTDOCS, headers, "2019-Q2", 300, "人")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert ("idempotent-replay" in first.headers, again.headers["idempotent-replay"]) == (False, "true")
    assert (await reports_on(client, POSTDOCS))["total"] == 1


async def test_the_same_key_with_another_body_is_409(client):
    headers = {**agency_key(HRSS), "Idempotency-Key": "hrss-2019-q2"}
    assert (await create_report(client, POSTDOCS, headers, "2019-Q2", 300, "人")).status_code == 201
    other = await create_report(client, POSTDOCS, headers, "2019-Q2", 301, "人")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert (await reports_on(client, POSTDOCS))["total"] == 1


async def test_keys_of_different_callers_do_not_collide(client):
    one = await create_report(client, POSTDOCS, {**agency_key(HRSS), "Idempotency-Key": "k"}, "2019-Q2", 1, "人")
    two = await create_report(client, POSTDOCS, {**agency_key("city-dalian"), "Idempotency-Key": "k"}, "2019-Q2", 1,
                            "人")
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["id"] != two.json()["id"]


async def test_a_refused_report_does_not_use_up_its_key(client):
    headers = {**agency_key(HRSS), "Idempotency-Key": "retry-me"}
    assert (await create_report(client, POSTDOCS, headers, "2019-Q2", 1, "名")).status_code == 422
    assert (await create_report(client, POSTDOCS, headers, "2019-Q2", 1, "人")).status_code == 201


# --- what a report must say ------------------------------------------------------------------------------


async def test_wrong_unit_is_422_and_writes_nothing(client):
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 10, "名")
    assert (response.status_code, response.json()["code"]) == (422, "unit_mismatch")
    assert response.json()["messages"] == {"zh-CN": "计量单位应为「人」，而不是「名」。",
                                           "en": "The unit must be '人', not '名'."}
    assert (await reports_on(client, POSTDOCS))["total"] == 0
    assert (await client.get("/audit?entity_type=progress_report", headers=admin())).json()["total"] == 0


@pytest.mark.parametrize("value", [-1, -0.5])
async def test_negative_values_are_422(client, value):
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", value, "人")
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")
    assert response.json()["errors"][0]["field"] == "body.value"


async def test_a_lower_cumulative_value_than_before_is_422(client):
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q1", 100, "人")).status_code == 201
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 80, "人")
    assert (response.status_code, response.json()["code"]) == (422, "cumulative_value_decreased")
    assert response.json()["messages"]["en"] == (
        "The cumulative value 80 is lower than the 100 your agency reported for 2019-Q1.")
    # Another agency's values are its own.
    assert (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 80, "人")).status_code == 201
    assert (await reports_on(client, POSTDOCS))["total"] == 2


async def test_a_returned_report_no_longer_bounds_the_value(client):
    first = (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q1", 100, "人")).json()
    returned = await client.post(f"/reports/{first['id']}/return", headers=reviewer(HRSS),
                                 json={"comment": "数据有误，请核实"})
    assert returned.json()["status"] == "returned"
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 80, "人")).status_code == 201


async def test_a_value_above_a_later_period_is_422(client):
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q4", 100, "人")).status_code == 201
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 150, "人")
    assert (response.status_code, response.json()["code"]) == (422, "cumulative_value_above_later")
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 60, "人")).status_code == 201


async def test_one_pending_report_per_agency_and_period(client):
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 100, "人")).status_code == 201
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 120, "人")
    assert (response.status_code, response.json()["code"]) == (409, "report_already_pending")


@pytest.mark.parametrize(("period", "status", "code"), [
    ("2019-Q5", 422, "validation_failed"),
    ("2019Q2", 422, "validation_failed"),
    ("2019-05", 422, "period_not_scheduled"),
    ("2019", 422, "period_not_scheduled"),
    ("2017-Q4", 422, "period_not_scheduled"),
    ("2021-Q1", 422, "period_not_scheduled"),
])
async def test_the_period_must_be_one_of_the_schedule(client, period, status, code):
    response = await create_report(client, POSTDOCS, agency_key(HRSS), period, 1, "人")
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_a_period_not_yet_begun_cannot_be_reported(client, frozen_clock):
    frozen_clock.move_to(datetime(2019, 5, 1, 4, tzinfo=UTC))
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q3", 1, "人")
    assert (response.status_code, response.json()["code"]) == (422, "period_not_started")
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 1, "人")).status_code == 201


async def test_bad_bodies_are_422(client):
    for body in ({**report_body("2019-Q2", 1, "人"), "evidence": ["not a url"]},
                 {**report_body("2019-Q2", 1, "人"), "narrative": ""},
                 {**report_body("2019-Q2", 1, "人"), "extra": 1},
                 {"period": "2019-Q2"}):
        response = await client.post(f"/deliverables/{POSTDOCS}/reports", headers=agency_key(HRSS), json=body)
        assert (response.status_code, response.json()["code"]) == (422, "validation_failed"), body


async def test_a_derived_deliverable_takes_no_reports(client):
    response = await create_report(client, "t11-academician-workstations", agency_key("prov-science-tech-dept"),
                                 "2019-Q2", 3, "家")
    assert (response.status_code, response.json()["code"]) == (409, "deliverable_is_derived")
    assert response.json()["messages"]["zh-CN"] == "该目标任务的进展由审批结果自动统计，不接受人工报送。"


# --- review ----------------------------------------------------------------------------------------------


async def test_the_lead_agency_accepts_and_returns(client):
    one = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    two = (await create_report(client, POSTDOCS, agency_key("prov-education-dept"), "2019-Q2", 20, "人")).json()
    accepted = await accept(client, one["id"])
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["review_comment"]) == ("accepted", "同意")
    returned = await client.post(f"/reports/{two['id']}/return",
                                 headers=agency_key(HRSS, "reports:review"), json={"comment": "请补充佐证材料"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["review_comment"]) == ("returned", "请补充佐证材料")
    assert returned.json()["reviewed_at"] == "2020-12-01T04:00:00Z"


@pytest.mark.parametrize(("headers", "code"), [
    (lambda: reviewer("prov-education-dept"), "not_task_lead"),
    (lambda: reviewer("city-dalian"), "not_task_lead"),
    (lambda: agency_key("prov-org-dept", "reports:review"), "not_task_lead"),
    (lambda: agency_key(HRSS, "reports:write"), "scope_missing"),
    (lambda: identity_headers(role="admin"), "role_not_allowed"),
])
async def test_only_a_lead_agency_reviews(client, headers, code):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    for action in ("accept", "return"):
        response = await client.post(f"/reports/{report['id']}/{action}", headers=headers(), json={"comment": "x"})
        assert (response.status_code, response.json()["code"]) == (403, code)
    assert (await client.get(f"/reports/{report['id']}")).json()["status"] == "pending"


async def test_a_report_is_reviewed_once(client):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    assert (await accept(client, report["id"])).status_code == 200
    again = await client.post(f"/reports/{report['id']}/return", headers=reviewer(HRSS), json={"comment": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "report_not_pending")
    missing = await accept(client, 999999)
    assert (missing.status_code, missing.json()["code"]) == (404, "report_not_found")


async def test_returning_needs_a_comment(client):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    response = await client.post(f"/reports/{report['id']}/return", headers=reviewer(HRSS), json={})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


async def test_reports_awaiting_a_lead_agency(client):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    waiting = (await client.get(f"/reports?awaiting_review_by={HRSS}")).json()
    assert [r["id"] for r in waiting["items"]] == [report["id"]]
    assert (await client.get("/reports?awaiting_review_by=prov-education-dept")).json()["total"] == 0


# --- progress --------------------------------------------------------------------------------------------


async def test_progress_sums_each_agencys_latest_accepted_value(client, frozen_clock):
    await create_accepted_report(client, "city-dalian", "2019-Q2", 1000)
    await create_accepted_report(client, "prov-education-dept", "2019-Q3", 3000)
    await create_accepted_report(client, "city-dalian", "2019-Q4", 2500)
    await create_report(client, POSTDOCS, agency_key(HRSS), "2020-Q1", 9000, "人")  # pending: does not count

    frozen_clock.move_to(datetime(2020, 1, 1, 4, tzinfo=UTC))
    deliverable = (await client.get(f"/deliverables/{POSTDOCS}")).json()
    assert deliverable["progress"] == {"source": "reported", "value": 5500.0, "percent": 27.5,
                                       "expected_value": 13333.33, "status": "red", "parts_value": None,
                                       "as_of": "2020-01-01", "final": False, "result": None}
    assert [(s["agency"]["code"], s["value"], s["period"]) for s in deliverable["by_agency"]] == [
        ("city-dalian", 2500.0, "2019-Q4"), ("prov-education-dept", 3000.0, "2019-Q3")]
    assert deliverable["reports"] == {"total": 4, "pending": 1, "accepted": 3, "returned": 0,
                                      "latest_period": "2020-Q1", "latest_reported_on": "2020-12-01",
                                      "latest_submitted_at": "2020-12-01T04:00:00Z"}
    task = (await client.get(f"/tasks/{PLAN}/5")).json()
    assert task["progress_percent"] == 27.5
    assert task["deliverables"][0]["progress"]["value"] == 5500.0
    listed = (await client.get("/tasks?q=博士后")).json()["items"][0]
    assert listed["progress_percent"] == 27.5
    # 省人力资源社会保障厅 leads tasks 2, 4, 5, 7, 9, 14 and 23 with deliverables: 27.5 / 7.
    assert (await client.get(f"/agencies/{HRSS}")).json()["progress_percent"] == 3.9


@pytest.mark.parametrize(("day", "expected", "status"), [
    (datetime(2018, 1, 1, 4, tzinfo=UTC), 0.0, "green"),
    (datetime(2018, 7, 1, 4, tzinfo=UTC), 3305.94, "green"),
    (datetime(2019, 3, 1, 4, tzinfo=UTC), 7744.29, "amber"),
    (datetime(2019, 7, 1, 4, tzinfo=UTC), 9972.6, "red"),
])
async def test_status_colour_follows_the_straight_line_to_the_target(client, frozen_clock, day, expected, status):
    await create_accepted_report(client, HRSS, "2018-Q1", 5500)
    frozen_clock.move_to(day)
    progress = (await client.get(f"/deliverables/{POSTDOCS}")).json()["progress"]
    assert (progress["value"], progress["expected_value"], progress["status"]) == (5500.0, expected, status)


async def test_task_progress_is_the_mean_of_capped_deliverable_percents(client):
    await create_accepted_report(client, "prov-org-dept", "2020-Q2", 1500, deliverable="t24-leading-cadres",
                                 unit="名", lead="prov-org-dept")
    task = (await client.get(f"/tasks/{PLAN}/24")).json()
    assert [d["progress"]["percent"] for d in task["deliverables"]] == [150.0, 0.0]
    assert task["progress_percent"] == 50.0


async def test_every_report_change_is_audited(client):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    await accept(client, report["id"])
    entries = (await client.get(f"/audit?entity_type=progress_report&entity_id={report['id']}",
                                headers=admin())).json()
    assert [(e["action"], e["actor"]) for e in entries["items"]] == [
        ("report.accept", "reviewer:u2"), ("report.submit", "agency:key:city-dalian")]
    accepted = entries["items"][0]
    assert (accepted["before"]["status"], accepted["after"]["status"]) == ("pending", "accepted")


async def test_the_audit_log_is_for_administrators(client):
    assert (await client.get("/audit")).status_code == 401
    response = await client.get("/audit", headers=reviewer(HRSS))
    assert (response.status_code, response.json()["code"]) == (403, "role_not_allowed")
    assert (await client.get("/audit?size=101", headers=admin())).status_code == 422


async def test_a_retried_review_with_its_key_gets_the_same_answer(client):
    report = (await create_report(client, POSTDOCS, agency_key("city-dalian"), "2019-Q2", 10, "人")).json()
    headers = {**reviewer(HRSS), "Idempotency-Key": f"accept-{report['id']}"}
    first = await client.post(f"/reports/{report['id']}/accept", headers=headers, json={"comment": "同意"})
    again = await client.post(f"/reports/{report['id']}/accept", headers=headers, json={"comment": "同意"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert ("idempotent-replay" in first.headers, again.headers["idempotent-replay"]) == (False, "true")
    without_key = await accept(client, report["id"])
    assert (without_key.status_code, without_key.json()["code"]) == (409, "report_not_pending")
