"""The approval saga's reservation API (applications service or admin), awards, disbursements, matches and
releases."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from funding.awards import service
from funding.awards.repository import AwardFilters
from funding.awards.schemas import (
    AwardRead,
    DisbursementCreate,
    DisbursementRead,
    MatchCreate,
    MatchRead,
    ReconcileRequest,
    ReconcileResult,
    ReleaseCreate,
    ReleaseRead,
    ReservationBatchCreate,
    ReservationBatchResult,
    ReservationCreate,
    ReservationPostBatch,
    ReservationRead,
)
from funding.deps import (
    AdminCaller,
    FundingReader,
    Idempotent,
    ReadSession,
    SagaCaller,
    WriteSession,
    answer_once,
    stored_answer,
)
from funding.types import ApplicationIdQuery, AwardIdPath, FiscalYearQuery, ProgramCodeQuery, SlugQuery
from servicekit.idempotency import IdempotencyKeyHeader
from servicekit.pagination import Page, PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.unit_of_work import write_transaction

router = APIRouter(responses=PROBLEM_RESPONSES)

# Idempotent by the approval, award or event id (a replay answers as the first time, with
# `Idempotent-Replay: true`); the reservation and match operations also take an `Idempotency-Key`.
STORED = {409: {"description": "Rejected (e.g. budget short, with the headroom), or the id or the Idempotency-Key "
                "was used with other fields."}}


@router.post("/reservations", response_model=ReservationRead, status_code=201, tags=["reservations"],
             summary="Reserve an award's money", responses=STORED)
async def create_reservation(body: ReservationCreate, request: Request, session: WriteSession,
                             caller: SagaCaller, idempotent: Idempotent) -> Response:
    """Saga step 2: a pending budget → commitment transfer keyed by the approval id (409 with the headroom when
    the budget is short)."""
    timeout = request.app.state.settings.reservation_timeout_seconds
    return await answer_once(idempotent, caller, body,
                             lambda: service.create_reservation(session, body, caller.actor, timeout))


@router.post("/reservations/batch", response_model=ReservationBatchResult, tags=["reservations"],
             summary="Reserve several awards' money")
async def create_reservations(body: ReservationBatchCreate, request: Request, session: ReadSession,
                              caller: SagaCaller) -> ReservationBatchResult:
    """Saga step 2 for a batch decision: each reservation as `POST /reservations` would answer it (201, flagged
    `replay` when the approval id already held it, or a refusal such as budget_insufficient with the headroom),
    all in one transaction."""
    timeout = request.app.state.settings.reservation_timeout_seconds
    async with write_transaction(request) as writing:
        outcomes = await service.create_reservations(writing, body, caller.actor, timeout)
    return await service.batch_answer(session, outcomes)


@router.post("/reservations/batch/post", response_model=ReservationBatchResult, tags=["reservations"],
             summary="Commit several reserved awards")
async def post_reservations(body: ReservationPostBatch, request: Request, session: ReadSession,
                            caller: SagaCaller) -> ReservationBatchResult:
    """Saga step 4 for several approvals: each as `POST /reservations/{id}/post` would answer it, in one
    transaction."""
    async with write_transaction(request) as writing:
        outcomes = await service.post_reservations(writing, body, caller.actor)
    return await service.batch_answer(session, outcomes)


@router.get("/reservations/{approval_id}", response_model=ReservationRead, tags=["reservations"],
            summary="Read a reservation")
async def read_reservation(approval_id: AwardIdPath, session: ReadSession, _: SagaCaller) -> ReservationRead:
    """The reservation of an approval and the award it commits."""
    return await service.read_reservation(session, approval_id)


@router.post("/reservations/{approval_id}/post", response_model=ReservationRead, status_code=201,
             tags=["reservations"], summary="Commit a reserved award", responses=STORED)
async def post_reservation(approval_id: AwardIdPath, session: WriteSession, caller: SagaCaller,
                           idempotent: Idempotent) -> Response:
    """Saga step 4: post the reservation; the award is committed."""
    return await answer_once(idempotent, caller, None,
                             lambda: service.post_reservation(session, approval_id, caller.actor))


@router.post("/reservations/{approval_id}/void", response_model=ReservationRead, status_code=201,
             tags=["reservations"], summary="Release a reservation", responses=STORED)
async def void_reservation(approval_id: AwardIdPath, session: WriteSession, caller: SagaCaller,
                           idempotent: Idempotent) -> Response:
    """The approval did not go through: release the reserved money."""
    return await answer_once(idempotent, caller, None,
                             lambda: service.void_reservation(session, approval_id, caller.actor))


@router.post("/reconcile", response_model=ReconcileResult, tags=["reservations"], summary="Reconcile the saga")
async def reconcile(body: ReconcileRequest, request: Request, caller: SagaCaller) -> ReconcileResult:
    """Post what is approved, void what is not, reverse a commitment without an approval; one transaction each."""
    return await service.reconcile(request.app.state.database, body, caller.actor)


@router.get("/awards", response_model=Page[AwardRead], tags=["awards"], summary="List awards")
async def list_awards(session: ReadSession, caller: FundingReader, page: PageParamsDep,
                      program_code: ProgramCodeQuery = None, fiscal_year: FiscalYearQuery = None,
                      application_id: ApplicationIdQuery = None, city_code: SlugQuery = None) -> Page[AwardRead]:
    """Awards and reservations, newest first; agency staff see their own programs' only."""
    filters = AwardFilters(program_code=program_code, fiscal_year=fiscal_year, application_id=application_id,
                           city_code=city_code)
    return await service.list_awards(session, caller, filters, page)


@router.get("/awards/{award_id}", response_model=AwardRead, tags=["awards"], summary="Read an award")
async def read_award(award_id: AwardIdPath, session: ReadSession, caller: FundingReader) -> AwardRead:
    """An award: status, installments, committed and paid amounts."""
    return await service.read_award(session, caller, award_id)


@router.post("/awards/{award_id}/disbursements", response_model=DisbursementRead, status_code=201,
             tags=["disbursements"], summary="Pay an installment", responses=STORED)
async def disburse(award_id: AwardIdPath, body: DisbursementCreate, session: WriteSession, caller: AdminCaller,
                   idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """Pay installment n of a committed award (commitment → paid); each installment is paid once."""
    return stored_answer(await service.disburse(session, award_id, body, idempotency_key, caller.actor))


@router.post("/awards/{award_id}/matches", response_model=MatchRead, status_code=201, tags=["disbursements"],
             summary="Match national funding", responses=STORED)
async def record_match(award_id: AwardIdPath, body: MatchCreate, session: WriteSession,
                       caller: AdminCaller, idempotent: Idempotent) -> Response:
    """Record national funds received for a matching award and pay the match, up to the award's cap."""
    return await answer_once(idempotent, caller, body,
                             lambda: service.record_match(session, award_id, body, caller.actor))


@router.post("/awards/{award_id}/release", response_model=ReleaseRead, status_code=201, tags=["disbursements"],
             summary="Release an award's unpaid rest", responses=STORED)
async def release_award(award_id: AwardIdPath, body: ReleaseCreate, session: WriteSession, caller: AdminCaller,
                        idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """End a committed award (national funding ended, grantee left): what is committed and unpaid goes back to
    its budget, or to the treasury once the budget's year is closed (409 `nothing_to_release` when nothing is)."""
    return stored_answer(await service.release_award(session, award_id, body, idempotency_key, caller.actor))
