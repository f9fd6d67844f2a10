"""The decision on an application ready for it: reject, or approve through the saga (a quota slot and the money
secured together); revoking an approval; reading approvals. Approval and revocation write their state change
and the saga's next steps in one transaction; `applications.decisions.saga` takes the steps."""

import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calls.service import get_call
from applications.decisions.repository import DecisionRepository
from applications.decisions.saga import RELEASE, RESERVE, UNCOUNT, Saga, give_back_nomination, reservation_body
from applications.decisions.schemas import ApprovalRead, DecisionOutcome, StepRead
from applications.filings.repository import FilingRepository
from applications.filings.service import load, release_nomination
from applications.filings.transitions import record_event
from applications.models import Application, Approval, AuditLog, Call, CallQuota, IdempotencyRecord, SagaStep
from applications.programs.repository import ProgramRepository
from applications.schemas import Label
from applications.workflow import STATE_LABELS, State
from servicekit.audit import record_change
from servicekit.batching import Batcher
from servicekit.idempotency import Replay, claim_key, complete_key
from servicekit.identity import Principal
from servicekit.problems import DomainError
from servicekit.unit_of_work import run_in_transaction

DECIDABLE = State.ready_for_decision


def _not_decidable(application: Application, action: str, action_zh: str) -> errors.TransitionNotAllowed:
    state = State(application.state)
    return errors.TransitionNotAllowed(state.value, STATE_LABELS[state][0], action, action_zh, [])


async def _city_of(session: AsyncSession, plan_code: str, agency: str) -> str | None:
    return agency if await ProgramRepository(session).agency_kind(plan_code, agency) == "city" else None


async def start_approvals(session: AsyncSession, principal: Principal, application_ids: list[int], comment: str,
                          now: datetime, leased_until: datetime) -> list[tuple[Approval, SagaStep] | DomainError]:
    """Saga step 1 for a list, in the caller's transaction, each application on its own (in the order given): its
    quota slot (and its nominator's allocation slot) taken by a guarded UPDATE, then the application
    `approving`, its approval recorded and its next step (reserve the money) in the outbox, leased to the caller
    until `leased_until`. A refusal (not found, not ready, no place left …) is that application's outcome and
    writes nothing. The applications are locked in id order at the start and the rows written in one flush at
    the end.

    A hot quota row is locked for as short a time as possible: when the list's calls need no allocation and,
    as last committed, have a place for every application that wants one, everything is written first and the
    places taken last, one guarded UPDATE per call just before the commit. Should another decider have taken
    them meanwhile, that is undone and the list goes the locked way: each call's row locked when its first
    application comes, which also says exactly who is refused."""
    repo = DecisionRepository(session)
    applications = await FilingRepository(session).by_ids(application_ids, lock=True)
    slots_at_once = _slots_at_once(applications.values())
    if (slots_at_once and _no_allocations(applications.values())
            and _all_places_free(slots_at_once, await repo.free_slots(list(slots_at_once)))):
        savepoint = await session.begin_nested()
        known = _KnownInBatch(session, slots_at_once=slots_at_once, slots_left=dict(slots_at_once))
        results = await _start_each(session, repo, principal, application_ids, applications, comment, now,
                                    leased_until, known)
        for call_id in sorted(slots_at_once):
            if not await repo.take_slots(call_id, slots_at_once[call_id]):
                await savepoint.rollback()
                # The rollback expired what it undid: the applications are read again as they stand.
                applications = await FilingRepository(session).by_ids(application_ids, lock=True)
                break
        else:
            await savepoint.commit()
            return results
    return await _start_each(session, repo, principal, application_ids, applications, comment, now, leased_until,
                             _KnownInBatch(session, slots_at_once=slots_at_once))


def _all_places_free(wanted: dict[int, int], free: dict[int, int]) -> bool:
    return all(free.get(call_id, 0) >= count for call_id, count in wanted.items())


async def _start_each(session: AsyncSession, repo: DecisionRepository, principal: Principal,
                      application_ids: list[int], applications: dict[int, Application], comment: str, now: datetime,
                      leased_until: datetime, known: "_KnownInBatch") -> list[tuple[Approval, SagaStep] | DomainError]:
    approvals: list[Approval] = []
    # Slots are taken call by call (in the order given within a call): two lists never take two quotas' rows in
    # opposite orders.
    order = sorted(range(len(application_ids)),
                   key=lambda i: getattr(applications.get(application_ids[i]), "call_id", 0))
    results: dict[int, Approval | DomainError] = {}
    with session.no_autoflush:
        for index in order:
            try:
                approval = await _start_one(session, repo, principal, applications.get(application_ids[index]),
                                            comment, now, known)
            except DomainError as error:
                results[index] = error
                continue
            results[index] = approval
            approvals.append(approval)
    await session.flush()
    steps = {a.id: repo.add_step(a.id, RESERVE, now, leased_until=leased_until) for a in approvals}
    await session.flush()
    return [results[i] if isinstance(results[i], DomainError) else (results[i], steps[results[i].id])
            for i in range(len(application_ids))]


@dataclass
class _KnownInBatch:
    """What the applications of one list share, read once for the list (the session's identity map keeps an
    object only while something holds it, so asking it again would read the row again)."""

    session: AsyncSession
    calls: dict[int, Call] = field(default_factory=dict)
    cities: dict[tuple[str, str], str | None] = field(default_factory=dict)
    full: dict[int, CallQuota] = field(default_factory=dict)  # calls found full, with their counters then
    # Calls whose applications in this list all take a slot of the call only: how many want one, and how many
    # of the slots taken for them at once are still to be handed out.
    slots_at_once: dict[int, int] = field(default_factory=dict)
    slots_left: dict[int, int] = field(default_factory=dict)

    async def call(self, call_id: int) -> Call:
        if call_id not in self.calls:
            self.calls[call_id] = await get_call(self.session, call_id)
        return self.calls[call_id]

    async def city(self, plan_code: str, agency: str) -> str | None:
        if (plan_code, agency) not in self.cities:
            self.cities[(plan_code, agency)] = await _city_of(self.session, plan_code, agency)
        return self.cities[(plan_code, agency)]


def _slots_at_once(applications: Iterable[Application]) -> dict[int, int]:
    """Per call, how many of the list's (distinct) applications will ask it for a slot, when none of them also
    needs an allocation's slot: those calls' slots are taken in one UPDATE, the others one by one."""
    wanting = [a for a in applications if a.state == DECIDABLE and a.amount_fen is not None]
    with_allocation = {a.call_id for a in wanting if a.allocation_id is not None}
    return dict(Counter(a.call_id for a in wanting if a.call_id not in with_allocation))


def _no_allocations(applications: Iterable[Application]) -> bool:
    return all(a.allocation_id is None for a in applications if a.state == DECIDABLE)


async def _start_one(session: AsyncSession, repo: DecisionRepository, principal: Principal,
                     application: Application | None, comment: str, now: datetime, known: _KnownInBatch) -> Approval:
    if application is None:
        raise errors.ApplicationNotFound()
    if application.state != DECIDABLE:
        raise _not_decidable(application, "approve", "批准")
    if application.amount_fen is None:
        raise errors.AmountMissing()
    program = await ProgramRepository(session).by_id(application.program_id)
    call = await known.call(application.call_id)
    if call.id in known.full:
        call_slot, allocation_slot = False, True
    elif call.id in known.slots_at_once:
        if call.id not in known.slots_left:
            known.slots_left[call.id] = await repo.reserve_slots(call.id, known.slots_at_once[call.id])
        call_slot, allocation_slot = known.slots_left[call.id] > 0, True
        known.slots_left[call.id] -= call_slot
    else:
        call_slot, allocation_slot = await repo.reserve_slot(call.id, application.allocation_id)
    if not call_slot:
        if call.id not in known.full:
            known.full[call.id] = await repo.quota(call.id)
        quota = known.full[call.id]
        raise errors.QuotaExhausted(quota.total, quota.approved, quota.reserved)
    if not allocation_slot:
        await repo.move_slot(call.id, None, reserved=-1, approved=0)
        allocation = await repo.allocation(application.allocation_id)
        raise errors.AllocationExhausted(allocation.agency_code, allocation.size, allocation.approved,
                                         allocation.reserved)
    city = await known.city(program.plan_code, application.nominating_agency)
    approval = Approval(
        id=f"approval-{application.id}-{secrets.token_hex(6)}",
        application_id=application.id, call_id=call.id, allocation_id=application.allocation_id,
        program_code=program.code, rule_code=program.rule_code, fiscal_year=call.year, city_code=city,
        amount_fen=application.amount_fen, status="reserving", money="none", counted=False,
        decided_by=principal.actor, comment=comment, created_at=now, updated_at=now)
    session.add(approval)
    application.state, application.approval_id, application.updated_at = State.approving.value, approval.id, now
    await record_event(session, application, action="decide_approve", from_state=DECIDABLE.value,
                       principal=principal, comment=comment, now=now, flush=False)
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
    "pending": Label(zh="名额已预留；资金尚未落实（资金台账服务暂不可用或正在处理），系统将自动完成。",
                     en="The place is reserved; the money is not secured yet (the funding service is unavailable "
                        "or still at it), and this finishes automatically."),
}


def outcome_of(approval: Approval) -> DecisionOutcome:
    """What the decider is told of an approval as it stands."""
    if approval.status == "failed":
        return DecisionOutcome(application_id=approval.application_id, approval_id=approval.id, outcome="failed",
                               code=approval.failure_code,
                               message=Label(zh=approval.failure_zh or "", en=approval.failure_en or ""),
                               detail=approval.failure_detail or {})
    outcome = "approved" if approval.status == "approved" else "pending"
    return DecisionOutcome(application_id=approval.application_id, approval_id=approval.id, outcome=outcome,
                           code=None, message=OUTCOME_LABELS[outcome], detail={})


def refused(application_id: int, error: DomainError) -> DecisionOutcome:
    outcome = DecisionOutcome(application_id=application_id, approval_id=None, outcome="refused", code=error.code,
                              message=Label(zh=error.message_zh, en=error.message_en), detail=error.extra)
    outcome._status = error.status
    return outcome


def _rejected(application_id: int) -> DecisionOutcome:
    return DecisionOutcome(application_id=application_id, approval_id=None, outcome="rejected", code=None,
                           message=OUTCOME_LABELS["rejected"], detail={})


@dataclass
class DecisionKey:
    """An `Idempotency-Key` on a decision. It is claimed in the decision's first transaction, with the answer as
    it stands then (a place reserved: 202 pending), and completed in the transaction that writes the outcome: a
    retry with the same key and body gets the stored answer, never a second decision. `render` makes the
    answer (status, body) of the outcomes."""

    scope: str
    key: str
    fingerprint: str
    render: Callable[[list[DecisionOutcome]], tuple[int, Any]]
    request: Any = None  # method, path and body, kept to name what a reuse of the key changed

    async def claim(self, session: AsyncSession) -> Replay | None:
        _, replay = await claim_key(session, IdempotencyRecord, scope=self.scope, key=self.key,
                                    request_fingerprint=self.fingerprint, request=self.request)
        return replay

    async def store(self, session: AsyncSession, outcomes: list[DecisionOutcome]) -> None:
        record = await session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.scope == self.scope,
                                                                      IdempotencyRecord.key == self.key))
        status, body = self.render(outcomes)
        await complete_key(session, record, status, body)


async def decide(saga: Saga, principal: Principal, application_ids: list[int], decision: str, comment: str,
                 now: datetime, key: DecisionKey | None = None) -> list[DecisionOutcome] | Replay:
    """Decide on applications, each on its own with its own outcome, in the order given.

    Approval, in three moves and never a row lock held across a call to another service:
    1. one transaction for all of them: each application `approving`, its approval and its first step
       (`reserve_money`, leased to this request) written, and a quota slot taken (none left: `refused`, that
       application's writes rolled back);
    2. one request to funding reserving the money of all of them (keyed by their approval ids);
    3. one transaction writing the answers: an approval with its money reserved becomes `approved` (the slot
       confirmed; committing the money and counting it are left to the saga's worker), one refused by funding
       `failed` with the reason (its slot released). Funding unreachable: the steps wait in the outbox with
       their slots reserved, and the answer is `pending`; a worker finishes them.
    A crash between the moves leaves leased steps whose lease runs out: a worker takes them then."""
    leased_until = now + timedelta(seconds=saga.lease_seconds)

    async def first(session: AsyncSession) -> Any:
        if key is not None and (replay := await key.claim(session)) is not None:
            return replay
        outcomes: list[DecisionOutcome] = []
        started: list[tuple[int, Approval, SagaStep]] = []
        if decision == "approve":
            results = await start_approvals(session, principal, application_ids, comment, now, leased_until)
            for index, (application_id, result) in enumerate(zip(application_ids, results, strict=True)):
                if isinstance(result, DomainError):
                    outcomes.append(refused(application_id, result))
                else:
                    started.append((index, *result))
                    outcomes.append(outcome_of(result[0]))
        for application_id in application_ids if decision == "reject" else []:
            savepoint = await session.begin_nested()
            try:
                await reject(session, principal, application_id, comment, now)
            except DomainError as error:
                await savepoint.rollback()
                outcomes.append(refused(application_id, error))
                continue
            await savepoint.commit()
            outcomes.append(_rejected(application_id))
        bodies = await _reservation_bodies(session, [a for _, a, _ in started])
        if key is not None:
            await key.store(session, outcomes)
        return outcomes, started, bodies

    first_result = await run_in_transaction(saga.database, first)
    if isinstance(first_result, Replay):
        return first_result
    outcomes, started, bodies = first_result
    if not started:
        return outcomes
    steps = [step for _, _, step in started]
    approvals = {approval.id: approval for _, approval, _ in started}
    found = await saga.funding.reserve_many(bodies)
    answers = {step.id: found[step.approval_id] for step in steps}

    async def last(session: AsyncSession) -> list[DecisionOutcome]:
        current = await DecisionRepository(session).approvals_by_ids(list(approvals))
        for index, approval, _ in started:
            outcomes[index] = outcome_of(current[approval.id])
        if key is not None:
            await key.store(session, outcomes)
        return outcomes

    # The answers and the outcomes (with the key's stored answer) in one transaction.
    return await saga.settle_many(steps, approvals, answers, then=last)


class JoinedApprovals:
    """Single approvals that arrive together in this process, from the same decider with the same comment and no
    Idempotency-Key, decided as one list (`decide`): one transaction for their places, one request to funding
    and one transaction for the answers, instead of three each. Each keeps the outcome it would get alone: the
    list decides every application on its own, in the order they arrived. With fewer than two lists out, an
    approval goes at once."""

    def __init__(self, saga: Saga) -> None:
        self.saga = saga
        self.batcher: Batcher[tuple[Principal, int, str, datetime], DecisionOutcome] = Batcher(
            self._decide, in_flight=2, max_items=50)

    async def approve(self, principal: Principal, application_id: int, comment: str,
                      now: datetime) -> DecisionOutcome:
        [outcome] = await self.batcher([(principal, application_id, comment, now)], group=(principal.actor, comment))
        return outcome

    async def _decide(self, items: list[tuple[Principal, int, str, datetime]]) -> list[DecisionOutcome]:
        principal, _, comment, now = items[0]
        return await decide(self.saga, principal, [application_id for _, application_id, _, _ in items], "approve",
                            comment, now)


async def _reservation_bodies(session: AsyncSession, approvals: list[Approval]) -> list[dict[str, Any]]:
    if not approvals:
        return []
    names = await FilingRepository(session).applicant_names([a.application_id for a in approvals])
    return [reservation_body(a, names.get(a.application_id)) for a in approvals]
