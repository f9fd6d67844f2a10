"""A model-based test of the decision (hypothesis): random sequences of approve, reject, revoke, withdraw,
crash (funding unreachable while approving: the place stays reserved, the step waits in the outbox), work (the
saga's background worker takes what is due: committing, counting, retries) and reconcile, on a call of 3
places and 5 applications ready for decision, with the real funding and agencies apps. After every sequence,
once funding is back and the reconciler has run, the invariants hold:

* the call's counters equal the applications: `approved` = applications approved (never above the total),
  `reserved` = 0 and no application left `approving`;
* every approved application has exactly one approval, approved, whose award at funding is committed for the
  amount; every failed or revoked approval holds no money at funding (nothing reserved, nothing committed);
* the derived deliverable counts exactly the approved ones."""

import asyncio
import os

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications_factories import drive, fund, open_call
from applications_testkit import PROGRAM, admin, applicant, must, undone

YEAR = 2019
AMOUNT = 50 * 10000 * 100
DELIVERABLE = "t02-young-top-talent"
APPLICATIONS = 5
QUOTA = 3
EXAMPLES = int(os.environ.get("TPP_SAGA_MODEL_EXAMPLES", "20"))
OPERATIONS = st.lists(st.tuples(st.sampled_from(["approve", "reject", "revoke", "withdraw", "crash", "work",
                                                 "reconcile"]),
                                st.integers(0, APPLICATIONS - 1)), min_size=1, max_size=10)


class Unreachable(httpx.AsyncBaseTransport):
    """A funding service that cannot be reached (as when its process is down)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("funding is down", request=request)


@pytest.fixture
def services(funding_app: FastAPI, agencies_app: FastAPI) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    return (httpx.AsyncClient(transport=httpx.ASGITransport(app=funding_app), base_url="http://funding"),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=agencies_app), base_url="http://agencies"))


async def _approvals(client: httpx.AsyncClient, application_id: int) -> list[dict]:
    return await must(await client.get(f"/applications/{application_id}/approvals", headers=admin()))


async def _run(client: httpx.AsyncClient, app: FastAPI, operation: str, index: int, application_id: int) -> None:
    saga = app.state.saga
    if operation in ("approve", "reject"):
        response = await client.post(f"/applications/{application_id}/decision", headers=admin(),
                                     json={"decision": operation})
        assert response.status_code in (200, 202, 409), response.text
    elif operation == "crash":
        working = saga.funding.client.http
        saga.funding.client.http = httpx.AsyncClient(transport=Unreachable(), base_url="http://funding")
        try:
            response = await client.post(f"/applications/{application_id}/decision", headers=admin(),
                                         json={"decision": "approve"})
            assert response.status_code in (202, 409), response.text
        finally:
            await saga.funding.client.http.aclose()
            saga.funding.client.http = working
    elif operation == "revoke":
        for approval in await _approvals(client, application_id):
            if approval["status"] == "approved":
                response = await client.post(f"/approvals/{approval['id']}/revoke", headers=admin(),
                                             json={"reason": "模型测试撤销"})
                assert response.status_code == 200, response.text
    elif operation == "withdraw":
        response = await client.post(f"/applications/{application_id}/transitions", headers=applicant(index + 1),
                                     json={"action": "withdraw"})
        assert response.status_code in (200, 409), response.text
    elif operation == "work":
        await saga.drain()
    else:
        await must(await client.post("/reconciler/runs", headers=admin()))


async def test_random_decisions_keep_places_money_and_counts_in_agreement(client, app, frozen_clock, services):
    funding, agencies = services
    call = await open_call(client, total=QUOTA)
    ids = [(await drive(client, frozen_clock, call, "ready_for_decision", who))["id"]
           for who in range(1, APPLICATIONS + 1)]

    async def one_sequence(operations: list[tuple[str, int]]) -> None:
        async with undone(client):
            await fund(funding, PROGRAM, YEAR, QUOTA * AMOUNT)
            counted_before = (await must(await agencies.get(f"/deliverables/{DELIVERABLE}")))["progress"]["value"]
            for operation, index in operations:
                await _run(client, app, operation, index, ids[index])
            # Funding is back: waiting steps come due, and the reconciler settles what is left.
            frozen_clock.advance(minutes=20)
            await must(await client.post("/reconciler/runs", headers=admin()))
            frozen_clock.advance(minutes=-20)
            await check(client, funding, agencies, call, ids, counted_before)

    # Hypothesis drives sync functions: it runs in a thread, each example on this test's event loop.
    loop = asyncio.get_running_loop()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(OPERATIONS)
    def sequence(operations: list[tuple[str, int]]) -> None:
        asyncio.run_coroutine_threadsafe(one_sequence(operations), loop).result(timeout=600)

    await asyncio.to_thread(sequence)


async def check(client: httpx.AsyncClient, funding: httpx.AsyncClient, agencies: httpx.AsyncClient, call: dict,
                ids: list[int], counted_before: float) -> None:
    states = {i: (await must(await client.get(f"/applications/{i}", headers=admin())))["state"] for i in ids}
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    approved = [i for i, state in states.items() if state == "approved"]
    assert "approving" not in states.values(), states
    assert (quota["approved"], quota["reserved"]) == (len(approved), 0), (quota, states)
    assert len(approved) <= QUOTA
    for application_id in ids:
        approvals = await _approvals(client, application_id)
        live = [a for a in approvals if a["status"] == "approved"]
        assert len(live) == (1 if application_id in approved else 0), approvals
        for approval in approvals:
            award = await funding.get(f"/awards/{approval['id']}", headers=admin())
            if approval["status"] == "approved":
                assert award.json()["committed_fen"] == AMOUNT, award.text
                assert approval["money"] == "posted" and approval["counted"] is True, approval
            elif award.status_code == 200:
                assert award.json()["committed_fen"] == 0 and award.json()["status"] != "reserved", award.text
    counted = (await must(await agencies.get(f"/deliverables/{DELIVERABLE}")))["progress"]["value"]
    assert counted - counted_before == len(approved)

