"""The public catalog under load: GET /tasks (a page of the list) and one task's detail, each called directly on
the agencies service and through the gateway, in one run, at 50 connections. Prints requests/s, p50 and p99
for each, the gateway/direct ratio, and whether the task detail meets its targets.

    .venv/bin/python bench/catalog.py [--seconds 10] [--connections 50] [--postgres] [--workers N]

--postgres runs the services on fresh PostgreSQL databases (TPP_TEST_PG_URL) instead of SQLite files;
--workers N runs every service and the gateway with N uvicorn workers.
Targets (task detail, PostgreSQL): ≥ 1,000 req/s through the gateway, p99 ≤ 100 ms, gateway ≥ 0.8× direct.
The Liaoning plan is loaded into the agencies database by the service's own loader before measuring."""

import argparse
import asyncio
import os
import sys
import urllib.request
from pathlib import Path

# This file lives in bench/ next to gateway.py: keep its folder last on the path, or `import gateway` would
# find bench/gateway.py instead of the gateway package.
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR] + [str(BENCH_DIR)]
from loadgen import Result, measure  # noqa: E402

from devtools.processes import ROOT, running_platform  # noqa: E402

PLAN = "liaoning-2018-2020"
PLAN_FILE = ROOT / "plans" / f"{PLAN}.yaml"
# Task 1 is the heaviest detail: 6 deliverables, 10 owners, 各市 resolved to 14 cities.
ROUTES = [
    ("task list (GET /tasks?plan=…)", f"/tasks?plan={PLAN}&size=20"),
    ("task detail (GET /tasks/…/1)", f"/tasks/{PLAN}/1"),
]
TARGET_RPS = 1000
TARGET_P99_MS = 100.0
TARGET_RATIO = 0.8


def load_plan(database_url: str) -> None:
    from agencies.plan_cli import load_plan_files
    from planfile import load_plan_file

    for summary in asyncio.run(load_plan_files(database_url, [load_plan_file(PLAN_FILE)])):
        print(f"· agencies: {summary.line()}")


def check(url: str) -> None:
    """Fail early, before measuring, if a route does not answer 200."""
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")


def verdict(direct: Result, through: Result, backend: str) -> str:
    ratio = through.requests_per_s / direct.requests_per_s
    checks = [
        (f"gateway ≥ {TARGET_RPS} req/s", through.requests_per_s >= TARGET_RPS),
        (f"gateway p99 ≤ {TARGET_P99_MS:.0f} ms", through.p99_ms <= TARGET_P99_MS),
        (f"gateway ≥ {TARGET_RATIO}× direct", ratio >= TARGET_RATIO),
        ("no errors", direct.errors == 0 and through.errors == 0),
    ]
    marks = ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks)
    note = "" if backend == "postgresql" else " (the targets are set for --postgres)"
    return f"{'':<42} targets — {marks}{note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per process")
    args = parser.parse_args()
    backend = "postgresql" if args.postgres else "sqlite"
    os.environ["TPP_TEST_BACKEND"] = backend
    # Access logs stay on: they are part of what a real request costs.
    with running_platform(workers=args.workers) as platform:
        load_plan(platform.database_urls["agencies"])
        print(f"\nbackend: {backend}, {args.connections} connections, {args.seconds} s per measurement, "
              f"{args.workers} worker(s) per process, {os.cpu_count()} CPUs (load generator on the same machine)\n")
        for title, path in ROUTES:
            direct_url = platform.service_url("agencies") + path
            gateway_url = f"{platform.gateway_url}/api/agencies{path}"
            check(direct_url)
            check(gateway_url)
            direct = measure(f"direct   {title}", direct_url, args.connections, args.seconds)
            through = measure(f"gateway  {title}", gateway_url, args.connections, args.seconds)
            print(direct.line())
            print(through.line())
            print(f"{'':<42} ratio {through.requests_per_s / direct.requests_per_s:.2f}x of direct, "
                  f"p50 +{through.p50_ms - direct.p50_ms:.2f} ms", flush=True)
            if path.startswith(f"/tasks/{PLAN}/"):
                print(verdict(direct, through, backend), flush=True)
            print()


if __name__ == "__main__":
    main()
