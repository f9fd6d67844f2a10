"""The decision on an application ready for it: reject, or approve through the saga (a quota slot and the money
secured together); revoking an approval; reading approvals. Approval and revocation write their state change
and the saga's next steps in one transaction; `applications.decisions.saga` takes the steps."""

import asyncio
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calls.service import get_call
from applications.decisions.repository import DecisionRepository
from applications.decisions.saga import RELEASE, RESERVE, UNCOUNT, Saga, give_back_nomination
from applications.decisions.schemas import ApprovalRead, DecisionOutcome, StepRead
from applications.filings.service import load, release_nomination
from applications.filings.transitions import record_event
from applications.models import Application, Approval, AuditLog
from applications.programs.repository import ProgramRepository
from applications.schemas import Label
from applications.workflow import STATE_LABELS, State
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.problems import DomainError
from servicekit.unit_of_work import run_in_transaction

DECIDABLE = State.ready_for_decision
# How long a decision's answer waits for the saga's steps another process took (the rest is retried later).
WAIT_FOR_OUTCOME_SECONDS = 8.0


def _not_decidable(application: Application, action: str, action_zh: str) -> errors.TransitionNotAllowed:
    state = State(application.state)
    return errors.TransitionNotAllowed(state.value, STATE_LABELS[state][0], action, action_zh, [])


async def _city_of(session: AsyncSession, plan_code: str, agency: str) -> str | None:
    row = (await ProgramRepository(session).agencies({plan_code})).get((plan_code, agency))
    return agency if row is not None and row.kind == "city" else None


async def start_approval(session: AsyncSession, principal: Principal, application_id: int, comment: str,
                         now: datetime) -> Approval:
    """Saga step 1, in one transaction: a slot of the call (and of the nominator's allocation) reserved, the
    application `approving`, the approval recorded, and its next step (reserve the money) in the outbox."""
    application, program = await load(session, application_id, lock=True)
    if application.state != DECIDABLE:
        raise _not_decidable(application, "approve", "批准")
    if application.amount_fen is None:
        raise errors.AmountMissing()
    call = await get_call(session, application.call_id)
    repo = DecisionRepository(session)
    call_slot, allocation_slot = await repo.reserve_slot(call.id, application.allocation_id)
    if not call_slot:
        quota = await repo.quota(call.id)
        raise errors.QuotaExhausted(quota.total, quota.approved, quota.reserved)
    if not allocation_slot:
        allocation = await repo.allocation(application.allocation_id)
        raise errors.AllocationExhausted(allocation.agency_code, allocation.size, allocation.approved,
                                         allocation.reserved)
    approval = Approval(
        id=f"approval-{application.id}-{secrets.token_hex(6)}",
        application_id=application.id, call_id=call.id, allocation_id=application.allocation_id,
        program_code=program.code, rule_code=program.rule_code, fiscal_year=call.year,
        city_code=await _city_of(session, program.plan_code, application.nominating_agency),
        amount_fen=application.amount_fen, status="reserving", money="none", counted=False,
        decided_by=principal.actor, comment=comment, created_at=now, updated_at=now)
    await repo.add(approval)
    application.state, application.approval_id, application.updated_at = State.approving.value, approval.id, now
    await record_event(session, application, action="decide_approve", from_state=DECIDABLE.value,
                       principal=principal, comment=comment, now=now)
    repo.add_step(approval.id, RESERVE, now)
    return approval


async def reject(session: AsyncSession, principal: Principal, application_id: int, comment: str,
                 now: datetime) -> Application:
    """Not approved: the application is rejected and its nomination place goes back."""
    application, _ = await load(session, application_id, lock=True)
    if application.state != DECIDABLE:
        raise _not_decidable(application, "reject", "不予批准")
    await release_nomination(session, application)
    application.state, application.updated_at = State.rejected.value, now
    await record_event(session, application, action="decide_reject", from_state=DECIDABLE.value,
                       principal=principal, comment=comment, now=now)
    return application


async def revoke(session: AsyncSession, principal: Principal, approval_id: str, reason: str,
                 now: datetime) -> Approval:
    """撤销: the slot goes back, the money is released (a reservation voided, a commitment reversed), the
    derived deliverable stops counting it; audited, and on the applicant's timeline."""
    repo = DecisionRepository(session)
    found = await repo.approval(approval_id)
    if found is None:
        raise errors.ApprovalNotFound()
    application, _ = await load(session, found.application_id, lock=True)
    approval = await repo.approval(approval_id, lock=True)
    if approval.status != "approved":
        raise errors.NotRevocable(approval.status)
    await repo.move_slot(approval.call_id, approval.allocation_id, reserved=0, approved=-1)
    approval.status, approval.revoked_at, approval.revoked_by, approval.revoke_reason = ("revoked", now,
                                                                                         principal.actor, reason)
    approval.updated_at = now
    await give_back_nomination(session, application)
    before = application.state
    application.state, application.updated_at = State.revoked.value, now
    await record_event(session, application, action="revoke", from_state=before, principal=principal,
                       comment=reason, now=now)
    await record_change(session, AuditLog, actor=principal.actor, action="approval.revoke", entity_type="approval",
                        entity_id=approval.id, before={"status": "approved", "money": approval.money},
                        after={"status": "revoked", "reason": reason})
    repo.add_step(approval.id, RELEASE, now)
    if approval.counted or await repo.has_pending(approval.id):
        repo.add_step(approval.id, UNCOUNT, now)
    return approval


# --- driving a decision to its outcome -------------------------------------------------------------------


async def approval_read(session: AsyncSession, approval: Approval) -> ApprovalRead:
    steps = await DecisionRepository(session).steps_of(approval.id)
    return ApprovalRead.model_validate({**{c: getattr(approval, c) for c in ApprovalRead.model_fields
                                           if c != "steps"},
                                        "steps": [StepRead.model_validate(s, from_attributes=True) for s in steps]})


async def read_approval(session: AsyncSession, approval_id: str) -> ApprovalRead:
    approval = await DecisionRepository(session).approval(approval_id)
    if approval is None:
        raise errors.ApprovalNotFound()
    return await approval_read(session, approval)


async def approvals_of(session: AsyncSession, application_id: int) -> list[ApprovalRead]:
    return [await approval_read(session, a) for a in await DecisionRepository(session).approvals_of(application_id)]


OUTCOME_LABELS = {
    "approved": Label(zh="已批准：名额与资金均已落实。", en="Approved: the place and the money are secured."),
    "rejected": Label(zh="不予批准。", en="Not approved."),
    "pending": Label(zh="名额已预留，资金台账服务暂不可用，系统将自动重试。",
                     en="The place is reserved; the funding service is unavailable, so it is retried automatically."),
}


async def _outcome_of(saga: Saga, approval_id: str) -> DecisionOutcome:
    async def work(session: AsyncSession) -> Approval:
        return await DecisionRepository(session).approval(approval_id)

    approval = await run_in_transaction(saga.database, work)
    if approval.status == "failed":
        return DecisionOutcome(application_id=approval.application_id, approval_id=approval.id, outcome="failed",
                               code=approval.failure_code,
                               message=Label(zh=approval.failure_zh or "", en=approval.failure_en or ""),
                               detail=approval.failure_detail or {})
    outcome = "approved" if approval.status == "approved" else "pending"
    return DecisionOutcome(application_id=approval.application_id, approval_id=approval.id, outcome=outcome,
                           code=None, message=OUTCOME_LABELS[outcome], detail={})


async def _waiting_for_retry(saga: Saga, approval_id: str) -> bool:
    """True when the approval's next step waits for another service to come back (not merely leased)."""
    async def work(session: AsyncSession) -> bool:
        steps = await DecisionRepository(session).steps_of(approval_id)
        return any(s.status == "pending" and s.last_error for s in steps)

    return await run_in_transaction(saga.database, work)


def refused(application_id: int, error: DomainError) -> DecisionOutcome:
    return DecisionOutcome(application_id=application_id, approval_id=None, outcome="refused", code=error.code,
                           message=Label(zh=error.message_zh, en=error.message_en), detail=error.extra)


async def approve(saga: Saga, principal: Principal, application_id: int, comment: str,
                  now: datetime) -> DecisionOutcome:
    """Step 1 committed on its own, then the saga's steps for this approval taken at once (the background
    worker finishes what another service could not take now)."""
    async def work(session: AsyncSession) -> Approval:
        return await start_approval(session, principal, application_id, comment, now)

    approval = await run_in_transaction(saga.database, work)
    # Another replica's worker may have leased the step first: wait a little for its answer, so the decider
    # learns the outcome rather than "pending" whenever the money is reserved within a few seconds.
    deadline = asyncio.get_running_loop().time() + WAIT_FOR_OUTCOME_SECONDS
    pause = 0.02
    while True:
        await saga.drain(approval.id)
        outcome = await _outcome_of(saga, approval.id)
        if outcome.outcome != "pending" or asyncio.get_running_loop().time() >= deadline:
            return outcome
        if await _waiting_for_retry(saga, approval.id):
            return outcome
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.25)


async def decide_many(saga: Saga, principal: Principal, application_ids: list[int], decision: str, comment: str,
                      now: datetime) -> list[DecisionOutcome]:
    """A batch: each application decided on its own (its own transactions and outcome)."""
    outcomes = []
    for application_id in application_ids:
        try:
            if decision == "approve":
                outcomes.append(await approve(saga, principal, application_id, comment, now))
            else:
                async def work(session: AsyncSession, application_id: int = application_id) -> Application:
                    return await reject(session, principal, application_id, comment, now)

                await run_in_transaction(saga.database, work)
                outcomes.append(DecisionOutcome(application_id=application_id, approval_id=None, outcome="rejected",
                                                code=None, message=OUTCOME_LABELS["rejected"], detail={}))
        except DomainError as error:
            outcomes.append(refused(application_id, error))
    return outcomes
