"""Ledger throughput: transfers posted per second through the funding service's HTTP API on PostgreSQL, with 1, 4
and 16 concurrent clients, spread over many accounts and all on one hot budget account. Prints requests/s, p50
and p99 per run, then the ledger's invariant check (GET /ledger/verify and the trial balance).

    .venv/bin/python bench/ledger.py [--seconds 10] [--clients 1,4,16] [--workers 2] [--sqlite]

The service runs as `uvicorn --workers N` on a free port against a scratch database (dropped afterwards);
requests carry admin identity tokens signed with throw-away keys. Every request is a new transfer (a new id);
a 409 (budget exhausted) or any other non-201 answer counts as an error."""

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "services" / "funding" / "tests"))

SPREAD_ACCOUNTS = 64
BUDGET_FEN = 10**15


class Headers:
    """Admin identity headers, re-signed before the 60 s tokens expire."""

    def __init__(self) -> None:
        self.stamp = 0.0
        self.value: dict[str, str] = {}

    def __call__(self) -> dict[str, str]:
        from servicekit.testing import identity_headers

        if time.monotonic() - self.stamp > 30:
            self.value, self.stamp = identity_headers(role="admin", subject="bench"), time.monotonic()
        return self.value


async def _post(session: aiohttp.ClientSession, url: str, body: dict, headers: Headers) -> tuple[int, dict]:
    async with session.post(url, json=body, headers=headers()) as response:
        return response.status, await response.json(content_type=None)


async def setup(base: str, headers: Headers) -> dict[str, list[int]]:
    async with aiohttp.ClientSession() as session:
        async def account(code: str, **fields) -> int:  # noqa: ANN003
            status, body = await _post(session, f"{base}/accounts", {"code": code, **fields}, headers)
            assert status == 201, body
            return body["id"]

        treasury = await account("bench:treasury", kind="treasury", normal_side="debit")
        budgets = [await account(f"bench:budget:{i}", kind="budget", floor=0) for i in range(SPREAD_ACCOUNTS)]
        sinks = [await account(f"bench:commitment:{i}", kind="commitment", floor=0) for i in range(SPREAD_ACCOUNTS)]
        for i, budget in enumerate(budgets):
            status, body = await _post(session, f"{base}/transfers", {"id": f"bench:fund:{i}", "debit_account_id":
                                       treasury, "credit_account_id": budget, "amount": BUDGET_FEN}, headers)
            assert status == 201, body
    return {"budgets": budgets, "sinks": sinks}


async def run(base: str, headers: Headers, accounts: dict[str, list[int]], clients: int, seconds: float,
              hot: bool, label: str) -> tuple[float, float, float, int, int]:
    rng = random.Random(clients * 7 + hot)
    counter = itertools.count()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                budget = accounts["budgets"][0] if hot else rng.choice(accounts["budgets"])
                body = {"id": f"bench:{label}:{clients}:{next(counter)}", "debit_account_id": budget,
                        "credit_account_id": rng.choice(accounts["sinks"]), "amount": rng.randint(1, 10_000),
                        "code": "bench"}
                started = time.perf_counter()
                status, _ = await _post(session, f"{base}/transfers", body, headers)
                latencies.append(time.perf_counter() - started)
                if status != 201:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000
    return len(latencies) / elapsed, p50, p99, len(latencies), errors


async def check(base: str, headers: Headers) -> str:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/ledger/verify", headers=headers()) as response:
            report = await response.json()
        async with session.get(f"{base}/ledger/trial-balance", headers=headers()) as response:
            trial = await response.json()
    verdict = "OK" if report["ok"] and trial["balanced"] else "FAILED"
    problems = "; ".join(p["message"] for p in report["problems"][:5])
    return (f"invariants: {verdict} — {report['transfers']} transfers, journal of {report['journal_length']} "
            f"(hash chain re-hashed), counters = entries, trial balance net {trial['net']}"
            + (f"; problems: {problems}" if problems else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead (one worker: SQLite is single-process)")
    args = parser.parse_args()
    os.environ["TPP_TEST_BACKEND"] = "sqlite" if args.sqlite else "postgresql"
    workers = 1 if args.sqlite else args.workers

    from funding.config import SERVICE_DIR
    from funding_test_support import uvicorn_funding
    from servicekit.migrations import upgrade
    from servicekit.testing import prepare_identity_keys, scratch_database

    with tempfile.TemporaryDirectory(prefix="bench-keys-") as keys:
        prepare_identity_keys(Path(keys))
        os.environ["TPP_KEYS_DIR"] = keys
        with scratch_database("bench_ledger") as url:
            upgrade(SERVICE_DIR, url)
            with uvicorn_funding(url, workers=workers) as base:
                headers = Headers()
                accounts = asyncio.run(setup(base, headers))
                print(f"backend: {os.environ['TPP_TEST_BACKEND']}, {workers} uvicorn worker(s), "
                      f"{args.seconds:g} s per run, POST /transfers with a new id each\n")
                for hot in (False, True):
                    title = "one hot budget account" if hot else f"spread over {SPREAD_ACCOUNTS} budget accounts"
                    print(title)
                    for clients in [int(c) for c in args.clients.split(",")]:
                        asyncio.run(run(base, headers, accounts, clients, min(2.0, args.seconds), hot, "warm"))
                        rps, p50, p99, count, errors = asyncio.run(
                            run(base, headers, accounts, clients, args.seconds, hot, "hot" if hot else "spread"))
                        print(f"  {clients:>3} clients: {rps:>7.0f} transfers/s   p50 {p50:>7.2f} ms   "
                              f"p99 {p99:>7.2f} ms   ({count} requests, {errors} errors)", flush=True)
                    print()
                print(asyncio.run(check(base, headers)))


if __name__ == "__main__":
    main()
