"""The migrations go down and up again on this run's backend with data in the tables, and the models say exactly
what the migrations build."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from agencies.config import SERVICE_DIR, AgenciesSettings
from agencies.main import create_app
from agencies.models import Base, Deliverable, ProgressReport, Task
from agencies.plan_cli import load_plan_files
from agencies_factories import HRSS, LIAONING, POSTDOCS, agency_key, create_report
from planfile import load_plan_file
from servicekit.database import Database
from servicekit.migrations import downgrade, upgrade
from servicekit.testing import committing_app, differences_from_migrations, inspected, scratch_database

BEFORE_ENGLISH = "agencies_2026_11_26_progress"
SERVICE_TABLES = {"audit_log", "idempotency_records", "plans", "plan_targets", "sections", "task_groups", "tasks",
                  "agencies", "plan_agencies", "group_members", "task_owners", "deliverables", "progress_reports",
                  "report_reviews", "derived_approvals", "escalations"}


async def scalar(url: str, statement):  # noqa: ANN001, ANN201
    database = Database(url)
    try:
        async with database.sessionmaker() as session:
            return await session.scalar(statement)
    finally:
        await database.dispose()


def columns(table: str):  # noqa: ANN201
    return lambda inspector: {c["name"] for c in inspector.get_columns(table)}


async def test_migrations_go_down_and_up_again(frozen_clock):
    with scratch_database("agencies_migrations") as url:
        upgrade(SERVICE_DIR, url)
        assert SERVICE_TABLES <= set(await inspected(url, lambda i: i.get_table_names()))
        await load_plan_files(url, [load_plan_file(LIAONING)])
        # 04:30 on 2019-07-10 in UTC is 12:30 the same day in China.
        frozen_clock.move_to(datetime(2019, 7, 10, 4, 30, tzinfo=UTC))
        async with committing_app(create_app(AgenciesSettings(database_url=url))) as api:
            assert (await create_report(api, POSTDOCS, agency_key(HRSS), "2019-Q2", 10, "人")).status_code == 201

        downgrade(SERVICE_DIR, url, BEFORE_ENGLISH)
        assert {"title_en"} & await inspected(url, columns("tasks")) == set()
        assert {"indicator_en", "unit_en"} & await inspected(url, columns("deliverables")) == set()
        assert "reported_on" not in await inspected(url, columns("progress_reports"))
        assert await scalar(url, select(func.count()).select_from(Task)) == 26  # the rows stay

        upgrade(SERVICE_DIR, url)
        assert await scalar(url, select(ProgressReport.reported_on)) == date(2019, 7, 10)
        assert await scalar(url, select(Task.title_en).where(Task.number == 5)) == ""  # until the plan loads again
        await load_plan_files(url, [load_plan_file(LIAONING)])
        assert await scalar(url, select(Task.title_en).where(Task.number == 5)) == \
            "Implement the young talent reserve programme"
        assert await scalar(url, select(Deliverable.unit_en).where(Deliverable.code == POSTDOCS)) == "people"

        downgrade(SERVICE_DIR, url, "base")
        assert set(await inspected(url, lambda i: i.get_table_names())) <= {"alembic_version"}
        upgrade(SERVICE_DIR, url)
        assert SERVICE_TABLES <= set(await inspected(url, lambda i: i.get_table_names()))
        [summary] = await load_plan_files(url, [load_plan_file(LIAONING)])
        assert (summary.created["tasks"], summary.created["deliverables"]) == (26, 50)


async def test_the_models_match_the_migrations():
    assert await differences_from_migrations(SERVICE_DIR, Base.metadata, "agencies_models") == []
