"""Supervision rules. Each reported (not derived) deliverable has a schedule (quarterly by default): for every
period from the plan's start to the deliverable's due date, each lead agency (牵头单位) of the task owes a
report within 15 days after the period ends. A report is *missing* when none stands (pending or accepted)
by the day the plan is judged at, and *late* when the first standing one was reported after the deadline. An
overdue item escalates one rung at a time: 提醒 → 约谈 → 函询 → 通报.

A plan that has ended is judged at its end date, so lateness is counted up to that day and not beyond, and
nothing of it is escalated any more."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.repository import CatalogRepository
from agencies.catalog.schemas import AgencyRef, PlanJudgement
from agencies.events.recording import record_event
from agencies.models import Agency, AuditLog, Deliverable, Escalation
from agencies.periods import Judgement, Period, PlanPeriod, judge_plans, local_date, parse_period, schedule
from agencies.progress.repository import ProgressRepository
from agencies.supervision.repository import Submission, SupervisionRepository
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
from agencies.types import EscalationFilters, OverdueFilters
from servicekit.audit import record_change
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


def _state(deadline: date, submission: Submission | None, as_of: date) -> tuple[str, int] | None:
    """(state, days overdue) of one owed report as of a day, or None when it is not overdue."""
    if submission is not None and submission.reported_on <= as_of:
        late = (submission.reported_on - deadline).days
        return ("late", late) if late > 0 else None
    return ("missing", (as_of - deadline).days) if as_of > deadline else None


def _escalation_state(escalations: list[Escalation]) -> EscalationState | None:
    if not escalations:
        return None
    top = max(escalations, key=lambda e: e.step)
    return EscalationState(step=top.step, level=top.level, level_name=LEVEL_NAMES[top.level],
                           escalated_at=top.created_at)


def _overdue_items(deliverables: list[Deliverable], judgements: dict[str, Judgement],
                   submissions: dict[tuple[int, int, str], Submission], escalations: list[Escalation],
                   agency: str | None) -> list[OverdueItem]:
    """What each lead agency owes and has not reported on time, at the day each plan is judged at."""
    escalated: dict[tuple[int, int, str], list[Escalation]] = defaultdict(list)
    as_of_by_deliverable = {d.id: judgements[d.task.plan.code].as_of for d in deliverables}
    for escalation in escalations:
        if local_date(escalation.created_at) <= as_of_by_deliverable[escalation.deliverable_id]:
            escalated[(escalation.deliverable_id, escalation.agency_id, escalation.period)].append(escalation)
    items = []
    for deliverable in deliverables:
        as_of = as_of_by_deliverable[deliverable.id]
        owing = [a for a in _reporting_agencies(deliverable) if agency is None or a.code == agency]
        for period in _periods(deliverable) if owing else ():
            if period.deadline >= as_of:
                break
            for owner in owing:
                key = (deliverable.id, owner.id, period.label)
                state = _state(period.deadline, submissions.get(key), as_of)
                if state is None:
                    continue
                late = submissions[key] if state[0] == "late" else None
                current = _escalation_state(escalated.get(key, []))
                step = current.step if current else 0
                items.append(OverdueItem(
                    agency=AgencyRef.model_validate(owner), plan_code=deliverable.task.plan.code,
                    task_number=deliverable.task.number, deliverable_code=deliverable.code,
                    indicator=deliverable.indicator, indicator_en=deliverable.indicator_en, period=period.label,
                    deadline=period.deadline, state=state[0], reported_on=late.reported_on if late else None,
                    submitted_at=late.submitted_at if late else None, days_overdue=state[1], escalation=current,
                    next_level=LEVELS[step] if step < len(LEVELS) else None,
                ))
    items.sort(key=lambda i: (i.agency.code, i.plan_code, i.task_number, i.deliverable_code, i.deadline))
    return items


async def list_overdue(session: AsyncSession, principal: Principal, today: date, as_of: date | None,
                       params: PageParams, filters: OverdueFilters) -> OverduePage:
    """Overdue reports of the plans asked for, each plan judged at its own day (or all at `as_of`, which must
    then lie within each one's period)."""
    agency = visible_agency(principal, filters.agency)
    repo = SupervisionRepository(session)
    deliverables = await repo.reported_deliverables(filters.plan)
    judgements = judge_plans({d.task.plan.code: PlanPeriod.of(d.task.plan) for d in deliverables}, today, as_of)
    ids = [d.id for d in deliverables]
    items = _overdue_items(deliverables, judgements, await repo.first_submissions(ids),
                           await repo.escalations_for(ids), agency)
    if filters.state is not None:
        items = [i for i in items if i.state == filters.state]
    counts: dict[str, AgencyOverdue] = {}
    for item in items:
        entry = counts.setdefault(item.agency.code, AgencyOverdue(agency=item.agency, missing=0, late=0))
        if item.state == "missing":
            entry.missing += 1
        else:
            entry.late += 1
    days = {j.as_of for j in judgements.values()} or {as_of or today}
    return OverduePage(
        items=items[params.offset:params.offset + params.size], total=len(items), page=params.page, size=params.size,
        as_of=days.pop() if len(days) == 1 else None,
        final=bool(judgements) and all(j.final for j in judgements.values()),
        judged=[PlanJudgement(plan_code=code, **j.fields()) for code, j in judgements.items()],
        by_agency=list(counts.values()),
    )


def escalation_read(escalation: Escalation) -> EscalationRead:
    return EscalationRead(
        id=escalation.id, deliverable_code=escalation.deliverable.code,
        agency=AgencyRef.model_validate(escalation.agency),
        period=escalation.period, step=escalation.step, level=escalation.level,
        level_name=LEVEL_NAMES[escalation.level], note=escalation.note, actor=escalation.actor,
        created_at=escalation.created_at,
    )


def _out_of_order(step: int) -> errors.EscalationOutOfOrder:
    current = f"{LEVEL_NAMES[LEVELS[step - 1]]}" if step else "未督办"
    current_en = LEVELS[step - 1] if step else "not escalated"
    following = f"下一步只能是「{LEVEL_NAMES[LEVELS[step]]}」" if step < len(LEVELS) else "已到最高一级「通报」"
    following_en = (f"the next step can only be {LEVELS[step]}" if step < len(LEVELS)
                    else "it is already at the top (public_notice)")
    return errors.EscalationOutOfOrder(
        f"督办须逐级进行：当前为「{current}」，{following}。",
        f"Escalation goes one step at a time: it is at {current_en}; {following_en}.",
        extra={"current_level": LEVELS[step - 1] if step else None,
               "next_level": LEVELS[step] if step < len(LEVELS) else None},
    )


async def escalate(session: AsyncSession, principal: Principal, payload: EscalationCreate,
                   now: datetime) -> EscalationRead:
    """Move one overdue report of a running plan one rung up the ladder, recording who, when and why."""
    repo = SupervisionRepository(session)
    found = await repo.reported_deliverables(code=payload.deliverable)
    if not found:
        if await repo.deliverable_exists(payload.deliverable):
            raise errors.NotAnEscalationTarget()  # a derived deliverable: nobody owes reports on it
        raise errors.DeliverableNotFound()
    deliverable = found[0]
    agency = await CatalogRepository(session).get_agency(payload.agency)
    if agency is None:
        raise errors.AgencyNotFound()
    if agency.id not in {a.id for a in _reporting_agencies(deliverable)}:
        raise errors.NotAnEscalationTarget()
    period = parse_period(payload.period)
    if period is None or period.label not in {p.label for p in _periods(deliverable)}:
        raise errors.PeriodNotScheduled()
    today = local_date(now)
    if today > deliverable.task.plan.period_end:  # judged by its final result now: nobody is chased any more
        raise errors.PlanEnded()
    await ProgressRepository(session).lock_deliverable(deliverable.id)
    submissions = await repo.first_submissions([deliverable.id])
    if _state(period.deadline, submissions.get((deliverable.id, agency.id, period.label)), today) is None:
        raise errors.NotOverdue()
    step = await repo.current_step(deliverable.id, agency.id, period.label)
    requested = LEVELS.index(payload.level) + 1
    if requested != step + 1:
        raise _out_of_order(step)
    escalation = Escalation(deliverable=deliverable, agency=agency, period=period.label, step=requested,
                            level=payload.level, note=payload.note, actor=principal.actor, created_at=now)
    await repo.add(escalation)
    await record_change(session, AuditLog, actor=principal.actor, action="escalation.create",
                        entity_type="escalation", entity_id=escalation.id,
                        after={"deliverable": deliverable.code, "agency": agency.code, "period": period.label,
                               "step": requested, "level": payload.level, "note": payload.note})
    await record_event(session, type="escalation.raised", subject=f"escalation/{deliverable.code}/{agency.code}/"
                       f"{period.label}", agencies=[agency.code], occurred_at=now, now=now,
                       payload={"escalation_id": escalation.id, "deliverable_code": deliverable.code,
                                "agency": agency.code, "period": period.label, "level": payload.level,
                                "step": requested})
    return escalation_read(escalation)


async def list_escalations(session: AsyncSession, principal: Principal, params: PageParams,
                           filters: EscalationFilters) -> Page[EscalationRead]:
    repo = SupervisionRepository(session)
    statement = repo.escalations_statement(filters, visible_agency(principal, filters.agency))
    rows, total = await repo.page(statement, params)
    return Page(items=[escalation_read(e) for e in rows], total=total, page=params.page, size=params.size)
