"""The ledger migration goes up and down on this run's backend, with the ledger verified on either side, and the
models say exactly what the migrations build."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from funding.config import SERVICE_DIR, FundingSettings
from funding.main import create_app
from funding.models import Base
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import admin, post_transfer, verify_ledger
from servicekit.database import Database
from servicekit.migrations import downgrade, upgrade
from servicekit.testing import backend_under_test, committing_app, scratch_database

POSTGRES = backend_under_test() == "postgresql"
LEDGER_TABLES = {"accounts", "transfers", "entries", "journal", "funding_rules", "awards"}


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await database.dispose()


async def _ledger_round(url: str) -> None:
    async with committing_app(create_app(FundingSettings(database_url=url))) as api:
        budget = await create_budget(api, await create_treasury(api), 500)
        assert (await post_transfer(api, "m-1", budget, await create_account(api), 200)).status_code == 201
        assert (await api.post("/rules/import", json={}, headers=admin())).status_code == 200
        assert (await verify_ledger(api))["ok"]


async def test_upgrade_downgrade_upgrade_with_a_verified_ledger_each_time():
    with scratch_database("funding_migrate") as url:
        upgrade(SERVICE_DIR, url)
        assert LEDGER_TABLES <= await _tables(url)
        await _ledger_round(url)
        downgrade(SERVICE_DIR, url, "funding_2026_11_26_initial")
        assert not LEDGER_TABLES & await _tables(url)
        upgrade(SERVICE_DIR, url)
        await _ledger_round(url)
        downgrade(SERVICE_DIR, url, "base")
        assert await _tables(url) <= {"alembic_version"}


async def test_the_models_match_the_migrations():
    with scratch_database("funding_models") as url:
        upgrade(SERVICE_DIR, url)
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                differences = await connection.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                               Base.metadata))
        finally:
            await database.dispose()
    # Only the ledger's own tables: the initial revision's idempotency_records names its unique constraint
    # `uq_idempotency_records_scope` while servicekit's mixin now derives `..._scope_key` (reported upstream).
    # SQLite keeps the journal's unique hash index (revision funding_2026_11_30_journal_hash says why).
    kept_on_sqlite = [d for d in differences if url.startswith("sqlite") and d[0] == "remove_constraint"
                      and d[1].name == "uq_journal_hash"]
    assert [d for d in differences if _table_of(d) in LEDGER_TABLES and d not in kept_on_sqlite] == []


def _table_of(difference) -> str | None:  # noqa: ANN001
    if isinstance(difference, list):  # column-level changes come as lists of tuples
        return next((t for t in map(_table_of, difference) if t in LEDGER_TABLES), None)
    for part in difference:
        table = getattr(part, "table", None)
        if table is not None:
            return getattr(table, "name", None)
        if isinstance(part, str) and part in LEDGER_TABLES:
            return part
    return None


@pytest.mark.skipif(not POSTGRES, reason="the posting function exists on PostgreSQL only")
async def test_the_lean_posting_function_replaces_and_restores_the_first_one():
    async def definition(url: str) -> str:
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                return (await connection.execute(text(
                    "SELECT pg_get_functiondef('funding_post_plain'::regproc)"))).scalar_one()
        finally:
            await database.dispose()

    async def post_through_the_function(url: str, key: str) -> None:
        # Today's app on an older schema: only what that schema has (the trial balance, not the verifier, which
        # reads the checkpoints of a later revision).
        async with committing_app(create_app(FundingSettings(database_url=url, checkpoint_interval_seconds=0))) as api:
            budget = await create_budget(api, await create_treasury(api), 500)
            assert (await post_transfer(api, key, budget, await create_account(api), 200)).status_code == 201
            trial = (await api.get("/ledger/trial-balance", headers=admin())).json()
            assert trial["balanced"] and trial["total_debits_posted"] > 0

    with scratch_database("funding_lean") as url:
        upgrade(SERVICE_DIR, url, "funding_2026_11_26_one_statement")
        first = await definition(url)
        await post_through_the_function(url, "lean-1")
        upgrade(SERVICE_DIR, url)
        lean = await definition(url)
        assert lean != first and "WITH ORDINALITY" in lean
        await post_through_the_function(url, "lean-2")
        downgrade(SERVICE_DIR, url, "funding_2026_11_26_one_statement")
        assert await definition(url) == first
        await post_through_the_function(url, "lean-3")
