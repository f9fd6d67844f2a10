"""The application workflow as one table: state × action → next state, and who may take the action.

Used by the service (every transition is checked here, and a forbidden one is a 409 that lists what is
allowed) and by the table-driven test, which tries every action in every state as every kind of caller.

Who: `owner` (the applicant), `nominator` (a reviewer or agency key of the unit the applicant named),
`reviewing_agency` (of the program), `admin` (may take every staff and applicant action), `public` (anyone,
signed in or not: filing an objection to a 公示). The decision itself (quota and money secured together) is
the approval saga's, which starts from `ready_for_decision`."""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    nominated = "nominated"
    formal_review = "formal_review"
    returned = "returned"
    expert_review = "expert_review"
    recommended = "recommended"
    public_notice = "public_notice"
    on_hold = "on_hold"
    ready_for_decision = "ready_for_decision"
    withdrawn = "withdrawn"
    rejected = "rejected"
    # The decision's states, set by the approval saga (applications.decisions), never by a transition below.
    approving = "approving"
    approved = "approved"
    revoked = "revoked"


class Action(StrEnum):
    submit = "submit"
    withdraw = "withdraw"
    resubmit = "resubmit"
    nominate = "nominate"
    decline = "decline"
    start_formal_review = "start_formal_review"
    return_for_revision = "return_for_revision"
    pass_formal_review = "pass_formal_review"
    reject = "reject"
    recommend = "recommend"
    publish_notice = "publish_notice"
    file_objection = "file_objection"
    dismiss_objection = "dismiss_objection"
    uphold_objection = "uphold_objection"
    conclude_notice = "conclude_notice"


class Actor(StrEnum):
    owner = "owner"
    nominator = "nominator"
    reviewing_agency = "reviewing_agency"
    admin = "admin"
    public = "public"


STATE_LABELS: dict[State, tuple[str, str]] = {
    State.draft: ("草稿", "Draft"),
    State.submitted: ("已提交，待推荐", "Submitted, awaiting nomination"),
    State.nominated: ("已推荐，待形式审查", "Nominated, awaiting formal review"),
    State.formal_review: ("形式审查中", "In formal review"),
    State.returned: ("退回修改", "Returned for revision"),
    State.expert_review: ("专家评审中", "In expert review"),
    State.recommended: ("拟推荐", "Recommended"),
    State.public_notice: ("公示中", "On public notice"),
    State.on_hold: ("异议处理中（暂缓）", "On hold: an objection is being resolved"),
    State.ready_for_decision: ("公示期满，待审批", "Notice over, awaiting the decision"),
    State.withdrawn: ("已撤回", "Withdrawn"),
    State.rejected: ("未通过", "Not successful"),
    State.approving: ("审批中（落实名额与资金）", "Being approved: securing the place and the money"),
    State.approved: ("已批准", "Approved"),
    State.revoked: ("批准已撤销", "Approval revoked"),
}

ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.submit: ("提交申报", "Submit"),
    Action.withdraw: ("撤回申报", "Withdraw"),
    Action.resubmit: ("修改后重新提交", "Resubmit after revision"),
    Action.nominate: ("推荐", "Nominate"),
    Action.decline: ("不予推荐", "Decline to nominate"),
    Action.start_formal_review: ("开始形式审查", "Start the formal review"),
    Action.return_for_revision: ("退回修改", "Return for revision"),
    Action.pass_formal_review: ("形式审查通过，进入专家评审", "Pass the formal review, on to the experts"),
    Action.reject: ("不予通过", "Reject"),
    Action.recommend: ("确定为拟推荐人选", "Recommend"),
    Action.publish_notice: ("进入公示", "Put on public notice"),
    Action.file_objection: ("提出异议", "File an objection"),
    Action.dismiss_objection: ("异议不成立，恢复公示流程", "Dismiss the objection"),
    Action.uphold_objection: ("异议成立，不予通过", "Uphold the objection"),
    Action.conclude_notice: ("公示期满无异议", "Conclude the notice"),
}


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    actors: frozenset[Actor]


APPLICANT = frozenset({Actor.owner, Actor.admin})
NOMINATOR = frozenset({Actor.nominator, Actor.admin})
REVIEWER = frozenset({Actor.reviewing_agency, Actor.admin})
ANYONE = frozenset({Actor.public})

# Withdrawal is allowed until the decision starts (the saga's first step leaves ready_for_decision).
WITHDRAWABLE = (State.draft, State.submitted, State.nominated, State.formal_review, State.returned,
                State.expert_review, State.recommended, State.public_notice, State.on_hold, State.ready_for_decision)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.draft, Action.submit, State.submitted, APPLICANT),
    Transition(State.submitted, Action.nominate, State.nominated, NOMINATOR),
    Transition(State.submitted, Action.decline, State.rejected, NOMINATOR),
    Transition(State.nominated, Action.start_formal_review, State.formal_review, REVIEWER),
    Transition(State.formal_review, Action.return_for_revision, State.returned, REVIEWER),
    Transition(State.returned, Action.resubmit, State.formal_review, APPLICANT),
    Transition(State.formal_review, Action.pass_formal_review, State.expert_review, REVIEWER),
    Transition(State.formal_review, Action.reject, State.rejected, REVIEWER),
    Transition(State.expert_review, Action.recommend, State.recommended, REVIEWER),
    Transition(State.expert_review, Action.reject, State.rejected, REVIEWER),
    Transition(State.recommended, Action.publish_notice, State.public_notice, REVIEWER),
    Transition(State.public_notice, Action.file_objection, State.on_hold, ANYONE),
    Transition(State.on_hold, Action.file_objection, State.on_hold, ANYONE),
    Transition(State.on_hold, Action.dismiss_objection, State.public_notice, REVIEWER),
    Transition(State.on_hold, Action.uphold_objection, State.rejected, REVIEWER),
    Transition(State.public_notice, Action.conclude_notice, State.ready_for_decision, REVIEWER),
    *(Transition(state, Action.withdraw, State.withdrawn, APPLICANT) for state in WITHDRAWABLE),
)

# States in which a nomination holds a slot of the nominator's allocation.
NOMINATED_STATES = frozenset({State.nominated, State.formal_review, State.returned, State.expert_review,
                              State.recommended, State.public_notice, State.on_hold, State.ready_for_decision})
# The decision's states: only the approval saga moves an application into or out of them.
DECISION_STATES = frozenset({State.approving, State.approved, State.revoked})
# States the applicant's form may be edited in.
EDITABLE_STATES = frozenset({State.draft, State.returned})
# Applications out of the running; every other state (including the decision's) counts towards "one
# application per applicant per cycle".
INACTIVE_STATES = frozenset({State.draft, State.withdrawn, State.rejected})
# The decision (the approval saga) sets this state; an applicant holding it has an active award.
AWARDED_STATE = State.approved.value

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(state: State, action: Action) -> Transition | None:
    return _BY_KEY.get((state, action))


def actions_from(state: State, actors: frozenset[Actor]) -> list[Action]:
    """What these actors may do in `state`, in the table's order."""
    return [t.action for t in TRANSITIONS if t.source == state and t.actors & actors]


def actors_of(action: Action) -> frozenset[Actor]:
    """Everyone who may take `action` in some state."""
    return frozenset().union(*(t.actors for t in TRANSITIONS if t.action == action))
