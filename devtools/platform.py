"""`manage.py start [--demo]`: make the identity keys, migrate every database, create the first admin (and
with --demo, fictional demo users), load the plan, run every service and the gateway until Ctrl-C.
The embedded default is one SQLite file per service under var/ (TPP_DATA_DIR)."""

import argparse
import asyncio
import importlib
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path

from devtools.keys import ensure_identity_keys
from devtools.processes import DEFAULT_PORTS, ROOT, SERVICES, Platform
from servicekit.migrations import upgrade

RESTART_LIMIT = 3


MIGRATED = (*SERVICES, "gateway")


def service_dir(name: str) -> Path:
    return ROOT / "gateway" if name == "gateway" else ROOT / "services" / name


def database_url(name: str) -> str:
    """What the service itself would use: NAME_DATABASE_URL, else its SQLite file."""
    module = __import__(f"{name}.config", fromlist=["get_settings"])
    return module.get_settings().resolved_database_url()


def migrate_service(name: str) -> None:
    print(f"· migrating {name} (数据库迁移)", flush=True)
    upgrade(service_dir(name), database_url(name))


def migrate_all() -> None:
    for name in MIGRATED:
        migrate_service(name)


def plan_files() -> list[Path]:
    """The plans the platform runs: TPP_PLAN_FILES (os.pathsep-separated), else the Liaoning plan."""
    configured = os.environ.get("TPP_PLAN_FILES")
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    return [ROOT / "plans" / "liaoning-2018-2020.yaml"]


def plan_loader(name: str):  # noqa: ANN201 - a module
    """The service's plan loader, `<service>.plan_cli`, if it keeps part of the plan."""
    module = f"{name}.plan_cli"
    return importlib.import_module(module) if importlib.util.find_spec(module) is not None else None


def load_plan_data(database_urls: dict[str, str] | None = None) -> None:
    """Each service that keeps part of the plan has `<service>.plan_cli.load_plan_files(url, plans)`;
    loading is idempotent, so this runs at every start."""
    from planfile import load_plan_file

    plans = [load_plan_file(path) for path in plan_files()]
    for name in SERVICES:
        loader = plan_loader(name)
        if loader is None:
            continue
        url = (database_urls or {}).get(name) or database_url(name)
        for summary in asyncio.run(loader.load_plan_files(url, plans)):
            print(f"· {name}: {summary.line()}", flush=True)


def bootstrap_accounts(demo: bool) -> None:
    from gateway.bootstrap import bootstrap

    for line in asyncio.run(bootstrap(demo)):
        print(line, flush=True)


def replica_counts(text: str) -> dict[str, int]:
    """`applications=2,funding=3` → {"applications": 2, "funding": 3}."""
    counts = {}
    for part in filter(None, text.split(",")):
        name, _, count = part.partition("=")
        if name not in SERVICES or not count.isdigit() or not 1 <= int(count) <= 16:
            raise argparse.ArgumentTypeError(f"expected SERVICE=N with SERVICE one of {', '.join(SERVICES)} and "
                                             f"1 ≤ N ≤ 16, got {part!r}")
        counts[name] = int(count)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(prog="manage.py start", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="create fictional demo users, an API key and records")
    parser.add_argument("--replicas", type=replica_counts, default={}, metavar="SERVICE=N[,SERVICE=N]",
                        help="run N processes of a service (e.g. applications=2); the gateway takes them in turn. "
                             "Replica n listens on the service's port + 100 × (n − 1).")
    args = parser.parse_args()
    ports = {name: int(os.environ.get(f"{name.upper()}_PORT", port)) for name, port in DEFAULT_PORTS.items()}
    ports["gateway"] = int(os.environ.get("GATEWAY_PORT", ports["gateway"]))
    log_dir = Path(os.environ.get("TPP_DATA_DIR", ROOT / "var")) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    keys = ensure_identity_keys()
    migrate_all()
    load_plan_data()
    bootstrap_accounts(args.demo)
    platform = Platform(ports=ports, log_dir=log_dir, keys_root=keys, replicas=args.replicas)

    stopping = False

    def request_stop(signum: int, _frame) -> None:  # noqa: ANN001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    platform.start()
    try:
        platform.wait_ready(timeout=60)
    except (RuntimeError, TimeoutError) as exc:
        print(f"✗ {exc} (logs: {log_dir})", file=sys.stderr, flush=True)
        platform.stop()
        return 1
    if args.demo:
        from devtools.demo import create_demo_records

        try:
            for line in create_demo_records(platform.gateway_url):
                print(line, flush=True)
        except Exception as exc:  # noqa: BLE001 - demo records are a convenience; the platform still runs
            print(f"! demo records not created: {exc}", file=sys.stderr, flush=True)
    print(f"\n人才计划平台已启动 / Talent Plan Platform is up:  {platform.gateway_url}/\n"
          f"  API docs: {platform.gateway_url}/api/docs   health: {platform.gateway_url}/api/health\n"
          f"  logs: {log_dir}   按 Ctrl-C 停止 / Ctrl-C stops it", flush=True)
    restarts = {name: 0 for name in platform.processes}
    while not stopping:
        time.sleep(0.5)
        for name, process in platform.processes.items():
            if stopping or process.alive():
                continue
            if restarts[name] >= RESTART_LIMIT:
                print(f"✗ {name} keeps exiting; stopping everything (logs: {log_dir})", file=sys.stderr, flush=True)
                stopping = True
                break
            restarts[name] += 1
            print(f"! {name} exited with {process.popen.returncode}; restarting ({restarts[name]}/{RESTART_LIMIT})",
                  file=sys.stderr, flush=True)
            process.start()
    print("\n正在停止 / stopping…", flush=True)
    platform.stop()
    print("已停止 / stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
