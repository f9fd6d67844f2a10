"""The ledger through its HTTP API: accounts, transfers, idempotency, validation, two-phase transfers, linked
batches, reversals, closed accounts, balances now and as of a past moment, history, trial balance, access."""

from datetime import timedelta

import pytest

from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import (
    UNSTORABLE_METADATA,
    admin,
    caller,
    post_raw_transfer,
    post_transfer,
    read_balance,
    reviewer,
    verify_ledger,
)


@pytest.fixture
async def ledger(client):
    """A treasury, a budget holding 1000 fen, and a commitment with ceiling 600."""
    treasury = await create_treasury(client)
    budget = await create_budget(client, treasury, 1000)
    commitment = await create_account(client, kind="commitment", floor=0, ceiling=600)
    return treasury, budget, commitment


async def test_a_transfer_moves_money_and_the_ledger_sums_to_zero(client, ledger):
    treasury, budget, commitment = ledger
    response = await post_transfer(client, "t-1", budget, commitment, 250, code="commitment")
    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["status"], body["effective_amount"], body["amount"]) == ("posted", "posted", 250, 250)
    assert "idempotent-replay" not in response.headers
    assert (await read_balance(client, budget))["posted"] == 750
    assert (await read_balance(client, commitment))["posted"] == 250
    assert (await read_balance(client, treasury))["posted"] == 1000  # a debit-normal source: what it has sent out
    trial = (await client.get("/ledger/trial-balance", headers=admin())).json()
    assert trial["balanced"] is True and trial["net"] == 0
    assert (await verify_ledger(client))["ok"] is True


async def test_same_id_same_fields_returns_the_original_with_replay_header(client, ledger):
    _, budget, commitment = ledger
    first = await post_transfer(client, "t-2", budget, commitment, 100)
    again = await post_transfer(client, "t-2", budget, commitment, 100)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replay"] == "true"
    assert again.json() == first.json()
    assert (await read_balance(client, budget))["posted"] == 900


async def test_same_id_other_fields_is_409_naming_the_fields(client, ledger):
    _, budget, commitment = ledger
    assert (await post_transfer(client, "t-3", budget, commitment, 100)).status_code == 201
    response = await post_transfer(client, "t-3", budget, commitment, 101, code="other")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "transfer_id_reused"
    assert problem["differing_fields"] == ["amount", "code"]
    assert "amount" in problem["messages"]["en"] and "amount" in problem["messages"]["zh-CN"]
    assert (await read_balance(client, budget))["posted"] == 900


@pytest.mark.parametrize("amount", [1.0, 0.5, 100.25, 0, -1, "100", True, None, 9_000_000_000_000_001, 10**30, [1]])
async def test_bad_amounts_are_422_and_write_nothing(client, ledger, amount):
    _, budget, commitment = ledger
    response = await post_transfer(client, "t-bad", budget, commitment, amount)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert problem["errors"][0]["field"] == "body.amount"
    assert "金额" in problem["errors"][0]["message"] or "缺少" in problem["errors"][0]["message"]
    # Nothing was written: the id is still free.
    assert (await post_transfer(client, "t-bad", budget, commitment, 10)).status_code == 201


async def test_english_messages_on_request(client, ledger):
    _, budget, commitment = ledger
    response = await client.post("/transfers", json={"id": "x", "debit_account_id": budget,
                                                      "credit_account_id": commitment, "amount": 1.5},
                                 headers={**admin(), "Accept-Language": "en"})
    assert "whole number of fen" in response.json()["errors"][0]["message"]


async def test_unknown_accounts_wrong_currency_and_same_account_are_422(client, ledger):
    _, budget, commitment = ledger
    unknown = await post_transfer(client, "t-u", budget, 987654321, 10)
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["account"]) == (
        422, "referenced_account_not_found", 987654321)
    currency = await post_transfer(client, "t-u", budget, commitment, 10, currency="USD")
    assert (currency.status_code, currency.json()["code"]) == (422, "currency_mismatch")
    same = await post_transfer(client, "t-u", budget, budget, 10)
    assert (same.status_code, same.json()["code"]) == (422, "same_account")
    usd = await create_account(client, currency="USD")
    mixed = await post_transfer(client, "t-u", budget, usd, 10)
    assert (mixed.status_code, mixed.json()["code"]) == (422, "currency_mismatch")
    assert (await client.get("/transfers/t-u", headers=admin())).status_code == 404


async def test_an_idempotency_key_replays_postings_and_refusals_and_names_a_changed_body(client, ledger):
    _, budget, commitment = ledger
    body = {"id": "k-1", "debit_account_id": budget, "credit_account_id": commitment, "amount": 100}
    keyed = {**admin(), "Idempotency-Key": "retry-k-1"}
    first = await client.post("/transfers", json=body, headers=keyed)
    again = await client.post("/transfers", json=body, headers=keyed)
    assert (first.status_code, again.status_code, again.headers["idempotent-replay"]) == (201, 201, "true")
    assert again.json() == first.json() and "idempotent-replay" not in first.headers
    reused = await client.post("/transfers", json={**body, "amount": 101}, headers=keyed)
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")
    assert [e["field"] for e in reused.json()["errors"]] == ["body.amount"]
    # A refusal the ledger stores under the id keeps no answer under the key: the retry gets the id's 409 again.
    short = {**body, "id": "k-2", "amount": 10_000}
    refused = await client.post("/transfers", json=short, headers={**admin(), "Idempotency-Key": "retry-k-2"})
    retried = await client.post("/transfers", json=short, headers={**admin(), "Idempotency-Key": "retry-k-2"})
    assert [(r.status_code, r.json()["code"]) for r in (refused, retried)] == [(409, "budget_insufficient")] * 2
    assert retried.headers["idempotent-replay"] == "true"
    assert (await read_balance(client, budget))["posted"] == 900


async def test_budget_short_is_a_stored_rejection_with_headroom(client, ledger):
    _, budget, commitment = ledger
    await post_transfer(client, "t-4", budget, commitment, 500)
    other = await create_account(client, kind="commitment", floor=0)
    response = await post_transfer(client, "t-5", budget, other, 501)
    assert response.status_code == 409
    problem = response.json()
    assert (problem["code"], problem["headroom_fen"], problem["amount_fen"]) == ("budget_insufficient", 500, 501)
    assert problem["transfer"]["outcome"] == "rejected"
    assert "5.00" in problem["messages"]["zh-CN"]
    replay = await post_transfer(client, "t-5", budget, other, 501)
    assert replay.status_code == 409 and replay.headers["idempotent-replay"] == "true"
    assert replay.json()["code"] == "budget_insufficient"
    # The rejection is the id's answer for good, even once the money is there.
    await post_transfer(client, "t-6", (await create_treasury(client)), budget, 10)
    assert (await post_transfer(client, "t-5", budget, other, 501)).json()["code"] == "budget_insufficient"


async def test_ceiling_is_enforced_counting_incoming_pending(client, ledger):
    _, budget, commitment = ledger
    assert (await post_transfer(client, "p-1", budget, commitment, 400, pending=True)).status_code == 201
    over = await post_transfer(client, "t-7", budget, commitment, 201)
    assert (over.status_code, over.json()["code"], over.json()["headroom_fen"]) == (409, "award_cap_exceeded", 200)
    assert (await post_transfer(client, "t-8", budget, commitment, 200)).status_code == 201


async def test_pending_reserves_then_posts_once(client, ledger):
    _, budget, commitment = ledger
    response = await post_transfer(client, "p-2", budget, commitment, 300, pending=True, timeout_seconds=600)
    assert response.json()["status"] == "pending"
    assert (await read_balance(client, budget)) | {"as_of": None} == {
        "debits_posted": 0, "credits_posted": 1000, "debits_pending": 300, "credits_pending": 0, "posted": 1000,
        "pending_in": 0, "pending_out": 300, "available": 700, "as_of": None}
    posted = await client.post("/transfers/p-2/post", json={}, headers=admin())
    assert posted.status_code == 201
    assert (posted.json()["kind"], posted.json()["pending_id"], posted.json()["effective_amount"]) == ("post", "p-2", 300)
    again = await client.post("/transfers/p-2/post", json={}, headers=admin())
    assert (again.status_code, again.headers["idempotent-replay"]) == (201, "true")
    void = await client.post("/transfers/p-2/void", json={}, headers=admin())
    assert (void.status_code, void.json()["code"]) == (409, "pending_already_resolved")
    read = (await client.get("/transfers/p-2", headers=admin())).json()
    assert (read["status"], read["resolved_by"]) == ("posted", "post:p-2")
    assert (await read_balance(client, budget))["available"] == 700
    assert (await read_balance(client, commitment))["posted"] == 300


async def test_a_timeout_needs_a_pending_transfer(client, ledger):
    _, budget, commitment = ledger
    response = await post_transfer(client, "t-timeout", budget, commitment, 10, timeout_seconds=60)
    assert response.status_code == 422
    assert "pending" in response.json()["errors"][0]["message"]


async def test_partial_post_releases_the_rest(client, ledger):
    _, budget, commitment = ledger
    await post_transfer(client, "p-3", budget, commitment, 300, pending=True)
    too_much = await client.post("/transfers/p-3/post", json={"amount": 301}, headers=admin())
    assert (too_much.status_code, too_much.json()["code"]) == (422, "post_amount_exceeds_pending")
    posted = await client.post("/transfers/p-3/post", json={"amount": 120, "id": "p-3-post"}, headers=admin())
    assert posted.status_code == 201 and posted.json()["effective_amount"] == 120
    assert (await read_balance(client, budget))["available"] == 880


async def test_an_id_that_holds_an_outcome_answers_before_the_target_is_checked(client, ledger):
    """Idempotency first (as in TigerBeetle): a reused id gets its replay or a 409 naming the differing fields,
    whatever the target's state now, never a 422 about the target."""
    _, budget, commitment = ledger
    await post_transfer(client, "p-9", budget, commitment, 300, pending=True)
    assert (await client.post("/transfers/p-9/post", json={}, headers=admin())).status_code == 201
    more = await client.post("/transfers/p-9/post", json={"amount": 301}, headers=admin())  # id post:p-9 is taken
    assert (more.status_code, more.json()["code"], more.json()["differing_fields"]) == (409, "transfer_id_reused",
                                                                                       ["amount"])
    assert (await post_transfer(client, "t-9", budget, commitment, 5)).status_code == 201
    void = await client.post("/transfers/p-9/void", json={"id": "t-9"}, headers=admin())  # p-9 is resolved already
    assert (void.status_code, void.json()["code"]) == (409, "transfer_id_reused")
    reverse = await client.post("/transfers/post:p-9/reverse", json={"id": "t-9"}, headers=admin())
    assert (reverse.status_code, reverse.json()["code"]) == (409, "transfer_id_reused")
    of_nothing = await client.post("/transfers/nope/reverse", json={"id": "t-9"}, headers=admin())
    assert (of_nothing.status_code, of_nothing.json()["code"]) == (409, "transfer_id_reused")
    replay = await client.post("/transfers/t-9/reverse", json={}, headers=admin())
    assert replay.status_code == 201
    again = await client.post("/transfers/t-9/reverse", json={}, headers=admin())
    assert (again.status_code, again.headers["idempotent-replay"]) == (201, "true")
    assert (await read_balance(client, budget))["posted"] == 700
    assert (await verify_ledger(client))["ok"] is True


async def test_void_releases_and_a_post_after_it_is_refused(client, ledger):
    _, budget, commitment = ledger
    await post_transfer(client, "p-4", budget, commitment, 300, pending=True)
    assert (await client.post("/transfers/p-4/void", json={}, headers=admin())).status_code == 201
    assert (await read_balance(client, budget))["available"] == 1000
    post = await client.post("/transfers/p-4/post", json={}, headers=admin())
    assert (post.status_code, post.json()["code"]) == (409, "pending_already_resolved")
    not_pending = await client.post("/transfers/void:p-4/void", json={}, headers=admin())
    assert (not_pending.status_code, not_pending.json()["code"]) == (422, "not_pending")
    missing = await client.post("/transfers/nope/post", json={}, headers=admin())
    assert (missing.status_code, missing.json()["code"]) == (422, "referenced_transfer_not_found")
    unknown = await client.get("/transfers/nope", headers=admin())
    assert (unknown.status_code, unknown.json()["code"]) == (404, "transfer_not_found")


async def test_expired_pending_releases_on_read_on_post_and_by_the_sweep(client, ledger, frozen_clock):
    _, budget, commitment = ledger
    await post_transfer(client, "p-5", budget, commitment, 300, pending=True, timeout_seconds=60)
    await post_transfer(client, "p-6", budget, commitment, 200, pending=True, timeout_seconds=60)
    frozen_clock.advance(seconds=61)
    # A read already treats them as released …
    assert (await read_balance(client, budget))["available"] == 1000
    assert (await client.get("/transfers/p-5", headers=admin())).json()["status"] == "expired"
    # … a post attempt expires it and is refused …
    post = await client.post("/transfers/p-5/post", json={}, headers=admin())
    assert (post.status_code, post.json()["code"]) == (409, "pending_expired")
    assert (await client.get("/transfers/expire:p-5", headers=admin())).json()["outcome"] == "expired"
    # … and the sweep gets the rest.
    swept = await client.post("/transfers/expire", headers=admin())
    assert swept.json() == {"expired": ["p-6"]}
    assert (await client.post("/transfers/expire", headers=admin())).json() == {"expired": []}
    assert (await read_balance(client, budget))["debits_pending"] == 0
    assert (await verify_ledger(client))["ok"]


async def test_a_short_posting_first_releases_overdue_pendings(client, ledger, frozen_clock):
    _, budget, commitment = ledger
    other = await create_account(client, kind="commitment", floor=0)
    await post_transfer(client, "p-7", budget, commitment, 600, pending=True, timeout_seconds=60)
    frozen_clock.advance(seconds=61)
    response = await post_transfer(client, "t-9", budget, other, 1000)
    assert response.status_code == 201, response.text
    assert (await client.get("/transfers/expire:p-7", headers=admin())).json()["outcome"] == "expired"


async def test_linked_batch_is_all_or_nothing(client, ledger):
    treasury, budget, commitment = ledger
    batch = {"transfers": [
        {"id": "b-1", "debit_account_id": treasury, "credit_account_id": budget, "amount": 100},
        {"id": "b-2", "debit_account_id": budget, "credit_account_id": commitment, "amount": 700},
    ]}
    response = await client.post("/transfers/batch", json=batch, headers=admin())
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "award_cap_exceeded"
    assert [t["rejection"]["code"] for t in problem["transfers"]] == ["linked_transfer_failed", "award_cap_exceeded"]
    assert (await read_balance(client, budget))["posted"] == 1000
    replay = await client.post("/transfers/batch", json=batch, headers=admin())
    assert replay.status_code == 409 and replay.headers["idempotent-replay"] == "true"
    good = {"transfers": [
        {"id": "b-3", "debit_account_id": treasury, "credit_account_id": budget, "amount": 100},
        {"id": "b-4", "debit_account_id": budget, "credit_account_id": commitment, "amount": 600},
    ]}
    assert (await client.post("/transfers/batch", json=good, headers=admin())).status_code == 201
    assert (await read_balance(client, budget))["posted"] == 500
    partial = {"transfers": [good["transfers"][0], {**good["transfers"][1], "id": "b-5"}]}
    mixed = await client.post("/transfers/batch", json=partial, headers=admin())
    assert (mixed.status_code, mixed.json()["code"]) == (409, "batch_partially_exists")
    dup = await client.post("/transfers/batch", json={"transfers": [good["transfers"][0]] * 2}, headers=admin())
    assert dup.status_code == 422


async def test_a_batch_drawing_one_budget_is_refused_at_the_transfer_that_overdraws_it(client, ledger):
    # Several transfers out of one budget move it once, by their sum; a sum it cannot take is found out transfer
    # by transfer, so the refusal names the one that overdraws it and how much was left for it.
    _, budget, _ = ledger
    sinks = [await create_account(client, kind="commitment", floor=0) for _ in range(3)]
    over = {"transfers": [{"id": f"sum-{i}", "debit_account_id": budget, "credit_account_id": sink, "amount": 400}
                          for i, sink in enumerate(sinks)]}
    refused = await client.post("/transfers/batch", json=over, headers=admin())
    assert refused.status_code == 409, refused.text
    rejections = [t["rejection"] for t in refused.json()["transfers"]]
    assert [r["code"] for r in rejections] == ["linked_transfer_failed", "linked_transfer_failed",
                                               "budget_insufficient"]
    assert (rejections[2]["account_id"], rejections[2]["headroom"]) == (budget, 200)
    assert (await read_balance(client, budget))["posted"] == 1000

    fits = {"transfers": [{**t, "id": f"fits-{i}"} for i, t in enumerate(over["transfers"][:2])]}
    assert (await client.post("/transfers/batch", json=fits, headers=admin())).status_code == 201
    assert (await read_balance(client, budget))["posted"] == 200
    assert [(await read_balance(client, sink))["posted"] for sink in sinks] == [400, 400, 0]
    assert (await verify_ledger(client))["ok"]


async def test_reversal_happens_at_most_once_and_respects_floors(client, ledger):
    _, budget, commitment = ledger
    await post_transfer(client, "t-10", budget, commitment, 400)
    first = await client.post("/transfers/t-10/reverse", json={"reason": "typo"}, headers=admin())
    assert first.status_code == 201
    assert (first.json()["reverses"], first.json()["debit_account_id"]) == ("t-10", commitment)
    again = await client.post("/transfers/t-10/reverse", json={"reason": "typo"}, headers=admin())
    assert (again.status_code, again.headers["idempotent-replay"]) == (201, "true")
    second = await client.post("/transfers/t-10/reverse", json={"id": "again"}, headers=admin())
    assert (second.status_code, second.json()["code"]) == (409, "already_reversed")
    assert (await client.get("/transfers/t-10", headers=admin())).json()["reversed_by"] == "reverse:t-10"
    assert (await read_balance(client, budget))["posted"] == 1000
    of_reversal = await client.post("/transfers/reverse:t-10/reverse", json={}, headers=admin())
    assert (of_reversal.status_code, of_reversal.json()["code"]) == (422, "cannot_reverse")
    # The transfer's status is an extension member of its own, never a shadow of the problem's `status`.
    assert (of_reversal.json()["status"], of_reversal.json()["transfer_status"]) == (422, "reversal")
    assert not [name for name in of_reversal.json() if name.endswith("_value")]
    # Reversing an appropriation the budget has already committed would take it below zero: refused.
    treasury = await create_treasury(client)
    await post_transfer(client, "fund-x", treasury, budget, 100)
    sink = await create_account(client)
    assert (await post_transfer(client, "t-11", budget, sink, 1050)).status_code == 201
    refused = await client.post("/transfers/fund-x/reverse", json={}, headers=admin())
    assert (refused.status_code, refused.json()["code"], refused.json()["headroom_fen"]) == (409, "budget_insufficient", 50)


async def test_closed_account_refuses_postings_but_not_voids(client, ledger):
    _, budget, commitment = ledger
    await post_transfer(client, "p-8", budget, commitment, 100, pending=True)
    closed = await client.post(f"/accounts/{budget}/close", headers=admin())
    assert closed.json()["closed_at"] is not None
    refused = await post_transfer(client, "t-12", budget, commitment, 1)
    assert (refused.status_code, refused.json()["code"]) == (409, "account_closed")
    assert (await client.post("/transfers/p-8/void", json={}, headers=admin())).status_code == 201


async def test_balance_as_of_a_past_moment_and_history(client, ledger, frozen_clock):
    _, budget, commitment = ledger
    frozen_clock.advance(seconds=5)
    start = frozen_clock()
    for i in range(3):
        frozen_clock.move_to(start + timedelta(seconds=10 * i))
        await post_transfer(client, f"h-{i}", budget, commitment, 100)
    middle = (start + timedelta(seconds=15)).isoformat()
    assert (await read_balance(client, budget, as_of=middle))["posted"] == 800
    assert (await read_balance(client, budget, as_of=(start - timedelta(seconds=1)).isoformat()))["posted"] == 1000
    assert (await read_balance(client, budget))["posted"] == 700
    trial = (await client.get("/ledger/trial-balance", params={"as_of": middle}, headers=admin())).json()
    assert trial["balanced"]
    page = (await client.get(f"/accounts/{budget}/transfers", params={"size": 2}, headers=admin())).json()
    assert page["total"] == 4 and [m["transfer"]["id"] for m in page["items"]] == ["h-2", "h-1"]
    assert page["items"][0]["posted_change"] == -100
    second = (await client.get(f"/accounts/{budget}/transfers", params={"size": 2, "page": 2}, headers=admin())).json()
    assert [m["transfer"]["id"] for m in second["items"]][0] == "h-0"
    listed = (await client.get("/transfers", params={"account_id": commitment}, headers=admin())).json()
    assert listed["total"] == 3

    # By key: the page after `next`, however deep, without counting or skipping.
    by_key = (await client.get(f"/accounts/{budget}/transfers", params={"size": 2, "after": page["next"]},
                               headers=admin())).json()
    assert [m["transfer"]["id"] for m in by_key["items"]] == [m["transfer"]["id"] for m in second["items"]]
    assert by_key["total"] is None and by_key["next"] is None
    await post_transfer(client, "h-3", budget, commitment, 100)  # a new one does not shift the pages by key
    again = (await client.get(f"/accounts/{budget}/transfers", params={"size": 2, "after": page["next"]},
                              headers=admin())).json()
    assert again["items"] == by_key["items"]
    newest = (await client.get("/transfers", params={"size": 1, "account_id": commitment}, headers=admin())).json()
    rest = (await client.get("/transfers", params={"size": 5, "account_id": commitment, "after": newest["next"]},
                             headers=admin())).json()
    assert [t["id"] for t in newest["items"] + rest["items"]] == ["h-3", "h-2", "h-1", "h-0"]
    bad = await client.get("/transfers", params={"after": "bm9wZQ"}, headers=admin())
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


async def test_accounts_are_idempotent_by_code(client):
    first = await client.post("/accounts", json={"code": "acct-same", "kind": "budget", "floor": 0}, headers=admin())
    again = await client.post("/accounts", json={"code": "acct-same", "kind": "budget", "floor": 0}, headers=admin())
    other = await client.post("/accounts", json={"code": "acct-same", "kind": "budget"}, headers=admin())
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert again.headers["idempotent-replay"] == "true" and again.json()["id"] == first.json()["id"]
    assert other.json()["differing_fields"] == ["floor"]
    bad = await client.post("/accounts", json={"code": "acct-bad", "floor": 5}, headers=admin())
    assert bad.status_code == 422
    missing = await client.get("/accounts/999999", headers=admin())
    assert (missing.status_code, missing.json()["code"], missing.json()["account"]) == (
        404, "account_not_found", 999999)


async def test_only_admins_use_the_ledger(client, ledger):
    _, budget, commitment = ledger
    anonymous = await client.post("/transfers", json={"id": "a", "debit_account_id": budget,
                                                      "credit_account_id": commitment, "amount": 1})
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "login_required")
    for who in (reviewer("prov-org-dept"), caller("applicant"), caller("service", "agencies")):
        assert (await client.get("/ledger/verify", headers=who)).status_code == 403
    tampered = {"X-Internal-Token": admin()["X-Internal-Token"][:-4] + "AAAA"}
    assert (await client.get("/ledger/verify", headers=tampered)).status_code == 401


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_moment_utc_cannot_express_is_a_422_that_says_so(client, ledger, as_of):
    _, budget, _ = ledger
    for path in (f"/accounts/{budget}", "/ledger/trial-balance"):
        response = await client.get(path, params={"as_of": as_of}, headers={**admin(), "Accept-Language": "en"})
        assert (response.status_code, response.json()["code"]) == (422, "validation_failed"), path
        [error] = response.json()["errors"]
        assert error["field"] == "query.as_of" and "out of range" in error["message"], error


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "2020-01-01T08:00:00"])
async def test_the_edges_of_time_are_answered(client, ledger, as_of):
    _, budget, _ = ledger
    early = as_of.startswith(("0001", "2020"))
    assert (await read_balance(client, budget, as_of=as_of))["posted"] == (0 if early else 1000)
    trial = await client.get("/ledger/trial-balance", params={"as_of": as_of}, headers=admin())
    assert (trial.status_code, trial.json()["balanced"]) == (200, True)


@pytest.mark.parametrize("metadata", list(UNSTORABLE_METADATA))
async def test_metadata_no_database_can_store_is_a_422_and_writes_nothing(client, ledger, metadata):
    _, budget, commitment = ledger
    response = await post_raw_transfer(client, "t-meta", budget, commitment, 10, UNSTORABLE_METADATA[metadata])
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed"), response.text
    assert response.json()["errors"][0]["field"].startswith("body.metadata")
    assert (await client.get("/transfers/t-meta", headers=admin())).status_code == 404
    assert (await post_transfer(client, "t-meta", budget, commitment, 10, metadata={"x": 1.5})).status_code == 201
