"""Helpers for the funding tests: callers' identity headers, the ledger's API calls and readings, seeds for
randomised tests, databases of their own for tests that commit, and the app with fault injection (in-process, or
as uvicorn worker processes)."""

import contextlib
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from devtools.processes import free_port
from funding.config import SERVICE_DIR, FundingSettings
from funding.deps import FUNDING_READ_SCOPE
from funding.main import create_app
from servicekit.database import Database
from servicekit.testing import identity_headers, migrated_database

ROOT = Path(__file__).resolve().parents[3]
_TOKENS: dict[tuple, tuple[float, dict[str, str]]] = {}


# Callers --------------------------------------------------------------------------------------------------


def caller(role: str, subject: str = "tester", agency: str | None = None,
           scopes: tuple[str, ...] = ()) -> dict[str, str]:
    """Signed identity headers, re-signed every 30 s (the internal tokens live 60 s; some tests run longer)."""
    cache_key = (role, subject, agency, scopes)
    cached = _TOKENS.get(cache_key)
    if cached is None or time.monotonic() - cached[0] > 30:
        cached = (time.monotonic(), identity_headers(role=role, subject=subject, agency=agency, scopes=scopes))
        _TOKENS[cache_key] = cached
    return cached[1]


def admin() -> dict[str, str]:
    return caller("admin")


def reviewer(agency: str) -> dict[str, str]:
    """Staff of an agency, signed in."""
    return caller("reviewer", subject=f"reviewer:{agency}", agency=agency)


def agency_key(agency: str, *scopes: str) -> dict[str, str]:
    """An agency's API key as the gateway forwards it (scope funding:read unless others are given)."""
    return caller("agency", subject=f"key:{agency}", agency=agency, scopes=scopes or (FUNDING_READ_SCOPE,))


def applications_service() -> dict[str, str]:
    return caller("service", subject="applications")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# The ledger's API ------------------------------------------------------------------------------------------


async def post_transfer(client: httpx.AsyncClient, key: str, debit: int, credit: int, amount: Any,
                        **fields: Any) -> httpx.Response:
    body = {"id": key, "debit_account_id": debit, "credit_account_id": credit, "amount": amount, **fields}
    return await client.post("/transfers", json=body, headers=admin())


# Metadata no database can store as JSON, as raw JSON text (json.dumps would refuse or rewrite some of it).
UNSTORABLE_METADATA = {
    "NaN": '{"x": NaN}',
    "Infinity": '{"x": -Infinity}',
    "1e400": '{"x": 1e400}',
    "a huge integer": '{"x": 123456789012345678901234567890}',
    "a lone surrogate": '{"x": "\\udb8d"}',
    "a lone surrogate in a key": '{"\\udb8d": 1}',
    "NUL": '{"x": "a\\u0000b"}',
    "900-deep nesting": '{"x": ' + '{"y": ' * 899 + '1' + '}' * 900,
}


async def post_raw_transfer(client: httpx.AsyncClient, key: str, debit: int, credit: int, amount: int,
                            metadata: str) -> httpx.Response:
    """A transfer whose metadata is the JSON text given, as a client could send it."""
    body = (f'{{"id": "{key}", "debit_account_id": {debit}, "credit_account_id": {credit}, "amount": {amount}, '
            f'"metadata": {metadata}}}')
    return await client.post("/transfers", content=body, headers={**admin(), "Content-Type": "application/json"})


async def read_balance(client: httpx.AsyncClient, account: int, as_of: str | None = None) -> dict:
    params = {"as_of": as_of} if as_of else {}
    response = await client.get(f"/accounts/{account}", params=params, headers=admin())
    assert response.status_code == 200, response.text
    return response.json()["balance"]


async def verify_ledger(client: httpx.AsyncClient) -> dict:
    response = await client.get("/ledger/verify", headers=admin())
    assert response.status_code == 200, response.text
    return response.json()


# Runs ------------------------------------------------------------------------------------------------------


def seed_for(name: str, ci_seed: int | None = None) -> int:
    """TPP_SEED if set, else `ci_seed` in CI (a seed known to pass, so a landing is not decided by chance),
    else a fresh one; printed so a failure can be replayed (VOPR discipline)."""
    if os.environ.get("TPP_SEED"):
        seed = int(os.environ["TPP_SEED"])
    elif ci_seed is not None and os.environ.get("CI", "").lower() == "true":
        seed = ci_seed
    else:
        seed = random.randrange(2**32)
    print(f"\n[{name}] seed {seed}  (rerun with TPP_SEED={seed})")
    return seed


@contextlib.contextmanager
def fresh_database(label: str = "funding_x") -> Iterator[str]:
    """A database of its own, built by the migrations, for tests whose commits must not meet other tests'."""
    with migrated_database(SERVICE_DIR, label) as url:
        yield url


def fault_app(database_url: str, **settings: Any):  # noqa: ANN201 - a FastAPI app
    """The app of a test build: it honours the X-Funding-Fault header."""
    return create_app(FundingSettings(database_url=database_url, fault_injection=True, **settings))


@contextlib.contextmanager
def uvicorn_funding(database_url: str, workers: int = 2) -> Iterator[str]:
    """The funding app as `uvicorn --workers N` on a free port (several processes on one database)."""
    port = free_port()
    env = {**os.environ, "FUNDING_DATABASE_URL": database_url, "FUNDING_FAULT_INJECTION": "1",
           "TPP_LOG_LEVEL": "WARNING",
           "FUNDING_LOG_LEVEL": "WARNING", "FUNDING_DATABASE_POOL_SIZE": "12"}
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"funding-uvicorn-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "funding.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--timeout-graceful-shutdown", "3"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the funding service did not become ready")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def execute_sql(url: str, *statements: str) -> None:
    """Statements run straight on the database, as someone with access to it would (tamper tests)."""
    from sqlalchemy import text

    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await database.dispose()


def drop_guards(url: str, table: str) -> list[str]:
    """The statements that take a ledger table's append-only (or counters-only) triggers away."""
    if url.startswith("postgresql"):
        return [f"ALTER TABLE {table} DISABLE TRIGGER USER"]
    if table == "accounts":
        return ["DROP TRIGGER accounts_guard"]
    return [f"DROP TRIGGER {table}_no_update", f"DROP TRIGGER {table}_no_delete"]
