"""Helpers for the applications tests: the plans they load, callers as the gateway forwards them, taking a
step of the workflow, reading answers, and undoing what a block wrote."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from applications.config import SERVICE_DIR
from servicekit.clock import CHINA_TIME
from servicekit.testing import identity_headers

PLANS = SERVICE_DIR.parents[1] / "plans"
PLAN_FILES = [PLANS / "liaoning-2018-2020.yaml", PLANS / "example-other-plan.yaml"]
PROGRAM = "t02-young-top"  # reviewed by 省人力资源社会保障厅, nominated by the cities
REVIEWING = "prov-hrss-dept"
CITY = "city-shenyang"
OTHER_CITY = "city-dalian"
# A day inside the 2019 call every test opens (China Standard Time 2019-03-01 09:00 to 2019-04-30 17:00).
IN_WINDOW = datetime(2019, 3, 11, 2, 0, tzinfo=UTC)


def cst(*args: int) -> datetime:
    """A moment given in China Standard Time (as UTC, as the service's clock gives it)."""
    return datetime(*args, tzinfo=CHINA_TIME).astimezone(UTC)


def applicant(n: int = 1) -> dict[str, str]:
    return identity_headers(role="applicant", subject=f"user:{n}")


def reviewer(agency: str, n: int = 900) -> dict[str, str]:
    return identity_headers(role="reviewer", subject=f"user:{n}", agency=agency)


def agency_key(agency: str, *scopes: str) -> dict[str, str]:
    return identity_headers(role="agency", subject=f"key:{agency}", agency=agency,
                            scopes=scopes or ("applications:read", "applications:review"))


def admin() -> dict[str, str]:
    return identity_headers(role="admin", subject="user:1000")


def expert(n: int) -> dict[str, str]:
    return identity_headers(role="expert", subject=f"user:{5000 + n}")


async def act(client: httpx.AsyncClient, application_id: int, action: str, headers: dict[str, str],
              comment: str = "") -> httpx.Response:
    return await client.post(f"/applications/{application_id}/transitions", headers=headers,
                             json={"action": action, "comment": comment})


async def must(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()


@asynccontextmanager
async def undone(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """What the requests inside the block write is undone after it (a savepoint of the test's transaction): one
    application in a state serves for trying each step that would move it."""
    connection = client._transport.app.state.database.sessionmaker.kw["bind"]
    savepoint = await connection.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()


@asynccontextmanager
async def raw_session(client: httpx.AsyncClient) -> AsyncIterator[Any]:
    """A session of the test's own transaction, for what the API cannot do yet (the decision's counters)."""
    async with client._transport.app.state.database.write_sessionmaker() as session:
        yield session
        await session.commit()
