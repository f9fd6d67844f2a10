"""The approval saga's reservation API (applications service or admin), awards, disbursements, matches and
releases."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from funding.access import ensure_program_reader
from funding.awards import service
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
    ReservationCreate,
    ReservationRead,
)
from funding.deps import AdminPrincipal, ReadSession, SagaPrincipal, Staff, TransactionsDep
from funding.ledger import repository as ledger_repo
from funding.ledger.service import describe, get_transfer, rejection_for
from funding.responses import stored_outcome
from funding.rules import repository as rules_repo
from funding.schemas import KeyQuery, SlugQuery
from servicekit.idempotency import IdempotencyKeyHeader
from servicekit.pagination import Page, PageParamsDep, fetch_page
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(responses=PROBLEM_RESPONSES)

AwardId = Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
STORED = {200: {"description": "A replay: the stored outcome (header `Idempotent-Replay: true`)."},
          409: {"description": "Rejected (e.g. budget short, with the headroom) or the id was reused."}}


async def _reservation_response(request: Request, tx, approval_id: str, work) -> JSONResponse:  # noqa: ANN001
    async def run(session):  # noqa: ANN001, ANN202
        result = await work(session)
        award = await service.get_award(session, approval_id)
        [award_read] = await service.read_awards(session, [award])
        [transfer] = await describe(session, [result])
        return result, ReservationRead(award=award_read, transfer=transfer), await rejection_for(session, [result])

    result, read, error = await tx.run(run)
    return stored_outcome(request, replay=result.replay, body=read, error=error,
                          extra={"reservation": read.model_dump(mode="json")} if error else None)


@router.post("/reservations", response_model=ReservationRead, status_code=201, tags=["reservations"],
             summary="Reserve an award's money", responses=STORED)
async def create_reservation(body: ReservationCreate, request: Request, tx: TransactionsDep,
                             principal: SagaPrincipal) -> JSONResponse:
    """Saga step 2: a pending budget → commitment transfer keyed by the approval id (409 with the headroom when
    the budget is short)."""
    timeout = request.app.state.settings.reservation_timeout_seconds

    return await _reservation_response(
        request, tx, body.approval_id, lambda s: service.create_reservation(s, body, principal.actor, timeout))


@router.get("/reservations/{approval_id}", response_model=ReservationRead, tags=["reservations"],
            summary="Read a reservation")
async def read_reservation(approval_id: AwardId, session: ReadSession, _: SagaPrincipal) -> ReservationRead:
    """The reservation of an approval and the award it commits."""
    award = await service.get_award(session, approval_id)
    [award_read] = await service.read_awards(session, [award])
    return ReservationRead(award=award_read, transfer=await get_transfer(session, award_read.reservation_id))


@router.post("/reservations/{approval_id}/post", response_model=ReservationRead, status_code=201,
             tags=["reservations"], summary="Commit a reserved award", responses=STORED)
async def post_reservation(approval_id: AwardId, request: Request, tx: TransactionsDep,
                           principal: SagaPrincipal) -> JSONResponse:
    """Saga step 4: post the reservation; the award is committed."""
    return await _reservation_response(
        request, tx, approval_id, lambda s: service.post_reservation(s, approval_id, principal.actor))


@router.post("/reservations/{approval_id}/void", response_model=ReservationRead, status_code=201,
             tags=["reservations"], summary="Release a reservation", responses=STORED)
async def void_reservation(approval_id: AwardId, request: Request, tx: TransactionsDep,
                           principal: SagaPrincipal) -> JSONResponse:
    """The approval did not go through: release the reserved money."""
    return await _reservation_response(
        request, tx, approval_id, lambda s: service.void_reservation(s, approval_id, principal.actor))


@router.post("/reconcile", response_model=ReconcileResult, tags=["reservations"], summary="Reconcile the saga")
async def reconcile(body: ReconcileRequest, tx: TransactionsDep, principal: SagaPrincipal) -> ReconcileResult:
    """Post what is approved, void what is not, reverse a commitment without an approval; one transaction each."""
    lines = []
    for ident, approved in [(i, True) for i in body.approved] + [(i, False) for i in body.not_approved]:
        lines += await tx.run(lambda s, i=ident, a=approved: service.reconcile_one(s, i, a, principal.actor))
    return ReconcileResult(lines=lines)


@router.get("/awards", response_model=Page[AwardRead], tags=["awards"], summary="List awards")
async def list_awards(
    session: ReadSession, principal: Staff, page: PageParamsDep,
    program_code: SlugQuery = None,
    fiscal_year: Annotated[int | None, Query(ge=1949, le=9999)] = None,
    application_id: KeyQuery = None,
    city_code: SlugQuery = None,
) -> Page[AwardRead]:
    """Awards and reservations, newest first; agency staff see their own programs' only."""
    programs = None
    if principal.role not in ("admin", "service"):
        programs = {r.code for r in await rules_repo.current_rules(session)
                    if principal.agency and principal.agency in (r.lead_agencies or [])}
    statement = service.list_awards_statement(program_code=program_code, fiscal_year=fiscal_year,
                                              application_id=application_id, city_code=city_code, programs=programs)
    awards, total = await fetch_page(session, statement, page)
    return Page(items=await service.read_awards(session, awards), total=total, page=page.page, size=page.size)


@router.get("/awards/{award_id}", response_model=AwardRead, tags=["awards"], summary="Read an award")
async def read_award(award_id: AwardId, session: ReadSession, principal: Staff) -> AwardRead:
    """An award: status, installments, committed and paid amounts."""
    award = await service.get_award(session, award_id)
    rule = await rules_repo.rule_version(session, award.program_code, award.rule_version)
    if rule is not None:
        ensure_program_reader(principal, rule)
    return (await service.read_awards(session, [award]))[0]


@router.post("/awards/{award_id}/disbursements", response_model=DisbursementRead, status_code=201,
             tags=["disbursements"], summary="Pay an installment", responses=STORED)
async def disburse(award_id: AwardId, body: DisbursementCreate, request: Request, tx: TransactionsDep,
                   principal: AdminPrincipal, idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    """Pay installment n of a committed award (commitment → paid); each installment is paid once."""

    async def work(session):  # noqa: ANN001, ANN202
        result = await service.disburse(session, award_id, body, idempotency_key, principal.actor)
        [award] = await service.read_awards(session, [await service.get_award(session, award_id)])
        [transfer] = await describe(session, [result])
        return result, DisbursementRead(award=award, transfer=transfer), await rejection_for(session, [result])

    result, read, error = await tx.run(work)
    return stored_outcome(request, replay=result.replay, body=read, error=error,
                          extra={"transfer": read.transfer.model_dump(mode="json")} if error else None)


@router.post("/awards/{award_id}/matches", response_model=MatchRead, status_code=201, tags=["disbursements"],
             summary="Match national funding", responses=STORED)
async def record_match(award_id: AwardId, body: MatchCreate, request: Request, tx: TransactionsDep,
                       principal: AdminPrincipal) -> JSONResponse:
    """Record national funds received for a matching award and pay the match, up to the award's cap."""

    async def work(session):  # noqa: ANN001, ANN202
        results = await service.record_match(session, award_id, body, principal.actor)
        [award] = await service.read_awards(session, [await service.get_award(session, award_id)])
        base, match = await describe(session, results)
        read = MatchRead(award=award, base_transfer=base, match_transfer=match, matched_fen=match.effective_amount)
        return results, read, await rejection_for(session, results)

    results, read, error = await tx.run(work)
    return stored_outcome(request, replay=results[0].replay, body=read, error=error,
                          extra={"match": read.model_dump(mode="json")} if error else None)


@router.post("/awards/{award_id}/release", response_model=ReleaseRead, status_code=201, tags=["disbursements"],
             summary="Release an award's unpaid rest", responses=STORED)
async def release_award(award_id: AwardId, body: ReleaseCreate, request: Request, tx: TransactionsDep,
                        principal: AdminPrincipal, idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    """End a committed award (national funding ended, grantee left): what is committed and unpaid goes back to
    its budget, or to the treasury once the budget's year is closed (409 `nothing_to_release` when nothing is)."""

    async def work(session):  # noqa: ANN001, ANN202
        result = await service.release_award(session, award_id, body, idempotency_key, principal.actor)
        [award] = await service.read_awards(session, [await service.get_award(session, award_id)])
        [transfer] = await describe(session, [result])
        target = await ledger_repo.account_by_id(session, result.transfer.credit_account_id)
        read = ReleaseRead(award=award, transfer=transfer, released_fen=result.journal.amount,
                           returned_to=target.code)
        return result, read, await rejection_for(session, [result])

    result, read, error = await tx.run(work)
    return stored_outcome(request, replay=result.replay, body=read, error=error,
                          extra={"release": read.model_dump(mode="json")} if error else None)
