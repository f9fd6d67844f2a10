"""A plan's period: while it runs it is judged today; once it has ended, at its end date (the final result, 完成 /
未完成), supervision counts lateness up to that day and escalates nothing more. Readers may choose another day
within the period (`as_of`)."""

from datetime import UTC, datetime

import pytest

from agencies_factories import (
    EXAMPLE,
    EXAMPLE_PLAN,
    HRSS,
    PLAN,
    POSTDOCS,
    admin,
    agency_key,
    applications_service,
    approval_body,
    create_accepted_report,
    create_approval,
    create_escalation,
    create_plan,
    create_report,
)
from planfile import load_plan_file

CADRES = "t24-leading-cadres"  # 千名领导干部: 1000 名, reported by 省委组织部
EXPERTS = "t24-experts-served"  # 联系服务千名专家: 1000 名
WORKSTATIONS = "t11-academician-workstations"  # 100 家, derived from the approvals of t11-academician-workstation
DURING_THE_PLAN = datetime(2020, 7, 10, 4, tzinfo=UTC)
YEARS_AFTER = datetime(2026, 11, 29, 4, tzinfo=UTC)


async def progress(client, deliverable: str, query: str = "") -> dict:
    response = await client.get(f"/deliverables/{deliverable}?{query}")
    assert response.status_code == 200, response.text
    return response.json()["progress"]


async def cadres_reported(client) -> None:
    """省委组织部 reports 1500 leading cadres for 2020-Q2, accepted: the target of 1000 is met."""
    await create_accepted_report(client, "prov-org-dept", "2020-Q2", 1500, deliverable=CADRES, unit="名",
                                 lead="prov-org-dept")


# --- judged at the end once the plan has ended -----------------------------------------------------------


async def test_an_ended_plan_is_judged_at_its_end_date_with_its_final_result(client, frozen_clock):
    frozen_clock.move_to(DURING_THE_PLAN)
    await cadres_reported(client)
    running = await progress(client, CADRES)
    assert (running["as_of"], running["final"], running["result"]) == ("2020-07-10", False, None)

    frozen_clock.move_to(YEARS_AFTER)
    assert await progress(client, CADRES) == {
        "source": "reported", "value": 1500.0, "percent": 150.0, "expected_value": 1000.0, "status": "green",
        "parts_value": None, "as_of": "2020-12-31", "final": True, "result": "achieved"}
    missed = await progress(client, EXPERTS)
    assert (missed["value"], missed["as_of"], missed["final"], missed["result"]) == (0.0, "2020-12-31", True,
                                                                                  "not_achieved")
    task = (await client.get(f"/tasks/{PLAN}/24")).json()
    assert (task["as_of"], task["final"], task["progress_percent"]) == ("2020-12-31", True, 50.0)
    assert [d["progress"]["result"] for d in task["deliverables"]] == ["achieved", "not_achieved"]
    deliverable = (await client.get(f"/deliverables/{CADRES}")).json()
    assert (deliverable["as_of"], deliverable["final"]) == ("2020-12-31", True)
    listed = (await client.get(f"/tasks?plan={PLAN}&q=千名领导干部")).json()["items"]
    assert [(t["number"], t["as_of"], t["final"], t["progress_percent"]) for t in listed] == [
        (24, "2020-12-31", True, 50.0)]
    plan = (await client.get(f"/plans/{PLAN}")).json()
    assert (plan["as_of"], plan["final"]) == ("2020-12-31", True)
    agency = (await client.get("/agencies/prov-org-dept")).json()
    assert agency["judged"] == [{"plan_code": PLAN, "as_of": "2020-12-31", "final": True}]
    assert {(t["as_of"], t["final"]) for t in agency["leads"]} == {("2020-12-31", True)}
    matrix = (await client.get(f"/matrix?plan={PLAN}")).json()
    assert (matrix["as_of"], matrix["final"], matrix["rows"][23]["progress_percent"]) == ("2020-12-31", True, 50.0)


async def test_the_last_day_of_the_period_still_belongs_to_the_running_plan(client, frozen_clock):
    frozen_clock.move_to(datetime(2020, 12, 31, 4, tzinfo=UTC))
    last_day = await progress(client, EXPERTS)
    assert (last_day["as_of"], last_day["final"], last_day["result"]) == ("2020-12-31", False, None)
    frozen_clock.move_to(datetime(2020, 12, 31, 16, tzinfo=UTC))  # midnight in China: the plan has ended
    ended = await progress(client, EXPERTS)
    assert (ended["as_of"], ended["final"], ended["result"]) == ("2020-12-31", True, "not_achieved")


async def test_approvals_count_towards_the_final_result_only_if_they_stood_at_the_end(client, frozen_clock):
    program = "t11-academician-workstation"
    frozen_clock.move_to(DURING_THE_PLAN)
    for n in (1, 2, 3):
        assert (await create_approval(client, approval_body(f"apv-{n}", program, f"app-{n}"))).status_code == 201
    frozen_clock.move_to(YEARS_AFTER)
    revoked = await client.post("/internal/approvals/apv-3/revoke", headers=applications_service())
    assert revoked.status_code == 200  # revoked after the end: it stood at the end
    assert (await create_approval(client, approval_body("apv-4", program, "app-4"))).status_code == 201
    final = await progress(client, WORKSTATIONS)
    assert (final["value"], final["as_of"], final["result"]) == (3.0, "2020-12-31", "not_achieved")
    assert (await progress(client, WORKSTATIONS, "as_of=2020-07-09"))["value"] == 0.0


# --- as_of: another day within the period -------------------------------------------------------------


async def test_a_reader_may_judge_at_another_day_within_the_period(client, frozen_clock):
    frozen_clock.move_to(DURING_THE_PLAN)
    await cadres_reported(client)  # on 2020-Q2, which began on 2020-04-01
    frozen_clock.move_to(YEARS_AFTER)
    before = await progress(client, CADRES, "as_of=2020-03-31")
    assert (before["value"], before["as_of"], before["final"], before["result"]) == (0.0, "2020-03-31", False, None)
    assert before["expected_value"] == round(1000 * 820 / 1095, 2)  # 820 of the plan's 1095 days
    on = await progress(client, CADRES, "as_of=2020-04-01")
    assert (on["value"], on["status"]) == (1500.0, "green")
    end = await progress(client, CADRES, "as_of=2020-12-31")
    assert (end["final"], end["result"]) == (True, "achieved")
    task = (await client.get(f"/tasks/{PLAN}/24?as_of=2020-03-31")).json()
    assert (task["as_of"], task["final"], task["progress_percent"]) == ("2020-03-31", False, 0.0)


@pytest.mark.parametrize("path", [f"/deliverables/{CADRES}", f"/tasks/{PLAN}/24", f"/plans/{PLAN}",
                                  f"/matrix?plan={PLAN}", "/agencies/prov-org-dept", f"/tasks?plan={PLAN}"])
@pytest.mark.parametrize("day", ["2017-12-31", "2021-01-01"])
async def test_a_day_outside_the_period_is_refused(client, path, day):
    separator = "&" if "?" in path else "?"
    response = await client.get(f"{path}{separator}as_of={day}")
    assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json")
    body = response.json()
    assert (body["code"], body["plan"], body["period_start"], body["period_end"]) == (
        "as_of_outside_plan", PLAN, "2018-01-01", "2020-12-31")
    assert body["messages"] == {
        "zh-CN": f"评判日期 {day} 不在计划 {PLAN} 的实施期（2018-01-01 至 2020-12-31）内。",
        "en": f"as_of {day} lies outside the period of plan {PLAN} (2018-01-01 to 2020-12-31)."}
    assert body["errors"] == [{"field": "query.as_of", "message": "must lie within 2018-01-01 to 2020-12-31",
                               "type": "as_of_outside_plan"}]
    assert (await client.get(f"{path}{separator}as_of=not-a-day")).json()["code"] == "validation_failed"


# --- an active plan is judged today --------------------------------------------------------------------


async def test_an_active_plan_is_judged_today_beside_an_ended_one(client, app, frozen_clock):
    await create_plan(app, load_plan_file(EXAMPLE))  # the fictional plan runs 2031–2032
    frozen_clock.move_to(datetime(2031, 6, 1, 4, tzinfo=UTC))
    assert (await create_approval(client, approval_body("apv-ex-1", "t01-young-talent-grant", city=None))
            ).status_code == 201
    young = (await client.get("/deliverables/t01-young-talent")).json()
    assert (young["as_of"], young["final"]) == ("2031-06-01", False)
    assert {k: young["progress"][k] for k in ("value", "as_of", "final", "result")} == {
        "value": 1.0, "as_of": "2031-06-01", "final": False, "result": None}
    plans = {p["code"]: (p["as_of"], p["final"]) for p in (await client.get("/plans")).json()["items"]}
    assert plans == {PLAN: ("2020-12-31", True), EXAMPLE_PLAN: ("2031-06-01", False)}
    tasks = {(t["plan_code"], t["as_of"], t["final"]) for t in (await client.get("/tasks?size=100")).json()["items"]}
    assert tasks == {(PLAN, "2020-12-31", True), (EXAMPLE_PLAN, "2031-06-01", False)}
    youth_league = (await client.get("/agencies/prov-youth-league")).json()
    assert youth_league["judged"] == [{"plan_code": PLAN, "as_of": "2020-12-31", "final": True},
                                      {"plan_code": EXAMPLE_PLAN, "as_of": "2031-06-01", "final": False}]
    # One day cannot judge both plans: name one.
    both = await client.get("/tasks?as_of=2019-06-30")
    assert (both.status_code, both.json()["plan"]) == (422, EXAMPLE_PLAN)
    assert (await client.get(f"/tasks?plan={PLAN}&as_of=2019-06-30")).status_code == 200
    assert (await client.get("/agencies/prov-youth-league?as_of=2019-06-30")).status_code == 422


# --- supervision ------------------------------------------------------------------------------------------


async def test_an_ended_plan_counts_lateness_at_its_end_and_escalates_no_more(client, frozen_clock):
    frozen_clock.move_to(DURING_THE_PLAN)
    assert (await create_escalation(client, "reminder")).status_code == 201
    frozen_clock.move_to(YEARS_AFTER)
    response = await client.get(f"/supervision/overdue?agency={HRSS}&size=100", headers=admin())
    body = response.json()
    assert (body["as_of"], body["final"], body["judged"]) == (
        "2020-12-31", True, [{"plan_code": PLAN, "as_of": "2020-12-31", "final": True}])
    # 16 deliverables × the 11 quarters due by the plan's end; the first was due on 2018-04-15.
    assert body["total"] == 16 * 11
    assert max(i["days_overdue"] for i in body["items"]) == 991
    postdocs_q1 = next(i for i in body["items"] if (i["deliverable_code"], i["period"]) == (POSTDOCS, "2019-Q1"))
    assert (postdocs_q1["state"], postdocs_q1["days_overdue"], postdocs_q1["escalation"]["level"]) == (
        "missing", 626, "reminder")
    refused = await create_escalation(client, "interview")
    assert (refused.status_code, refused.json()["code"]) == (409, "plan_ended")
    assert refused.json()["messages"]["en"] == (
        "The plan has ended: it is judged by its final result and is no longer escalated.")
    assert (await client.get("/supervision/escalations", headers=admin())).json()["total"] == 1


async def test_reports_back_filled_after_the_end_state_the_day_they_were_made(client, frozen_clock):
    frozen_clock.move_to(YEARS_AFTER)
    on_time = await create_report(client, POSTDOCS, agency_key(HRSS), "2018-Q4", 5200, "人", reported_on="2019-01-10")
    assert on_time.status_code == 201, on_time.text
    assert (on_time.json()["reported_on"], on_time.json()["submitted_at"]) == ("2019-01-10", "2026-11-29T04:00:00Z")
    late = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q1", 6000, "人", reported_on="2019-05-02")
    assert late.status_code == 201, late.text
    undated = await create_report(client, POSTDOCS, agency_key(HRSS), "2019-Q2", 7000, "人")
    assert undated.json()["reported_on"] == "2026-11-29"
    items = (await client.get(f"/supervision/overdue?agency={HRSS}&size=100", headers=admin())).json()["items"]
    postdocs = {i["period"]: (i["state"], i["days_overdue"], i["reported_on"]) for i in items
                if i["deliverable_code"] == POSTDOCS}
    assert "2018-Q4" not in postdocs  # reported on time
    assert postdocs["2019-Q1"] == ("late", 17, "2019-05-02")
    assert postdocs["2019-Q2"] == ("missing", 535, None)  # not reported by the plan's end


@pytest.mark.parametrize(("now", "reported_on", "code"), [
    (DURING_THE_PLAN, "2019-01-10", "reported_on_while_plan_runs"),
    (YEARS_AFTER, "2018-09-30", "reported_on_out_of_range"),
    (YEARS_AFTER, "2026-11-30", "reported_on_out_of_range"),
])
async def test_a_stated_reporting_day_is_only_for_an_ended_plan_and_within_reason(client, frozen_clock, now,
                                                                                  reported_on, code):
    frozen_clock.move_to(now)
    response = await create_report(client, POSTDOCS, agency_key(HRSS), "2018-Q4", 5200, "人", reported_on=reported_on)
    assert (response.status_code, response.json()["code"]) == (422, code)
