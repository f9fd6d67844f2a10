"""`manage.py start --demo`: fictional accounts of every role and sample records, made once however often
the platform starts."""

import asyncio

import httpx
import pytest

from devtools.demo import DEMO_REPORTS, create_demo_records
from devtools.processes import running_platform
from gateway.bootstrap import bootstrap

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def platform():
    """A platform of its own: the demo's reports must not meet the reports other tests make."""
    with running_platform() as running:
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
