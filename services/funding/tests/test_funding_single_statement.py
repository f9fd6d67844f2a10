"""The single-statement posting (PostgreSQL): a plain transfer that takes effect is posted by
`funding_post_plain` in one round trip, and every other case falls back to the full path, so each answer is the
full path's answer. Runs on committing apps (the function commits on a connection of its own); the boundary tests
of test_funding_boundaries.py run here again against it."""

import asyncio
from collections import Counter

import pytest

from sqlalchemy.exc import DBAPIError

from funding.ledger import service
from funding.ledger.schemas import TransferCreate
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import (
    UNSTORABLE_METADATA,
    admin,
    fault_app,
    fresh_database,
    post_raw_transfer,
    post_transfer,
    read_balance,
    verify_ledger,
)
from servicekit import testing
from servicekit.testing import committing_app
from servicekit.unit_of_work import transaction
from test_funding_boundaries import *  # noqa: F403 - the same boundaries, posted by the single statement

pytestmark = pytest.mark.skipif(testing.backend_under_test() != "postgresql",
                                reason="the single-statement posting exists on PostgreSQL only")


@pytest.fixture
def paths(monkeypatch) -> Counter:
    """How each POST /transfers went: `single` (posted by the function) or `full` (it declined)."""
    seen: Counter = Counter()
    original = service.single_statement.post_plain

    async def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = await original(*args, **kwargs)
        seen["single" if result is not None else "full"] += 1
        return result

    monkeypatch.setattr(service.single_statement, "post_plain", counted)
    return seen


@pytest.fixture
async def client(paths):
    """A committing app on a database of its own (test ids such as "edge" repeat across tests)."""
    with fresh_database("funding_single") as url:
        async with committing_app(fault_app(url)) as api:
            yield api


async def test_a_plain_transfer_is_posted_by_the_single_statement(client, paths):
    budget = await create_budget(client, await create_treasury(client), 1000)
    commitment = await create_account(client, kind="commitment", floor=0, ceiling=600)
    response = await post_transfer(client, "s-1", budget, commitment, 250, code="commitment", metadata={"批次": "一"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["outcome"], body["status"], body["amount"], body["effective_amount"]) == ("posted", "posted", 250, 250)
    assert body["metadata"] == {"批次": "一"} and body["recorded_at"] >= body["created_at"]
    assert paths["single"] == 2  # the budget's funding and this one
    assert (await read_balance(client, budget))["posted"] == 750
    assert (await read_balance(client, commitment))["posted"] == 250
    stored = await client.get("/transfers/s-1", headers=admin())
    assert stored.json() == body  # what was answered is what was stored
    report = await verify_ledger(client)
    assert report["ok"], report["problems"]  # the chain the function extended re-hashes in Python


async def test_what_the_single_statement_declines_gets_the_full_paths_answer(client, paths):
    budget = await create_budget(client, await create_treasury(client), 1000)
    sink = await create_account(client)
    first = await post_transfer(client, "d-1", budget, sink, 100)
    before = paths["full"]
    replay = await post_transfer(client, "d-1", budget, sink, 100)
    assert (replay.status_code, replay.headers["idempotent-replay"], replay.json()) == (201, "true", first.json())
    reused = await post_transfer(client, "d-1", budget, sink, 101)
    assert (reused.status_code, reused.json()["differing_fields"]) == (409, ["amount"])
    short = await post_transfer(client, "d-2", budget, sink, 901)
    assert (short.status_code, short.json()["code"], short.json()["headroom_fen"]) == (409, "budget_insufficient", 900)
    again = await post_transfer(client, "d-2", budget, sink, 901)  # a stored rejection stays the answer
    assert (again.status_code, again.json()["code"], again.json()["replay"]) == (409, "budget_insufficient", True)
    unknown = await post_transfer(client, "d-3", budget, 999_999, 1)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "referenced_account_not_found")
    usd = await post_transfer(client, "d-4", budget, sink, 1, currency="USD")
    assert (usd.status_code, usd.json()["code"]) == (422, "currency_mismatch")
    mixed = await post_transfer(client, "d-4", budget, await create_account(client, currency="USD"), 1)
    assert (mixed.status_code, mixed.json()["code"]) == (422, "currency_mismatch")
    same = await post_transfer(client, "d-5", budget, budget, 1)
    assert (same.status_code, same.json()["code"]) == (422, "same_account")
    closed = await create_account(client)
    assert (await client.post(f"/accounts/{closed}/close", headers=admin())).status_code == 200
    refused = await post_transfer(client, "d-6", budget, closed, 1)
    assert (refused.status_code, refused.json()["code"]) == (409, "account_closed")
    assert paths["full"] - before >= 8 and paths["single"] == 2  # only the funding and d-1 took effect at once
    assert (await read_balance(client, budget))["posted"] == 900
    report = await verify_ledger(client)
    assert report["ok"], report["problems"]


async def test_concurrent_duplicates_of_one_id_post_once(client, paths):
    budget = await create_budget(client, await create_treasury(client), 1000)
    sink = await create_account(client)
    answers = await asyncio.gather(*(post_transfer(client, "dup", budget, sink, 10) for _ in range(16)))
    statuses = Counter((a.status_code, a.headers.get("idempotent-replay")) for a in answers)
    assert statuses == {(201, None): 1, (201, "true"): 15}
    assert len({a.text for a in answers}) == 1  # one stored outcome, the same body every time
    assert (await read_balance(client, budget))["posted"] == 990
    assert (await verify_ledger(client))["ok"]


async def test_racing_to_an_empty_budget_admits_exactly_what_fits(client, paths, monkeypatch):
    """50 concurrent requests: batched together (so one call posts some and leaves the refused ones to the full
    path), exactly what fits is posted and the rest get stored rejections."""
    sizes = []
    original = service.single_statement._post_batch

    async def measured(database, batch):  # noqa: ANN001, ANN202
        sizes.append(len(batch))
        return await original(database, batch)

    monkeypatch.setattr(service.single_statement, "_post_batch", measured)
    budget = await create_budget(client, await create_treasury(client), 1000)
    sink = await create_account(client)
    answers = await asyncio.gather(*(post_transfer(client, f"race-{i}", budget, sink, 30) for i in range(50)))
    assert Counter(a.status_code for a in answers) == {201: 33, 409: 17}
    assert max(sizes) > 1 and sum(sizes) == 51  # the budget's funding, then the 50 in fewer calls
    assert (await read_balance(client, budget))["posted"] == 10
    assert (await verify_ledger(client))["ok"]


async def test_unstorable_metadata_is_refused_at_the_door_and_fails_no_good_transfer(client, paths):
    """Good transfers and transfers whose metadata no database can store, sent together: every good one posts
    (batched into one-statement calls), every bad one is a 422, nothing is a 5xx."""
    budget = await create_budget(client, await create_treasury(client), 10_000)
    sink = await create_account(client)
    bad = list(UNSTORABLE_METADATA.values()) * 3
    requests = []
    for i in range(48):
        requests.append(post_transfer(client, f"good-{i}", budget, sink, 10))
        if i % 2 == 0 and bad:
            requests.append(post_raw_transfer(client, f"bad-{i}", budget, sink, 10, bad.pop()))
    answers = await asyncio.gather(*requests)
    statuses = Counter((a.status_code, a.json()["code"] if a.status_code >= 400 else None) for a in answers)
    assert statuses == {(201, None): 48, (422, "validation_failed"): 24}, statuses
    assert paths["single"] >= 2  # the budget's funding, and the good ones in calls of their own
    assert (await read_balance(client, budget))["posted"] == 10_000 - 480
    assert (await verify_ledger(client))["ok"]


async def test_a_transfer_the_database_refuses_does_not_fail_the_others_of_its_call(client, paths, monkeypatch):
    """Should the database refuse one transfer of a one-statement call although the API let it through (here: a
    body built without validation, whose metadata holds NaN), the call fails as a whole and wrote nothing, and
    each of its requests takes the full path: the good ones post, the bad one fails alone."""
    calls: list[list[str]] = []
    in_flight = asyncio.Event()
    original = service.single_statement._post_batch

    async def recorded(database, batch):  # noqa: ANN001, ANN202
        calls.append([transfer.spec.key for transfer in batch])
        in_flight.set()
        return await original(database, batch)

    monkeypatch.setattr(service.single_statement, "_post_batch", recorded)
    budget = await create_budget(client, await create_treasury(client), 10_000)
    sink = await create_account(client)
    calls.clear()
    good = [asyncio.ensure_future(post_transfer(client, f"good-{i}", budget, sink, 10)) for i in range(40)]
    await in_flight.wait()  # a call is running: the bad transfer queues for the next one, with good ones
    bad = TransferCreate.model_construct(id="bad", debit_account_id=budget, credit_account_id=sink, amount=10,
                                         currency="CNY", code="manual", pending=False, timeout_seconds=None,
                                         award_id=None, metadata={"x": float("nan")})
    database = client._transport.app.state.database
    assert await service.post_in_one_statement(database, bad, "admin:tester") is None  # its call failed: full path
    with pytest.raises(DBAPIError, match="json"):
        async with transaction(database, write=True) as session:
            await service.post_transfer(session, bad, "admin:tester")
    answers = await asyncio.gather(*good)
    assert Counter(a.status_code for a in answers) == {201: 40}
    shared = [call for call in calls if "bad" in call]
    assert shared and len(shared[0]) > 1, calls  # the refused transfer did share a call with good ones
    assert paths["full"] >= len(shared[0]) - 1
    assert (await client.get("/transfers/bad", headers=admin())).status_code == 404
    assert (await read_balance(client, budget))["posted"] == 10_000 - 400
    assert (await verify_ledger(client))["ok"]
