"""The decision through the API, with the real funding and agencies services in the same process: approval
secures a quota place and the money (reserved; then, by the saga's worker, committed at funding and counted by
the derived deliverable); no place left or a short budget is refused with its reason and holds nothing;
rejection and revocation give everything back; a batch answers each application on its own; an
Idempotency-Key replays the first answer."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from applications_factories import drive, fund, open_call
from applications.decisions.repository import DecisionRepository
from applications_testkit import PROGRAM, admin, applicant, must, reviewer
from servicekit.testing import backend_under_test

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


async def worker(app: FastAPI) -> None:
    """What the saga's background worker does (it is off in these tests): every due step taken."""
    while await app.state.saga.drain():
        pass


async def derived(agencies: httpx.AsyncClient) -> float:
    body = await must(await agencies.get(f"/deliverables/{DELIVERABLE}"))
    return body["progress"]["value"]


async def test_an_approval_secures_the_place_and_the_money_and_is_counted(client, app, frozen_clock, funding,
                                                                         agencies):
    call = await open_call(client, total=2)
    [first, second, third] = await ready(client, frozen_clock, call, 3)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)
    counted_before = await derived(agencies)

    outcome = await must(await decide(client, first))
    assert outcome["outcome"] == "approved"
    application = await must(await client.get(f"/applications/{first}", headers=applicant(1)))
    assert application["state"] == "approved"
    # Answered once the place and the money are secured; committing and counting are the worker's.
    [approval] = await must(await client.get(f"/applications/{first}/approvals", headers=admin()))
    assert (approval["status"], approval["money"], approval["counted"]) == ("approved", "reserved", False)
    assert [(s["step"], s["status"]) for s in approval["steps"]] == [
        ("reserve_money", "done"), ("post_money", "pending"), ("count_approval", "pending")]
    assert (await award(funding, approval["id"]))["status"] == "reserved"
    await worker(app)
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


@pytest.mark.skipif(backend_under_test() == "postgresql", reason="this test app runs every request on one "
                    "connection; concurrent approvals on PostgreSQL: tests/test_approvals_replicas.py")
async def test_single_approvals_arriving_together_each_get_their_own_answer(client, app, frozen_clock, funding):
    # Joined into lists inside the service (JoinedApprovals); the answers are those of deciding one by one.
    call = await open_call(client, total=3)
    ids = await ready(client, frozen_clock, call, 5)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)
    answers = await asyncio.gather(*(decide(client, i) for i in [*ids, ids[0]]))
    assert sorted((a.status_code, a.json().get("outcome") or a.json()["code"]) for a in answers) == [
        (200, "approved")] * 3 + [(409, "quota_exhausted")] * 2 + [(409, "transition_not_allowed")]
    await worker(app)
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (3, 0)
    approved = [a.json()["application_id"] for a in answers if a.status_code == 200]
    for application_id in approved:
        [approval] = await must(await client.get(f"/applications/{application_id}/approvals", headers=admin()))
        assert (approval["status"], approval["money"], approval["counted"]) == ("approved", "posted", True)


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


async def test_revocation_gives_back_the_place_and_the_money_and_stops_counting(client, app, frozen_clock, funding,
                                                                              agencies):
    call = await open_call(client, total=1)
    [application_id, other] = await ready(client, frozen_clock, call, 2)
    await fund(funding, PROGRAM, YEAR, AMOUNT)
    counted_before = await derived(agencies)
    approval_id = (await must(await decide(client, application_id)))["approval_id"]
    await worker(app)
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


async def test_a_list_whose_places_were_taken_meanwhile_is_decided_again_the_locked_way(client, frozen_clock, funding,
                                                                                         monkeypatch):
    # A list writes everything first and takes its places last when the quota, as last committed, has room for
    # all of it. Here that read is stale (another decider took places meanwhile): the places cannot be taken, so
    # all of it is undone and the list decided again with the quota's row locked, exactly.
    call = await open_call(client, total=2)
    ids = await ready(client, frozen_clock, call, 3)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)

    async def stale(self, call_ids):  # noqa: ANN001, ANN202
        return {call_id: 3 for call_id in call_ids}

    monkeypatch.setattr(DecisionRepository, "free_slots", stale)
    outcomes = await must(await client.post("/decisions", headers=admin(), json={
        "decision": "approve", "application_ids": ids, "comment": "批量审批"}))
    assert [(o["outcome"], o["code"]) for o in outcomes] == [("approved", None)] * 2 + [("refused", "quota_exhausted")]
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (2, 0)
    refused = await must(await client.get(f"/applications/{ids[2]}", headers=admin()))
    assert refused["state"] == "ready_for_decision"
    assert await must(await client.get(f"/applications/{ids[2]}/approvals", headers=admin())) == []
    timeline = await must(await client.get(f"/applications/{ids[2]}/timeline", headers=admin()))
    assert "decide_approve" not in [event["action"] for event in timeline]


async def test_a_revocation_before_the_worker_committed_gives_everything_back(client, app, frozen_clock, funding,
                                                                              agencies):
    call = await open_call(client, total=1)
    [application_id] = await ready(client, frozen_clock, call, 1)
    await fund(funding, PROGRAM, YEAR, AMOUNT)
    counted_before = await derived(agencies)
    approval_id = (await must(await decide(client, application_id)))["approval_id"]
    revoked = await must(await client.post(f"/approvals/{approval_id}/revoke", headers=admin(),
                                           json={"reason": "公示后收到实名举报"}))
    await worker(app)
    current = await must(await client.get(f"/approvals/{approval_id}", headers=admin()))
    # The approval's steps run in order: committed first, then the commitment reversed; never counted for good.
    assert (revoked["status"], current["money"], current["counted"]) == ("revoked", "reversed", False)
    assert (await award(funding, approval_id))["committed_fen"] == 0
    assert await derived(agencies) == counted_before
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (0, 0)


async def test_an_idempotency_key_replays_the_first_answer(client, app, frozen_clock, funding):
    call = await open_call(client, total=2)
    [one, two, three] = await ready(client, frozen_clock, call, 3)
    await fund(funding, PROGRAM, YEAR, 10 * AMOUNT)
    keyed = {**admin(), "Idempotency-Key": "decision-1"}
    first = await client.post(f"/applications/{one}/decision", headers=keyed, json={"decision": "approve"})
    again = await client.post(f"/applications/{one}/decision", headers=keyed, json={"decision": "approve"})
    assert (first.status_code, again.status_code, again.headers["idempotent-replay"]) == (200, 200, "true")
    assert again.json() == first.json() and first.json()["outcome"] == "approved"
    # Without the key the same request is a second decision, refused by the application's state.
    assert (await decide(client, one)).json()["code"] == "transition_not_allowed"
    other_body = await client.post(f"/applications/{one}/decision", headers=keyed, json={"decision": "reject"})
    assert (other_body.status_code, other_body.json()["code"]) == (409, "idempotency_key_reused")
    assert [error["field"] for error in other_body.json()["errors"]] == ["body.decision"]

    batch = {"decision": "approve", "application_ids": [two, three, one]}
    keyed = {**admin(), "Idempotency-Key": "batch-1"}
    first = await client.post("/decisions", headers=keyed, json=batch)
    again = await client.post("/decisions", headers=keyed, json=batch)
    assert [o["outcome"] for o in first.json()] == ["approved", "refused", "refused"]
    assert [o["code"] for o in first.json()[1:]] == ["quota_exhausted", "transition_not_allowed"]
    assert (again.status_code, again.headers["idempotent-replay"], again.json()) == (200, "true", first.json())
    # A refusal is replayed too (the key keeps the answer it was given), and nothing was decided twice.
    keyed = {**admin(), "Idempotency-Key": "decision-3"}
    refused = [await client.post(f"/applications/{three}/decision", headers=keyed, json={"decision": "approve"})
               for _ in range(2)]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(409, "quota_exhausted")] * 2
    await worker(app)
    quota = await must(await client.get(f"/calls/{call['id']}/quota"))
    assert (quota["approved"], quota["reserved"]) == (2, 0)
    approvals = [await must(await client.get(f"/applications/{i}/approvals", headers=admin())) for i in (one, two,
                                                                                                     three)]
    assert [[(a["status"], a["money"]) for a in found] for found in approvals] == [
        [("approved", "posted")], [("approved", "posted")], []]


async def test_only_administrators_decide(client, frozen_clock):
    call = await open_call(client, total=2)
    [application_id] = await ready(client, frozen_clock, call, 1)
    for headers in (reviewer("prov-hrss-dept"), applicant(1)):
        response = await client.post(f"/applications/{application_id}/decision", headers=headers,
                                     json={"decision": "approve"})
        assert response.status_code == 403


async def test_the_reconciler_reports_nothing_to_fix_when_all_agrees(client, app, frozen_clock, funding):
    call = await open_call(client, total=2)
    [application_id] = await ready(client, frozen_clock, call, 1)
    await fund(funding, PROGRAM, YEAR, AMOUNT)
    approval_id = (await must(await decide(client, application_id)))["approval_id"]
    await worker(app)
    # Funding's database outlives each test's: what earlier tests left reserved there has no approval here, and
    # is released; this test's approval is not touched.
    first = await must(await client.post("/reconciler/runs", headers=admin()))
    assert {(f["action"], f["detail"]) for f in first["fixed"]} <= {("orphan_voided", "no approval")}
    assert approval_id not in {f["approval_id"] for f in first["fixed"]}
    report = await must(await client.post("/reconciler/runs", headers=admin()))
    assert report["fixed"] == [] and report["summary"]["funding_unavailable"] is False
    last = await must(await client.get("/reconciler/report", headers=admin()))
    assert last["id"] == report["id"]
