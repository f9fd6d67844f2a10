"""Releasing an award: the unmatched rest of a matching award, or what a departed grantee was not paid, goes back
to the budget (to the treasury once the budget's year is closed), once, and the award is done."""

import pytest
from sqlalchemy import select

from funding.models import AuditLog
from funding_factories import create_committed_award, create_program_budget, create_rules
from funding_testkit import admin, agency_key, applications_service, caller, reviewer, verify_ledger

YEAR = 2020
MATCHING = "t04-national-project-matching"
REASON = "国家资助结束 / national funding ended"


@pytest.fixture
async def funded(client):
    await create_rules(client)
    for program, amount in (("t01-young-top", 120_000_000), (MATCHING, 5_000_000)):
        await create_program_budget(client, program, YEAR, amount)


async def _committed(client, approval: str, **fields) -> dict:  # noqa: ANN001, ANN003
    return await create_committed_award(client, approval, fields.pop("program_code", "t01-young-top"), YEAR,
                                        grantee_name="李四", **fields)


async def _figures(client, program: str) -> dict:  # noqa: ANN001
    response = await client.get(f"/budgets/{program}/{YEAR}", headers=admin())
    assert response.status_code == 200, response.text
    return response.json()["figures"]


async def _release(client, award: str, reason: str = REASON, **extra):  # noqa: ANN001, ANN003, ANN202
    return await client.post(f"/awards/{award}/release", json={"reason": reason}, headers={**admin(), **extra})


async def _ledger_is_sound(client) -> None:  # noqa: ANN001
    trial = (await client.get("/ledger/trial-balance", headers=admin())).json()
    assert (trial["balanced"], trial["net"]) == (True, 0)
    report = await verify_ledger(client)
    assert report["ok"], report["problems"]


async def test_a_matching_award_gives_its_unmatched_rest_back_once(client, funded):
    await _committed(client, "m1", program_code=MATCHING, amount_fen=1_000_000)
    matched = await client.post("/awards/m1/matches", json={"event_id": "n1", "base_amount_fen": 300_000},
                                headers=admin())
    assert (matched.status_code, matched.json()["matched_fen"]) == (201, 300_000)
    assert await _figures(client, MATCHING) == {"appropriated": 5_000_000, "reserved": 0, "committed": 1_000_000,
                                                "disbursed": 300_000, "available": 4_000_000, "awards": 1}

    released = await _release(client, "m1")
    assert released.status_code == 201, released.text
    body = released.json()
    assert (body["released_fen"], body["returned_to"]) == (700_000, f"budget:{MATCHING}:{YEAR}")
    assert (body["transfer"]["id"], body["transfer"]["code"], body["transfer"]["amount"]) == (
        "award-release:m1", "award_release", 700_000)
    assert body["transfer"]["metadata"] == {"reason": REASON, "returned_to": "budget"}
    award = (await client.get("/awards/m1", headers=admin())).json()
    assert {k: award[k] for k in ("status", "committed_fen", "paid_fen", "remaining_fen", "released_fen",
                                  "release_id")} == {
        "status": "released", "committed_fen": 300_000, "paid_fen": 300_000, "remaining_fen": 0,
        "released_fen": 700_000, "release_id": "award-release:m1"}
    assert await _figures(client, MATCHING) == {"appropriated": 5_000_000, "reserved": 0, "committed": 300_000,
                                                "disbursed": 300_000, "available": 4_700_000, "awards": 1}
    budget = (await client.get("/accounts", params={"kind": "budget", "program_code": MATCHING},
                               headers=admin())).json()["items"][0]
    assert (budget["balance"]["posted"], budget["balance"]["available"]) == (4_700_000, 4_700_000)
    program = next(row for row in (await client.get("/reports/programs", params={"fiscal_year": YEAR})).json()["rows"]
                   if row["program_code"] == MATCHING)
    assert (program["committed"], program["disbursed"], program["available"]) == (300_000, 300_000, 4_700_000)

    replay = await _release(client, "m1")
    assert (replay.status_code, replay.headers["idempotent-replay"]) == (201, "true")
    assert (replay.json()["transfer"]["id"], replay.json()["released_fen"]) == ("award-release:m1", 700_000)
    other_reason = await _release(client, "m1", reason="another reason")
    assert (other_reason.status_code, other_reason.json()["code"], other_reason.json()["differing_fields"]) == (
        409, "transfer_id_reused", ["reason"])
    second = await _release(client, "m1", **{"Idempotency-Key": "release-m1-again"})
    assert (second.status_code, second.json()["code"], second.json()["award_status"]) == (409, "award_not_committed",
                                                                                         "released")
    assert second.json()["messages"]["zh-CN"].startswith("资助 m1 的未拨付余额已退回")
    late = await client.post("/awards/m1/matches", json={"event_id": "n2", "base_amount_fen": 1}, headers=admin())
    assert (late.status_code, late.json()["code"]) == (409, "award_not_committed")
    # A retry of a match made before the release still gets its stored outcome.
    retried = await client.post("/awards/m1/matches", json={"event_id": "n1", "base_amount_fen": 300_000},
                                headers=admin())
    assert (retried.status_code, retried.headers["idempotent-replay"], retried.json()["matched_fen"]) == (
        201, "true", 300_000)
    assert (await _figures(client, MATCHING))["available"] == 4_700_000

    async with client._transport.app.state.database.sessionmaker() as session:
        audit = list((await session.scalars(select(AuditLog).where(AuditLog.entity_id == "m1"))).all())
    assert [(a.action, a.before["status"], a.after["released_fen"], a.after["reason"]) for a in audit] == [
        ("award.release", "committed", 700_000, REASON)]
    await _ledger_is_sound(client)


async def test_an_ordinary_award_gives_back_exactly_the_unpaid_installments(client, funded):
    await _committed(client, "o1", amount_fen=10_000_001, installments=[50, 30, 20])
    first = await client.post("/awards/o1/disbursements", json={"installment": 1}, headers=admin())
    assert (first.status_code, first.json()["transfer"]["amount"]) == (201, 5_000_000)

    released = await _release(client, "o1", reason="受资助人调离 / the grantee left")
    assert released.status_code == 201, released.text
    assert released.json()["released_fen"] == 5_000_001
    award = released.json()["award"]
    assert (award["status"], award["paid_fen"], award["released_fen"], award["committed_fen"]) == (
        "released", 5_000_000, 5_000_001, 5_000_000)
    assert award["paid_fen"] + award["released_fen"] == award["amount_fen"]
    assert [i["paid"] for i in award["installments"]] == [True, False, False]
    assert await _figures(client, "t01-young-top") == {
        "appropriated": 120_000_000, "reserved": 0, "committed": 5_000_000, "disbursed": 5_000_000,
        "available": 115_000_000, "awards": 1}

    late = await client.post("/awards/o1/disbursements", json={"installment": 2}, headers=admin())
    assert (late.status_code, late.json()["code"], late.json()["award_status"]) == (409, "award_not_committed", "released")
    retried = await client.post("/awards/o1/disbursements", json={"installment": 1}, headers=admin())
    assert (retried.status_code, retried.headers["idempotent-replay"]) == (201, "true")
    listed = (await client.get("/reports/awards", params={"program_code": "t01-young-top"}, headers=admin())).json()
    assert [(r["status"], r["committed"], r["disbursed"], r["remaining"]) for r in listed["rows"]] == [
        ("released", 5_000_000, 5_000_000, 0)]
    await _ledger_is_sound(client)


async def test_an_award_with_nothing_left_or_not_committed_is_not_released(client, funded):
    await _committed(client, "p1", amount_fen=1_000, installments=[60, 40])
    for n in (1, 2):
        assert (await client.post("/awards/p1/disbursements", json={"installment": n}, headers=admin())
                ).status_code == 201
    paid = await _release(client, "p1")
    assert (paid.status_code, paid.json()["code"], paid.json()["paid_fen"]) == (409, "nothing_to_release", 1_000)
    assert "没有可退回" in paid.json()["messages"]["zh-CN"]
    assert (await client.get("/awards/p1", headers=admin())).json()["status"] == "committed"

    body = {"approval_id": "p2", "program_code": "t01-young-top", "fiscal_year": YEAR, "amount_fen": 1_000}
    assert (await client.post("/reservations", json=body, headers=applications_service())).status_code == 201
    reserved = await _release(client, "p2")
    assert (reserved.status_code, reserved.json()["code"], reserved.json()["award_status"]) == (
        409, "award_not_committed", "reserved")
    assert (await client.post("/reservations/p2/void", headers=applications_service())).status_code == 201
    voided = await _release(client, "p2")
    assert (voided.status_code, voided.json()["award_status"]) == (409, "voided")
    # Refusals write nothing: the same id works once there is something to release.
    assert (await client.get("/transfers/award-release:p1", headers=admin())).status_code == 404
    assert (await _figures(client, "t01-young-top"))["available"] == 120_000_000 - 1_000
    await _ledger_is_sound(client)


async def test_after_the_year_is_closed_the_rest_goes_back_to_the_treasury(client, funded):
    await _committed(client, "c1", amount_fen=10_000_000, installments=[50, 50])
    assert (await client.post("/awards/c1/disbursements", json={"installment": 1}, headers=admin())).status_code == 201
    treasury_before = (await client.get("/accounts", params={"kind": "treasury"}, headers=admin())).json()["items"]
    [province] = [a for a in treasury_before if a["code"] == "treasury:province"]
    assert (await client.post(f"/fiscal-years/{YEAR}/close", headers=admin())).status_code == 200

    released = await _release(client, "c1")
    assert released.status_code == 201, released.text
    assert (released.json()["released_fen"], released.json()["returned_to"]) == (5_000_000, "treasury:province")
    assert released.json()["transfer"]["metadata"]["returned_to"] == "treasury"
    # The closed budget's balance does not move; its figures show the rest lapsed to the treasury.
    assert await _figures(client, "t01-young-top") == {
        "appropriated": 115_000_000, "reserved": 0, "committed": 5_000_000, "disbursed": 5_000_000,
        "available": 110_000_000, "awards": 1}
    budget = (await client.get("/accounts", params={"kind": "budget", "program_code": "t01-young-top"},
                               headers=admin())).json()["items"][0]
    assert budget["balance"]["posted"] == 110_000_000
    after = (await client.get(f"/accounts/{province['id']}", headers=admin())).json()["balance"]
    assert after["posted"] == province["balance"]["posted"] - 5_000_000
    assert (await client.get("/awards/c1", headers=admin())).json()["status"] == "released"
    await _ledger_is_sound(client)


async def test_bad_release_requests(client, funded):
    await _committed(client, "b1", amount_fen=1_000)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": "a\x00b"},
                 {"reason": "ok", "amount_fen": 5}, {"reason": "ok", "id": "bad id"}):
        response = await client.post("/awards/b1/release", json=body, headers=admin())
        assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json"), body
    missing = await _release(client, "no-such-award")
    assert (missing.status_code, missing.json()["code"]) == (404, "award_not_found")
    long_key = await _release(client, "b1", **{"Idempotency-Key": "k" * 201})
    assert (long_key.status_code, long_key.json()["code"]) == (422, "invalid_idempotency_key")
    assert (await client.post("/awards/b1/release", json={"reason": REASON})).status_code == 401
    for someone in (reviewer("prov-org-dept"), agency_key("prov-org-dept"), caller("applicant"),
                    applications_service()):
        refused = await client.post("/awards/b1/release", json={"reason": REASON}, headers=someone)
        assert refused.status_code == 403, someone
    assert (await client.get("/awards/b1", headers=admin())).json()["status"] == "committed"
    assert (await _release(client, "b1")).status_code == 201
