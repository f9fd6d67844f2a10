"""Helpers for the funding service's tests: identity headers, accounts and transfers through the API,
fresh databases for tests that commit, and the app as a separate uvicorn process."""

import contextlib
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from devtools.processes import free_port
from funding.config import SERVICE_DIR, FundingSettings
from funding.main import create_app
from servicekit.testing import identity_headers, migrated_database

ROOT = Path(__file__).resolve().parents[3]
_TOKENS: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}


def headers(role: str = "admin", subject: str = "tester", agency: str | None = None) -> dict[str, str]:
    """Signed identity headers, re-signed every 30 s (the internal tokens live 60 s; some tests run longer)."""
    cache_key = (role, f"{subject}:{agency}")
    cached = _TOKENS.get(cache_key)
    if cached is None or time.monotonic() - cached[0] > 30:
        cached = (time.monotonic(), identity_headers(role=role, subject=subject, agency=agency))
        _TOKENS[cache_key] = cached
    return cached[1]


def admin() -> dict[str, str]:
    return headers("admin")


def saga() -> dict[str, str]:
    return headers("service", subject="applications")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


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



async def open_account(client: httpx.AsyncClient, code: str | None = None, **fields) -> int:  # noqa: ANN003
    response = await client.post("/accounts", json={"code": code or unique("acct"), **fields}, headers=admin())
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


async def open_treasury(client: httpx.AsyncClient) -> int:
    return await open_account(client, unique("treasury"), kind="treasury", normal_side="debit")


async def open_budget(client: httpx.AsyncClient, treasury: int, amount: int, code: str | None = None) -> int:
    budget = await open_account(client, code or unique("budget"), kind="budget", floor=0)
    if amount:
        response = await transfer(client, unique("fund"), treasury, budget, amount)
        assert response.status_code == 201, response.text
    return budget


async def transfer(client: httpx.AsyncClient, key: str, debit: int, credit: int, amount, **fields):  # noqa: ANN001, ANN003, ANN201
    body = {"id": key, "debit_account_id": debit, "credit_account_id": credit, "amount": amount, **fields}
    return await client.post("/transfers", json=body, headers=admin())


async def balance(client: httpx.AsyncClient, account: int, as_of: str | None = None) -> dict:
    params = {"as_of": as_of} if as_of else {}
    response = await client.get(f"/accounts/{account}", params=params, headers=admin())
    assert response.status_code == 200, response.text
    return response.json()["balance"]


async def verify(client: httpx.AsyncClient) -> dict:
    response = await client.get("/ledger/verify", headers=admin())
    assert response.status_code == 200, response.text
    return response.json()


@contextlib.contextmanager
def fresh_database(label: str = "funding_x") -> Iterator[str]:
    """A database of its own, built by the migrations, for tests whose commits must not meet other tests'."""
    with migrated_database(SERVICE_DIR, label) as url:
        yield url


def fault_app(database_url: str, **settings):  # noqa: ANN003, ANN201
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
