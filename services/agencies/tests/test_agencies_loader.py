"""The plan loader: an idempotent upsert by codes, generic over plans; its command line."""

import os
import subprocess
import sys

import pytest
import yaml
from sqlalchemy import func, select

from agencies.config import SERVICE_DIR
from agencies.models import AuditLog, Base
from agencies.plan_loading.service import PlanLoadError, load_plan
from agencies_factories import EXAMPLE, EXAMPLE_PLAN, LIAONING, PLAN, admin, agency_key, create_report
from planfile import PlanFile, load_plan_file
from servicekit.migrations import upgrade
from servicekit.testing import scratch_database

# The tables a plan file fills.
TABLES = ("plans", "plan_targets", "sections", "task_groups", "tasks", "task_owners", "deliverables", "agencies",
          "plan_agencies", "group_members")


async def row_counts(session) -> dict[str, int]:
    return {name: await session.scalar(select(func.count()).select_from(Base.metadata.tables[name]))
            for name in TABLES}


async def load(app, plan_file: PlanFile):
    """Load inside the test's rolled-back transaction, as the request sessions see it."""
    async with app.state.database.sessionmaker() as session:
        summary = await load_plan(session, plan_file)
        counts = await row_counts(session)
        await session.commit()
    return summary, counts


def edited(path, edit) -> PlanFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    return PlanFile.model_validate(data)


async def test_loading_the_same_plan_again_changes_nothing(client, app):
    summary, before = await load(app, load_plan_file(LIAONING))
    assert not summary.changed
    assert before == {"plans": 1, "plan_targets": 3, "sections": 3, "task_groups": 4, "tasks": 26,
                      "task_owners": 169, "deliverables": 50, "agencies": 49, "plan_agencies": 49,
                      "group_members": 14}
    again, after = await load(app, load_plan_file(LIAONING))
    assert (again.changed, after) == (False, before)
    assert again.counts == {"agencies": 49, "sections": 3, "groups": 4, "tasks": 26, "task_owners": 169,
                            "deliverables": 50, "overall_targets": 3}
    audit = (await client.get("/audit?entity_type=plan", headers=admin())).json()
    assert [(e["entity_id"], e["action"]) for e in audit["items"]] == [(PLAN, "plan.load")]  # the first load only


async def test_the_second_plan_loads_the_same_way(client, app):
    first, counts = await load(app, load_plan_file(EXAMPLE))
    assert first.changed
    assert (dict(first.created), dict(first.deleted)) == (
        {"plans": 1, "agencies": 4, "plan_agencies": 8, "group_members": 3, "plan_targets": 1, "sections": 2,
         "task_groups": 2, "tasks": 3, "task_owners": 7, "deliverables": 2}, {})
    # Agencies both plans name keep the first plan's spelling; their code is their identity.
    assert first.kept_names == ["prov-youth-league", "all-cities"]
    again, counts_again = await load(app, load_plan_file(EXAMPLE))
    assert (again.changed, counts_again) == (False, counts)
    assert counts["tasks"] == 29 and counts["agencies"] == 53

    plans = (await client.get("/plans")).json()
    assert [p["code"] for p in plans["items"]] == [PLAN, EXAMPLE_PLAN]
    assert [t["number"] for t in (await client.get(f"/tasks?plan={EXAMPLE_PLAN}")).json()["items"]] == [1, 2, 3]
    example_task = (await client.get(f"/tasks/{EXAMPLE_PLAN}/1")).json()
    cities = next(o for o in example_task["owners"] if o["agency"]["code"] == "all-cities")
    assert [m["name"] for m in cities["members"]] == ["甲市", "乙市", "丙市"]
    liaoning_task = (await client.get(f"/tasks/{PLAN}/1")).json()
    cities = next(o for o in liaoning_task["owners"] if o["agency"]["code"] == "all-cities")
    assert len(cities["members"]) == 14
    only_lead = (await client.get(f"/tasks/{EXAMPLE_PLAN}/2")).json()
    assert [(o["role"], o["agency"]["name"]) for o in only_lead["owners"]] == [("lead", "省科技厅")]
    assert only_lead["deliverables"][0]["reporting"] == "half_yearly"
    matrix = (await client.get(f"/matrix?plan={EXAMPLE_PLAN}&expand_groups=true")).json()
    assert [a["code"] for a in matrix["agencies"]] == [
        "prov-talent-office", "prov-science-tech-dept", "prov-finance-dept", "prov-youth-league", "city-jia",
        "city-yi", "city-bing", "all-cities"]
    assert (await client.get("/agencies/prov-youth-league")).json()["plans"] == [PLAN, EXAMPLE_PLAN]


async def test_a_changed_file_updates_and_deletes_by_code(client, app):
    def edit(data):
        task = data["tasks"][25]
        task["responsible"] = [c for c in task["responsible"] if c != "prov-org-dept"]
        data["tasks"][23]["deliverables"][1]["value"] = 1200
        data["overall_targets"] = data["overall_targets"][:2]

    async def experts_served() -> float:
        return (await client.get(f"/tasks/{PLAN}/24")).json()["deliverables"][1]["value"]

    assert await experts_served() == 1000.0  # now in the task cache
    summary, counts = await load(app, edited(LIAONING, edit))
    assert await experts_served() == 1200.0  # the load bumped the plan's revision
    # The owners after the removed one move up a place.
    assert (dict(summary.created), dict(summary.updated), dict(summary.deleted)) == (
        {}, {"deliverables": 1, "task_owners": 2}, {"task_owners": 1, "plan_targets": 1})
    assert (counts["task_owners"], counts["plan_targets"]) == (168, 2)
    assert (await client.get("/deliverables/t24-experts-served")).json()["value"] == 1200.0
    restored, counts = await load(app, load_plan_file(LIAONING))
    assert (dict(restored.created), dict(restored.updated)) == (
        {"task_owners": 1, "plan_targets": 1}, {"deliverables": 1, "task_owners": 2})
    assert (counts["task_owners"], counts["plan_targets"]) == (169, 3)
    assert await experts_served() == 1000.0


async def test_a_deliverable_with_reports_cannot_be_dropped(client, app):
    assert (await create_report(client, "t05-doctors-postdocs", agency_key("prov-hrss-dept"), "2019-Q1", 1,
                              "人")).status_code == 201

    def drop(data):
        data["tasks"][4]["deliverables"] = []

    async with app.state.database.sessionmaker() as session:
        with pytest.raises(PlanLoadError, match="t05-doctors-postdocs"):
            await load_plan(session, edited(LIAONING, drop))
        await session.rollback()
    assert (await client.get("/deliverables/t05-doctors-postdocs")).status_code == 200


async def test_deliverable_codes_are_unique_across_plans(client, app):
    def clash(data):
        data["tasks"][0]["deliverables"][0]["code"] = "t11-academician-workstations"

    async with app.state.database.sessionmaker() as session:
        with pytest.raises(PlanLoadError, match="already used by another plan: t11-academician-workstations"):
            await load_plan(session, edited(EXAMPLE, clash))
        await session.rollback()


def test_the_cli_loads_plans_with_the_service_settings():
    with scratch_database("agencies_cli") as url:
        upgrade(SERVICE_DIR, url)
        env = {**os.environ, "AGENCIES_DATABASE_URL": url}
        command = [sys.executable, "-m", "agencies.plan_cli", str(LIAONING), str(EXAMPLE)]
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        loaded = "plan loaded (计划已加载): liaoning-2018-2020: agencies 49, sections 3, groups 4, tasks 26"
        assert loaded in first.stdout
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert second.stdout.count("plan unchanged") == 2
        broken = subprocess.run([sys.executable, "-m", "agencies.plan_cli", str(SERVICE_DIR / "alembic.ini")],
                                env=env, capture_output=True, text=True, timeout=120)
        assert broken.returncode == 2
        assert "invalid plan file" in broken.stderr


async def test_the_plan_load_is_audited(client, app):
    async with app.state.database.sessionmaker() as session:
        await load_plan(session, load_plan_file(EXAMPLE))
        entry = (await session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))).one()
        assert (entry.actor, entry.action, entry.entity_type, entry.entity_id) == (
            "system:plan-loader", "plan.load", "plan", EXAMPLE_PLAN)
        assert entry.after["created"]["tasks"] == 3
        await session.rollback()
