"""`manage.py test`: every test of the platform, in three parts at the same time:

* python/sqlite      the Python suite (every service, the gateway, cross-service, API fuzzing, browser) on SQLite;
* python/postgresql  the same suite on PostgreSQL (TPP_TEST_PG_URL, default
                     postgresql://postgres@127.0.0.1:5432/postgres), each service in a database of its own created
                     and dropped by the run, but for the tests marked database_agnostic (browser, the API
                     contract, docker-compose, the gateway's proxying and replicas), which run once. Required when
                     CI=true or TPP_REQUIRE_POSTGRES=1; skipped with a notice elsewhere when no server answers;
* frontend           the SPA's unit tests (Vitest).

Each Python part spreads its tests over pytest-xdist workers (TPP_TEST_WORKERS each, default 2), the longest
test files first (conftest.LONG_FIRST) so the workers finish together; each worker starts the running platform
that tests share when it first needs it.
The Python parts run at a lower priority (nice 10) than the frontend's: beside both passes and their browsers,
jsdom got so little of the two cores that a form test timed out at 90 s.
Every part's output is printed whole when it ends, then one summary; the exit code is non-zero when any part
failed. Extra arguments go to pytest, e.g. `python3 manage.py test -k ledger` (the frontend part then skips)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from servicekit.testing import pg_admin_url, postgres_available

ROOT = Path(__file__).resolve().parents[1]


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("TPP_REQUIRE_POSTGRES") == "1"


@dataclass
class Part:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    report: Path
    read_counts: Callable[[Path], dict[str, int]]
    niceness: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None
    started: float = 0.0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: {"passed": 0, "failed": 0, "skipped": 0})

    def start(self, folder: Path) -> None:
        self.log = folder / f"{self.name.replace('/', '-')}.log"
        self.started = time.monotonic()
        niceness = self.niceness
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=self.log.open("wb"),
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        preexec_fn=(lambda: os.nice(niceness)) if niceness else None)

    def finish(self) -> int:
        assert self.process is not None
        self.seconds = time.monotonic() - self.started
        self.counts = self.read_counts(self.report)
        if self.process.returncode != 0 and self.counts["failed"] == 0:
            self.counts["failed"] = 1  # it failed before reporting (collection error, crash)
        return self.process.returncode


def junit_counts(report: Path) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if not report.exists():
        return counts
    suite = ET.parse(report).getroot()
    for item in [suite] if suite.tag == "testsuite" else list(suite):
        total, failures, errors, skipped = (int(item.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
        counts["failed"] += failures + errors
        counts["skipped"] += skipped
        counts["passed"] += total - failures - errors - skipped
    return counts


def vitest_counts(report: Path) -> dict[str, int]:
    if not report.exists():
        return {"passed": 0, "failed": 0, "skipped": 0}
    data = json.loads(report.read_text())
    return {"passed": data.get("numPassedTests", 0), "failed": data.get("numFailedTests", 0),
            "skipped": data.get("numPendingTests", 0) + data.get("numTodoTests", 0)}


def python_part(backend: str, pytest_args: list[str], folder: Path, extra: list[str] = ()) -> Part:
    report = folder / f"{backend}.xml"
    workers = os.environ.get("TPP_TEST_WORKERS", "2")
    command = [sys.executable, "-m", "pytest", f"--junitxml={report}", "-n", workers, "--dist", "loadgroup",
               "-q", "--durations=25", *extra, *pytest_args]
    return Part(f"python/{backend}", command, ROOT, {**os.environ, "TPP_TEST_BACKEND": backend}, report,
                junit_counts, niceness=10)


def frontend_part(folder: Path) -> Part:
    report = folder / "vitest.json"
    command = [shutil.which("npm") or "npm", "test", "--", "--reporter=default", "--reporter=json",
               f"--outputFile.json={report}"]
    return Part("frontend", command, ROOT / "frontend", dict(os.environ), report, vitest_counts)


def run_together(parts: list[Part], folder: Path) -> None:
    for part in parts:
        part.start(folder)
    running = list(parts)
    while running:
        for part in list(running):
            if part.process.poll() is None:
                continue
            running.remove(part)
            code = part.finish()
            print(f"\n=== {part.name}: {'ok' if code == 0 else 'FAILED'} in {part.seconds:.0f} s ===", flush=True)
            sys.stdout.write(part.log.read_text(errors="replace"))
            sys.stdout.flush()
        time.sleep(0.5)


def main() -> int:
    pytest_args = sys.argv[1:]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tpp-tests-") as tmp:
        folder = Path(tmp)
        parts = [python_part("sqlite", pytest_args, folder)]
        notes: list[str] = []
        failed_before_start: list[str] = []
        if postgres_available():
            parts.append(python_part("postgresql", pytest_args, folder, extra=["-m", "not database_agnostic"]))
        elif postgres_required():
            notes.append(f"✗ PostgreSQL is required here but {pg_admin_url()} does not answer")
            failed_before_start.append("python/postgresql")
        else:
            notes.append(f"! PostgreSQL not reachable at {pg_admin_url()}: its run is skipped (set TPP_TEST_PG_URL)")
        if not pytest_args:
            parts.append(frontend_part(folder))

        print(f"=== Running {', '.join(p.name for p in parts)} at the same time ===", flush=True)
        run_together(parts, folder)

    print("\n=== Summary ===")
    for note in notes:
        print(note)
    for name in failed_before_start:
        print(f"{name:<20} FAILED  not run")
    for part in parts:
        c = part.counts
        print(f"{part.name:<20} {'ok' if part.process.returncode == 0 else 'FAILED':<7} {part.seconds:6.0f} s  "
              f"{c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
    totals = {k: sum(p.counts[k] for p in parts) for k in ("passed", "failed", "skipped")}
    totals["failed"] += len(failed_before_start)
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped "
          f"in {time.monotonic() - started:.0f} s")
    return 1 if failed_before_start or any(p.process.returncode != 0 for p in parts) else 0


if __name__ == "__main__":
    sys.exit(main())
