"""Ledger throughput: transfers posted per second through the funding service's HTTP API on PostgreSQL, with 1, 4
and 16 concurrent clients, spread over many accounts and all on one hot budget account. Prints requests/s, p50
and p99 per run, then the ledger's invariant check (GET /ledger/verify and the trial balance).

    .venv/bin/python bench/ledger.py [--seconds 10] [--clients 1,4,16] [--workers 2] [--sqlite] [--python-client]
    .venv/bin/python bench/ledger.py --growth [--target 1000000] [--step 100000] [--seconds 10]

--growth grows the ledger to --target transfers and, at every --step, measures posting (16 clients, spread),
GET /ledger/verify (at the service and through the gateway, which an auditor uses), an account's movements
(page 1 and page 100 by number, with their count and OFFSET; the next page by key), the transfer list's next
page by key, and a program's award list and award report (first page; --awards-per-step awards are committed
through the API at every step) (ms each); at the end it runs a full re-verification and prints its time. Between the measurements the ledger is filled by the service's own
one-statement posting (funding.ledger.single_statement, the path every plain transfer takes), called from this
process, which is several times faster than HTTP; the service's sealer seals as the ledger grows.

The service runs as `uvicorn --workers N` on a free port against a scratch database (dropped afterwards);
requests carry admin identity tokens signed with throw-away keys. Every request is a new transfer (a new id);
a 409 (budget exhausted) or any other non-2xx answer counts as an error. The client is wrk with a Lua script when
installed (apt-get install wrk), else an aiohttp loop."""

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "services" / "funding" / "tests"))
sys.path.append(str(Path(__file__).resolve().parent))  # loadgen, last: bench/gateway.py must not shadow gateway

SPREAD_ACCOUNTS = 64
BUDGET_FEN = 10**15
AWARDED, AWARD_YEAR = "t01-young-top", 2018  # growth: the program whose award list and report are timed


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


# Each request a new transfer: wrk's Lua makes the body (a thread-unique id, a random sink and amount), so the
# client costs the 2-core machine far less CPU than the service it measures (aiohttp took ~0.4 ms per request).
WRK_SCRIPT = """
local budgets, sinks, prefix, headers = {%(budgets)s}, {%(sinks)s}, "%(prefix)s", {%(headers)s}
local hot = %(hot)s
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
  math.randomseed(tid * 7919)
end
function request()
  counter = counter + 1
  local budget = hot and budgets[1] or budgets[math.random(#budgets)]
  local body = string.format('{"id":"%%s%%d:%%d","debit_account_id":%%d,"credit_account_id":%%d,"amount":%%d,'
    .. '"code":"bench"}', prefix, tid, counter, budget, sinks[math.random(#sinks)], math.random(1, 10000))
  return wrk.format("POST", "/transfers", headers, body)
end
"""


def run_wrk(base: str, headers: Headers, accounts: dict[str, list[int]], clients: int, seconds: float,
            hot: bool, label: str) -> tuple[float, float, float, int, int]:
    from loadgen import run_wrk as wrk

    script = WRK_SCRIPT % {
        "budgets": ",".join(map(str, accounts["budgets"])), "sinks": ",".join(map(str, accounts["sinks"])),
        "prefix": f"bench:{label}:{clients}:", "hot": "true" if hot else "false",
        "headers": ",".join(f'["{k}"]="{v}"' for k, v in {**headers(), "Content-Type": "application/json"}.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        result = wrk(label, base, clients, seconds, script=lua.name)
    return (result.requests_per_s, result.p50_ms, result.p99_ms, round(result.requests_per_s * seconds),
            result.errors)


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


async def fill(url: str, accounts: dict[str, list[int]], count: int, label: str) -> float:
    """Post `count` plain transfers through the one-statement function; the rate, per second."""
    from funding.ledger.schemas import TransferCreate
    from funding.ledger.service import transfer_spec
    from funding.ledger.single_statement import post_plain
    from servicekit.database import Database

    rng = random.Random(label)
    database = Database(url, pool_size=4)
    started = time.perf_counter()
    try:
        for first in range(0, count, 2000):
            specs = [transfer_spec(TransferCreate(
                id=f"fill:{label}:{n}", debit_account_id=rng.choice(accounts["budgets"]),
                credit_account_id=rng.choice(accounts["sinks"]), amount=rng.randint(1, 10_000), code="bench"))
                for n in range(first, min(count, first + 2000))]
            posted = await asyncio.gather(*(post_plain(database, spec, "CNY", "bench:fill") for spec in specs))
            assert all(posted), "a fill transfer was not posted in one statement"
    finally:
        await database.dispose()
    return count / (time.perf_counter() - started)


async def add_awards(base: str, count: int, label: str, first: bool) -> None:
    """`count` awards of AWARDED, reserved and committed through the API as the applications service does it
    (the award list and its report then have pages to turn at every size)."""
    import logging

    import httpx

    from funding_factories import create_committed_award, create_program_budget, create_rules

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would bury the table
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        if first:
            await create_rules(client)
            await create_program_budget(client, AWARDED, AWARD_YEAR, BUDGET_FEN)
        for start in range(0, count, 8):
            await asyncio.gather(*(create_committed_award(client, f"bench-{label}-{n}", AWARDED, AWARD_YEAR,
                                                          grantee_name=f"压测对象{label}-{n}")
                                   for n in range(start, min(count, start + 8))))


async def timed_get(base: str, headers: Headers, path: str) -> tuple[float, dict]:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.get(f"{base}{path}", headers=headers()) as response:
            body = await response.json()
            assert response.status == 200, body
        return (time.perf_counter() - started) * 1000, body


async def full_verification(base: str, headers: Headers) -> tuple[float, dict]:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.post(f"{base}/ledger/verifications", headers=headers()) as response:
            run_id = (await response.json())["id"]
        while True:
            await asyncio.sleep(1)
            async with session.get(f"{base}/ledger/verifications/{run_id}", headers=headers()) as response:
                run = await response.json()
            if run["status"] != "running":
                return time.perf_counter() - started, run


@contextlib.contextmanager
def gateway_in_front(funding_base: str) -> Iterator[str]:
    """The gateway (one process, as `manage.py start` runs it) on a scratch database, in front of the bench's
    funding service: an auditor's GET /ledger/verify goes through it, with its 30 s upstream timeout."""
    from devtools.processes import free_port
    from servicekit.testing import migrated_database

    with migrated_database(ROOT / "gateway", "bench_gateway") as database_url:
        port = free_port()
        env = {**os.environ, "GATEWAY_DATABASE_URL": database_url, "GATEWAY_FUNDING_URL": funding_base,
               "GATEWAY_PORT": str(port), "GATEWAY_ACCESS_LOG": "false", "TPP_LOG_LEVEL": "WARNING",
               # One sign-in for the whole growth run (an hour and more), not one per 15 minutes.
               "GATEWAY_ACCESS_TOKEN_TTL_SECONDS": "86400"}
        log = open(Path(tempfile.gettempdir()) / f"bench-gateway-{port}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "gateway.main:app", "--host", "127.0.0.1",
                                    "--port", str(port), "--no-access-log"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the gateway exited with {process.returncode}; see {log.name}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError("the gateway did not become ready")
                time.sleep(0.2)
            from loadgen import gateway_admin

            yield base, gateway_admin(database_url, base)
        finally:
            process.terminate()
            process.wait(15)
            log.close()


def growth(base: str, url: str, headers: Headers, accounts: dict[str, list[int]], measure, args) -> None:
    print(f"growth to {args.target:,} transfers, measured every {args.step:,} "
          f"(posting: 16 clients, spread, {args.seconds:g} s)\n")
    print(f"{'transfers':>10} {'posting/s':>10} {'p99 ms':>8} {'fill/s':>8} {'verify ms':>10} {'via gw ms':>10} "
          f"{'re-hashed':>10} {'moves p1':>9} {'moves p100':>11} {'moves key':>10} {'list key':>9} {'awards':>7} "
          f"{'report':>7}")
    sink = accounts["sinks"][0]
    first_rate, expected_rate = None, args.expected_rate
    with contextlib.ExitStack() as stack:
        gateway = None
        if args.gateway:
            gateway, signed_in = stack.enter_context(gateway_in_front(base))
        for mark in range(args.step, args.target + 1, args.step):
            asyncio.run(add_awards(base, args.awards_per_step, f"{mark}", first=mark == args.step))
            _, report = asyncio.run(timed_get(base, headers, "/ledger/verify"))
            to_fill = max(0, mark - report["journal_length"] - int(expected_rate * args.seconds))
            fill_rate = asyncio.run(fill(url, accounts, to_fill, f"{mark}")) if to_fill else 0.0
            rps, _, p99, _, errors = measure(base, headers, accounts, 16, args.seconds, False, f"growth{mark}")
            expected_rate = rps
            time.sleep(args.settle)  # the sealer catches up, as it would between bursts
            verify_ms, report = asyncio.run(timed_get(base, headers, "/ledger/verify"))
            assert report["ok"], report["problems"][:3]
            gateway_ms = float("nan")
            if gateway:
                gateway_ms, through = asyncio.run(timed_get(gateway, lambda: signed_in, "/api/funding/ledger/verify"))
                assert through["ok"], through["problems"][:3]
            first_ms, first = asyncio.run(timed_get(base, headers, f"/accounts/{sink}/transfers?size=100"))
            deep_ms, _ = asyncio.run(timed_get(base, headers, f"/accounts/{sink}/transfers?size=100&page=100"))
            key_ms, _ = asyncio.run(timed_get(base, headers, f"/accounts/{sink}/transfers?size=100&after={first['next']}"))
            _, listed = asyncio.run(timed_get(base, headers, "/transfers?size=100"))
            list_ms, _ = asyncio.run(timed_get(base, headers, f"/transfers?size=100&after={listed['next']}"))
            # The award list and its report: the second page, by key (each first page is there to give `next`).
            _, awards = asyncio.run(timed_get(base, headers, f"/awards?size=100&program_code={AWARDED}"))
            awards_ms, _ = asyncio.run(timed_get(
                base, headers, f"/awards?size=100&program_code={AWARDED}&after={awards['next']}"))
            _, awarded = asyncio.run(timed_get(base, headers, f"/reports/awards?size=200&program_code={AWARDED}"))
            report_ms, _ = asyncio.run(timed_get(
                base, headers, f"/reports/awards?size=200&program_code={AWARDED}&after={awarded['next']}"))
            first_rate = first_rate or rps
            print(f"{report['journal_length']:>10,} {rps:>10.0f} {p99:>8.1f} {fill_rate:>8.0f} {verify_ms:>10.0f} "
                  f"{gateway_ms:>10.0f} {report['rows_rehashed']:>10,} {first_ms:>9.0f} {deep_ms:>11.0f} {key_ms:>10.0f} "
                  f"{list_ms:>9.0f} {awards_ms:>7.0f} {report_ms:>7.0f}"
                  f"{'' if not errors else f'   ({errors} errors)'}   {100 * rps / first_rate:.0f} % of the first",
                  flush=True)
    seconds, run = asyncio.run(full_verification(base, headers))
    print(f"\nfull re-verification: {run['status']}, {run['checked']:,} rows and {run['checkpoints_checked']} "
          f"checkpoints in {seconds:.1f} s ({run['checked'] / seconds:,.0f} rows/s)")


def cpu_probe() -> float:
    """Seconds for a fixed pure-Python loop. This VM's speed varies with its host's load (0.62-1.06 s seen within
    an hour), so each result carries it: a slow run can be told from a slower ledger."""
    started = time.perf_counter()
    sum(range(3 * 10**7))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead (one worker: SQLite is single-process)")
    parser.add_argument("--python-client", action="store_true", help="the aiohttp client even when wrk is installed")
    parser.add_argument("--growth", action="store_true", help="grow the ledger, measuring at every --step")
    parser.add_argument("--target", type=int, default=1_000_000)
    parser.add_argument("--step", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds for the sealer before verifying")
    parser.add_argument("--awards-per-step", type=int, default=1000,
                        help="growth: awards committed at every step (the award list and report have pages)")
    parser.add_argument("--no-gateway", dest="gateway", action="store_false",
                        help="growth: do not also measure GET /ledger/verify through the gateway")
    parser.add_argument("--expected-rate", type=float, default=1000.0,
                        help="posting rate assumed when filling, so that each measurement ends near its mark")
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    os.environ["TPP_TEST_BACKEND"] = "sqlite" if args.sqlite else "postgresql"
    workers = 1 if args.sqlite else args.workers

    from funding.config import SERVICE_DIR
    from funding_testkit import uvicorn_funding
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
                print(f"cpu probe: {cpu_probe():.2f} s (lower is faster)")
                tool = "wrk" if use_wrk else "aiohttp (install wrk for a client that costs the machine less)"
                measure = run_wrk if use_wrk else lambda *a: asyncio.run(run(*a))
                print(f"client: {tool}")
                if args.growth:
                    growth(base, url, headers, accounts, measure, args)
                    return
                print(f"backend: {os.environ['TPP_TEST_BACKEND']}, {workers} uvicorn worker(s), "
                      f"{args.seconds:g} s per run, POST /transfers with a new id each\n")
                for hot in (False, True):
                    title = "one hot budget account" if hot else f"spread over {SPREAD_ACCOUNTS} budget accounts"
                    print(title)
                    for clients in [int(c) for c in args.clients.split(",")]:
                        measure(base, headers, accounts, clients, min(2.0, args.seconds), hot,
                                "warm-hot" if hot else "warm")  # new ids: a reused id takes the full path
                        rps, p50, p99, count, errors = measure(base, headers, accounts, clients, args.seconds, hot,
                                                               "hot" if hot else "spread")
                        print(f"  {clients:>3} clients: {rps:>7.0f} transfers/s   p50 {p50:>7.2f} ms   "
                              f"p99 {p99:>7.2f} ms   ({count} requests, {errors} errors)", flush=True)
                    print()
                print(asyncio.run(check(base, headers)))


if __name__ == "__main__":
    main()
