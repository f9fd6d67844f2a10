"""Budgets per program and fiscal year: appropriation from the plan, set and adjust (audited), year-end close,
and who may read them."""

import pytest
from sqlalchemy import select

from funding.models import AuditLog
from funding_factories import create_rules
from funding_testkit import admin, applications_service, caller, reviewer

YEAR = 2019


@pytest.fixture
async def rules(client):
    await create_rules(client)


async def _audit(client, entity_id: str) -> list[AuditLog]:  # noqa: ANN001
    async with client._transport.app.state.database.sessionmaker() as session:
        rows = await session.scalars(select(AuditLog).where(AuditLog.entity_id == entity_id).order_by(AuditLog.id))
        return list(rows.all())


async def test_import_appropriates_the_years_share_of_quota_times_amount_once(client, rules):
    result = (await client.post("/budgets/import", json={"fiscal_year": YEAR}, headers=admin())).json()
    lines = {line["program_code"]: line for line in result["lines"]}
    # 10 places over 2018–2020: 3, 3, 4; 2019 is the second year.
    assert lines["t01-outstanding"] == {"program_code": "t01-outstanding", "amount_fen": 3 * 300_000_000,
                                        "places": 3, "plan_quota": 10, "outcome": "appropriated",
                                        "transfer_id": f"appropriation:liaoning-2018-2020:t01-outstanding:{YEAR}"}
    assert (lines["t01-young-top"]["places"], lines["t01-young-top"]["amount_fen"]) == (167, 167 * 50_000_000)
    assert {"t03-team", "t11-academician-workstation", "t07-national-training-base"} <= set(result["skipped"])
    why = {skip["program_code"]: skip for skip in result["not_imported"]}
    assert [s["program_code"] for s in result["not_imported"]] == result["skipped"]
    assert (why["t03-team"]["reason"], why["t11-academician-workstation"]["reason"],
            why["t07-national-training-base"]["reason"], why["t05-housing-subsidy"]["reason"]) == (
        "amount_varies", "no_amount", "payer_unspecified", "city_pays")
    assert why["t02-academician"]["reason"] == "no_quota"
    assert f"PUT /budgets/t03-team/{YEAR}" in why["t03-team"]["messages"]["en"]
    assert "管理员设定预算" in why["t03-team"]["messages"]["zh-CN"]
    assert not {"t01-outstanding", "t01-young-top"} & set(why)
    again = (await client.post("/budgets/import", json={"fiscal_year": YEAR}, headers=admin())).json()
    assert {line["outcome"] for line in again["lines"]} == {"already_appropriated"}
    budget = (await client.get(f"/budgets/t01-outstanding/{YEAR}", headers=admin())).json()
    assert budget["figures"] == {"appropriated": 900_000_000, "reserved": 0, "committed": 0, "disbursed": 0,
                                 "available": 900_000_000, "awards": 0}
    audit = await _audit(client, f"budget:t01-outstanding:{YEAR}")
    assert [(a.action, a.after["appropriated"]) for a in audit] == [("budget.import", 900_000_000)]


async def test_importing_every_year_of_the_period_appropriates_the_plan_total_once(client, rules):
    results = [(await client.post("/budgets/import", json={"fiscal_year": year}, headers=admin())).json()
               for year in (2018, 2019, 2020, 2020)]
    places = {}
    for result in results[:3]:
        for line in result["lines"]:
            places[line["program_code"]] = places.get(line["program_code"], 0) + line["places"]
            assert line["amount_fen"] == line["places"] * (line["amount_fen"] // max(line["places"], 1))
    assert places["t01-outstanding"] == 10 and places["t01-young-top"] == 500
    assert {line["outcome"] for line in results[3]["lines"]} == {"already_appropriated"}
    budgets = (await client.get("/budgets", params={"program_code": "t01-outstanding"}, headers=admin())).json()
    assert sorted((b["fiscal_year"], b["figures"]["appropriated"]) for b in budgets) == [
        (2018, 900_000_000), (2019, 900_000_000), (2020, 1_200_000_000)]
    assert sum(b["figures"]["appropriated"] for b in budgets) == 10 * 300_000_000

    outside = await client.post("/budgets/import", json={"fiscal_year": 2021}, headers=admin())
    assert (outside.status_code, outside.json()["code"], outside.json()["period"]) == (
        422, "fiscal_year_outside_plan", [2018, 2020])


async def test_set_moves_the_difference_and_is_audited(client, rules):
    path = f"/budgets/t03-team/{YEAR}"
    first = await client.put(path, json={"amount_fen": 500_000_000, "reason": "首批"},
                             headers={**admin(), "Idempotency-Key": "set-1"})
    assert first.status_code == 200, first.text
    assert (first.json()["changed"], first.json()["transfer"]["amount"]) == (True, 500_000_000)
    replay = await client.put(path, json={"amount_fen": 500_000_000, "reason": "首批"},
                              headers={**admin(), "Idempotency-Key": "set-1"})
    assert (replay.status_code, replay.headers["idempotent-replay"], replay.json()["changed"]) == (200, "true", False)
    reused = await client.put(path, json={"amount_fen": 1}, headers={**admin(), "Idempotency-Key": "set-1"})
    assert (reused.status_code, reused.json()["differing_fields"]) == (409, ["amount_fen", "reason"])
    lower = await client.put(path, json={"amount_fen": 200_000_000, "id": "set-2"}, headers=admin())
    assert lower.json()["transfer"]["amount"] == 300_000_000
    assert lower.json()["budget"]["figures"]["appropriated"] == 200_000_000
    same = await client.put(path, json={"amount_fen": 200_000_000, "id": "set-3"}, headers=admin())
    assert (same.json()["changed"], same.json()["transfer"]) == (False, None)
    audit = await _audit(client, f"budget:t03-team:{YEAR}")
    assert [(a.actor, a.before, a.after["appropriated"]) for a in audit] == [
        ("admin:tester", {"appropriated": 0}, 500_000_000), ("admin:tester", {"appropriated": 500_000_000}, 200_000_000)]
    assert audit[0].after["reason"] == "首批"


async def test_a_budget_cannot_be_lowered_below_what_it_holds_for_awards(client, rules):
    await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 100_000_000, "id": "s1"}, headers=admin())
    reserve = {"approval_id": "ap-low", "program_code": "t01-young-top", "fiscal_year": YEAR}
    assert (await client.post("/reservations", json=reserve, headers=applications_service())).status_code == 201
    too_low = await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 40_000_000, "id": "s2"},
                               headers=admin())
    assert (too_low.status_code, too_low.json()["code"], too_low.json()["headroom_fen"]) == (
        409, "budget_insufficient", 50_000_000)
    ok = await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 50_000_000, "id": "s3"},
                          headers=admin())
    assert ok.json()["budget"]["figures"] | {} == {"appropriated": 50_000_000, "reserved": 50_000_000,
                                                   "committed": 0, "disbursed": 0, "available": 0, "awards": 0}


async def test_adjustments_are_signed_transfers(client, rules):
    path = f"/budgets/t02-leading/{YEAR}/adjustments"
    up = await client.post(path, json={"id": "adj-1", "amount_fen": 700}, headers=admin())
    assert (up.status_code, up.json()["budget"]["figures"]["appropriated"]) == (201, 700)
    down = await client.post(path, json={"id": "adj-2", "amount_fen": -200}, headers=admin())
    assert down.json()["budget"]["figures"]["appropriated"] == 500
    too_far = await client.post(path, json={"id": "adj-3", "amount_fen": -501}, headers=admin())
    assert (too_far.status_code, too_far.json()["code"]) == (409, "budget_insufficient")
    zero = await client.post(path, json={"id": "adj-4", "amount_fen": 0}, headers=admin())
    assert zero.status_code == 422
    floaty = await client.post(path, json={"id": "adj-5", "amount_fen": 1.5}, headers=admin())
    assert floaty.status_code == 422


async def test_rules_the_cities_pay_have_a_budget_per_city(client, rules):
    missing_city = await client.put(f"/budgets/t05-local-living-subsidy/{YEAR}", json={"amount_fen": 100, "id": "c0"},
                                    headers=admin())
    assert (missing_city.status_code, missing_city.json()["code"]) == (422, "city_required")
    ok = await client.put(f"/budgets/t05-local-living-subsidy/{YEAR}",
                          json={"amount_fen": 100, "city_code": "city-dalian", "id": "c1"}, headers=admin())
    assert ok.json()["budget"]["account_code"] == f"budget:t05-local-living-subsidy:{YEAR}:city-dalian"
    read = await client.get(f"/budgets/t05-local-living-subsidy/{YEAR}", params={"city_code": "city-dalian"},
                            headers=admin())
    assert read.json()["city_code"] == "city-dalian"


async def test_closing_the_year_stops_reservations_but_not_releases(client, rules):
    await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 200_000_000, "id": "y1"}, headers=admin())
    body = {"approval_id": "ap-close", "program_code": "t01-young-top", "fiscal_year": YEAR}
    assert (await client.post("/reservations", json=body, headers=applications_service())).status_code == 201
    closed = await client.post(f"/fiscal-years/{YEAR}/close", headers=admin())
    assert f"budget:t01-young-top:{YEAR}" in closed.json()["closed"]
    late = await client.post("/reservations", json={**body, "approval_id": "ap-late"}, headers=applications_service())
    assert (late.status_code, late.json()["code"]) == (409, "account_closed")
    assert (await client.post("/reservations/ap-close/void", headers=applications_service())).status_code == 201
    assert (await _audit(client, f"budget:t01-young-top:{YEAR}"))[-1].action == "budget.close"


async def test_agency_staff_read_only_their_programs(client, rules):
    await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 1, "id": "r1"}, headers=admin())
    await client.put(f"/budgets/t04-foreign-expert/{YEAR}", json={"amount_fen": 1, "id": "r2"}, headers=admin())
    org = reviewer("prov-org-dept")
    assert (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=org)).status_code == 200
    refused = await client.get(f"/budgets/t04-foreign-expert/{YEAR}", headers=org)
    assert (refused.status_code, refused.json()["code"]) == (403, "program_not_yours")
    listed = (await client.get("/budgets", params={"fiscal_year": YEAR}, headers=org)).json()
    assert [b["program_code"] for b in listed] == ["t01-young-top"]
    assert (await client.get("/budgets")).status_code == 401
    assert (await client.get("/budgets", headers=caller("applicant"))).status_code == 403
    assert (await client.put(f"/budgets/t01-young-top/{YEAR}", json={"amount_fen": 5}, headers=org)).status_code == 403
