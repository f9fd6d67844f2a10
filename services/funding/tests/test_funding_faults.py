"""Error mapping (LEDGER.md f5.6): serialization failures, deadlocks, lost connections and a busy database are
retried with the same request and never reach the client as a business rejection; when retries run out the
client hears "busy, nothing written, retry the same id"; a crash before COMMIT leaves no trace. The faults are
injected just before COMMIT by the unit of work's `before_commit` hook (funding.faults), so the retries proven here
are servicekit's whole-request retries."""

import asyncio
from collections import Counter

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from funding.faults import FAULT_HEADER as FAULT
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import admin, fault_app, fresh_database, post_transfer, unique, verify_ledger
from servicekit import testing
from servicekit.testing import committing_app


@pytest.fixture(scope="module")
def database_url():
    with fresh_database("funding_faults") as url:
        yield url


@pytest.fixture
async def api(database_url):
    async with committing_app(fault_app(database_url, max_transaction_attempts=6)) as client:
        yield client


@pytest.fixture
async def accounts(api):
    budget = await create_budget(api, await create_treasury(api), 1000)
    return budget, await create_account(api)


async def _send(api, key, debit, credit, amount, fault=None):  # noqa: ANN001, ANN202
    extra = {FAULT: fault} if fault else {}
    return await api.post("/transfers", json={"id": key, "debit_account_id": debit, "credit_account_id": credit,
                                              "amount": amount}, headers={**admin(), **extra})


POSTGRES = testing.backend_under_test() == "postgresql"
FAULTS = ["retryable:3", "deadlock:2"] + (["disconnect:1", "disconnect:2"] if POSTGRES else [])


@pytest.mark.parametrize("fault", FAULTS)
async def test_retryable_failures_are_retried_and_post_once(api, accounts, fault):
    budget, sink = accounts
    key = f"retry-{fault}"
    response = await _send(api, key, budget, sink, 100, fault)
    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == "posted"
    stored = await api.get(f"/transfers/{key}", headers=admin())
    assert stored.json()["journal_seq"] == response.json()["journal_seq"]
    listed = await api.get("/transfers", params={"account_id": sink}, headers=admin())
    assert [t["id"] for t in listed.json()["items"]].count(key) == 1


async def test_retries_never_turn_into_insufficient_funds(api, accounts):
    budget, sink = accounts
    # The budget holds exactly enough; every failed attempt is rolled back, so the last one still fits.
    response = await _send(api, "exact-with-retries", budget, sink, 1000, "retryable:5")
    assert response.status_code == 201, response.text


async def test_a_real_rejection_survives_retries_unchanged(api, accounts):
    budget, sink = accounts
    response = await _send(api, "short-with-retries", budget, sink, 1001, "retryable:3")
    assert (response.status_code, response.json()["code"]) == (409, "budget_insufficient")
    again = await _send(api, "short-with-retries", budget, sink, 1001)
    assert again.json()["code"] == "budget_insufficient" and again.headers["idempotent-replay"] == "true"


async def test_when_retries_run_out_nothing_is_written_and_the_same_id_works_later(api, accounts):
    budget, sink = accounts
    busy = await _send(api, "busy", budget, sink, 100, "retryable:99")
    assert (busy.status_code, busy.json()["code"]) == (503, "service_busy")
    assert busy.headers["retry-after"] == "1"
    assert "nothing was written" in busy.json()["messages"]["en"] and "same key" in busy.json()["messages"]["en"]
    assert (await api.get("/transfers/busy", headers=admin())).status_code == 404
    assert (await _send(api, "busy", budget, sink, 100)).status_code == 201


async def test_a_crash_before_commit_leaves_no_trace(api, accounts):
    budget, sink = accounts
    crashed = await _send(api, "crash", budget, sink, 100, "crash")
    assert crashed.status_code == 500
    assert (await api.get("/transfers/crash", headers=admin())).status_code == 404
    retried = await _send(api, "crash", budget, sink, 100)
    assert retried.status_code == 201
    assert (await verify_ledger(api))["ok"]


async def test_faults_are_ignored_unless_the_build_enables_them(client):
    budget = await create_budget(client, await create_treasury(client), 100)
    sink = await create_account(client)
    response = await _send(client, "no-fault", budget, sink, 10, "crash")
    assert response.status_code == 201


async def test_faults_are_retried_on_every_write_route(api, accounts):
    budget, sink = accounts
    batch = {"transfers": [{"id": f"batch-{n}", "debit_account_id": budget, "credit_account_id": sink, "amount": 10}
                           for n in range(2)]}
    posted = await api.post("/transfers/batch", json=batch, headers={**admin(), FAULT: "retryable:2"})
    assert posted.status_code == 201, posted.text
    pending = await _send(api, "pending-under-faults", budget, sink, 10)
    assert pending.status_code == 201
    reversed_ = await api.post("/transfers/batch-0/reverse", json={}, headers={**admin(), FAULT: "deadlock:3"})
    assert (reversed_.status_code, reversed_.json()["reverses"]) == (201, "batch-0")
    crashed = await api.post("/accounts", json={"code": "crashed-account"}, headers={**admin(), FAULT: "crash"})
    assert crashed.status_code == 500
    created = await api.post("/accounts", json={"code": "crashed-account"}, headers=admin())
    assert created.status_code == 201  # created now: the crashed attempt left nothing
    assert (await verify_ledger(api))["ok"]


@pytest.mark.skipif(not POSTGRES, reason="kills PostgreSQL backends")
async def test_killed_connections_are_retried_never_answered_with_a_500(database_url):
    """The database kills every connection of the service, again and again, while reads and writes run: each
    request whose connection died is run again on a new one. Reads all succeed; every write posts once (200 when
    its first attempt had committed before its connection died)."""
    async with committing_app(fault_app(database_url)) as api:
        budget = await create_budget(api, await create_treasury(api), 1_000_000)
        sink = await create_account(api)
        database = make_url(database_url).database
        statuses: Counter = Counter()
        written: list[str] = []
        done = asyncio.Event()

        async def read() -> None:
            while not done.is_set():
                for path, params in ((f"/accounts/{budget}", {}), ("/ledger/trial-balance", {}),
                                     ("/transfers", {"account_id": sink}), (f"/accounts/{sink}/transfers", {})):
                    response = await api.get(path, params=params, headers=admin())
                    statuses[("read", response.status_code)] += 1

        async def write() -> None:
            while not done.is_set():
                key = unique("killed")
                response = await post_transfer(api, key, budget, sink, 1)
                statuses[("write", response.status_code)] += 1
                written.append(key)

        async def kill() -> int:
            """Kill rounds until enough requests have met them (however slow this machine is today)."""
            killed = rounds = 0
            connection = await asyncpg.connect(testing.pg_admin_url())
            try:
                while rounds < 8 or sum(statuses.values()) < 80:
                    assert rounds < 200, statuses
                    await asyncio.sleep(0.6)
                    rounds += 1
                    killed += len(await connection.fetch(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = $1 AND pid <> pg_backend_pid()", database))
            finally:
                done.set()
                await connection.close()
            return killed

        killed, *_ = await asyncio.gather(kill(), *(read() for _ in range(4)), *(write() for _ in range(2)))
        assert killed >= 8, killed
        assert set(statuses) <= {("read", 200), ("write", 201)}, statuses
        sink_balance = (await api.get(f"/accounts/{sink}", headers=admin())).json()["balance"]
        assert sink_balance["posted"] == len(written)
        assert (await verify_ledger(api))["ok"]
