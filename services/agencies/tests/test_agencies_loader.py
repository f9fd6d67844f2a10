"""The plan loader: an idempotent upsert by codes, generic over plans; its CLI; the migrations."""

import asyncio
import os
import subprocess
import sys

import pytest
import yaml
from sqlalchemy import func, select

from agencies.config import SERVICE_DIR
from agencies.load_plan import load_plan_files
from agencies.models import (
    Agency,
    AuditLog,
    Deliverable,
    GroupMember,
    Plan,
    PlanAgency,
    PlanTarget,
    Section,
    Task,
    TaskGroup,
    TaskOwner,
)
from agencies.plan_loader import PlanLoadError, load_plan
from agencies_testkit import EXAMPLE, LIAONING, PLAN, admin, agency_key, file_report
from servicekit.migrations import downgrade, upgrade
from planfile import PlanFile, load_plan_file
from servicekit.testing import scratch_database

EXAMPLE_PLAN = "example-2031-2032"
TABLES = (Plan, PlanTarget, Section, TaskGroup, Task, TaskOwner, Deliverable, Agency, PlanAgency, GroupMember)


async def row_counts(session) -> dict[str, int]:
    return {model.__tablename__: await session.scalar(select(func.count()).select_from(model)) for model in TABLES}


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
    assert (await file_report(client, "t05-doctors-postdocs", agency_key("prov-hrss-dept"), "2019-Q1", 1,
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
        command = [sys.executable, "-m", "agencies.load_plan", str(LIAONING), str(EXAMPLE)]
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert "plan loaded (计划已加载): liaoning-2018-2020: agencies 49, sections 3, groups 4, tasks 26" in first.stdout
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert second.stdout.count("plan unchanged") == 2
        broken = subprocess.run([sys.executable, "-m", "agencies.load_plan", str(SERVICE_DIR / "alembic.ini")],
                                env=env, capture_output=True, text=True, timeout=120)
        assert broken.returncode == 2
        assert "invalid plan file" in broken.stderr


def test_migrations_go_down_to_base_and_up_again_with_a_plan_loaded():
    with scratch_database("agencies_migrations") as url:
        upgrade(SERVICE_DIR, url)
        asyncio.run(load_plan_files(url, [load_plan_file(LIAONING)]))
        downgrade(SERVICE_DIR, url, "agencies_2026_11_26_initial")
        downgrade(SERVICE_DIR, url, "base")
        upgrade(SERVICE_DIR, url)
        summaries = asyncio.run(load_plan_files(url, [load_plan_file(LIAONING)]))
        assert summaries[0].created["tasks"] == 26


async def test_the_plan_load_is_audited(client, app):
    async with app.state.database.sessionmaker() as session:
        await load_plan(session, load_plan_file(EXAMPLE))
        entry = (await session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))).one()
        assert (entry.actor, entry.action, entry.entity_type, entry.entity_id) == (
            "system:plan-loader", "plan.load", "plan", EXAMPLE_PLAN)
        assert entry.after["created"]["tasks"] == 3
        await session.rollback()
