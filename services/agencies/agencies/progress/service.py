"""Progress rules: who may report what, how reports are reviewed, how approvals count, and how the
progress figures (value, percent, status colour, final result) are computed at the day a plan is judged at."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.repository import CatalogRepository
from agencies.catalog.schemas import AgencyRef, AgencyShare, Progress, ReportHistory, TaskRef
from agencies.events.recording import record_event
from agencies.models import Agency, AuditLog, Deliverable, DerivedApproval, ProgressReport, ReportReview
from agencies.periods import (
    EXAMPLE_BY_KIND,
    KIND_BY_REPORTING,
    Judgement,
    Period,
    end_of_day,
    judge_plan,
    local_date,
    parse_period,
    schedule,
)
from agencies.progress.repository import ApprovalCount, ProgressRepository, ReportFact
from agencies.progress.schemas import (
    ApprovalBatchCreate,
    ApprovalBatchItem,
    ApprovalBatchResult,
    ApprovalCreate,
    ApprovalRead,
    DerivedValue,
    ReportCreate,
    ReportRead,
    ReviewCreate,
)
from agencies.types import ReportFilters
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.pagination import Page, PageParams
from servicekit.problems import DomainError

GREEN_AT = 0.9
AMBER_AT = 0.6


# --- progress figures --------------------------------------------------------------------------------


class Target(Protocol):
    """What progress figures need of a deliverable (a Deliverable row, or the task cache's copy)."""

    id: int
    value: float
    due: date
    derived_from_program: str | None
    part_of_id: int | None


@dataclass
class DeliverableProgress:
    progress: Progress
    shares: list[AgencyShare]
    history: ReportHistory


def expected_value(target: float, start: date, due: date, as_of: date) -> float:
    """The straight line from 0 at the plan's start to the target at the due date, read at `as_of`."""
    if as_of >= due:
        return target
    if as_of <= start:
        return 0.0
    return target * (as_of - start).days / (due - start).days


def status_colour(value: float, expected: float) -> str:
    """green at ≥ 90 % of the expected value, amber at ≥ 60 %, red below (green while nothing is expected)."""
    if expected <= 0:
        return "green"
    ratio = value / expected
    if ratio >= GREEN_AT:
        return "green"
    if ratio >= AMBER_AT:
        return "amber"
    return "red"


def percent_of(value: float, target: float) -> float:
    return round(value / target * 100, 1) if target > 0 else 0.0


def final_result(value: float, target: float, judgement: Judgement) -> str | None:
    """完成 (achieved) when the final value reached the target (its lower bound for a range), else 未完成;
    nothing while the plan runs."""
    if not judgement.final:
        return None
    return "achieved" if value >= target else "not_achieved"


def capped_mean(percents: Iterable[float]) -> float | None:
    """Mean of percents, each capped at 100; None when there is nothing to average."""
    capped = [min(p, 100.0) for p in percents]
    return round(sum(capped) / len(capped), 1) if capped else None


def task_percent(targets: Iterable[Target], progress: dict[int, "DeliverableProgress"]) -> float | None:
    """A task's progress: the capped mean over its deliverables that are not a breakdown of another one
    (`part_of`), so a total and its parts are not counted twice."""
    return capped_mean(progress[t.id].progress.percent for t in targets if t.part_of_id is None)


def _history(facts: list[ReportFact]) -> ReportHistory:
    by_status = defaultdict(int)
    for fact in facts:
        by_status[fact.status] += 1
    latest = max(facts, key=lambda f: f.period_end, default=None)
    return ReportHistory(
        total=len(facts), pending=by_status["pending"], accepted=by_status["accepted"],
        returned=by_status["returned"], latest_period=latest.period if latest else None,
        latest_reported_on=max((f.reported_on for f in facts), default=None),
        latest_submitted_at=max((f.submitted_at for f in facts), default=None),
    )


def _reported_shares(facts: list[ReportFact], as_of: date) -> list[AgencyShare]:
    """Each agency's latest accepted value among the periods begun by `as_of` (a period can be reported on from
    its first day, so a read at today counts every accepted report)."""
    latest: dict[int, ReportFact] = {}
    for fact in facts:  # ordered by period, then submission: the last accepted one wins
        if fact.status == "accepted" and parse_period(fact.period).start <= as_of:
            latest[fact.agency.id] = fact
    return [AgencyShare(agency=AgencyRef.model_validate(f.agency), value=f.value, period=f.period)
            for f in sorted(latest.values(), key=lambda f: f.agency.code)]


def _derived_shares(counts: list[ApprovalCount]) -> list[AgencyShare]:
    counts = sorted(counts, key=lambda c: (c.city is None, c.city.code if c.city else ""))  # no city last
    return [AgencyShare(agency=AgencyRef.model_validate(c.city) if c.city else None, value=c.count) for c in counts]


async def _approval_counts(repo: ProgressRepository,
                           items: list[tuple[Target, Judgement]]) -> dict[tuple[str, date], list[ApprovalCount]]:
    """Approvals of each (program, day judged at) standing at the end of that day: one query per day."""
    programs_by_day: dict[date, set[str]] = defaultdict(set)
    for deliverable, judgement in items:
        if deliverable.derived_from_program:
            programs_by_day[judgement.as_of].add(deliverable.derived_from_program)
    counts: dict[tuple[str, date], list[ApprovalCount]] = defaultdict(list)
    for day, programs in programs_by_day.items():
        for count in await repo.approval_counts(programs, end_of_day(day)):
            counts[(count.program_code, day)].append(count)
    return counts


async def progress_of(session: AsyncSession, items: list[tuple[Target, Judgement]]) -> dict[int, DeliverableProgress]:
    """Progress of each deliverable at the day its plan is judged at, by deliverable id: one query for the
    reports, one per day judged at for the approvals."""
    repo = ProgressRepository(session)
    if not items:
        return {}
    facts_by_deliverable: dict[int, list[ReportFact]] = defaultdict(list)
    for fact in await repo.report_facts(d.id for d, _ in items):
        facts_by_deliverable[fact.deliverable_id].append(fact)
    approvals = await _approval_counts(repo, items)

    values: dict[int, float] = {}
    shares_of: dict[int, list[AgencyShare]] = {}
    for deliverable, judgement in items:
        if deliverable.derived_from_program:
            shares = _derived_shares(approvals[(deliverable.derived_from_program, judgement.as_of)])
        else:
            shares = _reported_shares(facts_by_deliverable[deliverable.id], judgement.as_of)
        values[deliverable.id] = float(sum(share.value for share in shares))
        shares_of[deliverable.id] = shares

    parts: dict[int, list[int]] = defaultdict(list)
    for deliverable, _ in items:
        if deliverable.part_of_id is not None:
            parts[deliverable.part_of_id].append(deliverable.id)

    def with_parts(deliverable_id: int) -> float:
        """A total is at least the sum of its parts (400 key talents supported = 10 + 200 + 200 awarded)."""
        own = values[deliverable_id]
        if deliverable_id not in parts:
            return own
        return max(own, sum(with_parts(part) for part in parts[deliverable_id]))

    result = {}
    for deliverable, judgement in items:
        value = with_parts(deliverable.id)
        expected = expected_value(deliverable.value, judgement.period.start, deliverable.due, judgement.as_of)
        progress = Progress(
            **judgement.fields(), source="derived" if deliverable.derived_from_program else "reported", value=value,
            percent=percent_of(value, deliverable.value), expected_value=round(expected, 2),
            status=status_colour(value, expected),
            parts_value=sum(with_parts(part) for part in parts[deliverable.id]) if deliverable.id in parts else None,
            result=final_result(value, deliverable.value, judgement),
        )
        result[deliverable.id] = DeliverableProgress(progress, shares_of[deliverable.id],
                                                     _history(facts_by_deliverable[deliverable.id]))
    return result


# --- reports -----------------------------------------------------------------------------------------


def report_read(report: ProgressReport) -> ReportRead:
    task = report.deliverable.task
    return ReportRead(
        id=report.id, deliverable_code=report.deliverable.code,
        task=TaskRef(plan_code=task.plan.code, number=task.number, title=task.title, title_en=task.title_en),
        agency=AgencyRef.model_validate(report.agency), period=report.period, value=report.value, unit=report.unit,
        narrative=report.narrative, evidence=list(report.evidence), status=report.status,
        reported_on=report.reported_on, submitted_at=report.submitted_at, reviewed_at=report.reviewed_at,
        review_comment=report.review_comment,
    )


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {"deliverable": report.deliverable.code, "agency": report.agency.code, "period": report.period,
            "value": report.value, "unit": report.unit, "status": report.status,
            "reported_on": report.reported_on.isoformat(), "review_comment": report.review_comment}


async def _caller_agency(session: AsyncSession, principal: Principal, refusal: type[DomainError]) -> Agency:
    if not principal.agency:
        raise errors.CallerWithoutAgency()
    agency = await CatalogRepository(session).get_agency(principal.agency)
    if agency is None:
        raise refusal()
    return agency


def _check_period(deliverable: Deliverable, label: str, today: date) -> Period:
    kind = KIND_BY_REPORTING[deliverable.reporting]
    period = parse_period(label)
    plan = deliverable.task.plan
    scheduled = {p.label for p in schedule(deliverable.reporting, plan.period_start, deliverable.due)}
    if period is None or period.kind != kind or label not in scheduled:
        first, last = min(scheduled), max(scheduled)
        raise errors.PeriodNotScheduled(
            f"报送期须为该目标任务的报送周期之一（{first} 至 {last}，格式如 {EXAMPLE_BY_KIND[kind]}）。",
            f"The period must be one of this deliverable's reporting periods ({first} to {last}, "
            f"written like {EXAMPLE_BY_KIND[kind]}).",
        )
    if period.start > today:
        raise errors.PeriodNotStarted()
    return period


def _reported_on(deliverable: Deliverable, period: Period, stated: date | None, today: date) -> date:
    """The day the report counts as made: today, or the day stated for a report back-filled into the record of
    a plan that has ended (not earlier than its period's start). A running plan's reports are dated when filed,
    so supervision cannot be talked out of a late report."""
    if stated is None:
        return today
    if today <= deliverable.task.plan.period_end:
        raise errors.ReportedOnWhilePlanRuns()
    if not period.start <= stated <= today:
        raise errors.ReportedOnOutOfRange(f"报送日期须在 {period.start} 至 {today} 之间。",
                                          f"reported_on must lie between {period.start} and {today}.")
    return stated


def _check_cumulative(active: list[ProgressReport], period_end: date, label: str, value: float) -> None:
    """Cumulative values never go down over the agency's pending and accepted reports."""
    if any(r.status == "pending" and r.period == label for r in active):
        raise errors.ReportAlreadyPending()
    earlier = [r for r in active if r.period_end <= period_end]
    later = [r for r in active if r.period_end > period_end]
    if earlier and value < max(r.value for r in earlier):
        previous = max(earlier, key=lambda r: r.value)
        raise errors.CumulativeValueDecreased(
            f"累计值 {value:g} 低于本单位 {previous.period} 已报送的累计值 {previous.value:g}。",
            f"The cumulative value {value:g} is lower than the {previous.value:g} your agency reported for "
            f"{previous.period}.",
        )
    if later and value > min(r.value for r in later):
        following = min(later, key=lambda r: r.value)
        raise errors.CumulativeValueAboveLater(
            f"累计值 {value:g} 高于本单位 {following.period} 已报送的累计值 {following.value:g}。",
            f"The cumulative value {value:g} is higher than the {following.value:g} your agency reported for "
            f"the later period {following.period}.",
        )


async def submit_report(session: AsyncSession, principal: Principal, deliverable_code: str, payload: ReportCreate,
                        now: datetime) -> ReportRead:
    """File a pending report for the caller's agency, which must lead or share the deliverable's task."""
    repo = ProgressRepository(session)
    deliverable = await repo.get_deliverable(deliverable_code)
    if deliverable is None:
        raise errors.DeliverableNotFound()
    agency = await _caller_agency(session, principal, errors.NotTaskOwner)
    if not await repo.owner_roles(deliverable.task, agency.id):
        raise errors.NotTaskOwner()
    if deliverable.derived_from_program:
        raise errors.DeliverableIsDerived()
    if payload.unit != deliverable.unit:
        raise errors.UnitMismatch(f"计量单位应为「{deliverable.unit}」，而不是「{payload.unit}」。",
                                  f"The unit must be '{deliverable.unit}', not '{payload.unit}'.")
    today = local_date(now)
    period = _check_period(deliverable, payload.period, today)
    reported_on = _reported_on(deliverable, period, payload.reported_on, today)
    # Serialise reports on one deliverable, so two at once cannot both pass the cumulative check.
    await repo.lock_deliverable(deliverable.id)
    _check_cumulative(await repo.active_reports(deliverable.id, agency.id), period.end, period.label, payload.value)

    report = ProgressReport(
        deliverable=deliverable, agency=agency, period=period.label, period_end=period.end, value=payload.value,
        unit=payload.unit, narrative=payload.narrative, evidence=[str(url) for url in payload.evidence],
        status="pending", submitted_by=principal.actor, submitted_at=now, reported_on=reported_on,
    )
    await repo.add(report)
    await record_change(session, AuditLog, actor=principal.actor, action="report.submit",
                        entity_type="progress_report", entity_id=report.id, after=_snapshot(report))
    await _record_report_event(repo, report, "report.submitted", now)
    return report_read(report)


async def _record_report_event(repo: ProgressRepository, report: ProgressReport, event_type: str,
                               now: datetime) -> None:
    """Told to the reporting agency and the task's lead agencies (who review it)."""
    leads = await repo.lead_codes(report.deliverable.task_id)
    await record_event(repo.session, type=event_type, subject=f"report/{report.id}",
                       agencies=[report.agency.code, *leads], occurred_at=now, now=now,
                       payload={"report_id": report.id, "deliverable_code": report.deliverable.code,
                                "agency": report.agency.code, "period": report.period, "value": report.value,
                                "unit": report.unit, "status": report.status})


async def _colour(session: AsyncSession, deliverable: Deliverable, now: datetime) -> Progress:
    judgement = judge_plan(deliverable.task.plan, local_date(now), None)
    return (await progress_of(session, [(deliverable, judgement)]))[deliverable.id].progress


async def review_report(session: AsyncSession, principal: Principal, report_id: int, decision: str,
                        payload: ReviewCreate, now: datetime) -> ReportRead:
    """Accept or return a pending report, as a lead agency of its task."""
    repo = ProgressRepository(session)
    report = await repo.get_report(report_id, for_update=True)
    if report is None:
        raise errors.ReportNotFound()
    agency = await _caller_agency(session, principal, errors.NotTaskLead)
    if not await repo.is_lead(report.deliverable.task_id, agency.id):
        raise errors.NotTaskLead()
    if report.status != "pending":
        raise errors.ReportNotPending()
    before = _snapshot(report)
    colour_before = await _colour(session, report.deliverable, now) if decision == "accept" else None
    report.status = "accepted" if decision == "accept" else "returned"
    report.reviewed_by = principal.actor
    report.reviewed_at = now
    report.review_comment = payload.comment or None
    await repo.add(ReportReview(report_id=report.id, reviewer_agency_id=agency.id, decision=report.status,
                                comment=payload.comment or None, actor=principal.actor, decided_at=now))
    await record_change(session, AuditLog, actor=principal.actor, action=f"report.{decision}",
                        entity_type="progress_report", entity_id=report.id, before=before, after=_snapshot(report))
    await _record_report_event(repo, report, f"report.{report.status}", now)
    if colour_before is not None:
        await session.flush()
        colour = await _colour(session, report.deliverable, now)
        if colour.status != colour_before.status:
            owners = [report.agency.code, *await repo.lead_codes(report.deliverable.task_id)]
            await record_event(session, type="deliverable.status_changed",
                               subject=f"deliverable/{report.deliverable.code}", agencies=owners, occurred_at=now,
                               now=now, payload={"deliverable_code": report.deliverable.code,
                                                 "previous_status": colour_before.status, "status": colour.status,
                                                 "value": colour.value, "percent": colour.percent})
    return report_read(report)


async def get_report(session: AsyncSession, report_id: int) -> ReportRead:
    report = await ProgressRepository(session).get_report(report_id)
    if report is None:
        raise errors.ReportNotFound()
    return report_read(report)


# --- approvals ---------------------------------------------------------------------------------------


async def _approval_read(repo: ProgressRepository, approval: DerivedApproval, city_code: str | None) -> ApprovalRead:
    count = await repo.count_approvals(approval.program_code)
    return ApprovalRead(
        approval_id=approval.approval_id, program_code=approval.program_code,
        application_id=approval.application_id, city=city_code, recorded_at=approval.recorded_at,
        revoked_at=approval.revoked_at,
        deliverables=[DerivedValue(deliverable_code=d.code, value=count)
                      for d in await repo.derived_deliverables(approval.program_code)],
    )


def _same_approval(approval: DerivedApproval, payload: ApprovalCreate) -> bool:
    city = approval.city.code if approval.city else None
    return (approval.program_code, approval.application_id, city) == (
        payload.program_code, payload.application_id, payload.city)


async def record_approval(session: AsyncSession, principal: Principal, payload: ApprovalCreate,
                          now: datetime) -> tuple[ApprovalRead, bool]:
    """Count an approval once per approval_id; (the approval, whether it was new)."""
    repo = ProgressRepository(session)
    existing = await repo.get_approval(payload.approval_id)
    if existing is None:
        city = None
        if payload.city is not None:
            city = await CatalogRepository(session).get_agency(payload.city)
            if city is None or city.kind != "city":
                raise errors.UnknownCity()
        approval = DerivedApproval(approval_id=payload.approval_id, program_code=payload.program_code,
                                   application_id=payload.application_id, city_id=city.id if city else None,
                                   recorded_by=principal.actor, recorded_at=_effective(payload.effective_at, now))
        if await repo.insert_approval(approval):
            await record_change(session, AuditLog, actor=principal.actor, action="approval.record",
                                entity_type="derived_approval", entity_id=approval.approval_id,
                                after=payload.model_dump(mode="json"))
            return await _approval_read(repo, approval, payload.city), True
        existing = await repo.get_approval(payload.approval_id)
    if not _same_approval(existing, payload):
        raise errors.ApprovalIdReused()
    return await _approval_read(repo, existing, payload.city), False


async def _record_all_at_once(session: AsyncSession, principal: Principal, payload: ApprovalBatchCreate,
                              now: datetime) -> ApprovalBatchResult | None:
    """A batch of approvals none of which is counted yet (the common case), in one INSERT, answered with the
    counts after it. None, with nothing written, when any needs the one-by-one path: an approval id seen before
    or twice, a city that is not one."""
    approvals = payload.approvals
    ids = [a.approval_id for a in approvals]
    if len(approvals) < 2 or len(set(ids)) != len(ids):
        return None
    repo = ProgressRepository(session)
    if await repo.approval_ids_present(ids):
        return None
    cities = await CatalogRepository(session).agencies_by_code({a.city for a in approvals if a.city})
    if any(a.city and (a.city not in cities or cities[a.city].kind != "city") for a in approvals):
        return None
    rows = [dict(approval_id=a.approval_id, program_code=a.program_code, application_id=a.application_id,
                 city_id=cities[a.city].id if a.city else None, recorded_by=principal.actor,
                 recorded_at=_effective(a.effective_at, now)) for a in approvals]
    if not await repo.insert_approvals(rows):
        return None
    for approval in approvals:
        await record_change(session, AuditLog, actor=principal.actor, action="approval.record",
                            entity_type="derived_approval", entity_id=approval.approval_id,
                            after=approval.model_dump(mode="json"), flush=False)
    await session.flush()
    programs = {a.program_code for a in approvals}
    counts = await repo.count_approvals_of(programs)
    derived: dict[str, list[Deliverable]] = defaultdict(list)
    for deliverable in await repo.deliverables_derived_from(programs):
        derived[deliverable.derived_from_program].append(deliverable)
    return ApprovalBatchResult(items=[ApprovalBatchItem(approval_id=a.approval_id, status=201, approval=ApprovalRead(
        approval_id=a.approval_id, program_code=a.program_code, application_id=a.application_id, city=a.city,
        recorded_at=row["recorded_at"], revoked_at=None,
        deliverables=[DerivedValue(deliverable_code=d.code, value=counts.get(a.program_code, 0))
                      for d in derived[a.program_code]])) for a, row in zip(approvals, rows, strict=True)])


async def record_approvals(session: AsyncSession, principal: Principal, payload: ApprovalBatchCreate,
                           now: datetime) -> ApprovalBatchResult:
    """Count several approvals in one transaction, each once and with its own outcome (a refusal undoes only
    its own writes); all in one go when none of them is counted yet."""
    if (together := await _record_all_at_once(session, principal, payload, now)) is not None:
        return together
    items = []
    for one in payload.approvals:
        savepoint = await session.begin_nested()
        try:
            approval, created = await record_approval(session, principal, one, now)
        except DomainError as error:
            await savepoint.rollback()
            items.append(ApprovalBatchItem(approval_id=one.approval_id, status=error.status,
                                           problem=error.to_problem(english=False, instance=None)))
            continue
        await savepoint.commit()
        items.append(ApprovalBatchItem(approval_id=one.approval_id, status=201 if created else 200,
                                       approval=approval))
    return ApprovalBatchResult(items=items)


def _effective(moment: datetime | None, now: datetime, not_before: datetime | None = None) -> datetime:
    """When an approval starts or stops counting: now unless given; never in the future, never before it began."""
    if moment is None:
        return now
    if moment.tzinfo is None or moment > now:
        raise errors.EffectiveAtInvalid()
    return max(moment, not_before) if not_before is not None else moment


async def revoke_approval(session: AsyncSession, principal: Principal, approval_id: str,
                          now: datetime, effective_at: datetime | None = None) -> ApprovalRead:
    """Stop counting an approval (e.g. the award was withdrawn); revoking twice changes nothing."""
    repo = ProgressRepository(session)
    approval = await repo.get_approval(approval_id)
    if approval is None:
        raise errors.ApprovalNotFound()
    city_code = approval.city.code if approval.city else None
    if approval.revoked_at is None:
        approval.revoked_at = _effective(effective_at, now, approval.recorded_at)
        approval.revoked_by = principal.actor
        await session.flush()
        await record_change(session, AuditLog, actor=principal.actor, action="approval.revoke",
                            entity_type="derived_approval", entity_id=approval.approval_id,
                            before={"revoked": False}, after={"revoked": True})
    return await _approval_read(repo, approval, city_code)


async def list_reports(session: AsyncSession, params: PageParams, filters: ReportFilters) -> Page[ReportRead]:
    repo = ProgressRepository(session)
    if filters.deliverable is not None and await repo.get_deliverable(filters.deliverable) is None:
        raise errors.DeliverableNotFound()
    reports, total = await repo.page(repo.reports_statement(filters), params)
    return Page(items=[report_read(r) for r in reports], total=total, page=params.page, size=params.size)
