"""Calls and quotas: opening a call, the public catalog with its facets, and quota changes that never break
the allocation rules (a total never below what is approved or reserved, nor below the allocations; an
allocation never below what it nominated; the plan's places per rule never exceeded)."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calls.repository import CallRepository
from applications.calls.schemas import (
    STATUS_LABELS,
    AgeLimitRead,
    AllocationRead,
    AllocationUpdate,
    CallCatalog,
    CallCreate,
    CallEligibility,
    CallFacets,
    CallProgram,
    CallRead,
    CallStatus,
    CallSummary,
    CallUpdate,
    Facet,
    QuotaChangeRead,
    QuotaFigures,
    QuotaRead,
    QuotaUpdate,
)
from applications.clients.funding import FundingClient
from applications.locks import lock_name
from applications.models import AuditLog, Call, CallQuota, Program, QuotaAllocation, QuotaChange
from applications.programs.amounts import program_amount, program_amounts
from applications.programs.repository import ProgramRepository
from applications.programs.schemas import APPLICANT_TYPE_LABELS, FormRef
from applications.programs.service import AgencyNames, agency_ref, get_form, get_program
from applications.schemas import AmountRead, Label
from planfile.programs import Eligibility
from servicekit import clock
from servicekit.audit import record_change
from servicekit.clock import CHINA_TIME
from servicekit.identity import Principal
from servicekit.pagination import PageParams


def call_status(call: Call, now: datetime) -> CallStatus:
    if now < call.opens_at:
        return "upcoming"
    return "open" if now < call.closes_at else "closed"


def call_eligibility(eligibility: Eligibility, year: int, cutoff_date: date | None) -> dict[str, Any]:
    """The program's eligibility made concrete for one call: the age rule's cut-off becomes a date."""
    data = eligibility.model_dump(mode="json")
    age = eligibility.age_max
    if age is not None:
        month, day = (int(part) for part in age.cutoff.split("-"))
        try:
            cutoff = cutoff_date or date(year, month, day)
        except ValueError as exc:
            raise errors.CutoffInvalid(age.cutoff, year) from exc
        data["age_max"] = {"years": age.years, "cutoff_date": cutoff.isoformat(),
                           "variants": [v.model_dump(mode="json") for v in age.variants]}
    return data


def _figures(total: int, approved: int, reserved: int) -> dict[str, int]:
    used = approved + reserved
    return {"total": total, "used": used, "remaining": total - used}


def quota_read(quota: CallQuota, allocations: list[QuotaAllocation], agencies: AgencyNames,
               plan_code: str) -> QuotaRead:
    return QuotaRead(
        **_figures(quota.total, quota.approved, quota.reserved), nominated=quota.nominated,
        reserved=quota.reserved, approved=quota.approved, allocated=sum(a.size for a in allocations),
        allocations=[AllocationRead(**_figures(a.size, a.approved, a.reserved), agency=agency_ref(
            agencies, plan_code, a.agency_code), nominated=a.nominated, nominations_left=a.size - a.nominated,
            reserved=a.reserved, approved=a.approved)
            for a in allocations])


def _summary(call: Call, program: Program, quota: CallQuota, amount: AmountRead, agencies: AgencyNames,
             now: datetime) -> CallSummary:
    status = call_status(call, now)
    return CallSummary(
        id=call.id, title=call.title, year=call.year, plan_code=call.plan_code,
        program=CallProgram(code=program.code, name=program.name, name_en=program.name_en,
                            task_number=program.task_number, task_title=program.task_title,
                            rule_code=program.rule_code, applicant_type=program.applicant_type,
                            applicant_type_label=APPLICANT_TYPE_LABELS[program.applicant_type], quote=program.quote),
        reviewing_agency=agency_ref(agencies, program.plan_code, program.reviewing_agency), amount=amount,
        opens_at=call.opens_at.astimezone(CHINA_TIME), closes_at=call.closes_at.astimezone(CHINA_TIME),
        status=status, status_label=STATUS_LABELS[status],
        quota=QuotaFigures(**_figures(quota.total, quota.approved, quota.reserved)))


async def get_call(session: AsyncSession, call_id: int) -> Call:
    call = await CallRepository(session).by_id(call_id)
    if call is None:
        raise errors.CallNotFound()
    return call


async def read_call(session: AsyncSession, funding: FundingClient, call: Call, now: datetime) -> CallRead:
    repo = CallRepository(session)
    program = await ProgramRepository(session).by_id(call.program_id)
    quota = await repo.quota(call.id)
    allocations = await repo.allocations(call.id)
    agencies = await ProgramRepository(session).agencies({program.plan_code})
    form = await get_form(session, program.form_code, program.form_version)
    summary = _summary(call, program, quota, await program_amount(funding, program), agencies, now)
    age = call.eligibility.get("age_max")
    return CallRead(
        **summary.model_dump(),
        eligibility=CallEligibility(
            age_max=AgeLimitRead(**age) if age else None,
            **{k: call.eligibility.get(k, False) for k in ("full_time_in_province", "one_application_per_cycle",
                                                           "no_active_award_of_kind")}),
        notice_working_days=call.notice_working_days, objection_working_days=call.objection_working_days,
        nominators=[agency_ref(agencies, program.plan_code, code) for code in program.nominators],
        form=FormRef(code=form.code, version=form.version, title=form.title, title_en=form.title_en),
        quota_detail=quota_read(quota, allocations, agencies, program.plan_code))


async def read_quota(session: AsyncSession, call: Call) -> QuotaRead:
    repo = CallRepository(session)
    agencies = await ProgramRepository(session).agencies({call.plan_code})
    return quota_read(await repo.quota(call.id), await repo.allocations(call.id), agencies, call.plan_code)


# --- the catalog -------------------------------------------------------------------------------------


@dataclass
class _Entry:
    call: Call
    program: Program
    quota: CallQuota
    status: CallStatus
    amount: AmountRead


async def catalog(session: AsyncSession, funding: FundingClient, now: datetime, params: PageParams, *,
                  plan: str | None, program: str | None, task: int | None, agency: str | None,
                  applicant_type: str | None, status: CallStatus | None, open_now: bool, text: str | None,
                  amount_min_yuan: int | None, amount_max_yuan: int | None) -> CallCatalog:
    """Calls matching the filters (by default the open and upcoming ones), soonest deadline first, with facet
    counts: for each facet, how many calls have each value among those matching every other filter."""
    rows = await CallRepository(session).with_programs()
    programs = {p.id: p for _, p, _ in rows}
    amounts = await program_amounts(funding, list(programs.values()))
    entries = [_Entry(c, p, q, call_status(c, now), amounts[p.id]) for c, p, q in rows]
    if amount_min_yuan is not None or amount_max_yuan is not None:
        if any(e.amount.status == "unavailable" for e in entries):
            raise errors.FundingUnavailable()
    statuses = {"open"} if open_now else {status} if status else {"open", "upcoming"}
    needle = text.lower() if text else None

    def fixed(e: _Entry) -> bool:
        if plan and e.call.plan_code != plan or program and e.program.code != program:
            return False
        if needle and not any(needle in value.lower() for value in (e.program.name, e.program.name_en, e.call.title)):
            return False
        if amount_min_yuan is not None and (e.amount.max_amount_fen is None
                                            or e.amount.max_amount_fen < amount_min_yuan * 100):
            return False
        return amount_max_yuan is None or (e.amount.amount_fen is not None
                                           and e.amount.amount_fen <= amount_max_yuan * 100)

    facet_filters: dict[str, Callable[[_Entry], bool]] = {
        "task": lambda e: task is None or e.program.task_number == task,
        "agency": lambda e: agency is None or e.program.reviewing_agency == agency,
        "applicant_type": lambda e: applicant_type is None or e.program.applicant_type == applicant_type,
        "status": lambda e: e.status in statuses,
    }
    candidates = [e for e in entries if fixed(e)]
    matched = [e for e in candidates if all(f(e) for f in facet_filters.values())]
    agencies = await ProgramRepository(session).agencies({e.program.plan_code for e in entries})

    def facet(name: str, value_of: Callable[[_Entry], str], label_of: Callable[[_Entry], Label]) -> list[Facet]:
        others = [e for e in candidates if all(f(e) for n, f in facet_filters.items() if n != name)]
        counts = Counter(value_of(e) for e in others)
        labels = {value_of(e): label_of(e) for e in others}
        return [Facet(value=value, label=labels[value], count=count) for value, count in sorted(counts.items())]

    def agency_label(e: _Entry) -> Label:
        ref = agency_ref(agencies, e.program.plan_code, e.program.reviewing_agency)
        return Label(zh=ref.name, en=ref.name_en)

    facets = CallFacets(
        task=facet("task", lambda e: str(e.program.task_number),
                   lambda e: Label(zh=f"任务{e.program.task_number}：{e.program.task_title}",
                                   en=f"Task {e.program.task_number}")),
        agency=facet("agency", lambda e: e.program.reviewing_agency, agency_label),
        applicant_type=facet("applicant_type", lambda e: e.program.applicant_type,
                             lambda e: APPLICANT_TYPE_LABELS[e.program.applicant_type]),
        status=facet("status", lambda e: e.status, lambda e: STATUS_LABELS[e.status]))
    page = matched[params.offset:params.offset + params.size]
    return CallCatalog(items=[_summary(e.call, e.program, e.quota, e.amount, agencies, now) for e in page],
                       total=len(matched), page=params.page, size=params.size, facets=facets)


# --- opening and changing calls ----------------------------------------------------------------------


async def _check_plan_quota(session: AsyncSession, program: Program, call_id: int | None, total: int) -> None:
    """The rule's places over the plan's period hold for all its calls together (locked by rule)."""
    if program.plan_quota is None:
        return
    await lock_name(session, f"rule-quota:{program.rule_code}")
    others = await CallRepository(session).totals_of_rule(program.rule_code, call_id)
    if others + total > program.plan_quota:
        raise errors.PlanQuotaExceeded(program.rule_code, program.plan_quota, others, total)


async def _record_quota_change(session: AsyncSession, principal: Principal, call: Call, agency: str | None,
                               before: int | None, after: int, reason: str) -> None:
    session.add(QuotaChange(call_id=call.id, agency_code=agency, before=before, after=after, reason=reason,
                            actor=principal.actor, changed_at=clock.now()))
    await record_change(session, AuditLog, actor=principal.actor,
                        action="allocation.set" if agency else "quota.set",
                        entity_type="call_quota", entity_id=f"{call.id}:{agency}" if agency else str(call.id),
                        before=None if before is None else {"size" if agency else "total": before},
                        after={"size" if agency else "total": after, "reason": reason})


async def create_call(session: AsyncSession, funding: FundingClient, principal: Principal, body: CallCreate) -> Call:
    program = await get_program(session, body.program_code)
    if body.closes_at <= body.opens_at:
        raise errors.WindowInvalid()
    repo = CallRepository(session)
    if await repo.for_program_year(program.id, body.year) is not None:
        raise errors.CallExists(program.code, body.year)
    if (await program_amount(funding, program)).status == "not_decided":
        raise errors.AmountNotDecided(program.code)
    await _check_plan_quota(session, program, None, body.quota_total)
    allocated = 0
    for allocation in body.allocations:
        if allocation.agency_code not in program.nominators:
            raise errors.UnknownNominator(allocation.agency_code, program.nominators)
        allocated += allocation.size
    if allocated > body.quota_total:
        raise errors.AllocationsExceedTotal(body.quota_total, allocated)
    eligibility = body.eligibility or Eligibility.model_validate(program.eligibility)
    call = Call(program_id=program.id, plan_code=program.plan_code, year=body.year,
                title=body.title or f"{body.year}年度{program.name}申报", opens_at=body.opens_at,
                closes_at=body.closes_at, eligibility=call_eligibility(eligibility, body.year, body.cutoff_date),
                notice_working_days=body.notice_working_days, objection_working_days=body.objection_working_days,
                created_at=clock.now(), created_by=principal.actor)
    await repo.add(call)
    session.add(CallQuota(call_id=call.id, total=body.quota_total, nominated=0, reserved=0, approved=0))
    await _record_quota_change(session, principal, call, None, None, body.quota_total, "开设申报批次 / call opened")
    for allocation in body.allocations:
        session.add(QuotaAllocation(call_id=call.id, agency_code=allocation.agency_code, size=allocation.size,
                                    nominated=0, reserved=0, approved=0))
        await _record_quota_change(session, principal, call, allocation.agency_code, None, allocation.size,
                                   "开设申报批次 / call opened")
    await record_change(session, AuditLog, actor=principal.actor, action="call.create", entity_type="call",
                        entity_id=call.id, after=body.model_dump(mode="json"))
    await session.flush()
    return call


async def update_call(session: AsyncSession, principal: Principal, call: Call, body: CallUpdate) -> Call:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    opens_at, closes_at = changes.get("opens_at", call.opens_at), changes.get("closes_at", call.closes_at)
    if closes_at <= opens_at:
        raise errors.WindowInvalid()
    before = {name: getattr(call, name) for name in changes}
    for name, value in changes.items():
        setattr(call, name, value)
    await record_change(session, AuditLog, actor=principal.actor, action="call.update", entity_type="call",
                        entity_id=call.id, before={k: str(v) for k, v in before.items()},
                        after={k: str(v) for k, v in changes.items()})
    await session.flush()
    return call


async def set_total(session: AsyncSession, principal: Principal, call: Call, body: QuotaUpdate) -> QuotaRead:
    repo = CallRepository(session)
    program = await ProgramRepository(session).by_id(call.program_id)
    await _check_plan_quota(session, program, call.id, body.total)
    quota = await repo.quota(call.id, lock=True)
    committed = quota.approved + quota.reserved
    if body.total < committed:
        raise errors.QuotaBelowCommitted(body.total, committed, "已批准和预留的名额之和", "what is approved plus reserved")
    allocated = sum(a.size for a in await repo.allocations(call.id))
    if body.total < allocated:
        raise errors.AllocationsExceedTotal(body.total, allocated)
    before = quota.total
    if not await repo.set_total(call.id, body.total):
        raise errors.QuotaBelowCommitted(body.total, committed, "已批准和预留的名额之和", "what is approved plus reserved")
    await _record_quota_change(session, principal, call, None, before, body.total, body.reason)
    return await read_quota(session, call)


async def set_allocation(session: AsyncSession, principal: Principal, call: Call, agency_code: str,
                         body: AllocationUpdate) -> QuotaRead:
    repo = CallRepository(session)
    program = await ProgramRepository(session).by_id(call.program_id)
    if agency_code not in program.nominators:
        raise errors.UnknownNominator(agency_code, program.nominators)
    # The call's quota row, locked: allocation and total changes of one call take turns.
    quota = await repo.quota(call.id, lock=True)
    allocations = await repo.allocations(call.id)
    current = next((a for a in allocations if a.agency_code == agency_code), None)
    before = current.size if current else None  # read now: the guarded update below refreshes the row
    allocated = sum(a.size for a in allocations if a.agency_code != agency_code) + body.size
    if allocated > quota.total:
        raise errors.AllocationsExceedTotal(quota.total, allocated)
    if current is None:
        session.add(QuotaAllocation(call_id=call.id, agency_code=agency_code, size=body.size, nominated=0,
                                    reserved=0, approved=0))
        await session.flush()
    else:
        held = max(current.nominated, current.approved + current.reserved)
        if body.size < held or not await repo.set_allocation_size(current.id, body.size):
            # A nomination may have landed since the read (nominations do not take the quota row's lock).
            current = await repo.allocation(call.id, agency_code)
            held = max(current.nominated, current.approved + current.reserved)
            raise errors.QuotaBelowCommitted(body.size, held, "该单位已推荐或已获批的数量",
                                             "what the agency has nominated or been awarded")
    await _record_quota_change(session, principal, call, agency_code, before, body.size, body.reason)
    return await read_quota(session, call)


async def quota_changes(session: AsyncSession, call: Call) -> list[QuotaChangeRead]:
    changes = await CallRepository(session).changes(call.id)
    return [QuotaChangeRead.model_validate(c, from_attributes=True) for c in changes]
