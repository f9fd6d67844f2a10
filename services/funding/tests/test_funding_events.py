"""A paid installment is an event for the agencies' feed: written to the outbox with the posting (once, whatever
is retried), relayed in order, stored there once, with no more than an agency may read."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from agencies.config import SERVICE_DIR as AGENCIES_DIR
from agencies.config import AgenciesSettings
from agencies.main import create_app as create_agencies_app
from funding.config import FundingSettings
from funding.main import create_app
from funding_factories import create_committed_award, create_program_budget, create_rules
from funding_testkit import admin
from servicekit import clock
from servicekit.testing import identity_headers, migrated_database

YEAR = 2020


@pytest.fixture(scope="module")
def agencies_database() -> Iterator[str]:
    with migrated_database(AGENCIES_DIR, "agencies_feed") as url:
        yield url


@pytest.fixture
async def agencies_app(agencies_database: str) -> AsyncIterator[FastAPI]:
    app = create_agencies_app(AgenciesSettings(database_url=agencies_database, webhook_worker=False))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def app(database_url: str, agencies_app: FastAPI) -> FastAPI:
    """This module's funding app relays to the agencies app above (by hand: no background relay)."""
    return create_app(FundingSettings(database_url=database_url, single_statement_transfers=False,
                                      checkpoint_interval_seconds=0, event_relay=False),
                      agencies_transport=httpx.ASGITransport(app=agencies_app))


async def test_a_paid_installment_reaches_the_feed_once(client, app, agencies_app):
    await create_rules(client)
    await create_program_budget(client, "t01-young-top", YEAR, 120_000_000)
    award = await create_committed_award(client, "ev-award-1", "t01-young-top", YEAR, grantee_name="王五",
                                         city_code="city-dalian")
    for _ in range(2):  # the second is refused: installment 1 is paid once
        await client.post(f"/awards/{award['id']}/disbursements", json={"installment": 1}, headers=admin())
    relay = app.state.event_relay
    assert await relay.relay_once(clock.now) == 1
    assert await relay.relay_once(clock.now) == 0

    transport = httpx.ASGITransport(app=agencies_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://agencies") as agencies:
        headers = identity_headers(role="agency", subject="key:dalian", agency="city-dalian")
        page = (await agencies.get("/events", headers=headers, params={"type": "award.disbursed"})).json()
    [event] = [e for e in page["items"] if e["subject"] == f"award/{award['id']}"]
    assert event["source"] == "funding" and "city-dalian" in event["agencies"]
    assert event["data"] == {"award_id": award["id"], "application_id": award["application_id"],
                             "program_code": "t01-young-top", "installment": 1,
                             "amount_fen": event["data"]["amount_fen"]}
    assert event["data"]["amount_fen"] > 0 and "王五" not in str(event)
