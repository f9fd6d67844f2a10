"""Calls (申报批次): the public catalog with facets, each call's quota per city, and administrators opening
calls and changing quotas (every change audited with a reason)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from applications.calls import service
from applications.calls.schemas import (
    AllocationUpdate,
    CallCatalog,
    CallCreate,
    CallRead,
    CallStatus,
    CallUpdate,
    QuotaChangeRead,
    QuotaRead,
    QuotaUpdate,
)
from applications.deps import AdminCaller, Funding, Idempotent, Now, ReadSession, StaffReader, WriteSession
from applications.types import (
    AgencyCode,
    AgencyFilter,
    ApplicantTypeFilter,
    CallId,
    PlanFilter,
    ProgramFilter,
    SearchText,
    TaskFilter,
    YuanBound,
)
from servicekit.pagination import PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["calls"], responses=PROBLEM_RESPONSES)


@router.get("/calls", response_model=CallCatalog, summary="Search calls")
async def search_calls(
    session: ReadSession, funding: Funding, now: Now, params: PageParamsDep, plan: PlanFilter = None,
    program: ProgramFilter = None, task: TaskFilter = None, agency: AgencyFilter = None,
    applicant_type: ApplicantTypeFilter = None,
    status: Annotated[CallStatus | None, Query(description="upcoming, open or closed (default: open and upcoming).")]
    = None,
    open_now: Annotated[bool, Query(description="Only calls taking applications now.")] = False,
    amount_min: YuanBound = None, amount_max: YuanBound = None, q: SearchText = None,
) -> CallCatalog:
    """Open and upcoming calls (public): program, amount, quota left, deadline, reviewing agency, clause; facets."""
    return await service.catalog(session, funding, now, params, plan=plan, program=program, task=task,
                                 agency=agency, applicant_type=applicant_type, status=status, open_now=open_now,
                                 text=q, amount_min_yuan=amount_min, amount_max_yuan=amount_max)


@router.get("/calls/{call_id}", response_model=CallRead, summary="Read a call")
async def read_call(call_id: CallId, session: ReadSession, funding: Funding, now: Now) -> CallRead:
    """A call with its window (China Standard Time), eligibility, nominators and quota per city (public)."""
    return await service.read_call(session, funding, await service.get_call(session, call_id), now)


@router.get("/calls/{call_id}/quota", response_model=QuotaRead, summary="Read a call's quota")
async def read_quota(call_id: CallId, session: ReadSession) -> QuotaRead:
    """Total, used and remaining places of the call, and of each city's or department's allocation (public)."""
    return await service.read_quota(session, await service.get_call(session, call_id))


@router.post("/calls", response_model=CallRead, status_code=201, summary="Open a call")
async def create_call(body: CallCreate, caller: AdminCaller, session: WriteSession, funding: Funding, now: Now,
                      idempotent: Idempotent) -> CallRead | JSONResponse:
    """As an administrator: open a program's call for a year, with its window, quota and allocations."""

    async def work() -> CallRead:
        return await service.read_call(session, funding, await service.create_call(session, funding, caller, body),
                                       now)

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.patch("/calls/{call_id}", response_model=CallRead, summary="Change a call")
async def update_call(call_id: CallId, body: CallUpdate, caller: AdminCaller, session: WriteSession,
                      funding: Funding, now: Now) -> CallRead:
    """As an administrator: change a call's title, window or notice lengths (audited)."""
    call = await service.update_call(session, caller, await service.get_call(session, call_id), body)
    return await service.read_call(session, funding, call, now)


@router.put("/calls/{call_id}/quota", response_model=QuotaRead, summary="Set a call's total quota")
async def set_quota(call_id: CallId, body: QuotaUpdate, caller: AdminCaller, session: WriteSession) -> QuotaRead:
    """As an administrator: never below approved + reserved, nor below the allocations; the reason is kept."""
    return await service.set_total(session, caller, await service.get_call(session, call_id), body)


@router.put("/calls/{call_id}/allocations/{agency_code}", response_model=QuotaRead,
            summary="Set a nominating agency's allocation")
async def set_allocation(call_id: CallId, agency_code: AgencyCode, body: AllocationUpdate, caller: AdminCaller,
                         session: WriteSession) -> QuotaRead:
    """As an administrator: allocations never add up above the total, nor fall below what an agency holds."""
    return await service.set_allocation(session, caller, await service.get_call(session, call_id), agency_code, body)


@router.get("/calls/{call_id}/quota-changes", response_model=list[QuotaChangeRead], summary="List quota changes")
async def list_quota_changes(call_id: CallId, caller: StaffReader, session: ReadSession) -> list[QuotaChangeRead]:
    """Every change of the call's total and allocations: who, when, before, after, why (agency staff, admins)."""
    return await service.quota_changes(session, await service.get_call(session, call_id))
