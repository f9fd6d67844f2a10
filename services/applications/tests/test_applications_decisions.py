"""The decision through the API, with the real funding and agencies services in the same process: approval
secures a quota place and the money (reserved, then committed at funding) and is counted by the derived
deliverable; no place left or a short budget is refused with its reason and holds nothing; rejection and
revocation give everything back; a batch answers each application on its own."""

import httpx
import pytest
from fastapi import FastAPI

from applications_factories import drive, fund, open_call
from applications_testkit import PROGRAM, admin, applicant, must, reviewer

YEAR = 2019
AMOUNT = 50 * 10000 * 100  # 青年拔尖人才: 50 万元 each
DELIVERABLE = "t02-young-top-talent"


@pytest.fixture
def funding(funding_app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=funding_app), base_url="http://funding")


@pytest.fixture
def agencies(agencies_app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=agencies_app), base_url="http://agencies")


async def ready(client, frozen_clock, call, count: int, first: int = 1) -> list[int]:  # noqa: ANN001
    return [(await drive(client, frozen_clock, call, "ready_for_decision", who))["id"]
            for who in range(first, first + count)]


async def decide(client: httpx.AsyncClient, application_id: int, decision: str = "approve") -> httpx.Response:
    return await client.post(f"/applications/{application_id}/decision", headers=admin(),
                             json={"decision": decision, "comment": "经研究同意"})


async def award(funding: httpx.AsyncClient, approval_id: str) -> dict:
    return await must(await funding.get(f"/awards/{approval_id}", headers=admin()))


async def derived(agencies: httpx.AsyncClient) -> float:
    body = await must(await agencies.get(f"/deliverables/{DELIVERABLE}"))
    return body["progress"]["value"]


async def test_an_approval_secures_the_place_and_the_money_and_is_counted(client, frozen_clock, funding, agencies):
    call = await open_call(client, total=2)
    [first, second, third] = await ready(client, frozen_clock, call, 3)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)
    counted_before = await derived(agencies)

    outcome = await must(await decide(client, first))
    assert outcome["outcome"] == "approved"
    application = await must(await client.get(f"/applications/{first}", headers=applicant(1)))
    assert application["state"] == "approved"
    [approval] = await must(await client.get(f"/applications/{first}/approvals", headers=admin()))
    assert (approval["status"], approval["money"], approval["counted"]) == ("approved", "posted", True)
    assert (await award(funding, approval["id"]))["status"] == "committed"
    assert (await award(funding, approval["id"]))["amount_fen"] == AMOUNT
    assert await derived(agencies) == counted_before + 1

    await must(await decide(client, second))
    refused = await decide(client, third)
    assert refused.status_code == 409 and refused.json()["code"] == "quota_exhausted"
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (2, 0)
    assert (await must(await client.get(f"/applications/{third}", headers=admin())))["state"] == "ready_for_decision"

    again = await decide(client, first)
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


async def test_a_short_budget_releases_the_place_and_names_the_amounts(client, frozen_clock, funding):
    call = await open_call(client, total=5)
    [application_id] = await ready(client, frozen_clock, call, 1)
    await fund(funding, PROGRAM, YEAR, AMOUNT - 1)

    refused = await decide(client, application_id)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "budget_insufficient"
    assert (problem["headroom_fen"], problem["amount_fen"]) == (AMOUNT - 1, AMOUNT)
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (0, 0)
    current = await must(await client.get(f"/applications/{application_id}", headers=admin()))
    assert current["state"] == "ready_for_decision"

    await fund(funding, PROGRAM, YEAR, AMOUNT)
    assert (await must(await decide(client, application_id)))["outcome"] == "approved"
    approvals = await must(await client.get(f"/applications/{application_id}/approvals", headers=admin()))
    assert [a["status"] for a in approvals] == ["failed", "approved"]
    assert approvals[0]["failure_code"] == "budget_insufficient"


async def test_revocation_gives_back_the_place_and_the_money_and_stops_counting(client, frozen_clock, funding,
                                                                              agencies):
    call = await open_call(client, total=1)
    [application_id, other] = await ready(client, frozen_clock, call, 2)
    await fund(funding, PROGRAM, YEAR, AMOUNT)
    counted_before = await derived(agencies)
    approval_id = (await must(await decide(client, application_id)))["approval_id"]
    assert await derived(agencies) == counted_before + 1

    not_admin = await client.post(f"/approvals/{approval_id}/revoke", headers=reviewer("prov-hrss-dept"),
                                  json={"reason": "发现申报材料造假"})
    assert not_admin.status_code == 403
    revoked = await must(await client.post(f"/approvals/{approval_id}/revoke", headers=admin(),
                                           json={"reason": "发现申报材料造假"}))
    assert (revoked["status"], revoked["money"], revoked["counted"]) == ("revoked", "reversed", False)
    # Funding reverses the commitment (its award keeps the status of its reservation, committed, at 0 fen).
    assert (await award(funding, approval_id))["committed_fen"] == 0
    assert await derived(agencies) == counted_before
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (0, 0)
    timeline = await must(await client.get(f"/applications/{application_id}/timeline", headers=applicant(1)))
    assert timeline[-1]["action"] == "revoke" and timeline[-1]["comment"] == "发现申报材料造假"
    # The decision's events read as words on the timeline, not as their codes.
    assert [(e["action"], e["action_label"]["zh"]) for e in timeline if e["action"] in ("decide_approve", "approve",
                                                                                        "revoke")] == [
        ("decide_approve", "批准（落实名额与资金）"), ("approve", "名额与资金已落实，批准生效"), ("revoke", "撤销批准")]
    audit = await must(await client.get("/audit", headers=admin(), params={"action": "approval.revoke"}))
    assert any(entry["entity_id"] == approval_id for entry in audit["items"])

    # The place it gave back is there for the next one; revoking twice is refused.
    assert (await must(await decide(client, other)))["outcome"] == "approved"
    twice = await client.post(f"/approvals/{approval_id}/revoke", headers=admin(), json={"reason": "再次撤销"})
    assert twice.status_code == 409 and twice.json()["code"] == "approval_not_revocable"


async def test_a_batch_answers_each_application_and_rejection_frees_the_nomination(client, frozen_clock, funding):
    call = await open_call(client, total=2)
    ids = await ready(client, frozen_clock, call, 3)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)
    outcomes = await must(await client.post("/decisions", headers=admin(), json={
        "decision": "approve", "application_ids": [*ids, ids[0]], "comment": "批量审批"}))
    assert [o["outcome"] for o in outcomes] == ["approved", "approved", "refused", "refused"]
    assert [o["code"] for o in outcomes[2:]] == ["quota_exhausted", "transition_not_allowed"]

    rejected = await must(await decide(client, ids[2], "reject"))
    assert rejected["outcome"] == "rejected"
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"], quota["nominated"]) == (2, 0, 2)


async def test_only_administrators_decide(client, frozen_clock):
    call = await open_call(client, total=2)
    [application_id] = await ready(client, frozen_clock, call, 1)
    for headers in (reviewer("prov-hrss-dept"), applicant(1)):
        response = await client.post(f"/applications/{application_id}/decision", headers=headers,
                                     json={"decision": "approve"})
        assert response.status_code == 403


async def test_the_reconciler_reports_nothing_to_fix_when_all_agrees(client, frozen_clock, funding):
    call = await open_call(client, total=2)
    [application_id] = await ready(client, frozen_clock, call, 1)
    await fund(funding, PROGRAM, YEAR, AMOUNT)
    await must(await decide(client, application_id))
    report = await must(await client.post("/reconciler/runs", headers=admin()))
    assert report["fixed"] == [] and report["summary"]["funding_unavailable"] is False
    last = await must(await client.get("/reconciler/report", headers=admin()))
    assert last["id"] == report["id"]
