"""Supervision rules. Each reported (not derived) deliverable has a schedule (quarterly by default): for every
period from the plan's start to the deliverable's due date, each lead agency (牵头单位) of the task owes a
report within 15 days after the period ends. A report is *missing* when none stands (pending or accepted)
by the as-of day, and *late* when the first standing one was filed after the deadline. An overdue item
escalates one rung at a time: 提醒 → 约谈 → 函询 → 通报."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.idempotent import run_once
from agencies.catalog.schemas import AgencyRef
from agencies.models import Agency, AuditLog, Deliverable, Escalation
from agencies.periods import Period, local_date, parse_period, schedule
from agencies.supervision.repository import SupervisionRepository
from agencies.supervision.schemas import (
    LEVEL_NAMES,
    LEVELS,
    AgencyOverdue,
    EscalationCreate,
    EscalationRead,
    EscalationState,
    OverdueItem,
    OverduePage,
)
from servicekit.audit import record_change
from servicekit.idempotency import Replay
from servicekit.identity import Principal
from servicekit.pagination import Page, PageParams


def visible_agency(principal: Principal, agency: str | None) -> str | None:
    """Administrators see every agency; reviewers and agency keys only their own."""
    if principal.role == "admin":
        return agency
    if not principal.agency:
        raise errors.CallerWithoutAgency()
    if agency is not None and agency != principal.agency:
        raise errors.OtherAgencyOnly()
    return principal.agency


def _reporting_agencies(deliverable: Deliverable) -> list[Agency]:
    return [o.agency for o in deliverable.task.owners if o.role == "lead"]


def _periods(deliverable: Deliverable) -> list[Period]:
    return schedule(deliverable.reporting, deliverable.task.plan.period_start, deliverable.due)


def _state(deadline: date, submitted_at: datetime | None, as_of: date) -> tuple[str, int] | None:
    """(state, days overdue) of one owed report as of a day, or None when it is not overdue."""
    filed = local_date(submitted_at) if submitted_at is not None else None
    if filed is not None and filed <= as_of:
        return ("late", (filed - deadline).days) if filed > deadline else None
    return ("missing", (as_of - deadline).days) if as_of > deadline else None


def _escalation_state(escalations: list[Escalation]) -> EscalationState | None:
    if not escalations:
        return None
    top = max(escalations, key=lambda e: e.step)
    return EscalationState(step=top.step, level=top.level, level_name=LEVEL_NAMES[top.level],
                           escalated_at=top.created_at)


async def overdue_items(session: AsyncSession, as_of: date, *, plan: str | None = None,
                        agency: str | None = None) -> list[OverdueItem]:
    repo = SupervisionRepository(session)
    deliverables = await repo.reported_deliverables(plan)
    ids = [d.id for d in deliverables]
    submissions = await repo.first_submissions(ids)
    escalations: dict[tuple[int, int, str], list[Escalation]] = defaultdict(list)
    for escalation in await repo.escalations_for(ids):
        if local_date(escalation.created_at) <= as_of:
            escalations[(escalation.deliverable_id, escalation.agency_id, escalation.period)].append(escalation)

    items = []
    for deliverable in deliverables:
        owing = [a for a in _reporting_agencies(deliverable) if agency is None or a.code == agency]
        if not owing:
            continue
        for period in _periods(deliverable):
            if period.deadline >= as_of:
                break
            for owner in owing:
                key = (deliverable.id, owner.id, period.label)
                state = _state(period.deadline, submissions.get(key), as_of)
                if state is None:
                    continue
                current = _escalation_state(escalations.get(key, []))
                step = current.step if current else 0
                items.append(OverdueItem(
                    agency=AgencyRef.model_validate(owner), plan_code=deliverable.task.plan.code,
                    task_number=deliverable.task.number, deliverable_code=deliverable.code,
                    indicator=deliverable.indicator, period=period.label, deadline=period.deadline,
                    state=state[0], submitted_at=submissions.get(key) if state[0] == "late" else None,
                    days_overdue=state[1], escalation=current,
                    next_level=LEVELS[step] if step < len(LEVELS) else None,
                ))
    items.sort(key=lambda i: (i.agency.code, i.plan_code, i.task_number, i.deliverable_code, i.deadline))
    return items


async def list_overdue(session: AsyncSession, principal: Principal, as_of: date, params: PageParams, *,
                       plan: str | None, agency: str | None, state: str | None) -> OverduePage:
    agency = visible_agency(principal, agency)
    items = await overdue_items(session, as_of, plan=plan, agency=agency)
    if state is not None:
        items = [i for i in items if i.state == state]
    counts: dict[str, AgencyOverdue] = {}
    for item in items:
        entry = counts.setdefault(item.agency.code, AgencyOverdue(agency=item.agency, missing=0, late=0))
        if item.state == "missing":
            entry.missing += 1
        else:
            entry.late += 1
    return OverduePage(items=items[params.offset:params.offset + params.size], total=len(items), page=params.page,
                       size=params.size, as_of=as_of, by_agency=list(counts.values()))


def escalation_read(escalation: Escalation) -> EscalationRead:
    return EscalationRead(
        id=escalation.id, deliverable_code=escalation.deliverable.code,
        agency=AgencyRef.model_validate(escalation.agency),
        period=escalation.period, step=escalation.step, level=escalation.level,
        level_name=LEVEL_NAMES[escalation.level], note=escalation.note, actor=escalation.actor,
        created_at=escalation.created_at,
    )


async def escalate(session: AsyncSession, principal: Principal, payload: EscalationCreate, now: datetime,
                   idempotency_key: str | None) -> EscalationRead | Replay:
    """Move one overdue report one rung up the ladder, recording who, when and why."""
    return await run_once(session, principal, idempotency_key, path="/supervision/escalations",
                          body=payload.model_dump(mode="json"), status_code=201,
                          work=lambda: _escalate(session, principal, payload, now))


async def _escalate(session: AsyncSession, principal: Principal, payload: EscalationCreate,
                    now: datetime) -> EscalationRead:
    repo = SupervisionRepository(session)
    found = await repo.reported_deliverables(code=payload.deliverable)
    if not found:
        if await repo.deliverable_exists(payload.deliverable):
            raise errors.NotAnEscalationTarget()  # a derived deliverable: nobody owes reports on it
        raise errors.DeliverableNotFound()
    deliverable = found[0]
    agency = await repo.agency_by_code(payload.agency)
    if agency is None:
        raise errors.AgencyNotFound()
    if agency.id not in {a.id for a in _reporting_agencies(deliverable)}:
        raise errors.NotAnEscalationTarget()
    period = parse_period(payload.period)
    if period is None or period.label not in {p.label for p in _periods(deliverable)}:
        raise errors.PeriodNotScheduled()
    await repo.lock_deliverable(deliverable.id)
    submissions = await repo.first_submissions([deliverable.id])
    if _state(period.deadline, submissions.get((deliverable.id, agency.id, period.label)), local_date(now)) is None:
        raise errors.NotOverdue()
    step = await repo.current_step(deliverable.id, agency.id, period.label)
    requested = LEVELS.index(payload.level) + 1
    if requested != step + 1:
        current = f"{LEVEL_NAMES[LEVELS[step - 1]]}" if step else "未督办"
        current_en = LEVELS[step - 1] if step else "not escalated"
        following = (f"下一步只能是「{LEVEL_NAMES[LEVELS[step]]}」" if step < len(LEVELS) else "已到最高一级「通报」")
        following_en = (f"the next step can only be {LEVELS[step]}" if step < len(LEVELS)
                        else "it is already at the top (public_notice)")
        raise errors.EscalationOutOfOrder(
            f"督办须逐级进行：当前为「{current}」，{following}。",
            f"Escalation goes one step at a time: it is at {current_en}; {following_en}.",
            extra={"current_level": LEVELS[step - 1] if step else None,
                   "next_level": LEVELS[step] if step < len(LEVELS) else None},
        )
    escalation = Escalation(deliverable=deliverable, agency=agency, period=period.label, step=requested,
                            level=payload.level, note=payload.note, actor=principal.actor, created_at=now)
    await repo.add(escalation)
    await record_change(session, AuditLog, actor=principal.actor, action="escalation.create",
                        entity_type="escalation", entity_id=escalation.id,
                        after={"deliverable": deliverable.code, "agency": agency.code, "period": period.label,
                               "step": requested, "level": payload.level, "note": payload.note})
    return escalation_read(escalation)


async def list_escalations(session: AsyncSession, principal: Principal, params: PageParams, *,
                           deliverable: str | None, agency: str | None, period: str | None) -> Page[EscalationRead]:
    agency = visible_agency(principal, agency)
    repo = SupervisionRepository(session)
    rows, total = await repo.page(repo.escalations_statement(deliverable=deliverable, agency=agency, period=period),
                                  params)
    return Page(items=[escalation_read(e) for e in rows], total=total, page=params.page, size=params.size)
