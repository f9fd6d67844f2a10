"""Gateway overhead: the same endpoints called directly on a service and through the gateway, in one run,
on loopback, at 50 connections. Prints requests/s, p50 and p99 for each and the gateway/direct ratios.

    .venv/bin/python bench/gateway.py [--seconds 10] [--connections 50] [--postgres]

--postgres runs the services on fresh PostgreSQL databases (TPP_TEST_PG_URL) instead of SQLite files.
Routes: trivial = GET /healthz (no database); database read = GET /readyz (reads the migration state)."""

import argparse
import os
import sys
from pathlib import Path

# This file is bench/gateway.py: keep its folder last on the path, or `import gateway` would find it
# instead of the gateway package.
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR] + [str(BENCH_DIR)]
from loadgen import measure  # noqa: E402

from devtools.processes import running_platform  # noqa: E402

ROUTES = [("trivial route (GET /healthz)", "/healthz"), ("database read (GET /readyz)", "/readyz")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--service", default="agencies")
    args = parser.parse_args()
    os.environ["TPP_TEST_BACKEND"] = "postgresql" if args.postgres else "sqlite"
    # Access logs stay on: they are part of what a real request costs.
    with running_platform() as platform:
        print(f"backend: {os.environ['TPP_TEST_BACKEND']}, service: {args.service}, "
              f"{args.connections} connections, {args.seconds} s per measurement, 1 worker per process\n")
        for title, path in ROUTES:
            direct = measure(f"direct   {title}", platform.service_url(args.service) + path,
                             args.connections, args.seconds)
            through = measure(f"gateway  {title}", f"{platform.gateway_url}/api/{args.service}{path}",
                              args.connections, args.seconds)
            print(direct.line())
            print(through.line())
            print(f"{'':<42} ratio {through.requests_per_s / direct.requests_per_s:.2f}x of direct, "
                  f"p50 +{through.p50_ms - direct.p50_ms:.2f} ms\n", flush=True)


if __name__ == "__main__":
    main()
