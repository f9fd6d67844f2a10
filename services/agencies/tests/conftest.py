import asyncio

import pytest

from agencies.config import SERVICE_DIR, AgenciesSettings
from agencies.main import create_app
from agencies.plan_cli import load_plan_files
from agencies_factories import LIAONING
from planfile import load_plan_file
from servicekit.pytest_fixtures import service_fixtures

database_url, app, client, committing_client = service_fixtures(
    # Tests load plans and roll back inside their own transaction, which no cache can see: re-read a plan's
    # revision on every request and build every page afresh (test_agencies_pages.py tests the page cache). The
    # webhook worker would share the test's one connection: test_agencies_events.py runs it on its own app.
    SERVICE_DIR,
    lambda database_url: create_app(AgenciesSettings(database_url=database_url, catalog_revision_check_seconds=0,
                                                     catalog_page_seconds=0, webhook_worker=False)),
)


@pytest.fixture(scope="session", autouse=True)
def liaoning_plan(database_url: str) -> None:
    """The Liaoning plan, committed once into the session's database; each test's writes are rolled back."""
    asyncio.run(load_plan_files(database_url, [load_plan_file(LIAONING)]))
