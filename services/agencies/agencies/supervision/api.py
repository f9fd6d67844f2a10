"""Supervision endpoints (督查督办): overdue reports and escalations. Signed-in agency staff see their own
agency's items; administrators see all and alone escalate, and only while a plan runs."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from agencies.deps import AdminCaller, Idempotent, Now, ReadSession, SupervisionViewer, Today, WriteSession
from agencies.supervision import service
from agencies.supervision.schemas import EscalationCreate, EscalationRead, OverduePage
from agencies.types import AsOf, EscalationFilters, OverdueFilters
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(prefix="/supervision", tags=["supervision"])



@router.get("/overdue", response_model=OverduePage, summary="List overdue reports")
async def list_overdue(caller: SupervisionViewer, session: ReadSession, params: PageParamsDep, today: Today,
                       filters: Annotated[OverdueFilters, Query()], as_of: AsOf = None) -> OverduePage:
    """Reports missing or reported late at the day each plan is judged at (an ended plan: its end date), per
    agency, with each item's escalation level."""
    return await service.list_overdue(session, caller, today, as_of, params, filters)


@router.post("/escalations", response_model=EscalationRead, status_code=201, summary="Escalate an overdue report",
             responses={409: {"description": "Out of order, not overdue, or the plan has ended (`plan_ended`)."}})
async def escalate(payload: EscalationCreate, caller: AdminCaller, session: WriteSession, now: Now,
                   idempotent: Idempotent) -> EscalationRead | JSONResponse:
    """Move an overdue report of a running plan one rung: 提醒 → 约谈 → 函询 → 通报 (skipping or going back is a
    409)."""
    return await idempotent.run(caller.actor, payload, lambda: service.escalate(session, caller, payload, now),
                                status_code=201)


@router.get("/escalations", response_model=Page[EscalationRead], summary="List escalations")
async def list_escalations(caller: SupervisionViewer, session: ReadSession, params: PageParamsDep,
                           filters: Annotated[EscalationFilters, Query()]) -> Page[EscalationRead]:
    """Every escalation step recorded, newest first: who, when, which level, why."""
    return await service.list_escalations(session, caller, params, filters)
