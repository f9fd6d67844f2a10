"""Supervision (督查督办): what is overdue as of a day, and the escalation ladder 提醒 → 约谈 → 函询 → 通报."""

from datetime import UTC, datetime

import pytest

from agencies_factories import HRSS, POSTDOCS, admin, agency_key, create_escalation, create_report, reviewer
from servicekit.testing import identity_headers

# The reported (not derived) deliverables of the tasks 省人力资源社会保障厅 leads (2, 4, 5, 7, 9, 14, 23).
HRSS_REPORTED = [
    "t02-talent-introduced", "t02-key-talent-supported", "t04-foreign-talent-visits", "t05-doctors-postdocs",
    "t07-new-skilled-workers", "t07-new-high-skilled-talent", "t07-industrial-workers-trained",
    "t07-senior-technicians", "t07-professional-technical-training", "t07-senior-professional-training",
    "t09-graduates-retained", "t09-special-post-teachers", "t09-selected-graduates", "t09-grassroots-recruits",
    "t14-expert-workstations", "t23-secretary-key-projects",
]


@pytest.fixture(autouse=True)
def summer_2019(frozen_clock):
    frozen_clock.move_to(datetime(2019, 8, 1, 4, tzinfo=UTC))


async def overdue(client, query: str, headers: dict | None = None) -> dict:
    response = await client.get(f"/supervision/overdue?size=100&{query}", headers=headers or admin())
    assert response.status_code == 200, response.text
    return response.json()


async def test_nothing_is_overdue_within_15_days_of_the_quarter_end(client):
    body = await overdue(client, f"as_of=2018-04-15&agency={HRSS}")
    assert (body["total"], body["items"], body["by_agency"], body["as_of"], body["final"]) == (
        0, [], [], "2018-04-15", False)


async def test_the_next_day_every_first_quarter_report_is_missing(client):
    body = await overdue(client, f"as_of=2018-04-16&agency={HRSS}")
    assert body["total"] == 16
    assert sorted(i["deliverable_code"] for i in body["items"]) == sorted(HRSS_REPORTED)
    first = body["items"][0]
    assert {k: first[k] for k in ("period", "deadline", "state", "reported_on", "submitted_at", "days_overdue",
                                  "escalation", "next_level", "indicator", "indicator_en")} == {
        "period": "2018-Q1", "deadline": "2018-04-15", "state": "missing", "reported_on": None,
        "submitted_at": None, "days_overdue": 1, "escalation": None, "next_level": "reminder",
        "indicator": "重点遴选支持高层次人才（合计）",
        "indicator_en": "High-level talents selected for key support (total)"}
    assert body["by_agency"] == [{"agency": first["agency"], "missing": 16, "late": 0}]
    assert first["agency"]["name"] == "省人力资源社会保障厅"


async def test_every_lead_agency_owes_every_quarter_until_the_due_date(client):
    body = await overdue(client, "as_of=2020-12-31&size=1")
    # 33 reported deliverables with 46 (deliverable, lead agency) pairs; by the plan's last day 11 of their 12
    # quarterly reports are due (the last one is due on 2021-01-15).
    assert body["total"] == 46 * 11
    assert {a["agency"]["code"]: a["missing"] for a in body["by_agency"]}[HRSS] == 16 * 11
    assert sum(a["missing"] for a in body["by_agency"]) == 46 * 11


async def test_a_late_report_is_listed_as_late_and_an_on_time_one_not_at_all(client, frozen_clock):
    frozen_clock.move_to(datetime(2019, 7, 10, 4, tzinfo=UTC))
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 100, "人")).status_code == 201
    frozen_clock.move_to(datetime(2019, 8, 1, 4, tzinfo=UTC))
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q1", 50, "人")).status_code == 201
    body = await overdue(client, f"as_of=2019-08-02&agency={HRSS}")
    postdocs = [(i["period"], i["state"], i["days_overdue"], i["submitted_at"]) for i in body["items"]
                if i["deliverable_code"] == POSTDOCS]
    assert postdocs == [("2018-Q1", "missing", 474, None), ("2018-Q2", "missing", 383, None),
                        ("2018-Q3", "missing", 291, None), ("2018-Q4", "missing", 199, None),
                        ("2019-Q1", "late", 108, "2019-08-01T04:00:00Z")]
    # Before the late report was filed, it was simply missing.
    earlier = await overdue(client, f"as_of=2019-07-31&agency={HRSS}")
    assert [(i["period"], i["state"]) for i in earlier["items"] if i["deliverable_code"] == POSTDOCS][-1] == (
        "2019-Q1", "missing")
    late_only = await overdue(client, f"as_of=2019-08-02&agency={HRSS}&state=late")
    assert [(i["deliverable_code"], i["period"]) for i in late_only["items"]] == [(POSTDOCS, "2019-Q1")]


async def test_only_the_lead_agency_is_chased(client):
    await overdue(client, "as_of=2018-04-16")
    body = await overdue(client, "as_of=2018-04-16&agency=city-dalian")
    assert body["total"] == 0


async def test_who_may_see_overdue_reports(client):
    assert (await client.get("/supervision/overdue")).status_code == 401
    applicant = await client.get("/supervision/overdue", headers=identity_headers(role="applicant", subject="a"))
    assert (applicant.status_code, applicant.json()["code"]) == (403, "role_not_allowed")
    own = await overdue(client, "as_of=2018-04-16", headers=reviewer(HRSS))
    assert own["total"] == 16 and {i["agency"]["code"] for i in own["items"]} == {HRSS}
    other = await client.get("/supervision/overdue?agency=prov-org-dept", headers=agency_key(HRSS))
    assert (other.status_code, other.json()["code"]) == (403, "other_agency_forbidden")
    for query in ("as_of=2018-13-01", "as_of=1999-12-31", "as_of=3000-01-01", "state=forgotten"):
        assert (await client.get(f"/supervision/overdue?{query}", headers=admin())).status_code == 422, query


async def test_the_escalation_ladder_goes_one_step_at_a_time(client):
    steps = []
    for level, name in (("reminder", "提醒"), ("interview", "约谈"), ("inquiry", "函询"), ("public_notice", "通报")):
        response = await create_escalation(client, level)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["level"], body["level_name"], body["actor"], body["created_at"]) == (
            level, name, "admin:root", "2019-08-01T04:00:00Z")
        steps.append(body["step"])
    assert steps == [1, 2, 3, 4]
    top = await create_escalation(client, "public_notice")
    assert (top.status_code, top.json()["code"]) == (409, "escalation_out_of_order")
    assert top.json()["messages"]["zh-CN"] == "督办须逐级进行：当前为「通报」，已到最高一级「通报」。"


@pytest.mark.parametrize(("done", "asked"), [
    ([], "interview"), ([], "public_notice"), (["reminder"], "reminder"), (["reminder"], "inquiry"),
    (["reminder", "interview"], "reminder"),
])
async def test_skipping_or_going_back_is_409(client, done, asked):
    for level in done:
        assert (await create_escalation(client, level)).status_code == 201
    response = await create_escalation(client, asked)
    assert (response.status_code, response.json()["code"]) == (409, "escalation_out_of_order")
    history = (await client.get(f"/supervision/escalations?deliverable={POSTDOCS}", headers=admin())).json()
    assert history["total"] == len(done)


async def test_the_overdue_list_shows_the_current_level(client):
    await create_escalation(client, "reminder")
    await create_escalation(client, "interview")
    item = next(i for i in (await overdue(client, f"as_of=2019-08-02&agency={HRSS}"))["items"]
                if i["deliverable_code"] == POSTDOCS and i["period"] == "2019-Q1")
    assert item["escalation"] == {"step": 2, "level": "interview", "level_name": "约谈",
                                  "escalated_at": "2019-08-01T04:00:00Z"}
    assert item["next_level"] == "inquiry"
    before = next(i for i in (await overdue(client, f"as_of=2019-07-31&agency={HRSS}"))["items"]
                  if i["deliverable_code"] == POSTDOCS and i["period"] == "2019-Q1")
    assert before["escalation"] is None


async def test_escalations_are_recorded_with_who_when_and_why(client):
    await create_escalation(client, "reminder", note="第一次提醒")
    await create_escalation(client, "interview", note="约谈主要负责人")
    history = (await client.get(f"/supervision/escalations?deliverable={POSTDOCS}&period=2019-Q1",
                                headers=admin())).json()
    assert [(e["step"], e["level"], e["note"], e["actor"]) for e in history["items"]] == [
        (2, "interview", "约谈主要负责人", "admin:root"), (1, "reminder", "第一次提醒", "admin:root")]
    audit = (await client.get("/audit?entity_type=escalation", headers=admin())).json()["items"]
    assert [(e["action"], e["actor"], e["after"]["level"]) for e in audit] == [
        ("escalation.create", "admin:root", "interview"), ("escalation.create", "admin:root", "reminder")]
    own = await client.get("/supervision/escalations", headers=reviewer(HRSS))
    assert own.json()["total"] == 2


async def test_only_administrators_escalate(client):
    for headers, status, code in ((reviewer(HRSS), 403, "role_not_allowed"),
                                  (agency_key(HRSS), 403, "role_not_allowed"),
                                  (identity_headers(role="applicant", subject="a"), 403, "role_not_allowed")):
        response = await create_escalation(client, "reminder", headers=headers)
        assert (response.status_code, response.json()["code"]) == (status, code)
    anonymous = await client.post("/supervision/escalations", json={})
    assert anonymous.status_code == 401
    assert (await client.get("/supervision/escalations", headers=admin())).json()["total"] == 0


async def test_what_cannot_be_escalated(client, frozen_clock):
    on_time = await create_escalation(client, "reminder", period="2019-Q2")  # due 2019-07-15, nothing filed: overdue
    assert on_time.status_code == 201
    frozen_clock.move_to(datetime(2019, 7, 10, 4, tzinfo=UTC))
    not_yet = await create_escalation(client, "reminder", period="2019-Q3")
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "not_overdue")
    cases = [
        ({"deliverable": "no-such-deliverable"}, 404, "deliverable_not_found"),
        ({"agency": "no-such-agency"}, 404, "agency_not_found"),
        ({"agency": "prov-education-dept"}, 422, "not_a_reporting_agency"),
        ({"deliverable": "t11-academician-workstations", "agency": "prov-science-tech-dept"}, 422,
         "not_a_reporting_agency"),
        ({"period": "2021-Q1"}, 422, "period_not_scheduled"),
        ({"period": "2019-Q9"}, 422, "validation_failed"),
        ({"level": "warning"}, 422, "validation_failed"),
        ({"note": ""}, 422, "validation_failed"),
    ]
    for fields, status, code in cases:
        response = await create_escalation(client, fields.pop("level", "reminder"), **fields)
        assert (response.status_code, response.json()["code"]) == (status, code), fields


async def test_a_report_filed_on_time_is_not_overdue(client, frozen_clock):
    frozen_clock.move_to(datetime(2019, 4, 10, 4, tzinfo=UTC))
    assert (await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q1", 10, "人")).status_code == 201
    frozen_clock.move_to(datetime(2019, 8, 1, 4, tzinfo=UTC))
    response = await create_escalation(client, "reminder", period="2019-Q1")
    assert (response.status_code, response.json()["code"]) == (409, "not_overdue")


async def test_a_retried_escalation_with_its_key_escalates_once(client):
    headers = {**admin(), "Idempotency-Key": "esc-2019-q1"}
    first = await create_escalation(client, "reminder", headers=headers)
    again = await create_escalation(client, "reminder", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert ("idempotent-replay" in first.headers, again.headers["idempotent-replay"]) == (False, "true")
    other = await create_escalation(client, "interview", headers=headers)
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert (await client.get("/supervision/escalations", headers=admin())).json()["total"] == 1
