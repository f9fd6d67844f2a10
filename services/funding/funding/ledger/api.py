"""HTTP API of the ledger itself: accounts, transfers, balances, the trial balance and the verifier. Admin only."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from funding.deps import AdminPrincipal, ReadSession, SagaPrincipal, TransactionsDep
from funding.ledger import repository as repo
from funding.ledger import service
from funding.ledger.schemas import (
    AccountCreate,
    AccountMovement,
    AccountRead,
    BatchCreate,
    BatchRead,
    ExpiryResult,
    PendingPost,
    PendingVoid,
    ReversalCreate,
    TransferCreate,
    TransferRead,
    TrialBalance,
    VerificationReport,
)
from funding.ledger.verify import verify_ledger
from funding.responses import stored_outcome
from funding.schemas import AccountIdPath, CodeQuery, KeyQuery, SlugQuery, TransferKeyPath
from servicekit.pagination import Page, PageParamsDep, fetch_page
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["ledger"], responses=PROBLEM_RESPONSES)

AsOf = Annotated[datetime | None, Query(description="Read as of this moment (ISO 8601; UTC when no offset).")]
STORED = {200: {"description": "A replay: the stored outcome (header `Idempotent-Replay: true`)."},
          409: {"description": "Rejected (stored under the id) or the id was used with other fields."}}


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@router.post("/accounts", response_model=AccountRead, status_code=201, summary="Open an account",
             responses={200: {"description": "The account already exists with these attributes."}})
async def create_account(body: AccountCreate, tx: TransactionsDep, principal: AdminPrincipal) -> JSONResponse:
    """Open a ledger account (idempotent by code: the same attributes return the existing account)."""

    async def work(session):  # noqa: ANN001, ANN202
        account, created = await service.create_account(session, body, principal.actor)
        return (await service.read_accounts(session, [account]))[0], created

    read, created = await tx.run(work)
    return JSONResponse(read.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/accounts", response_model=Page[AccountRead], summary="List accounts")
async def list_accounts(
    session: ReadSession, _: AdminPrincipal, page: PageParamsDep,
    kind: CodeQuery = None,
    program_code: SlugQuery = None,
    fiscal_year: Annotated[int | None, Query(ge=1949, le=9999)] = None,
    city_code: SlugQuery = None,
    award_id: KeyQuery = None,
) -> Page[AccountRead]:
    """Accounts with their current balances, filtered and paginated."""
    statement = repo.list_accounts_statement(kind=kind, program_code=program_code, fiscal_year=fiscal_year,
                                             city_code=city_code, award_id=award_id)
    accounts, total = await fetch_page(session, statement, page)
    return Page(items=await service.read_accounts(session, accounts), total=total, page=page.page, size=page.size)


@router.get("/accounts/{account_id}", response_model=AccountRead, summary="Read an account and its balance")
async def read_account(account_id: AccountIdPath, session: ReadSession, _: AdminPrincipal, as_of: AsOf = None) -> AccountRead:
    """Posted, pending and available balance, now or as of a past moment."""
    account = await service.get_account(session, account_id)
    return (await service.read_accounts(session, [account], _utc(as_of)))[0]


@router.get("/accounts/{account_id}/transfers", response_model=Page[AccountMovement],
            summary="List an account's movements")
async def list_account_transfers(account_id: AccountIdPath, session: ReadSession, _: AdminPrincipal,
                                 page: PageParamsDep) -> Page[AccountMovement]:
    """Every transfer that moved this account, newest first, with its effect on the account."""
    account = await service.get_account(session, account_id)
    ids, total = await fetch_page(session, repo.account_history_statement(account_id), page)
    items = await service.account_movements(session, account, ids)
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.post("/accounts/{account_id}/close", response_model=AccountRead, summary="Close an account")
async def close_account(account_id: AccountIdPath, tx: TransactionsDep, principal: AdminPrincipal) -> AccountRead:
    """Close an account (audited): it takes no new postings, only voids and expiries of its pendings."""

    async def work(session):  # noqa: ANN001, ANN202
        account = await service.close_account(session, await service.get_account(session, account_id),
                                              principal.actor)
        return (await service.read_accounts(session, [account]))[0]

    return await tx.run(work)


@router.post("/transfers", response_model=TransferRead, status_code=201, summary="Post a transfer",
             responses=STORED)
async def create_transfer(body: TransferCreate, request: Request, tx: TransactionsDep,
                          principal: AdminPrincipal) -> JSONResponse:
    """Move an integer amount of fen from one account to another, or reserve it (`pending`)."""
    if tx.single_statement and not body.pending:
        posted = await service.create_transfer_in_one_statement(tx.database, body, principal.actor)
        if posted is not None:
            return stored_outcome(request, replay=False, body=service.read_new(posted))

    async def work(session):  # noqa: ANN001, ANN202
        result = await service.create_transfer(session, body, principal.actor)
        return result, (await service.describe(session, [result]))[0], await service.rejection_for(session, [result])

    result, read, error = await tx.run(work)
    return stored_outcome(request, replay=result.replay, body=read, error=error,
                          extra={"transfer": read.model_dump(mode="json")} if error else None)


@router.post("/transfers/batch", response_model=BatchRead, status_code=201, summary="Post a linked batch",
             responses=STORED)
async def create_batch(body: BatchCreate, request: Request, tx: TransactionsDep,
                       principal: AdminPrincipal) -> JSONResponse:
    """Post several transfers all-or-nothing: if one is rejected, none is posted and all say why."""

    async def work(session):  # noqa: ANN001, ANN202
        results = await service.create_batch(session, body, principal.actor)
        return results, await service.describe(session, results), await service.rejection_for(session, results)

    results, reads, error = await tx.run(work)
    batch = BatchRead(transfers=reads)
    return stored_outcome(request, replay=results[0].replay, body=batch, error=error,
                          extra={"transfers": batch.model_dump(mode="json")["transfers"]} if error else None)


@router.post("/transfers/expire", response_model=ExpiryResult, summary="Expire overdue pendings")
async def expire_transfers(tx: TransactionsDep, _: SagaPrincipal,
                           limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> ExpiryResult:
    """Release every pending transfer past its expiry (reads already treat them as released)."""
    return ExpiryResult(expired=await tx.run(lambda session: service.sweep_expired(session, limit)))


@router.get("/transfers", response_model=Page[TransferRead], summary="List transfers")
async def list_transfers(
    session: ReadSession, _: AdminPrincipal, page: PageParamsDep,
    account_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    code: CodeQuery = None,
    award_id: KeyQuery = None,
    outcome: Annotated[str | None, Query(pattern="^(posted|pending|voided|expired|rejected)$")] = None,
) -> Page[TransferRead]:
    """Transfers, newest first, with their outcome and current status."""
    statement = repo.list_transfers_statement(account_id=account_id, code=code, award_id=award_id, outcome=outcome)
    ids, total = await fetch_page(session, statement, page)
    return Page(items=await service.read_transfers_by_ids(session, ids), total=total, page=page.page, size=page.size)


@router.get("/transfers/{transfer_id}", response_model=TransferRead, summary="Read a transfer")
async def read_transfer(transfer_id: TransferKeyPath, session: ReadSession, _: AdminPrincipal) -> TransferRead:
    """A transfer by its client-chosen id, with its outcome and current status."""
    return await service.get_transfer(session, transfer_id)


async def _resolution(request: Request, tx, work) -> JSONResponse:  # noqa: ANN001
    async def run(session):  # noqa: ANN001, ANN202
        result = await work(session)
        return result, (await service.describe(session, [result]))[0], await service.rejection_for(session, [result])

    result, read, error = await tx.run(run)
    return stored_outcome(request, replay=result.replay, body=read, error=error,
                          extra={"transfer": read.model_dump(mode="json")} if error else None)


@router.post("/transfers/{transfer_id}/post", response_model=TransferRead, status_code=201,
             summary="Post a pending transfer", responses=STORED)
async def post_pending(transfer_id: TransferKeyPath, body: PendingPost, request: Request, tx: TransactionsDep,
                       principal: AdminPrincipal) -> JSONResponse:
    """Turn a reservation into a posting (all of it, or less: the rest is released)."""
    return await _resolution(request, tx, lambda s: service.post_pending(s, transfer_id, body, principal.actor))


@router.post("/transfers/{transfer_id}/void", response_model=TransferRead, status_code=201,
             summary="Void a pending transfer", responses=STORED)
async def void_pending(transfer_id: TransferKeyPath, body: PendingVoid, request: Request, tx: TransactionsDep,
                       principal: AdminPrincipal) -> JSONResponse:
    """Release a reservation without posting it."""
    return await _resolution(request, tx, lambda s: service.void_pending(s, transfer_id, body, principal.actor))


@router.post("/transfers/{transfer_id}/reverse", response_model=TransferRead, status_code=201,
             summary="Reverse a posted transfer", responses=STORED)
async def reverse_transfer(transfer_id: TransferKeyPath, body: ReversalCreate, request: Request, tx: TransactionsDep,
                           principal: AdminPrincipal) -> JSONResponse:
    """Correct a posted transfer with its mirror image (at most once; floors and ceilings still hold)."""
    return await _resolution(request, tx, lambda s: service.reverse_transfer(s, transfer_id, body, principal.actor))


@router.get("/ledger/trial-balance", response_model=TrialBalance, summary="Trial balance")
async def read_trial_balance(session: ReadSession, _: AdminPrincipal, as_of: AsOf = None) -> TrialBalance:
    """Every account's counters and net; the nets sum to zero."""
    return await service.trial_balance(session, _utc(as_of))


@router.get("/ledger/verify", response_model=VerificationReport, summary="Verify the ledger")
async def verify(session: ReadSession, _: AdminPrincipal) -> VerificationReport:
    """Recompute every balance from the entries and re-hash the journal chain; lists every discrepancy."""
    return await verify_ledger(session)
