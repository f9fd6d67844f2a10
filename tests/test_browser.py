"""The SPA in Debian's Chromium, through the gateway of the real platform (frontend/e2e/*.mjs drive it)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = [pytest.mark.platform, pytest.mark.browser]


def require_browser() -> None:
    missing = [what for what, ok in [
        (CHROMIUM, Path(CHROMIUM).exists()),
        ("frontend/node_modules/playwright-core", (ROOT / "frontend/node_modules/playwright-core").is_dir()),
        ("frontend/dist (npm run build)", (ROOT / "frontend/dist/index.html").is_file()),
        ("node", shutil.which("node") is not None),
    ] if not ok]
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test needs: {', '.join(missing)}")
        pytest.skip(f"browser test needs: {', '.join(missing)}")


def run_script(script: str, base_url: str, **env: str) -> None:
    require_browser()
    result = subprocess.run(
        ["node", f"e2e/{script}"], cwd=ROOT / "frontend", capture_output=True, text=True, timeout=300,
        env={**os.environ, "BASE_URL": base_url, "CHROMIUM_PATH": CHROMIUM, **env},
    )
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr


def test_status_page_shows_every_service_up(platform):
    run_script("smoke.mjs", platform.gateway_url)


def test_catalog_pages_show_the_plan(platform):
    run_script("catalog.mjs", platform.gateway_url)


def test_admin_signs_in_and_manages_an_api_key(platform, platform_admin):
    username, password = platform_admin
    run_script("auth.mjs", platform.gateway_url, ADMIN_USERNAME=username, ADMIN_PASSWORD=password)
