"""Concurrent chaos (LEDGER.md f5.2, f5.3, f5.8): ≥16 workers with lost responses, replays, id reuse and crashes
before COMMIT, on one hot budget and on three; every invariant must hold afterwards. On PostgreSQL the service
runs as two uvicorn worker processes (crashes kill a real process); on SQLite, which is single-process by
design, it runs in this process. The control run disables the guard and the unique id and must be caught."""

import re

import httpx
import pytest
from sqlalchemy import event, text

from funding.ledger import posting
from funding_chaos import Chaos
from funding_testkit import fault_app, fresh_database, seed_for, uvicorn_funding
from servicekit import testing
from servicekit.database import Database
from servicekit.testing import committing_app

POSTGRES = testing.backend_under_test() == "postgresql"


@pytest.fixture(scope="module")
def database_url():
    with fresh_database("funding_chaos") as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url):
    if not POSTGRES:
        yield None
        return
    with uvicorn_funding(database_url, workers=2) as url:
        yield url


@pytest.fixture
async def api(database_url, server):
    if server is None:
        async with committing_app(fault_app(database_url)) as client:
            yield client
    else:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        async with httpx.AsyncClient(base_url=server, timeout=30, limits=limits) as client:
            yield client


@pytest.mark.parametrize("budgets", [1, 3], ids=["one-hot-budget", "three-budgets"])
async def test_chaos_keeps_every_invariant(api, budgets):
    seed = seed_for(f"chaos-{budgets}")
    chaos = Chaos(api, seed, budgets=budgets, workers=16, operations=25, remote=POSTGRES)
    await chaos.run()
    problems = await chaos.check(api)
    print(f"  {len(chaos.observations)} ids, {chaos.crashes} crashes, reuse answers {dict(chaos.reuse_answers)}, "
          f"p99 {chaos.p99_ms():.0f} ms")
    assert not problems, "\n".join(problems[:40])
    assert chaos.crashes > 0 and sum(chaos.reuse_answers.values()) > 0


async def test_hot_account_has_no_infrastructure_errors(api):
    """Latency is the bench's to measure (bench/ledger.py): a bound here failed whenever the 2-core machine was
    busy with other work, which says nothing about the ledger."""
    seed = seed_for("hot-account")
    chaos = Chaos(api, seed, budgets=1, workers=16, operations=25, crash_rate=0, lost_rate=0, replay_rate=0,
                  reuse_rate=0, remote=POSTGRES)
    await chaos.run()
    problems = await chaos.check(api)
    assert not problems, "\n".join(problems[:40])
    print(f"  hot account: {len(chaos.latencies)} requests, p99 {chaos.p99_ms():.0f} ms")


# The control group ------------------------------------------------------------------------------------------


async def _unguarded_leg(session, leg, account):  # noqa: ANN001, ANN202
    """The guarded update with its guard removed: counters move whatever the floor and ceiling say."""
    c = posting.ACCOUNTS.c
    await session.execute(posting.update(posting.ACCOUNTS).where(c.id == leg.account_id)
                          .values({k: c[k] + v for k, v in leg.deltas.items() if v}))


async def _unindexed_headers(session, specs, hashes, actor, now, *, with_links):  # noqa: ANN001, ANN202
    """Insert-first without the unique id: look, then insert (the race the unique index exists to close)."""
    t = posting.TRANSFERS.c
    if (await session.execute(posting.select(t.id).where(t.key.in_([s.key for s in specs])))).first() is not None:
        return None
    ids = []
    for spec, digest in zip(specs, hashes, strict=True):
        values = posting.header_values(spec, digest, actor, now, with_links=with_links)
        ids.append((await session.execute(posting.insert(posting.TRANSFERS).values(**values).returning(t.id))
                    ).scalar_one())
    return ids


async def _legs_one_by_one(session, specs, accounts):  # noqa: ANN001, ANN202
    return False


async def test_control_run_without_the_guard_is_caught(monkeypatch):
    seed = seed_for("control")
    with fresh_database("funding_control") as url:
        database = Database(url)
        async with database.engine.begin() as connection:
            if POSTGRES:
                for constraint in ("uq_transfers_key", "ck_accounts_floor", "ck_accounts_ceiling"):
                    table = "transfers" if constraint.startswith("uq") else "accounts"
                    await connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}"))
        await database.dispose()
        monkeypatch.setattr(posting, "_apply_leg", _unguarded_leg)
        monkeypatch.setattr(posting, "_apply_summed_legs", _legs_one_by_one)  # every leg through _apply_leg
        monkeypatch.setattr(posting, "_insert_headers", _unindexed_headers)
        app = fault_app(url, single_statement_transfers=False)  # every posting takes the unguarded full path
        async with committing_app(app) as client:
            if not POSTGRES:
                engine = app.state.database.engine.sync_engine
                await app.state.database.engine.dispose()
                event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA ignore_check_constraints = ON"))
            chaos = Chaos(client, seed, budgets=1, workers=16, operations=20, crash_rate=0, lost_rate=0.3)
            await chaos.run()
            problems = await chaos.check(client)
    print(f"  control run: {len(problems)} violations found, e.g. {problems[:3]}")
    assert any("overspent" in p or "[floor]" in p for p in problems)
    if POSTGRES:
        assert any("the answers clients got add up to" in p for p in problems)


@pytest.mark.skipif(not POSTGRES, reason="the single-statement posting exists on PostgreSQL only")
async def test_control_run_without_the_single_statements_guard_is_caught():
    """The same control for the one-statement posting: its guard (and the constraints behind it) removed in
    the database function, the Python path untouched; the chaos test must see the overspending."""
    seed = seed_for("control-single", ci_seed=2051517047)
    with fresh_database("funding_control_single") as url:
        database = Database(url)
        async with database.engine.begin() as connection:
            for constraint in ("ck_accounts_floor", "ck_accounts_ceiling"):
                await connection.execute(text(f"ALTER TABLE accounts DROP CONSTRAINT {constraint}"))
            definition = (await connection.execute(text(
                "SELECT pg_get_functiondef('funding_post_plain'::regproc)"))).scalar_one()
            unguarded = re.sub(r"/\* guard \*/.*?/\* end guard \*/", "true", definition, flags=re.DOTALL)
            assert unguarded.count("true") >= 2 and "/* guard */" not in unguarded
            await connection.execute(text(unguarded.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)))
        await database.dispose()
        async with committing_app(fault_app(url)) as client:
            chaos = Chaos(client, seed, budgets=1, workers=16, operations=30, crash_rate=0, lost_rate=0.3)
            await chaos.run()
            problems = await chaos.check(client)
    print(f"  control run (single statement): {len(problems)} violations found, e.g. {problems[:3]}")
    assert any("overspent" in p or "[floor]" in p for p in problems)
