"""Fixtures every service's tests use. A service's conftest.py binds them to itself:

    database_url, app, client, committing_client = service_fixtures(SERVICE_DIR, factory)

Each conftest gets fixtures of its own, so two services' session databases never share a cache entry."""

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from servicekit.testing import committing_app, migrated_database, rolled_back_app


def service_fixtures(service_dir: Path, app_factory: Callable[[str], FastAPI]) -> tuple:
    """`app_factory(database_url)` builds the service's app on the test database."""

    @pytest.fixture(scope="session")
    def database_url() -> Iterator[str]:
        """One database per test session, built by the service's own migrations."""
        with migrated_database(service_dir, service_dir.name) as url:
            yield url

    @pytest.fixture
    def app(database_url: str) -> FastAPI:
        return app_factory(database_url)

    @pytest.fixture
    async def client(app: FastAPI, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client on the app; everything the test writes is rolled back afterwards."""
        async with rolled_back_app(app, database_url) as test_client:
            yield test_client

    @pytest.fixture
    async def committing_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client on the app as it runs for real: commits are kept (use unique data)."""
        async with committing_app(app) as test_client:
            yield test_client

    return database_url, app, client, committing_client


class FrozenClock:
    """servicekit.clock.now() standing still at `at` until the test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move_to(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("pass an aware datetime")
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Every service's clock, stopped at the present moment; `frozen_clock.advance(days=1)` moves it."""
    from servicekit import clock

    frozen = FrozenClock(clock.now())
    monkeypatch.setattr(clock, "now", frozen)
    return frozen
