"""Boundaries (LEDGER.md f5.5): exactly at a floor or ceiling, one fen either side, the largest amount, and
counters that would overflow."""

import pytest

from funding.models import MAX_AMOUNT, MAX_COUNTER
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import admin, post_transfer, read_balance, verify_ledger


@pytest.mark.parametrize(("amount", "accepted"), [(999, True), (1000, True), (1001, False)])
async def test_floor_exactly_and_one_fen_either_side(client, amount, accepted):
    budget = await create_budget(client, await create_treasury(client), 1000)
    sink = await create_account(client)
    response = await post_transfer(client, "edge", budget, sink, amount)
    assert response.status_code == (201 if accepted else 409)
    if not accepted:
        assert (response.json()["code"], response.json()["headroom_fen"]) == ("budget_insufficient", 1000)
    assert (await read_balance(client, budget))["posted"] == (1000 - amount if accepted else 1000)


@pytest.mark.parametrize(("amount", "accepted"), [(599, True), (600, True), (601, False)])
async def test_ceiling_exactly_and_one_fen_either_side(client, amount, accepted):
    budget = await create_budget(client, await create_treasury(client), 10_000)
    commitment = await create_account(client, kind="commitment", floor=0, ceiling=600)
    response = await post_transfer(client, "edge", budget, commitment, amount)
    assert response.status_code == (201 if accepted else 409)
    if not accepted:
        assert (response.json()["code"], response.json()["headroom_fen"]) == ("award_cap_exceeded", 600)


async def test_pending_counts_against_the_floor_to_the_fen(client):
    budget = await create_budget(client, await create_treasury(client), 1000)
    sink = await create_account(client)
    assert (await post_transfer(client, "p", budget, sink, 400, pending=True)).status_code == 201
    short = await post_transfer(client, "over", budget, sink, 601)
    assert (short.status_code, short.json()["headroom_fen"]) == (409, 600)
    assert (await post_transfer(client, "exact", budget, sink, 600)).status_code == 201
    assert (await read_balance(client, budget))["available"] == 0
    # Posting the pending keeps it at exactly zero; nothing more can leave.
    assert (await client.post("/transfers/p/post", json={}, headers=admin())).status_code == 201
    assert (await post_transfer(client, "one-more", budget, sink, 1)).status_code == 409


async def test_a_negative_floor_allows_exactly_that_overdraft(client):
    account = await create_account(client, floor=-500)
    sink = await create_account(client)
    assert (await post_transfer(client, "o-1", account, sink, 500)).status_code == 201
    assert (await post_transfer(client, "o-2", account, sink, 1)).status_code == 409


async def test_largest_amount_is_accepted_and_one_more_is_not(client):
    treasury = await create_treasury(client)
    sink = await create_account(client)
    assert (await post_transfer(client, "max", treasury, sink, MAX_AMOUNT)).status_code == 201
    too_big = await post_transfer(client, "max+1", treasury, sink, MAX_AMOUNT + 1)
    assert too_big.status_code == 422
    assert (await read_balance(client, sink))["posted"] == MAX_AMOUNT


async def test_counter_overflow_is_rejected_not_wrapped(client):
    treasury = await create_treasury(client)
    sink = await create_account(client)
    fill = MAX_COUNTER // MAX_AMOUNT
    batch = [{"id": f"fill-{i}", "debit_account_id": treasury, "credit_account_id": sink, "amount": MAX_AMOUNT}
             for i in range(fill)]
    for start in range(0, fill, 150):
        response = await client.post("/transfers/batch", json={"transfers": batch[start:start + 150]}, headers=admin())
        assert response.status_code == 201, response.text
    room = MAX_COUNTER - 1 - fill * MAX_AMOUNT
    over = await post_transfer(client, "over", treasury, sink, room + 1)
    assert (over.status_code, over.json()["code"]) == (409, "counter_overflow")
    assert (await post_transfer(client, "last", treasury, sink, room)).status_code == 201
    assert (await read_balance(client, sink))["posted"] == MAX_COUNTER - 1
    assert (await verify_ledger(client))["ok"]
