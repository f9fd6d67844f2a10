"""Error mapping (LEDGER.md f5.6): serialization failures, deadlocks, lost connections and a busy database are
retried with the same request and never reach the client as a business rejection; when retries run out the
client hears "busy, nothing written, retry the same id"; a crash before COMMIT leaves no trace."""

import pytest

from funding_test_support import admin, fault_app, fresh_database, open_account, open_budget, open_treasury, verify
from servicekit import testing
from servicekit.testing import committing_app

FAULT = "X-Funding-Fault"


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
    budget = await open_budget(api, await open_treasury(api), 1000)
    return budget, await open_account(api)


async def _send(api, key, debit, credit, amount, fault=None):  # noqa: ANN001, ANN202
    extra = {FAULT: fault} if fault else {}
    return await api.post("/transfers", json={"id": key, "debit_account_id": debit, "credit_account_id": credit,
                                              "amount": amount}, headers={**admin(), **extra})


FAULTS = ["retryable:3", "deadlock:2"] + (["disconnect:1", "disconnect:2"] if testing.backend_under_test() == "postgresql" else [])


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
    assert (busy.status_code, busy.json()["code"]) == (503, "ledger_busy")
    assert busy.headers["retry-after"] == "1"
    assert "same id" in busy.json()["messages"]["en"]
    assert (await api.get("/transfers/busy", headers=admin())).status_code == 404
    assert (await _send(api, "busy", budget, sink, 100)).status_code == 201


async def test_a_crash_before_commit_leaves_no_trace(api, accounts):
    budget, sink = accounts
    crashed = await _send(api, "crash", budget, sink, 100, "crash")
    assert crashed.status_code == 500
    assert (await api.get("/transfers/crash", headers=admin())).status_code == 404
    retried = await _send(api, "crash", budget, sink, 100)
    assert retried.status_code == 201
    assert (await verify(api))["ok"]


async def test_faults_are_ignored_unless_the_build_enables_them(client):
    budget = await open_budget(client, await open_treasury(client), 100)
    sink = await open_account(client)
    response = await _send(client, "no-fault", budget, sink, 10, "crash")
    assert response.status_code == 201
