"""The SPA in Debian's Chromium, through the gateway of the real platform (frontend/e2e/*.mjs drive it)."""

import os
from datetime import UTC, datetime, timedelta
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from approvals_flow import YEAR, ready_for_decision

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = [pytest.mark.platform, pytest.mark.browser, pytest.mark.database_agnostic]


def require_browser() -> None:
    missing = [what for what, ok in [
        (CHROMIUM, Path(CHROMIUM).exists()),
        ("frontend/node_modules/playwright-core", (ROOT / "frontend/node_modules/playwright-core").is_dir()),
        ("frontend/node_modules/axe-core", (ROOT / "frontend/node_modules/axe-core").is_dir()),
        ("frontend/dist (npm run build)", (ROOT / "frontend/dist/index.html").is_file()),
        ("node", shutil.which("node") is not None),
    ] if not ok]
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test needs: {', '.join(missing)}")
        pytest.skip(f"browser test needs: {', '.join(missing)}")


def run_script(script: str, platform, **env: str) -> None:
    require_browser()
    result = subprocess.run(
        ["node", f"e2e/{script}"], cwd=ROOT / "frontend", capture_output=True, text=True, timeout=600,
        env={**os.environ, "BASE_URL": platform.gateway_url, "CHROMIUM_PATH": CHROMIUM, **env},
    )
    print(result.stdout, result.stderr)
    if result.returncode != 0:  # what the services said meanwhile, to tell a slow answer from a wrong page
        for log in sorted(platform.log_dir.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-6000:]}")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def lead_agency_reviewer(platform, platform_admin) -> tuple[str, str]:
    """A reviewer of 省人力资源社会保障厅 (it leads task 5) who is its key admin, made by the admin through the API."""
    username, password = platform_admin
    with httpx.Client(base_url=f"{platform.gateway_url}/api", timeout=30) as api:
        login = api.post("/auth/login", json={"username": username, "password": password})
        login.raise_for_status()
        created = api.post("/admin/users", headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                           json={"username": "browser-reviewer", "display_name": "浏览器测试审核员", "role": "reviewer",
                                 "agency_code": "prov-hrss-dept", "is_agency_admin": True})
        created.raise_for_status()
        return "browser-reviewer", created.json()["initial_password"]


@pytest.fixture(scope="module")
def application_accounts(platform, platform_admin) -> dict[str, str]:
    """What the applications checks need, made by the admin through the API: a call open now for the postdoc
    living subsidy (reviewed by 省人力资源社会保障厅, places for 沈阳市), an applicant, and an expert when the
    gateway has the expert role (without it the expert, notice and objection checks say they are skipped)."""
    username, password = platform_admin
    with httpx.Client(base_url=f"{platform.gateway_url}/api", timeout=30) as api:
        login = api.post("/auth/login", json={"username": username, "password": password})
        login.raise_for_status()
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        now = datetime.now(UTC)
        program = "t05-postdoc-living-subsidy"
        # Other tests on this platform may have opened this year's call already (one per program and year):
        # then it gets 10 more places, 5 of them for 沈阳市, as an administrator would add them.
        existing = api.get("/applications/calls", params={"program": program, "status": "open"}).json()["items"]
        if existing:
            call_id = existing[0]["id"]
            quota = api.get(f"/applications/calls/{call_id}/quota", headers=admin).json()
            shenyang = next((a["size"] for a in quota["allocations"] if a["agency_code"] == "city-shenyang"), 0)
            api.put(f"/applications/calls/{call_id}/quota", headers=admin,
                    json={"total": quota["total"] + 10, "reason": "浏览器测试增加名额"}).raise_for_status()
            api.put(f"/applications/calls/{call_id}/allocations/city-shenyang", headers=admin,
                    json={"size": shenyang + 5, "reason": "浏览器测试增加名额"}).raise_for_status()
        else:
            call = api.post("/applications/calls", headers={**admin, "Idempotency-Key": "browser-call"}, json={
                "program_code": program, "year": now.year, "title": f"{now.year}年度博士后生活补贴（浏览器测试）",
                "opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat(),
                "quota_total": 10, "allocations": [{"agency_code": "city-shenyang", "size": 5}]})
            call.raise_for_status()
            call_id = call.json()["id"]
        applicant = api.post("/admin/users", headers=admin, json={
            "username": "browser-applicant", "display_name": "浏览器测试申报人", "role": "applicant"})
        applicant.raise_for_status()
        accounts = {"CALL_ID": str(call_id), "APPLICANT_USERNAME": "browser-applicant",
                    "APPLICANT_PASSWORD": applicant.json()["initial_password"]}
        expert = api.post("/admin/users", headers=admin, json={
            "username": "browser-expert", "display_name": "浏览器测试专家", "role": "expert"})
        if expert.status_code != 422:  # 422: this gateway has no expert role yet
            expert.raise_for_status()
            accounts |= {"EXPERT_USERNAME": "browser-expert", "EXPERT_PASSWORD": expert.json()["initial_password"],
                         "EXPERT_SUBJECT": f"user:{expert.json()['id']}"}
        return accounts


def test_status_page_shows_every_service_up(platform):
    run_script("smoke.mjs", platform)


def test_catalog_pages_show_the_plan(platform):
    run_script("catalog.mjs", platform)


def test_admin_signs_in_and_manages_an_api_key(platform, platform_admin):
    username, password = platform_admin
    run_script("auth.mjs", platform, ADMIN_USERNAME=username, ADMIN_PASSWORD=password)


# The page checks per role, and the work, as separate tests (one script run each): the longest browser test
# (about 4 minutes on a loaded machine) becomes six that pytest-xdist's workers share.
@pytest.mark.parametrize("role", ["public", "reviewer", "admin", "applicant", "expert"])
def test_every_page_as_each_role_is_accessible_and_fits_phones(platform, platform_admin, lead_agency_reviewer,
                                                               application_accounts, role):
    run_script("pages.mjs", platform, E2E_PART="pages", E2E_ROLES=role,
               **_role_accounts(platform_admin, lead_agency_reviewer, application_accounts))


def test_each_role_does_its_work_in_the_browser(platform, platform_admin, lead_agency_reviewer,
                                                application_accounts):
    run_script("pages.mjs", platform, E2E_PART="work",
               **_role_accounts(platform_admin, lead_agency_reviewer, application_accounts))


def _role_accounts(platform_admin, lead_agency_reviewer, application_accounts) -> dict[str, str]:
    (admin, admin_password), (reviewer, reviewer_password) = platform_admin, lead_agency_reviewer
    return {"ADMIN_USERNAME": admin, "ADMIN_PASSWORD": admin_password, "REVIEWER_USERNAME": reviewer,
            "REVIEWER_PASSWORD": reviewer_password, **application_accounts}


async def test_admin_approves_a_recommended_list_and_the_dashboard_and_deliverable_follow(platform, platform_admin,
                                                                                          frozen_clock):
    """Three applications of 杰出人才 (2019) ready for the decision against a quota of 2: an administrator
    approves the list in one batch (2 approved, 1 told the quota is exhausted); the award is committed and one is
    recorded paid; the funding dashboard shows 2 × 300 万元 more committed and 300 万元 more disbursed, and
    遴选支持 10 名左右杰出人才 two more people; the awards list and the reconciler's report are read."""
    require_browser()
    rule, year, amount, deliverable = "t01-outstanding", YEAR, 3_000_000 * 100, "t01-outstanding-talent"
    call, _ = await ready_for_decision(platform.database_urls["applications"], platform.service_url("funding"),
                                       frozen_clock, rule, "prov-science-tech-dept",
                                       ["city-shenyang", "city-dalian", "city-anshan"], total=2)
    username, password = platform_admin
    with httpx.Client(base_url=f"{platform.gateway_url}/api", timeout=30) as api:
        login = api.post("/auth/login", json={"username": username, "password": password})
        login.raise_for_status()
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        api.put(f"/funding/budgets/{rule}/{year}", headers=admin, json={
            "amount_fen": 10 * amount, "reason": "浏览器测试预算", "id": f"browser-budget-{rule}-{year}"}
        ).raise_for_status()
        rows = api.get("/funding/reports/programs", params={"fiscal_year": year}).json()["rows"]
        before = next((r for r in rows if r["program_code"] == rule), {"committed": 0, "disbursed": 0})
        counted = api.get(f"/agencies/deliverables/{deliverable}").json()["progress"]["value"]
    run_script("decisions.mjs", platform, ADMIN_USERNAME=username, ADMIN_PASSWORD=password,
               CALL_ID=str(call["id"]), EXPECT_OUTCOMES="approved,approved,quotaExhausted", PROGRAM_CODE=rule,
               FISCAL_YEAR=str(year), AWARD_FEN=str(amount),
               EXPECT_COMMITTED_FEN=str(before["committed"] + 2 * amount),
               EXPECT_DISBURSED_FEN=str(before["disbursed"] + amount),
               TASK="liaoning-2018-2020/1", DELIVERABLE=deliverable, EXPECT_DELIVERABLE=f"{counted + 2:g}")
