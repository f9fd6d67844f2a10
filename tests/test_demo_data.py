"""`manage.py start --demo`: fictional accounts of every role and sample records, made once however often
the platform starts."""

import asyncio
import json

import httpx
import pytest

from devtools.demo import DEMO_REPORTS, create_demo_records
from devtools.demo_applications import STATES as DEMO_STATES
from devtools.processes import running_platform
from gateway.bootstrap import bootstrap

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def platform():
    """A platform of its own: the demo's reports must not meet the reports other tests make."""
    # The demo signs its accounts in; this test runs it twice and signs in once more.
    with running_platform(extra_env={"GATEWAY_LOGIN_RATE_LIMIT": "10000/minute"}) as running:
        yield running


def test_demo_accounts_and_records_are_made_once(platform, tmp_path, monkeypatch):
    monkeypatch.setenv("TPP_DATA_DIR", str(tmp_path))
    url = platform.database_urls["gateway"]
    first = asyncio.run(bootstrap(demo=True, database_url=url))
    second = asyncio.run(bootstrap(demo=True, database_url=url))
    assert any("demo-reviewer-hrss" in line for line in first)
    assert [line for line in second if "password" in line and "demo-" in line] == \
           [line for line in first if "password" in line and "demo-" in line]
    assert (tmp_path / "demo-credentials.txt").stat().st_mode & 0o077 == 0
    create_demo_records(platform.gateway_url)
    create_demo_records(platform.gateway_url)
    reports = httpx.get(f"{platform.gateway_url}/api/agencies/deliverables/t05-doctors-postdocs/reports").json()
    demo_periods = [r["period"] for r in reports["items"] if "演示数据" in r["narrative"]]
    assert sorted(demo_periods) == sorted(p for code, p, *_ in DEMO_REPORTS if code == "t05-doctors-postdocs")
    statuses = {r["period"]: r["status"] for r in reports["items"] if "演示数据" in r["narrative"]}
    assert statuses["2018-Q4"] == "accepted"
    # A call open now, with the demo applicants' applications in every state a start can reach (a notice's
    # five working days have to pass before its entry is ready for decision).
    calls = httpx.get(f"{platform.gateway_url}/api/applications/calls",
                      params={"program": "t05-postdoc-living-subsidy"}).json()["items"]
    assert [c["status"] for c in calls] == ["open"]
    saved = json.loads((tmp_path / "demo-credentials.txt").read_text())
    admin = next(u for u in saved["users"] if u["username"] == "demo-admin")
    token = httpx.post(f"{platform.gateway_url}/api/auth/login",
                       json={"username": admin["username"], "password": admin["password"]}).json()["access_token"]
    listed = httpx.get(f"{platform.gateway_url}/api/applications/applications", params={"call_id": calls[0]["id"]},
                       headers={"Authorization": f"Bearer {token}"}).json()
    states = sorted(a["state"] for a in listed["items"])
    # The demo expert (made by the bootstrap) scores, so every state a start can reach is reached; a notice's
    # entry becomes ready for decision only after its five working days.
    assert any(u["username"] == "demo-expert" and u["role"] == "expert" for u in saved["users"])
    reachable = {state: state for state, _ in DEMO_STATES}
    reachable["ready_for_decision"] = "public_notice"
    assert states == sorted(reachable.values())
    # The plan's budgets are imported for each year of its period, once however often the demo runs.
    budgets = httpx.get(f"{platform.gateway_url}/api/funding/budgets", params={"program_code": "t01-outstanding"},
                        headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted((b["fiscal_year"], b["figures"]["appropriated"]) for b in budgets) == [
        (2018, 900_000_000), (2019, 900_000_000), (2020, 1_200_000_000)]
