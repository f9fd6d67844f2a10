#!/usr/bin/env python3
"""The two commands of the Talent Plan Platform (人才计划平台), with nothing but Python 3.11+ and Node 20+:

    python3 manage.py start    install what is missing, build the SPA, migrate, load the plan, run everything
    python3 manage.py test     install what is missing, then run every test (Python, frontend, browser)

Only the standard library is used here: this file makes the virtualenv, then hands over to `devtools`
inside it. Installs are skipped when nothing they depend on has changed, so a second start is quick."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
FRONTEND = ROOT / "frontend"
SOURCE_DIRS = ["libs/servicekit", "libs/planfile", "services/agencies", "services/applications", "services/funding", "gateway", "."]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                h.update(str(file.relative_to(ROOT)).encode())
                h.update(file.read_bytes())
    return h.hexdigest()


def run(cmd: list[str], **kwargs) -> None:
    print(f"$ {' '.join(str(c) for c in cmd)}", flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def up_to_date(marker: Path, value: str) -> bool:
    return marker.is_file() and marker.read_text() == value


def ensure_python_env(dev: bool) -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed (需要 Python 3.11 及以上版本).")
    if not venv_python().exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    requirements = ROOT / ("requirements-dev.txt" if dev else "requirements.txt")
    wanted = digest([ROOT / "requirements.txt", requirements])
    marker = VENV / f".installed-{requirements.stem}"
    if not up_to_date(marker, wanted):
        run([str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)])
        marker.write_text(wanted)
    # Our packages are imported from the source tree (like an editable install, without the build step).
    site = subprocess.check_output([str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   text=True).strip()
    (Path(site) / "talentplan.pth").write_text("".join(f"{ROOT / d}\n" for d in SOURCE_DIRS))


def ensure_frontend(build: bool) -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm (Node.js 20+) is needed to build the SPA (需要 Node.js 20 及以上版本).")
    lock = digest([FRONTEND / "package-lock.json"])
    marker = FRONTEND / "node_modules" / ".installed-lock"
    if not up_to_date(marker, lock):
        run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND)
        marker.write_text(lock)
    if build:
        sources = digest([FRONTEND / p for p in ("src", "public", "index.html", "package-lock.json", "package.json",
                                                 "vite.config.ts", "tsconfig.json", "tsconfig.app.json", "tsconfig.node.json")])
        built = FRONTEND / "dist" / ".built-from"
        if not up_to_date(built, sources):
            run([npm, "run", "build"], cwd=FRONTEND)
            built.write_text(sources)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command not in ("start", "test"):
        sys.exit(__doc__)
    ensure_python_env(dev=command == "test")
    ensure_frontend(build=True)
    module = "devtools.platform" if command == "start" else "devtools.testsuite"
    os.chdir(ROOT)
    # Replace this process, so Ctrl-C and exit codes belong to the real command.
    os.execv(str(venv_python()), [str(venv_python()), "-m", module, *sys.argv[2:]])


if __name__ == "__main__":
    main()
