"""`manage.py test`: every test of the platform, in this order:

1. the Python suite (every service, the gateway, cross-service, API fuzzing, browser) on SQLite;
2. the same suite on PostgreSQL, each service in a database of its own created and dropped by the run
   (TPP_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres). Required when CI=true or
   TPP_REQUIRE_POSTGRES=1; skipped with a notice elsewhere when no server answers;
3. the frontend's unit tests (Vitest).

Extra arguments go to pytest, e.g. `python3 manage.py test -k ledger`."""

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from servicekit.testing import pg_admin_url, postgres_available

ROOT = Path(__file__).resolve().parents[1]


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("TPP_REQUIRE_POSTGRES") == "1"


def run_pytest(backend: str, args: list[str], report: Path) -> tuple[int, dict[str, int]]:
    print(f"\n=== Python tests on {backend} ===", flush=True)
    env = {**os.environ, "TPP_TEST_BACKEND": backend}
    code = subprocess.call([sys.executable, "-m", "pytest", f"--junitxml={report}", *args], cwd=ROOT, env=env)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if report.exists():
        suite = ET.parse(report).getroot()
        suites = [suite] if suite.tag == "testsuite" else list(suite)
        for item in suites:
            total, failures, errors, skipped = (int(item.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
            counts["failed"] += failures + errors
            counts["skipped"] += skipped
            counts["passed"] += total - failures - errors - skipped
    return code, counts


def run_frontend_tests() -> tuple[int, dict[str, int]]:
    print("\n=== Frontend unit tests (Vitest) ===", flush=True)
    npm = shutil.which("npm") or "npm"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "vitest.json"
        code = subprocess.call([npm, "test", "--", "--reporter=default", "--reporter=json",
                                f"--outputFile.json={report}"], cwd=ROOT / "frontend")
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        if report.exists():
            import json

            data = json.loads(report.read_text())
            counts = {"passed": data.get("numPassedTests", 0), "failed": data.get("numFailedTests", 0),
                      "skipped": data.get("numPendingTests", 0) + data.get("numTodoTests", 0)}
    if code != 0 and counts["failed"] == 0:
        counts["failed"] = 1
    return code, counts


def main() -> int:
    pytest_args = sys.argv[1:]
    results: list[tuple[str, int, dict[str, int]]] = []
    with tempfile.TemporaryDirectory(prefix="tpp-reports-") as folder:
        code, counts = run_pytest("sqlite", pytest_args, Path(folder) / "sqlite.xml")
        results.append(("python/sqlite", code, counts))
        if postgres_available():
            code, counts = run_pytest("postgresql", pytest_args, Path(folder) / "postgresql.xml")
            results.append(("python/postgresql", code, counts))
        elif postgres_required():
            print(f"\n✗ PostgreSQL is required here but {pg_admin_url()} does not answer", flush=True)
            results.append(("python/postgresql", 1, {"passed": 0, "failed": 1, "skipped": 0}))
        else:
            print(f"\n! PostgreSQL not reachable at {pg_admin_url()}: its run is skipped (set TPP_TEST_PG_URL)",
                  flush=True)
    code, counts = run_frontend_tests()
    results.append(("frontend", code, counts))

    print("\n=== Summary ===")
    failed_parts = [name for name, code, _ in results if code != 0]
    for name, code, counts in results:
        print(f"{name:<20} {'ok' if code == 0 else 'FAILED':<7} "
              f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    passed = sum(c["passed"] for _, _, c in results)
    failed = sum(c["failed"] for _, _, c in results) or len(failed_parts)
    skipped = sum(c["skipped"] for _, _, c in results)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed_parts else 0


if __name__ == "__main__":
    sys.exit(main())
