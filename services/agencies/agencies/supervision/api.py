"""Supervision endpoints (督查督办): overdue reports and escalations. Signed-in agency staff see their own
agency's items; administrators see all and alone escalate."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from agencies.deps import (
    SLUG_PATTERN,
    AdminCaller,
    Now,
    ReadSession,
    SupervisionViewer,
    Today,
    WriteSession,
    replayed,
)
from agencies.periods import PERIOD_PATTERN
from agencies.supervision import service
from agencies.supervision.schemas import EscalationCreate, EscalationRead, OverduePage
from servicekit.idempotency import IdempotencyKeyHeader
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(prefix="/supervision", tags=["supervision"])

CodeFilter = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=80)]
AsOf = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2199, 12, 31),
                                    description="The day to judge on (YYYY-MM-DD); today by default.")]


@router.get("/overdue", response_model=OverduePage, summary="List overdue reports")
async def list_overdue(
    caller: SupervisionViewer,
    session: ReadSession,
    params: PageParamsDep,
    today: Today,
    as_of: AsOf = None,
    agency: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=80,
                                        description="Only this agency's items (your own, unless admin).")] = None,
    plan: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=80,
                                      description="Only this plan's deliverables.")] = None,
    state: Annotated[Literal["missing", "late"] | None, Query()] = None,
) -> OverduePage:
    """Reports missing or filed late as of a day, per agency, with each item's current escalation level."""
    return await service.list_overdue(session, caller, as_of or today, params, plan=plan, agency=agency, state=state)


@router.post("/escalations", response_model=EscalationRead, status_code=201, summary="Escalate an overdue report")
async def escalate(payload: EscalationCreate, caller: AdminCaller, session: WriteSession, now: Now,
                   idempotency_key: IdempotencyKeyHeader = None) -> EscalationRead | JSONResponse:
    """Move an overdue report one rung: 提醒 → 约谈 → 函询 → 通报 (skipping or going back is a 409)."""
    return replayed(await service.escalate(session, caller, payload, now, idempotency_key))


@router.get("/escalations", response_model=Page[EscalationRead], summary="List escalations")
async def list_escalations(
    caller: SupervisionViewer,
    session: ReadSession,
    params: PageParamsDep,
    deliverable: CodeFilter = None,
    agency: CodeFilter = None,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None,
) -> Page[EscalationRead]:
    """Every escalation step recorded, newest first: who, when, which level, why."""
    return await service.list_escalations(session, caller, params, deliverable=deliverable, agency=agency,
                                          period=period)
