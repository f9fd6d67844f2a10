"""HTTP API of the ledger itself: accounts, transfers, balances, the trial balance and the verifier. Admin only
(the expiry sweep also for the applications service)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from funding.deps import (
    AdminCaller,
    Idempotent,
    OneStatementDatabase,
    ReadSession,
    SagaCaller,
    WriteSession,
    answer_once,
    stored_answer,
)
from funding.ledger.posting import Stored
from funding.models import IdempotencyRecord
from funding.ledger import service
from funding.ledger.repository import AccountFilters, TransferFilters
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
)
from funding.types import (
    AccountIdPath,
    AccountIdQuery,
    AccountKindQuery,
    AsOfQuery,
    AwardIdQuery,
    FiscalYearQuery,
    OutcomeQuery,
    SlugQuery,
    TransferCodeQuery,
    TransferKeyPath,
)
from servicekit.idempotency import IdempotencyKeyHeader, IdempotentPost
from servicekit.pagination import Page, PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.unit_of_work import write_transaction

router = APIRouter(tags=["ledger"], responses=PROBLEM_RESPONSES)

# Each operation is idempotent by the id in its request (a replay answers as the first time, with
# `Idempotent-Replay: true`) and also takes an `Idempotency-Key`, as every creating POST does.
STORED = {409: {"description": "Rejected (stored under the id), or the id or the Idempotency-Key was used with "
                "other fields."}}


@router.post("/accounts", response_model=AccountRead, status_code=201, summary="Open an account", responses=STORED)
async def create_account(body: AccountCreate, caller: AdminCaller, idempotent: Idempotent,
                         session: WriteSession) -> Response:
    """Open a ledger account (idempotent by code: the same attributes return the existing account, flagged
    `Idempotent-Replay: true`)."""

    async def work() -> Stored:
        read, created = await service.create_account(session, body, caller.actor)
        return Stored(read=read, replay=not created)

    return await answer_once(idempotent, caller, body, work)


@router.get("/accounts", response_model=Page[AccountRead], summary="List accounts")
async def list_accounts(session: ReadSession, _: AdminCaller, page: PageParamsDep, kind: AccountKindQuery = None,
                        program_code: SlugQuery = None, fiscal_year: FiscalYearQuery = None,
                        city_code: SlugQuery = None, award_id: AwardIdQuery = None) -> Page[AccountRead]:
    """Accounts with their current balances, filtered and paginated."""
    filters = AccountFilters(kind=kind, program_code=program_code, fiscal_year=fiscal_year, city_code=city_code,
                             award_id=award_id)
    return await service.list_accounts(session, filters, page)


@router.get("/accounts/{account_id}", response_model=AccountRead, summary="Read an account and its balance")
async def read_account(account_id: AccountIdPath, session: ReadSession, _: AdminCaller,
                       as_of: AsOfQuery = None) -> AccountRead:
    """Posted, pending and available balance, now or as of a past moment."""
    return await service.read_account(session, account_id, as_of)


@router.get("/accounts/{account_id}/transfers", response_model=Page[AccountMovement],
            summary="List an account's movements")
async def list_account_transfers(account_id: AccountIdPath, session: ReadSession, _: AdminCaller,
                                 page: PageParamsDep) -> Page[AccountMovement]:
    """Every transfer that moved this account, newest first, with its effect on the account."""
    return await service.list_account_movements(session, account_id, page)


@router.post("/accounts/{account_id}/close", response_model=AccountRead, summary="Close an account")
async def close_account(account_id: AccountIdPath, session: WriteSession, caller: AdminCaller) -> AccountRead:
    """Close an account (audited): it takes no new postings, only voids and expiries of its pendings."""
    return await service.close_account(session, account_id, caller.actor)


@router.post("/transfers", response_model=TransferRead, status_code=201, summary="Post a transfer",
             responses=STORED)
async def create_transfer(body: TransferCreate, request: Request, one_statement: OneStatementDatabase,
                          caller: AdminCaller, idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """Move an integer amount of fen from one account to another, or reserve it (`pending`)."""
    if (idempotency_key is None and one_statement is not None
            and (posted := await service.post_in_one_statement(one_statement, body, caller.actor)) is not None):
        return stored_answer(posted)
    # The write transaction (WriteSession's own) opens only here: the one-statement posting, which answers most
    # plain transfers on the busiest route, needs none (a key is kept in the write transaction).
    async with write_transaction(request) as session:
        idempotent = IdempotentPost(request, session, IdempotencyRecord, idempotency_key)
        return await answer_once(idempotent, caller, body, lambda: service.post_transfer(session, body, caller.actor))


@router.post("/transfers/batch", response_model=BatchRead, status_code=201, summary="Post a linked batch",
             responses=STORED)
async def create_batch(body: BatchCreate, session: WriteSession, caller: AdminCaller,
                       idempotent: Idempotent) -> Response:
    """Post several transfers all-or-nothing: if one is rejected, none is posted and all say why."""
    return await answer_once(idempotent, caller, body, lambda: service.post_batch(session, body, caller.actor))


@router.post("/transfers/expire", response_model=ExpiryResult, summary="Expire overdue pendings")
async def expire_transfers(session: WriteSession, _: SagaCaller,
                           limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> ExpiryResult:
    """Release every pending transfer past its expiry (reads already treat them as released)."""
    return ExpiryResult(expired=await service.sweep_expired(session, limit))


@router.get("/transfers", response_model=Page[TransferRead], summary="List transfers")
async def list_transfers(session: ReadSession, _: AdminCaller, page: PageParamsDep,
                         account_id: AccountIdQuery = None, code: TransferCodeQuery = None,
                         award_id: AwardIdQuery = None, outcome: OutcomeQuery = None) -> Page[TransferRead]:
    """Transfers, newest first, with their outcome and current status."""
    filters = TransferFilters(account_id=account_id, code=code, award_id=award_id, outcome=outcome)
    return await service.list_transfers(session, filters, page)


@router.get("/transfers/{transfer_id}", response_model=TransferRead, summary="Read a transfer")
async def read_transfer(transfer_id: TransferKeyPath, session: ReadSession, _: AdminCaller) -> TransferRead:
    """A transfer by its client-chosen id, with its outcome and current status."""
    return await service.get_transfer(session, transfer_id)


@router.post("/transfers/{transfer_id}/post", response_model=TransferRead, status_code=201,
             summary="Post a pending transfer", responses=STORED)
async def post_pending(transfer_id: TransferKeyPath, body: PendingPost, session: WriteSession, caller: AdminCaller,
                       idempotent: Idempotent) -> Response:
    """Turn a reservation into a posting (all of it, or less: the rest is released)."""
    return await answer_once(idempotent, caller, body,
                             lambda: service.post_pending(session, transfer_id, body, caller.actor))


@router.post("/transfers/{transfer_id}/void", response_model=TransferRead, status_code=201,
             summary="Void a pending transfer", responses=STORED)
async def void_pending(transfer_id: TransferKeyPath, body: PendingVoid, session: WriteSession, caller: AdminCaller,
                       idempotent: Idempotent) -> Response:
    """Release a reservation without posting it."""
    return await answer_once(idempotent, caller, body,
                             lambda: service.void_pending(session, transfer_id, body, caller.actor))


@router.post("/transfers/{transfer_id}/reverse", response_model=TransferRead, status_code=201,
             summary="Reverse a posted transfer", responses=STORED)
async def reverse_transfer(transfer_id: TransferKeyPath, body: ReversalCreate, session: WriteSession,
                           caller: AdminCaller, idempotent: Idempotent) -> Response:
    """Correct a posted transfer with its mirror image (at most once; floors and ceilings still hold)."""
    return await answer_once(idempotent, caller, body,
                             lambda: service.reverse_transfer(session, transfer_id, body, caller.actor))


@router.get("/ledger/trial-balance", response_model=TrialBalance, summary="Trial balance")
async def read_trial_balance(session: ReadSession, _: AdminCaller, as_of: AsOfQuery = None) -> TrialBalance:
    """Every account's counters and net; the nets sum to zero."""
    return await service.trial_balance(session, as_of)
