"""Every step of the workflow in every state, as every kind of caller: the allowed ones succeed and land in the
table's next state (each tried on the same application, undone after); the others are refused with the right
status (401 anonymous, 403 a role or key that may never take the step, 404 for who may not see the
application, 409 listing what is allowed now)."""

import itertools

import pytest

from applications.workflow import DECISION_STATES, TRANSITIONS, Action, Actor, State, actions_from
from applications_factories import PATHS, drive, open_call, score_by_experts
from applications_testkit import (
    CITY,
    OTHER_CITY,
    REVIEWING,
    act,
    admin,
    agency_key,
    applicant,
    expert,
    reviewer,
    undone,
)

O, N, R, A, P = "owner", "nominator", "reviewing_agency", "admin", "public"
# The rules as the programs' agencies run them, written out independently of applications.workflow.
SPEC = {
    ("draft", "submit"): {O, A},
    ("submitted", "nominate"): {N, A},
    ("submitted", "decline"): {N, A},
    ("nominated", "start_formal_review"): {R, A},
    ("formal_review", "return_for_revision"): {R, A},
    ("formal_review", "pass_formal_review"): {R, A},
    ("formal_review", "reject"): {R, A},
    ("returned", "resubmit"): {O, A},
    ("expert_review", "recommend"): {R, A},
    ("expert_review", "reject"): {R, A},
    ("recommended", "publish_notice"): {R, A},
    ("public_notice", "file_objection"): {P},
    ("public_notice", "conclude_notice"): {R, A},
    ("on_hold", "file_objection"): {P},
    ("on_hold", "dismiss_objection"): {R, A},
    ("on_hold", "uphold_objection"): {R, A},
    **{(state, "withdraw"): {O, A} for state in ("draft", "submitted", "nominated", "formal_review", "returned",
                                                  "expert_review", "recommended", "public_notice", "on_hold",
                                                  "ready_for_decision")},
}
TARGETS = {("draft", "submit"): "submitted", ("submitted", "nominate"): "nominated",
           ("submitted", "decline"): "rejected", ("nominated", "start_formal_review"): "formal_review",
           ("formal_review", "return_for_revision"): "returned", ("formal_review", "pass_formal_review"):
           "expert_review", ("formal_review", "reject"): "rejected", ("returned", "resubmit"): "formal_review",
           ("expert_review", "recommend"): "recommended", ("expert_review", "reject"): "rejected"}
ENDPOINT_ACTIONS = ["submit", "withdraw", "resubmit", "nominate", "decline", "start_formal_review",
                    "return_for_revision", "pass_formal_review", "reject", "recommend"]
# Callers, and who each is to the applications of the test (None: may not see them at all).
CALLERS = {
    "anonymous": None, "owner": O, "other_applicant": None, "nominator": N, "nominator_key": N,
    "reviewing": R, "reviewing_key": R, "reviewing_read_only_key": "read-only", "other_agency": None,
    "expert": "expert", "admin": A,
}


def test_the_table_is_the_specification():
    table = {(t.source.value, t.action.value): {a.value for a in t.actors} for t in TRANSITIONS}
    assert table == SPEC
    assert {t.target.value for t in TRANSITIONS if t.action == Action.withdraw} == {"withdrawn"}
    assert set(ENDPOINT_ACTIONS) | {"publish_notice", "file_objection", "dismiss_objection", "uphold_objection",
                                    "conclude_notice"} == {a.value for a in Action}


def headers_of(caller: str, owner: int) -> dict[str, str]:
    return {
        "anonymous": {}, "owner": applicant(owner), "other_applicant": applicant(99_999),
        "nominator": reviewer(CITY), "nominator_key": agency_key(CITY), "reviewing": reviewer(REVIEWING),
        "reviewing_key": agency_key(REVIEWING), "reviewing_read_only_key": agency_key(REVIEWING, "applications:read"),
        "other_agency": reviewer(OTHER_CITY), "expert": expert(1), "admin": admin(),
    }[caller]


def sees(relation: str | None, state: str) -> bool:
    """Nominators see an application once it is submitted, the reviewing agency once it was nominated."""
    nominated = "nominate" in PATHS[state]
    return {O: True, A: True, N: state != "draft", R: nominated}.get(relation, False)


def expected(state: str, action: str, caller: str) -> tuple[int, str | None]:
    """(status, problem code) the service must answer."""
    relation = CALLERS[caller]
    if caller == "anonymous":
        return 401, "login_required"
    if caller == "expert":
        return 403, "role_not_allowed"
    if relation == "read-only":
        return 403, "scope_missing"
    if not sees(relation, state):
        return 404, "application_not_found"
    if relation not in set().union(*(roles for (_, a), roles in SPEC.items() if a == action)):
        return 403, "action_not_permitted"
    if relation in SPEC.get((state, action), set()):
        return 200, None
    return 409, "transition_not_allowed"


@pytest.mark.parametrize("state", [s.value for s in State if s not in DECISION_STATES])
async def test_every_action_as_every_caller(client, frozen_clock, state):
    call = await open_call(client)
    shared_owner = 7
    shared = await drive(client, frozen_clock, call, state, shared_owner)
    failures = []
    for action, caller in itertools.product(ENDPOINT_ACTIONS, CALLERS):
        status, code = expected(state, action, caller)
        async with undone(client):
            if action == "recommend" and status == 200:
                await score_by_experts(client, shared["id"], 3)
            response = await act(client, shared["id"], action, headers_of(caller, shared_owner), "表格测试")
        body = response.json()
        if response.status_code != status or (code and body.get("code") != code):
            failures.append(f"{action} as {caller}: expected {status} {code}, got {response.status_code} "
                            f"{body.get('code')}")
            continue
        if status == 200:
            target = TARGETS.get((state, action), "withdrawn")
            event = body["timeline"][-1]
            if (body["state"], event["action"], event["from_state"], event["to_state"]) != \
                    (target, action, state, target):
                failures.append(f"{action} as {caller}: landed in {body['state']}, timeline {event}")
        if status == 409:
            relation = frozenset({Actor(CALLERS[caller]), Actor.public})
            if body["allowed_actions"] != [a.value for a in actions_from(State(state), relation)]:
                failures.append(f"{action} as {caller}: allowed {body['allowed_actions']}")
    after = await client.get(f"/applications/{shared['id']}", headers=admin())
    assert after.json()["state"] == state
    assert failures == []
