"""Approvals per second, end to end through the gateway (PostgreSQL). A decision answers once the quota place
and the money are both secured (the money reserved at funding); committing the money and counting the approval
at the agencies service are the saga's worker's, from the outbox. Four rounds, each on calls and budgets of its
own: single decisions (`POST /applications/{id}/decision`, many at once) and batch decisions (`POST /decisions`
with a list, several lists at once), each on one hot quota (every decision on the same call's quota and the same
budget) and spread over several calls and budgets; the saga's worker runs with the platform's defaults. Prints
approvals/s, p50/p99 of the answers, how long the worker took to empty the outbox after the last answer, and the
exactly-N check once it is empty: approved = the
quota, nothing reserved (at either service), the ledger's commitments = the approvals (count and amount), and
the derived deliverable counts exactly the approvals.

    .venv/bin/python bench/approvals.py [--quota 200] [--decisions 300] [--concurrency 32] [--batch 25]
                                        [--batch-concurrency 4] [--workers 2] [--rounds hot-single,...]

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
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TPP_TEST_BACKEND", "postgresql")
# This file lives in bench/ next to gateway.py: keep its folder last on the path, or `import gateway` would
# find bench/gateway.py instead of the gateway package. The tests' flow helpers are shared with this bench.
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = ([str(BENCH_DIR.parent / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
               + [str(BENCH_DIR)])

import httpx  # noqa: E402
import yaml  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from applications.models import Application, SagaStep  # noqa: E402
from approvals_flow import YEAR, admin, ok, ready_for_decision  # noqa: E402
from devtools.processes import running_platform  # noqa: E402
from servicekit import clock  # noqa: E402
from servicekit.database import standalone_session  # noqa: E402
from servicekit.pytest_fixtures import FrozenClock  # noqa: E402

TARGET_RPS, TARGET_P99_MS = 200, 500
# Each round on programs of its own (a call per program and year), each with places enough over the plan's period
# for its share of the quota: (program, its reviewing agency).
ROUNDS = {
    "hot-single": [("t01-young-top", "prov-org-dept")],
    "hot-batch": [("t02-young-top", "prov-hrss-dept")],
    "spread-single": [("t01-tech-innovation-leader", "prov-science-tech-dept"),
                      ("t01-tech-entrepreneur-leader", "prov-science-tech-dept")],
    "spread-batch": [("t02-leading", "prov-hrss-dept"), ("t01-social-science-leader", "prov-org-dept")],
}
PLAN_FILE = BENCH_DIR.parent / "plans" / "liaoning-2018-2020.yaml"


@dataclass
class Target:
    call: dict
    program: str
    amount: int
    quota: int
    deliverable: str
    counted_before: float


def deliverable_of(program: str) -> str:
    """The deliverable derived from the program (the plan file says which)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("derived_from_program") == program:
                found.append(node["code"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8")))
    return found[0]


def counted(platform, deliverable: str) -> float:  # noqa: ANN001
    return ok(httpx.get(f"{platform.service_url('agencies')}/deliverables/{deliverable}", timeout=30))[
        "progress"]["value"]


async def amount_of(database_url: str, application_id: int) -> int:
    async with standalone_session(database_url, write=False) as session:
        return await session.scalar(select(Application.amount_fen).where(Application.id == application_id))


async def prepare(platform, frozen: FrozenClock, program: str, reviewing: str, quota: int,  # noqa: ANN001
                  decisions: int) -> tuple[Target, list[int]]:
    database_url = platform.database_urls["applications"]
    call, ids = await ready_for_decision(database_url, platform.service_url("funding"), frozen, program, reviewing,
                                         ["city-shenyang"] * decisions, total=quota)
    amount = await amount_of(database_url, ids[0])
    ok(httpx.put(f"{platform.service_url('funding')}/budgets/{program}/{YEAR}", headers=admin(), timeout=30,
                 json={"amount_fen": quota * amount, "reason": "bench", "id": f"bench-{program}-{time.time_ns()}"}))
    deliverable = deliverable_of(program)
    return Target(call, program, amount, quota, deliverable, counted(platform, deliverable)), ids


async def outbox_pending(database_url: str) -> int:
    async with standalone_session(database_url, write=False) as session:
        return await session.scalar(select(func.count()).select_from(SagaStep).where(SagaStep.status == "pending"))


def login(platform) -> dict[str, str]:  # noqa: ANN001
    from loadgen import gateway_admin

    return gateway_admin(platform.database_urls["gateway"], platform.gateway_url)


async def decide(gateway_url: str, headers: dict[str, str], ids: list[int], concurrency: int, batch: int,
                 ) -> tuple[float, list[float], dict[str, int]]:
    """Every decision through the gateway, `concurrency` requests at a time: one application per request
    (`batch` 0), or lists of `batch` (`POST /decisions`). Returns the wall time, each request's latency (ms) and
    the outcomes (per application)."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}

    def tally(key: str) -> None:
        outcomes[key] = outcomes.get(key, 0) + 1

    async def one(client: httpx.AsyncClient, application_ids: list[int]) -> None:
        async with gate:
            started = time.perf_counter()
            if batch:
                response = await client.post("/decisions", headers=headers,
                                             json={"decision": "approve", "application_ids": application_ids})
            else:
                response = await client.post(f"/applications/{application_ids[0]}/decision", headers=headers,
                                             json={"decision": "approve"})
            latencies.append((time.perf_counter() - started) * 1000)
            body = response.json()
            if batch and response.status_code == 200:
                for outcome in body:
                    tally(f"{outcome['outcome']} {outcome['code'] or ''}".strip())
            elif response.status_code in (200, 202):
                tally(body["outcome"])
            else:
                tally(f"{response.status_code} {body.get('code')}")

    groups = [ids[i:i + batch] for i in range(0, len(ids), batch)] if batch else [[i] for i in ids]
    async with httpx.AsyncClient(base_url=f"{gateway_url}/api/applications", timeout=120,
                                 limits=httpx.Limits(max_connections=concurrency + 8)) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client, group) for group in groups))
        return time.perf_counter() - started, latencies, outcomes


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def cpu_seconds(platform) -> dict[str, float]:  # noqa: ANN001
    """CPU time (user + system) so far of each service's processes (uvicorn's and its workers'), of this
    process, and of the whole machine (every process, PostgreSQL and other users' included)."""
    tree, tick = _children(), os.sysconf("SC_CLK_TCK")

    def of(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick + sum(of(child) for child in tree.get(pid, []))

    used = {name.split("-")[0]: 0.0 for name in platform.processes}
    for name, process in platform.processes.items():
        used[name.split("-")[0]] += of(process.popen.pid)
    used["bench"] = sum(os.times()[:2])
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    used["machine"] = (user + nice + system + irq + softirq + steal) / tick
    return used


def drained(platform, wait: float = 300) -> float:  # noqa: ANN001
    """Seconds until the saga's outbox is empty (every approval committed and counted by the workers)."""
    started = time.monotonic()
    while asyncio.run(outbox_pending(platform.database_urls["applications"])) and time.monotonic() - started < wait:
        time.sleep(0.2)
    return time.monotonic() - started


def disagreements(platform, targets: list[Target]) -> list[str]:  # noqa: ANN001
    """Once the outbox is empty, for each call: approved = its quota, nothing reserved (applications, funding),
    commitments = approvals (count and amount), derived deliverable = approvals."""
    problems = []
    pending = asyncio.run(outbox_pending(platform.database_urls["applications"]))
    if pending:
        problems.append(f"{pending} saga steps still pending")
    for t in targets:
        figures = ok(httpx.get(f"{platform.service_url('applications')}/calls/{t.call['id']}/quota", timeout=30))
        budget = ok(httpx.get(f"{platform.service_url('funding')}/budgets/{t.program}/{YEAR}", headers=admin(),
                              timeout=30))["figures"]
        derived = counted(platform, t.deliverable) - t.counted_before
        seen = (figures["approved"], figures["reserved"], budget["reserved"], budget["committed"], budget["awards"],
                derived)
        want = (t.quota, 0, 0, t.quota * t.amount, t.quota, t.quota)
        if seen != want:
            problems.append(f"{t.program}: approved, reserved, funding reserved, committed, awards, derived = {seen},"
                            f" want {want}")
    return problems


def report(title: str, seconds: float, latencies: list[float], outcomes: dict[str, int], drain_seconds: float,
           problems: list[str], hot: bool) -> bool:
    approved = outcomes.get("approved", 0)
    rate = approved / seconds
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(f"{title}: {sum(outcomes.values())} decisions in {len(latencies)} requests, {seconds:.2f} s, {approved} "
          f"approved → {rate:.0f} approvals/s; answers p50 {cuts[49]:.0f} ms, p99 {cuts[98]:.0f} ms; {outcomes}")
    print(f"  outbox empty {drain_seconds:.1f} s after the last answer (money committed, approvals counted)")
    print(f"  exactly N: {'OK' if not problems else 'FAILED ' + '; '.join(problems)}")
    if hot:
        print(f"  target ≥ {TARGET_RPS}/s: {'met' if rate >= TARGET_RPS else 'NOT met'}; "
              f"p99 ≤ {TARGET_P99_MS} ms: {'met' if cuts[98] <= TARGET_P99_MS else 'NOT met'}")
    sys.stdout.flush()
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quota", type=int, default=200, help="places of the hot call (shared by the spread calls)")
    parser.add_argument("--decisions", type=int, default=300, help="decisions per round (more than the quota)")
    parser.add_argument("--concurrency", type=int, default=32, help="single decisions in flight at once")
    parser.add_argument("--batch", type=int, default=25, help="applications per batch decision")
    parser.add_argument("--batch-concurrency", type=int, default=4, help="batch decisions in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of every service")
    parser.add_argument("--rounds", default=",".join(ROUNDS), help=f"which rounds, of {','.join(ROUNDS)}")
    args = parser.parse_args()
    frozen = FrozenClock(clock.now())
    clock.now = frozen
    # The saga's worker runs as the platform runs it (its default pause between rounds, 1 s): a shorter pause
    # empties the outbox sooner but takes CPU from the decisions in smaller batches.
    env = {"GATEWAY_LOGIN_RATE_LIMIT": "1000/minute"}
    with running_platform(workers=args.workers, extra_env=env) as platform:
        headers = login(platform)
        ok_all = True
        for name in args.rounds.split(","):
            programs = ROUNDS[name]
            quota = max(1, args.quota // len(programs))
            per_call = max(quota, args.decisions // len(programs))
            targets, lists = [], []
            for program, reviewing in programs:
                target, ids = asyncio.run(prepare(platform, frozen, program, reviewing, quota, per_call))
                targets.append(target)
                lists.append(ids)
            # Spread: the calls' applications interleaved, so concurrent decisions go to different quotas.
            ids = [i for group in zip(*lists, strict=True) for i in group]
            batch = args.batch if name.endswith("batch") else 0
            concurrency = args.batch_concurrency if batch else args.concurrency
            cpu_before = cpu_seconds(platform)
            seconds, latencies, outcomes = asyncio.run(decide(platform.gateway_url, headers, ids, concurrency, batch))
            drain_seconds = drained(platform)
            cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(platform).items()}
            what = f"batches of {batch}, {concurrency} at once" if batch else f"single, {concurrency} at once"
            where = "one hot quota" if name.startswith("hot") else f"spread over {len(programs)} calls and budgets"
            ok_all &= report(f"{where}, {what}", seconds, latencies, outcomes, drain_seconds,
                             disagreements(platform, targets), hot=name.startswith("hot"))
            approved = sum(t.quota for t in targets)
            print("  CPU per approval, from the first decision to the empty outbox (ms): " + ", ".join(
                f"{k} {v * 1000 / approved:.1f}" for k, v in cpu.items()) + f"; machine busy {cpu['machine']:.1f} "
                f"CPU-s in {seconds + drain_seconds:.1f} s")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
