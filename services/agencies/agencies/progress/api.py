"""Progress reports (agencies report, lead agencies review) and approvals from the applications service."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from agencies.deps import (
    ApplicationsCaller,
    Idempotent,
    Now,
    ReadSession,
    Reporter,
    ReportReviewer,
    WriteSession,
)
from agencies.progress import service
from agencies.progress.schemas import (
    ApprovalBatchCreate,
    ApprovalBatchResult,
    ApprovalCreate,
    ApprovalRead,
    ApprovalRevoke,
    ReportCreate,
    ReportRead,
    ReturnCreate,
    ReviewCreate,
)
from agencies.types import ApprovalId, DeliverableCode, ReportFilters, ReportId
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(tags=["progress"])
internal_router = APIRouter(prefix="/internal", tags=["internal"])

@router.post("/deliverables/{code}/reports", response_model=ReportRead, status_code=201,
             summary="Report progress on a deliverable")
async def submit_report(code: DeliverableCode, payload: ReportCreate, caller: Reporter, session: WriteSession,
                        now: Now, idempotent: Idempotent) -> ReportRead | JSONResponse:
    """File your agency's cumulative value for a period (your agency must lead or share the task)."""
    return await idempotent.run(
        caller.actor, payload, lambda: service.submit_report(session, caller, code, payload, now), status_code=201)


@router.get("/deliverables/{code}/reports", response_model=Page[ReportRead], summary="List a deliverable's reports")
async def list_deliverable_reports(code: DeliverableCode, session: ReadSession,
                                   params: PageParamsDep) -> Page[ReportRead]:
    """Every report on the deliverable, newest first."""
    return await service.list_reports(session, params, ReportFilters(deliverable=code))


@router.get("/reports", response_model=Page[ReportRead], summary="List progress reports")
async def list_reports(session: ReadSession, params: PageParamsDep,
                       filters: Annotated[ReportFilters, Query()]) -> Page[ReportRead]:
    """Progress reports, newest first, filtered."""
    return await service.list_reports(session, params, filters)


@router.get("/reports/{report_id}", response_model=ReportRead, summary="Get a progress report")
async def get_report(report_id: ReportId, session: ReadSession) -> ReportRead:
    """One progress report and its review."""
    return await service.get_report(session, report_id)


@router.post("/reports/{report_id}/accept", response_model=ReportRead, summary="Accept a progress report")
async def accept_report(report_id: ReportId, payload: ReviewCreate, caller: ReportReviewer, session: WriteSession,
                        now: Now, idempotent: Idempotent) -> ReportRead | JSONResponse:
    """As a lead agency of the task: accept a pending report; its value then counts as progress."""
    return await idempotent.run(
        caller.actor, payload, lambda: service.review_report(session, caller, report_id, "accept", payload, now),
        status_code=200)


@router.post("/reports/{report_id}/return", response_model=ReportRead, summary="Return a progress report")
async def return_report(report_id: ReportId, payload: ReturnCreate, caller: ReportReviewer, session: WriteSession,
                        now: Now, idempotent: Idempotent) -> ReportRead | JSONResponse:
    """As a lead agency of the task: send a pending report back with a comment; it does not count."""
    review = ReviewCreate(comment=payload.comment)
    return await idempotent.run(
        caller.actor, payload, lambda: service.review_report(session, caller, report_id, "return", review, now),
        status_code=200)


@internal_router.post("/approvals", response_model=ApprovalRead, status_code=201,
                      responses={200: {"model": ApprovalRead, "description": "Already recorded; nothing changed."}},
                      summary="Record an approval")
async def record_approval(payload: ApprovalCreate, caller: ApplicationsCaller, session: WriteSession, now: Now,
                          response: Response) -> ApprovalRead:
    """From the applications service: count an approval towards deliverables derived from its program, once."""
    approval, created = await service.record_approval(session, caller, payload, now)
    if not created:
        response.status_code = 200
    return approval


@internal_router.post("/approvals/batch", response_model=ApprovalBatchResult, summary="Record several approvals")
async def record_approvals(payload: ApprovalBatchCreate, caller: ApplicationsCaller, session: WriteSession,
                           now: Now) -> ApprovalBatchResult:
    """From the applications service's saga worker: count several approvals in one request, each once, each with
    its own outcome (201 counted now, 200 already counted, a refusal with its problem)."""
    return await service.record_approvals(session, caller, payload, now)


@internal_router.post("/approvals/{approval_id}/revoke", response_model=ApprovalRead, summary="Revoke an approval")
async def revoke_approval(approval_id: ApprovalId, caller: ApplicationsCaller, session: WriteSession,
                          now: Now, payload: ApprovalRevoke | None = None) -> ApprovalRead:
    """From the applications service: stop counting an approval (idempotent)."""
    return await service.revoke_approval(session, caller, approval_id, now,
                                         payload.effective_at if payload else None)
