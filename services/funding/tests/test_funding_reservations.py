"""The approval saga's money side (DESIGN §3): reservations keyed by the approval id, posting them into awards,
voiding, expiry, reconciliation, installments and matching."""

import pytest

from funding_factories import create_program_budget, create_rules, reservation_body
from funding_testkit import admin, applications_service, caller, reviewer, verify_ledger

YEAR = 2020


@pytest.fixture
async def funded(client):
    await create_rules(client)
    for program, amount in (("t01-young-top", 120_000_000), ("t03-team", 1_000_000_000),
                            ("t04-national-project-matching", 5_000_000)):
        await create_program_budget(client, program, YEAR, amount)


def _reservation(approval: str, **fields) -> dict:  # noqa: ANN003
    return reservation_body(approval, fields.pop("program_code", "t01-young-top"), fields.pop("fiscal_year", YEAR),
                            application_id=f"app-{approval}", grantee_name="张三", city_code="city-shenyang",
                            **fields)


async def _reserve(client, approval: str, **fields):  # noqa: ANN001, ANN003, ANN202
    return await client.post("/reservations", json=_reservation(approval, **fields), headers=applications_service())


async def test_reserve_post_and_replays(client, funded):
    created = await _reserve(client, "a1")
    assert created.status_code == 201, created.text
    award = created.json()["award"]
    assert (award["status"], award["amount_fen"], award["reservation_id"]) == ("reserved", 50_000_000, "reserve:a1")
    assert created.json()["transfer"]["status"] == "pending"
    replay = await _reserve(client, "a1")
    assert (replay.status_code, replay.headers["idempotent-replay"]) == (201, "true")
    changed = await _reserve(client, "a1", amount_fen=40_000_000)
    assert (changed.status_code, changed.json()["code"], changed.json()["differing_fields"]) == (
        409, "transfer_id_reused", ["amount_fen"])
    posted = await client.post("/reservations/a1/post", headers=applications_service())
    assert posted.status_code == 201
    assert (posted.json()["award"]["status"], posted.json()["award"]["committed_fen"]) == ("committed", 50_000_000)
    again = await client.post("/reservations/a1/post", headers=applications_service())
    assert (again.status_code, again.headers["idempotent-replay"]) == (201, "true")
    void = await client.post("/reservations/a1/void", headers=applications_service())
    assert (void.status_code, void.json()["code"]) == (409, "pending_already_resolved")
    budget = (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]
    assert budget == {"appropriated": 120_000_000, "reserved": 0, "committed": 50_000_000, "disbursed": 0,
                      "available": 70_000_000, "awards": 1}
    read = (await client.get("/reservations/a1", headers=applications_service())).json()
    assert read["transfer"]["resolved_by"] == "commit:a1"


async def test_budget_short_is_a_clear_409_with_headroom(client, funded):
    for approval in ("s1", "s2"):
        assert (await _reserve(client, approval)).status_code == 201
    short = await _reserve(client, "s3")
    assert short.status_code == 409
    problem = short.json()
    assert (problem["code"], problem["headroom_fen"], problem["amount_fen"]) == ("budget_insufficient", 20_000_000,
                                                                              50_000_000)
    assert "200,000.00" in problem["messages"]["zh-CN"] and problem["reservation"]["award"]["status"] == "rejected"
    # Releasing one reservation makes room for a new approval (a new decision, a new id).
    assert (await client.post("/reservations/s1/void", headers=applications_service())).status_code == 201
    assert (await _reserve(client, "s4")).status_code == 201
    assert (await _reserve(client, "s3")).json()["code"] == (
        "budget_insufficient")


async def test_amounts_come_from_the_rule_and_never_exceed_it(client, funded):
    team = await _reserve(client, "t1", program_code="t03-team", inputs={"tier": "tier-2", "extra_members": 9})
    assert team.json()["award"]["amount_fen"] == 400_000_000
    assert team.json()["award"]["computation"]["breakdown"]["extra_capped_fen"] == 100_000_000
    lower = await _reserve(client, "t2", amount_fen=10_000_000)
    assert lower.json()["award"]["amount_fen"] == 10_000_000
    over = await _reserve(client, "t3", amount_fen=50_000_001)
    assert (over.status_code, over.json()["code"]) == (422, "amount_exceeds_rule")
    unknown = await _reserve(client, "t4", program_code="no-such-rule")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "referenced_rule_not_found")
    no_budget = await _reserve(client, "t5", fiscal_year=2031)
    assert (no_budget.status_code, no_budget.json()["code"]) == (422, "budget_not_appropriated")
    bad_split = await _reserve(client, "t6", installments=[50, 40])
    assert bad_split.status_code == 422
    assert (await client.get("/reservations/t5", headers=applications_service())).status_code == 404


async def test_an_expired_reservation_cannot_be_posted(client, funded, frozen_clock):
    assert (await _reserve(client, "e1", timeout_seconds=3600)).status_code == 201
    frozen_clock.advance(hours=2)
    assert (await client.get("/awards/e1", headers=admin())).json()["status"] == "expired"
    post = await client.post("/reservations/e1/post", headers=applications_service())
    assert (post.status_code, post.json()["code"]) == (409, "pending_expired")
    assert (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]["reserved"] == 0


async def test_reconcile_settles_what_the_saga_left_half_way(client, funded):
    for approval in ("r1", "r2", "r3"):
        assert (await _reserve(client, approval, amount_fen=1_000_000)).status_code == 201
    assert (await client.post("/reservations/r3/post", headers=applications_service())).status_code == 201
    result = await client.post("/reconcile", json={"approved": ["app-r1"], "not_approved": ["r2", "r3", "zz"]},
                               headers=applications_service())
    lines = {line["id"]: (line["action"], line["status"]) for line in result.json()["lines"]}
    assert lines == {"app-r1": ("posted", "posted"), "r2": ("voided", "voided"), "r3": ("reversed", "posted"),
                     "zz": ("not_found", None)}
    statuses = {a["id"]: a["status"] for a in (await client.get("/awards", headers=admin())).json()["items"]}
    assert (statuses["r1"], statuses["r2"], statuses["r3"]) == ("committed", "voided", "reversed")
    assert (await client.get("/awards/r3", headers=admin())).json()["committed_fen"] == 0
    again = await client.post("/reconcile", json={"approved": ["app-r1"], "not_approved": ["r2"]},
                              headers=applications_service())
    assert {line["action"] for line in again.json()["lines"]} == {"unchanged"}


async def test_installments_are_paid_once_each_and_add_up_to_the_award(client, funded):
    assert (await _reserve(client, "i1", amount_fen=10_000_001, installments=[50, 30, 20])).status_code == 201
    early = await client.post("/awards/i1/disbursements", json={"installment": 1}, headers=admin())
    assert (early.status_code, early.json()["code"]) == (409, "award_not_committed")
    await client.post("/reservations/i1/post", headers=applications_service())
    amounts = []
    for n in (1, 2, 3):
        paid = await client.post("/awards/i1/disbursements", json={"installment": n}, headers=admin())
        assert paid.status_code == 201, paid.text
        amounts.append(paid.json()["transfer"]["amount"])
    assert amounts == [5_000_000, 3_000_000, 2_000_001] and sum(amounts) == 10_000_001
    replay = await client.post("/awards/i1/disbursements", json={"installment": 2}, headers=admin())
    assert (replay.status_code, replay.headers["idempotent-replay"]) == (201, "true")
    other_id = await client.post("/awards/i1/disbursements", json={"installment": 2, "id": "pay-again"},
                                 headers=admin())
    assert (other_id.status_code, other_id.json()["code"]) == (409, "installment_already_paid")
    fourth = await client.post("/awards/i1/disbursements", json={"installment": 4}, headers=admin())
    assert (fourth.status_code, fourth.json()["code"]) == (422, "installment_out_of_range")
    award = (await client.get("/awards/i1", headers=admin())).json()
    assert (award["paid_fen"], award["remaining_fen"]) == (10_000_001, 0)
    assert (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]["disbursed"] == (
        10_000_001)


async def test_matching_pays_the_ratio_up_to_the_cap(client, funded):
    assert (await _reserve(client, "m1", program_code="t04-national-project-matching", amount_fen=1_000_000)
            ).status_code == 201
    await client.post("/reservations/m1/post", headers=applications_service())
    first = await client.post("/awards/m1/matches", json={"event_id": "n1", "base_amount_fen": 700_001},
                              headers=admin())
    assert (first.status_code, first.json()["matched_fen"]) == (201, 700_001)
    capped = await client.post("/awards/m1/matches", json={"event_id": "n2", "base_amount_fen": 700_000},
                               headers=admin())
    assert capped.json()["matched_fen"] == 299_999
    full = await client.post("/awards/m1/matches", json={"event_id": "n3", "base_amount_fen": 1}, headers=admin())
    assert (full.status_code, full.json()["code"]) == (409, "match_cap_reached")
    replay = await client.post("/awards/m1/matches", json={"event_id": "n2", "base_amount_fen": 700_000},
                               headers=admin())
    assert (replay.status_code, replay.headers["idempotent-replay"], replay.json()["matched_fen"]) == (
        201, "true", 299_999)
    no_cap = await _reserve(client, "m2", program_code="t04-national-project-matching")
    assert (no_cap.status_code, no_cap.json()["code"]) == (422, "rule_input_invalid")
    not_matching = await client.post("/awards/m1/disbursements", json={"installment": 1}, headers=admin())
    assert (not_matching.status_code, not_matching.json()["code"]) == (422, "matching_award_paid_by_matches")


async def test_only_the_applications_service_and_admins_reserve(client, funded):
    body = _reservation("x1")
    assert (await client.post("/reservations", json=body)).status_code == 401
    other_service = await client.post("/reservations", json=body, headers=caller("service", "agencies"))
    assert (other_service.status_code, other_service.json()["code"]) == (403, "service_not_allowed")
    assert (await client.post("/reservations", json=body, headers=reviewer("prov-org-dept"))).status_code == 403
    assert (await client.post("/reservations", json=body, headers=admin())).status_code == 201


async def test_award_lists_respect_the_agency(client, funded):
    await _reserve(client, "l1")
    await _reserve(client, "l2", program_code="t04-national-project-matching",
                                                         amount_fen=100)
    org = reviewer("prov-org-dept")
    listed = (await client.get("/awards", headers=org)).json()
    assert [a["id"] for a in listed["items"]] == ["l1"]
    assert (await client.get("/awards/l2", headers=org)).status_code == 403
    assert (await client.get("/awards", params={"program_code": "t04-national-project-matching"},
                             headers=admin())).json()["total"] == 1
    # Paged by key (created_at, id): every award once, newest first.
    first = (await client.get("/awards", params={"size": 1}, headers=admin())).json()
    second = (await client.get("/awards", params={"size": 1, "after": first["next"]}, headers=admin())).json()
    assert [a["id"] for a in first["items"] + second["items"]] == ["l2", "l1"] and second["next"] is None


async def test_a_batch_reserves_each_approval_on_its_own_and_replays_by_approval_id(client, funded):
    # 120 万 of budget, 50 万 each: two fit, the third is short; a repeated id in the batch is its replay.
    body = {"reservations": [_reservation(a) for a in ("b1", "b2", "b3")] + [_reservation("b1")]}
    first = await client.post("/reservations/batch", json=body, headers=applications_service())
    assert first.status_code == 200, first.text
    items = first.json()["items"]
    assert [(i["approval_id"], i["status"], i["replay"]) for i in items] == [
        ("b1", 201, False), ("b2", 201, False), ("b3", 409, False), ("b1", 201, True)]
    assert [i["reservation"]["award"]["status"] for i in (items[0], items[1], items[3])] == ["reserved"] * 3
    short = items[2]["problem"]
    assert (short["code"], short["headroom_fen"], short["amount_fen"]) == ("budget_insufficient", 20_000_000,
                                                                          50_000_000)
    # The whole batch again: every approval gets what its id holds, nothing is reserved twice.
    again = (await client.post("/reservations/batch", json=body, headers=applications_service())).json()["items"]
    assert [(i["approval_id"], i["status"], i["replay"]) for i in again] == [
        ("b1", 201, True), ("b2", 201, True), ("b3", 409, False), ("b1", 201, True)]
    assert again[2]["problem"]["code"] == "budget_insufficient"
    # The same id with another amount is refused for that approval only.
    changed = (await client.post("/reservations/batch", headers=applications_service(), json={
        "reservations": [_reservation("b1", amount_fen=40_000_000), _reservation("b4", amount_fen=10_000_000)]}))
    assert [(i["status"], (i["problem"] or {}).get("code")) for i in changed.json()["items"]] == [
        (409, "transfer_id_reused"), (201, None)]
    budget = (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]
    assert (budget["reserved"], budget["committed"]) == (110_000_000, 0)
    # Posting in a batch: each commits once; an unknown approval is its own 404.
    posted = await client.post("/reservations/batch/post", headers=applications_service(),
                               json={"approval_ids": ["b1", "b2", "nope", "b1"]})
    assert [(i["status"], i["replay"], (i["problem"] or {}).get("code")) for i in posted.json()["items"]] == [
        (201, False, None), (201, False, None), (404, False, "award_not_found"), (201, True, None)]
    assert posted.json()["items"][0]["reservation"]["award"]["status"] == "committed"
    budget = (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]
    assert (budget["reserved"], budget["committed"], budget["awards"]) == (10_000_000, 100_000_000, 2)


async def test_a_batch_that_fits_whole_is_posted_together_and_answered_as_one_by_one(client, funded):
    # Nothing in the way (no id used before, money enough): the batch takes the path that posts it together.
    body = {"reservations": [_reservation(a) for a in ("w1", "w2")]}
    items = (await client.post("/reservations/batch", json=body, headers=applications_service())).json()["items"]
    assert [(i["approval_id"], i["status"], i["replay"]) for i in items] == [("w1", 201, False), ("w2", 201, False)]
    for item, approval in zip(items, ("w1", "w2"), strict=True):
        read = item["reservation"]
        assert (read["award"]["status"], read["award"]["amount_fen"], read["award"]["reservation_id"],
                read["transfer"]["status"]) == ("reserved", 50_000_000, f"reserve:{approval}", "pending")
        assert read["award"]["application_id"] == f"app-{approval}"
        # Each is what the single endpoint now answers for it.
        assert (await client.get(f"/reservations/{approval}", headers=applications_service())).json() == read
    again = (await client.post("/reservations/batch", json=body, headers=applications_service())).json()["items"]
    assert [(i["status"], i["replay"]) for i in again] == [(201, True), (201, True)]

    posted = (await client.post("/reservations/batch/post", headers=applications_service(),
                                json={"approval_ids": ["w1", "w2"]})).json()["items"]
    assert [(i["status"], i["replay"], i["reservation"]["award"]["status"]) for i in posted] == [
        (201, False, "committed"), (201, False, "committed")]
    assert [i["reservation"]["transfer"]["id"] for i in posted] == ["commit:w1", "commit:w2"]
    reposted = (await client.post("/reservations/batch/post", headers=applications_service(),
                                  json={"approval_ids": ["w1", "w2"]})).json()["items"]
    assert [(i["status"], i["replay"]) for i in reposted] == [(201, True), (201, True)]
    budget = (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]
    assert (budget["reserved"], budget["committed"], budget["awards"]) == (0, 100_000_000, 2)
    assert (await verify_ledger(client))["ok"]


async def test_a_batch_short_of_money_stores_the_refusal_of_the_one_that_does_not_fit_only(client, funded):
    # 120 万, 50 万 each, no repeated id: posting all three together is refused, and nothing of that attempt
    # stays; each then gets its own outcome.
    body = {"reservations": [_reservation(a) for a in ("s1", "s2", "s3")]}
    items = (await client.post("/reservations/batch", json=body, headers=applications_service())).json()["items"]
    assert [(i["status"], (i["problem"] or {}).get("code")) for i in items] == [
        (201, None), (201, None), (409, "budget_insufficient")]
    assert (await _reserve(client, "s3")).json()["code"] == "budget_insufficient"  # the stored refusal
    budget = (await client.get(f"/budgets/t01-young-top/{YEAR}", headers=admin())).json()["figures"]
    assert budget["reserved"] == 100_000_000
    # A batch post with a voided reservation in it: the others commit, that one is refused on its own.
    assert (await client.post("/reservations/s2/void", headers=applications_service())).status_code == 201
    posted = (await client.post("/reservations/batch/post", headers=applications_service(),
                                json={"approval_ids": ["s1", "s2"]})).json()["items"]
    assert [(i["status"], (i["problem"] or {}).get("code")) for i in posted] == [(201, None), (409, "pending_already_resolved")]
    assert (await verify_ledger(client))["ok"]


async def test_only_the_applications_service_and_admins_reserve_in_batches(client, funded):
    body = {"reservations": [_reservation("x1")]}
    assert (await client.post("/reservations/batch", json=body, headers=reviewer("prov-org-dept"))).status_code == 403
    assert (await client.post("/reservations/batch/post", json={"approval_ids": ["x1"]})).status_code == 401
