"""The migrations go down and up again on this run's backend, and the models say exactly what they build."""

from applications.config import SERVICE_DIR
from applications.models import Base
from servicekit.migrations import downgrade, upgrade
from servicekit.testing import differences_from_migrations, inspected, scratch_database

CALENDAR_TABLES = {"calendar_years", "calendar_days"}


async def test_the_models_match_the_migrations():
    assert await differences_from_migrations(SERVICE_DIR, Base.metadata, "applications_models") == []


async def test_migrations_go_down_and_up_again():
    with scratch_database("applications_migrations") as url:
        upgrade(SERVICE_DIR, url)
        assert CALENDAR_TABLES <= set(await inspected(url, lambda i: i.get_table_names()))
        downgrade(SERVICE_DIR, url, "applications_2026_11_30_merge")
        assert not CALENDAR_TABLES & set(await inspected(url, lambda i: i.get_table_names()))
        downgrade(SERVICE_DIR, url, "base")
        assert set(await inspected(url, lambda i: i.get_table_names())) <= {"alembic_version"}
        upgrade(SERVICE_DIR, url)
        assert CALENDAR_TABLES | {"applications", "approvals", "saga_steps"} <= set(
            await inspected(url, lambda i: i.get_table_names()))
