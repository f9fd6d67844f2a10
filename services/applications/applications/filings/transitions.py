"""Taking one step of the workflow: checked against the transition table, then written to the application, its
timeline (the applicant sees it) and the audit log."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.models import Application, ApplicationEvent, AuditLog, OutboxEvent
from applications.programs.repository import ProgramRepository
from applications.workflow import (
    ACTION_LABELS,
    STATE_LABELS,
    Action,
    Actor,
    State,
    Transition,
    actions_from,
    actors_of,
    transition_for,
)
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.outbox import add_outbox_event

# The steps the agencies' event feed is told of, by the event type it names them.
FEED_EVENTS = {"submit": "application.submitted", "resubmit": "application.submitted",
               "nominate": "application.nominated", "return_for_revision": "application.returned",
               "recommend": "application.recommended", "publish_notice": "notice.published",
               "file_objection": "application.objection_filed", "approve": "application.approved",
               "reject": "application.rejected", "decline": "application.rejected",
               "decide_reject": "application.rejected", "revoke": "application.revoked"}


def allowed(application: Application, actors: frozenset[Actor]) -> list[Action]:
    return actions_from(State(application.state), actors)


def check(application: Application, action: Action, actors: frozenset[Actor]) -> Transition:
    """The transition `action` takes from the application's state, if these actors may take it now:
    403 when they may never take it, 409 (with what they may do) when not from this state."""
    if not actors_of(action) & actors:
        raise errors.ActionNotPermitted(action.value, *ACTION_LABELS[action])
    state = State(application.state)
    transition = transition_for(state, action)
    if transition is None or not transition.actors & actors:
        possible = allowed(application, actors)
        raise errors.TransitionNotAllowed(state.value, STATE_LABELS[state][0], action.value, ACTION_LABELS[action][0],
                                          [a.value for a in possible])
    return transition


async def record_event(session: AsyncSession, application: Application, *, action: str, from_state: str | None,
                       principal: Principal, comment: str, now: datetime, flush: bool = True) -> None:
    """The step on the timeline and in the audit log; `flush=False` leaves the writing to the caller's next flush
    (a batch writes all its rows in one go)."""
    session.add(ApplicationEvent(application_id=application.id, occurred_at=now, actor=principal.actor,
                                 actor_role=principal.role, action=action, from_state=from_state,
                                 to_state=application.state, comment=comment))
    await record_change(session, AuditLog, actor=principal.actor, action=f"application.{action}",
                        entity_type="application", entity_id=application.id,
                        before={"state": from_state} if from_state else None,
                        after={"state": application.state, "comment": comment}, flush=flush)
    if action in FEED_EVENTS:
        # For the program's reviewing agency and the nominating one; no personal data (the feed is the agencies').
        program = await ProgramRepository(session).by_id(application.program_id)
        add_outbox_event(session, OutboxEvent, type=FEED_EVENTS[action], subject=f"application/{application.id}",
                         agencies=[program.reviewing_agency, application.nominating_agency], occurred_at=now,
                         payload={"application_id": application.id, "program_code": program.code,
                                  "status": application.state})


async def apply(session: AsyncSession, application: Application, transition: Transition, principal: Principal,
                comment: str, now: datetime) -> None:
    before = application.state
    application.state = transition.target.value
    application.updated_at = now
    await record_event(session, application, action=transition.action.value, from_state=before, principal=principal,
                       comment=comment, now=now)


async def move(session: AsyncSession, application: Application, action: Action, actors: frozenset[Actor],
               principal: Principal, comment: str, now: datetime) -> None:
    await apply(session, application, check(application, action, actors), principal, comment, now)
