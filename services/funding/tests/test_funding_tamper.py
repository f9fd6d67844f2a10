"""Immutability and tamper evidence (LEDGER.md f5.7): the database refuses to change or delete ledger rows,
and a row edited by hand (with the triggers dropped) is flagged by the verifier, over HTTP and by the CLI."""

import subprocess
import sys

import pytest
from sqlalchemy.exc import DBAPIError

from funding.config import FundingSettings
from funding.main import create_app
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import ROOT, admin, drop_guards, execute_sql, fresh_database, post_transfer, verify_ledger
from servicekit.testing import committing_app


async def _populate(url: str) -> None:
    async with committing_app(create_app(FundingSettings(database_url=url))) as api:
        budget = await create_budget(api, await create_treasury(api), 1000)
        commitment = await create_account(api, code="commitment-x", kind="commitment", floor=0, ceiling=700)
        assert (await post_transfer(api, "t1", budget, commitment, 300)).status_code == 201
        assert (await post_transfer(api, "p1", budget, commitment, 200, pending=True)).status_code == 201
        assert (await api.post("/transfers/p1/post", json={}, headers=admin())).status_code == 201
        assert (await post_transfer(api, "r1", budget, commitment, 5000)).status_code == 409
        assert (await verify_ledger(api))["ok"]


@pytest.fixture
async def populated():
    with fresh_database("funding_tamper") as url:
        await _populate(url)
        yield url


REFUSED = [
    "UPDATE entries SET amount = amount + 1",
    "DELETE FROM entries",
    "UPDATE transfers SET amount = 1",
    "DELETE FROM transfers WHERE key = 'r1'",
    "UPDATE journal SET outcome = 'posted' WHERE outcome = 'rejected'",
    "DELETE FROM journal",
    "UPDATE accounts SET credits_posted = credits_posted - 1 WHERE code = 'commitment-x'",
    "UPDATE accounts SET ceiling = 10000 WHERE code = 'commitment-x'",
    "DELETE FROM accounts WHERE code = 'commitment-x'",
    "UPDATE accounts SET credits_pending = credits_pending + 900 WHERE code = 'commitment-x'",
]


async def test_the_database_refuses_edits_and_deletes(populated):
    for statement in REFUSED:
        with pytest.raises(DBAPIError, match=".") as refused:
            await execute_sql(populated, statement)
        assert refused.value is not None, statement
    # Closing an account is the one change besides the counters.
    await execute_sql(populated, "UPDATE accounts SET closed_at = CURRENT_TIMESTAMP WHERE code = 'commitment-x'")


TAMPERING = {
    "entry amount": ("entries", "UPDATE entries SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM entries "
                                "WHERE layer = 'posted' AND side = 'credit')", {"counters", "chain", "balanced"}),
    "transfer amount": ("transfers", "UPDATE transfers SET amount = amount + 100 WHERE key = 't1'", {"chain"}),
    "transfer request": ("transfers", "UPDATE transfers SET request = '{\"forged\": true}' WHERE key = 't1'",
                         {"request_hash"}),
    "rejection turned into a posting": ("journal", "UPDATE journal SET outcome = 'posted', reason = NULL "
                                                   "WHERE outcome = 'rejected'", {"chain", "entries"}),
    "journal row deleted": ("journal", "DELETE FROM journal WHERE seq = 3", {"chain", "journal"}),
    "account counter": ("accounts", "UPDATE accounts SET credits_posted = credits_posted + 5 "
                                    "WHERE code = 'commitment-x'", {"counters", "zero_sum"}),
}


@pytest.mark.parametrize("case", list(TAMPERING))
async def test_hand_edits_are_flagged_by_the_verifier(populated, case):
    table, statement, expected = TAMPERING[case]
    await execute_sql(populated, *drop_guards(populated, table), statement)
    async with committing_app(create_app(FundingSettings(database_url=populated))) as api:
        report = await verify_ledger(api)
    assert report["ok"] is False
    assert expected <= {p["check"] for p in report["problems"]}, report["problems"]


async def test_the_cli_verifies_and_exits_nonzero_on_tampering(populated):
    def cli() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "funding.verify_cli", "--database-url", populated],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)

    clean = cli()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.startswith("OK:")
    await execute_sql(populated, *drop_guards(populated, "entries"), "UPDATE entries SET amount = amount * 2")
    tampered = cli()
    assert tampered.returncode == 1
    assert tampered.stdout.startswith("FAILED") and "[counters]" in tampered.stdout
