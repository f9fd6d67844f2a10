"""Requests at once, on a database of their own where every commit is a commit (PostgreSQL in CI: real
concurrent transactions; SQLite: writers take turns)."""

import asyncio
from datetime import UTC, datetime

from agencies.config import SERVICE_DIR, AgenciesSettings
from agencies.main import create_app
from agencies.plan_cli import load_plan_files
from agencies_factories import HRSS, LIAONING, POSTDOCS, admin, agency_key, create_report, reviewer
from planfile import load_plan_file
from servicekit.migrations import upgrade
from servicekit.testing import committing_app, scratch_database

AT_ONCE = 8


async def test_retries_sent_at_once_with_one_key_file_one_report(frozen_clock):
    frozen_clock.move_to(datetime(2020, 12, 1, 4, tzinfo=UTC))
    with scratch_database("agencies_idempotency") as url:
        upgrade(SERVICE_DIR, url)
        await load_plan_files(url, [load_plan_file(LIAONING)])
        async with committing_app(create_app(AgenciesSettings(database_url=url))) as api:
            headers = {**agency_key(HRSS), "Idempotency-Key": "hrss-2019-q2"}
            responses = await asyncio.gather(*(create_report(api, POSTDOCS, headers, "2019-Q2", 300, "人")
                                               for _ in range(AT_ONCE)))
            assert [r.status_code for r in responses] == [201] * AT_ONCE
            assert len({r.text for r in responses}) == 1
            assert sorted(r.headers.get("idempotent-replay", "first") for r in responses) == (
                ["first"] + ["true"] * (AT_ONCE - 1))
            assert (await api.get(f"/deliverables/{POSTDOCS}/reports")).json()["total"] == 1

            report_id = responses[0].json()["id"]
            decisions = await asyncio.gather(*(
                api.post(f"/reports/{report_id}/accept", headers={**reviewer(HRSS), "Idempotency-Key": "accept"},
                         json={"comment": "同意"}) for _ in range(AT_ONCE)))
            assert [d.status_code for d in decisions] == [200] * AT_ONCE
            assert len({d.text for d in decisions}) == 1
            accepted = await api.get("/audit", headers=admin(), params={"action": "report.accept"})
            assert [e["entity_id"] for e in accepted.json()["items"]] == [str(report_id)]  # decided once
