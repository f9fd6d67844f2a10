"""The applications service's fixtures: its database built by its migrations with the plans' programs loaded,
and the real funding and agencies services (their own databases, the plans loaded) running in the same
process, which the service calls for every amount and every approval, as it calls their processes in
production. The saga's background worker is off: tests drain its steps through the API."""

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from applications.config import SERVICE_DIR, ApplicationsSettings
from applications.main import create_app
from applications.plan_cli import load_plan_files
from applications_testkit import PLAN_FILES, PLANS
from agencies.config import SERVICE_DIR as AGENCIES_DIR
from agencies.config import AgenciesSettings
from agencies.main import create_app as create_agencies_app
from agencies.plan_cli import load_plan_files as load_agencies_plan
from funding.config import SERVICE_DIR as FUNDING_DIR
from funding.config import FundingSettings
from funding.plan_cli import load_plan_files as import_funding_rules
from funding.main import create_app as create_funding_app
from planfile import load_plan_file
from servicekit.pytest_fixtures import service_fixtures
from servicekit.testing import migrated_database


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """One database per test session, built by the service's migrations, with the plans' programs loaded."""
    with migrated_database(SERVICE_DIR, "applications") as url:
        asyncio.run(load_plan_files(url, [load_plan_file(p) for p in PLAN_FILES], PLANS))
        yield url


@pytest.fixture(scope="session")
def funding_database_url() -> Iterator[str]:
    with migrated_database(FUNDING_DIR, "funding") as url:
        asyncio.run(import_funding_rules(url, [load_plan_file(p) for p in PLAN_FILES]))
        yield url


@pytest.fixture
async def funding_app(funding_database_url: str) -> AsyncIterator[FastAPI]:
    app = create_funding_app(FundingSettings(database_url=funding_database_url, single_statement_transfers=False,
                                             checkpoint_interval_seconds=0, event_relay=False))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
def agencies_database_url() -> Iterator[str]:
    with migrated_database(AGENCIES_DIR, "agencies") as url:
        asyncio.run(load_agencies_plan(url, [load_plan_file(p) for p in PLAN_FILES]))
        yield url


@pytest.fixture
async def agencies_app(agencies_database_url: str) -> AsyncIterator[FastAPI]:
    app = create_agencies_app(AgenciesSettings(database_url=agencies_database_url, webhook_worker=False))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def app(database_url: str, funding_app: FastAPI, agencies_app: FastAPI) -> FastAPI:
    return create_app(ApplicationsSettings(database_url=database_url, plans_dir=PLANS, saga_worker=False,
                                           event_relay=False, openapi_at_startup=False),
                      funding_transport=httpx.ASGITransport(app=funding_app),
                      agencies_transport=httpx.ASGITransport(app=agencies_app))


# `client` and `committing_client` as every service has them, on the `app` and `database_url` above (fixtures
# are found by name, so those two take the place of the generic ones).
_, _, client, committing_client = service_fixtures(SERVICE_DIR, lambda database_url: None)
