"""Approvals per second, end to end through the gateway (PostgreSQL): each decision reserves a quota place,
reserves the money at funding, commits it and is counted by the agencies service before it answers. Two rounds:
one hot quota (every decision on the same call's quota and the same budget), and spread over several calls and
budgets. Prints approvals/s, p50/p99 of the answers, and the exactly-N check (approved = the quota, nothing left
reserved at either service, the ledger's commitments equal the approvals).

    .venv/bin/python bench/approvals.py [--quota 200] [--decisions 300] [--concurrency 32] [--workers 2]

The applications to decide are made first: one per call through the applications API (this process, its clock
frozen in the call's window), then copied in the database as many times as the round needs (copies are
ordinary applications ready for decision; the decision does not care that their forms are alike).
Target on this 2-core machine: ≥ 200 approvals/s on one hot quota with p99 ≤ 500 ms, and exactly N."""

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TPP_TEST_BACKEND", "postgresql")
# This file lives in bench/ next to gateway.py: keep its folder last on the path, or `import gateway` would
# find bench/gateway.py instead of the gateway package. The tests' flow helpers are shared with this bench.
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = ([str(BENCH_DIR.parent / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
               + [str(BENCH_DIR)])

import httpx  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from applications.models import Application  # noqa: E402
from approvals_flow import YEAR, admin, ok, ready_for_decision  # noqa: E402
from devtools.processes import running_platform  # noqa: E402
from servicekit import clock  # noqa: E402
from servicekit.database import standalone_session  # noqa: E402
from servicekit.pytest_fixtures import FrozenClock  # noqa: E402

TARGET_RPS, TARGET_P99_MS = 200, 500
HOT = ("t01-young-top", "prov-org-dept", 50 * 10000 * 100)
SPREAD = [("t01-tech-innovation-leader", "prov-science-tech-dept", 100 * 10000 * 100),
          ("t01-tech-entrepreneur-leader", "prov-science-tech-dept", 100 * 10000 * 100),
          ("t02-leading", "prov-hrss-dept", 100 * 10000 * 100),
          ("t02-young-top", "prov-hrss-dept", 50 * 10000 * 100)]


async def copies(database_url: str, template: int, count: int) -> list[int]:
    """`count` more applications like `template` (ready for decision), made in one statement."""
    columns = [c for c in Application.__table__.columns if c.name not in ("id", "approval_id")]
    async with standalone_session(database_url, write=True) as session:
        source = select(*columns).where(Application.id == template)
        rows = [dict(row._mapping) for row in (await session.execute(source)).all()] * count
        for n, row in enumerate(rows):
            row["applicant_subject"] = f"user:{800000 + template * 10000 + n}"
        result = await session.execute(insert(Application).returning(Application.id), rows)
        return [template, *result.scalars().all()]


async def prepare(platform, frozen: FrozenClock, program: str, reviewing: str, amount: int, quota: int,  # noqa: ANN001
                  decisions: int) -> tuple[dict, list[int]]:
    database_url = platform.database_urls["applications"]
    call, [template] = await ready_for_decision(database_url, platform.service_url("funding"), frozen, program,
                                                reviewing, ["city-shenyang"], total=quota)
    ok(httpx.put(f"{platform.service_url('funding')}/budgets/{program}/{YEAR}", headers=admin(), timeout=30,
                 json={"amount_fen": quota * amount, "reason": "bench", "id": f"bench-{program}-{time.time_ns()}"}))
    return call, await copies(database_url, template, decisions - 1)


def login(platform) -> dict[str, str]:  # noqa: ANN001
    from loadgen import gateway_admin

    return gateway_admin(platform.database_urls["gateway"], platform.gateway_url)


async def decide(gateway_url: str, headers: dict[str, str], ids: list[int], concurrency: int,
                 ) -> tuple[float, list[float], dict[str, int]]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}

    async def one(client: httpx.AsyncClient, application_id: int) -> None:
        async with gate:
            started = time.perf_counter()
            response = await client.post(f"/applications/{application_id}/decision", headers=headers,
                                         json={"decision": "approve"})
            latencies.append((time.perf_counter() - started) * 1000)
            body = response.json()
            key = f"{response.status_code} {body.get('outcome') or body.get('code')}"
            outcomes[key] = outcomes.get(key, 0) + 1

    async with httpx.AsyncClient(base_url=f"{gateway_url}/api/applications", timeout=60,
                                 limits=httpx.Limits(max_connections=concurrency + 8)) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client, i) for i in ids))
        return time.perf_counter() - started, latencies, outcomes


def exactly(platform, calls: list[tuple[dict, str, int, int]], wait: float = 60) -> list[str]:  # noqa: ANN001
    """For each call: approved = its quota, nothing reserved, funding's commitments = the approvals (once the
    saga's workers have finished what answered 202)."""
    deadline = time.monotonic() + wait
    while (problems := _disagreements(platform, calls)) and time.monotonic() < deadline:
        time.sleep(1)
    return problems


def _disagreements(platform, calls: list[tuple[dict, str, int, int]]) -> list[str]:  # noqa: ANN001
    problems = []
    for call, program, amount, quota in calls:
        figures = ok(httpx.get(f"{platform.service_url('applications')}/calls/{call['id']}/quota", timeout=30))
        budget = ok(httpx.get(f"{platform.service_url('funding')}/budgets/{program}/{YEAR}", headers=admin(),
                              timeout=30))["figures"]
        seen = (figures["approved"], figures["reserved"], budget["reserved"], budget["committed"], budget["awards"])
        if seen != (quota, 0, 0, quota * amount, quota):
            problems.append(f"{program}: approved, reserved, funding reserved, committed, awards = {seen}")
    return problems


def report(title: str, seconds: float, latencies: list[float], outcomes: dict[str, int], problems: list[str],
           hot: bool) -> bool:
    approved = outcomes.get("200 approved", 0)
    rate = approved / seconds
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{title}: {len(latencies)} decisions in {seconds:.1f} s, {approved} approved → {rate:.0f} approvals/s; "
          f"answers p50 {cuts[49]:.0f} ms, p99 {cuts[98]:.0f} ms; {outcomes}")
    print(f"  exactly N: {'OK' if not problems else 'FAILED ' + '; '.join(problems)}")
    if hot:
        print(f"  target ≥ {TARGET_RPS}/s: {'met' if rate >= TARGET_RPS else 'NOT met'}; "
              f"p99 ≤ {TARGET_P99_MS} ms: {'met' if cuts[98] <= TARGET_P99_MS else 'NOT met'}")
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quota", type=int, default=200, help="places of the hot call (and of all spread calls)")
    parser.add_argument("--decisions", type=int, default=300, help="decisions per round (more than the quota)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of every service")
    args = parser.parse_args()
    frozen = FrozenClock(clock.now())
    clock.now = frozen
    env = {"GATEWAY_LOGIN_RATE_LIMIT": "1000/minute", "APPLICATIONS_SAGA_WORKER_INTERVAL_SECONDS": "0.5"}
    with running_platform(workers=args.workers, extra_env=env) as platform:
        headers = login(platform)
        ok_all = True

        program, reviewing, amount = HOT
        call, ids = asyncio.run(prepare(platform, frozen, program, reviewing, amount, args.quota, args.decisions))
        seconds, latencies, outcomes = asyncio.run(decide(platform.gateway_url, headers, ids, args.concurrency))
        ok_all &= report("hot quota", seconds, latencies, outcomes,
                         exactly(platform, [(call, program, amount, args.quota)]), hot=True)

        per_call_quota = max(1, args.quota // len(SPREAD))
        per_call = max(per_call_quota, args.decisions // len(SPREAD))
        calls, all_ids = [], []
        for program, reviewing, amount in SPREAD:
            call, ids = asyncio.run(prepare(platform, frozen, program, reviewing, amount, per_call_quota, per_call))
            calls.append((call, program, amount, per_call_quota))
            all_ids += ids
        all_ids = [all_ids[i] for i in sorted(range(len(all_ids)), key=lambda i: (i % per_call, i))]
        seconds, latencies, outcomes = asyncio.run(decide(platform.gateway_url, headers, all_ids, args.concurrency))
        ok_all &= report(f"spread over {len(SPREAD)} calls and budgets", seconds, latencies, outcomes,
                         exactly(platform, calls), hot=False)
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
