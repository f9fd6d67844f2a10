"""Ledger operations: accounts, transfers (single, pending, post, void, reverse, linked batch), expiry, balances
and the trial balance. No FastAPI here; every write runs inside the caller's transaction and only flushes."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from funding.errors import (
    AccountExists,
    AccountLimitsInvalid,
    AccountNotFound,
    BatchCurrenciesMixed,
    BatchIdsNotDistinct,
    CannotReverse,
    CurrencyMismatch,
    NotPending,
    PostAmountTooLarge,
    ReferencedAccountNotFound,
    ReferencedTransferNotFound,
    SameAccount,
    TransferNotFound,
    TransferRejected,
)
from funding.ledger import single_statement
from funding.ledger.posting import Posted, Stored, TransferSpec, outcome_stored_under, post_transfers
from funding.ledger.repository import AccountFilters, LedgerRepository, TransferFilters
from funding.ledger.schemas import (
    AccountCreate,
    AccountMovement,
    AccountRead,
    Balance,
    BatchCreate,
    BatchRead,
    PendingPost,
    PendingVoid,
    Rejection,
    ReversalCreate,
    TransferCreate,
    TransferRead,
    TrialBalance,
    TrialBalanceLine,
)
from funding.models import COUNTERS, CURRENCY, Account, AuditLog, JournalRecord, Transfer
from servicekit import clock
from servicekit.audit import record_change
from servicekit.database import Database
from servicekit.pagination import Page, PageParams

DEFAULT_PENDING_TIMEOUT = timedelta(hours=1)
EXPIRY_ACTOR = "system:expiry"
COMPARED_ACCOUNT_FIELDS = ("kind", "name", "normal_side", "currency", "plan_code", "program_code", "fiscal_year",
                           "agency_code", "city_code", "award_id", "floor", "ceiling")

Read = TypeVar("Read", bound=BaseModel)


# Accounts ---------------------------------------------------------------------------------------------


def _differences(account: Account, values: dict[str, Any]) -> list[str]:
    return [f for f in COMPARED_ACCOUNT_FIELDS if f in values and getattr(account, f) != values[f]]


def _new_account_values(values: dict[str, Any]) -> dict[str, Any]:
    return {"currency": CURRENCY, "created_at": clock.now(), **values}


async def create_new_accounts(session: AsyncSession, rows: list[dict[str, Any]]) -> list[Account]:
    """Accounts created in one statement; one whose code is taken is left out of the answer."""
    return await LedgerRepository(session).insert_new_accounts([_new_account_values(row) for row in rows])


async def ensure_account(session: AsyncSession, values: dict[str, Any], *,
                         likely_new: bool = False) -> tuple[Account, bool]:
    """The account with `values["code"]`, created if absent; (account, created). An existing account with other
    attributes is a 409: accounts are never changed. `likely_new`: try creating it first (one statement when it
    is new, as an award's own accounts are)."""
    values = _new_account_values(values)
    repo = LedgerRepository(session)
    if likely_new and (created_now := await repo.insert_new_account(values)) is not None:
        return created_now, True
    existing, created = await repo.account_by_code(values["code"]), False
    if existing is None:
        existing, created = await repo.insert_account_if_absent(values)
    differing = _differences(existing, values)
    if differing:
        raise AccountExists(values["code"], differing)
    return existing, created


async def create_account(session: AsyncSession, data: AccountCreate, actor: str) -> tuple[AccountRead, bool]:
    """Open an account, or find the one with its code and the same attributes; (its read model, created)."""
    if data.floor is not None and data.ceiling is not None and data.floor > data.ceiling:
        raise AccountLimitsInvalid("下限不能高于上限。", "The floor cannot be above the ceiling.")
    if data.floor is not None and data.floor > 0:
        raise AccountLimitsInvalid("新账户余额为 0，下限不能大于 0。",
                                   "A new account holds 0, so its floor cannot be above 0.")
    if data.ceiling is not None and data.ceiling < 0:
        raise AccountLimitsInvalid("新账户余额为 0，上限不能小于 0。",
                                   "A new account holds 0, so its ceiling cannot be below 0.")
    account, created = await ensure_account(session, data.model_dump())
    if created:
        await record_change(session, AuditLog, actor=actor, action="account.open", entity_type="account",
                            entity_id=account.code, after=data.model_dump(mode="json"))
    [read] = await read_accounts(session, [account])
    return read, created


async def get_account(session: AsyncSession, account_id: int) -> Account:
    account = await LedgerRepository(session).account_by_id(account_id)
    if account is None:
        raise AccountNotFound(account_id)
    return account


async def read_account(session: AsyncSession, account_id: int, as_of: datetime | None = None) -> AccountRead:
    [read] = await read_accounts(session, [await get_account(session, account_id)], as_of)
    return read


async def list_accounts(session: AsyncSession, filters: AccountFilters, params: PageParams) -> Page[AccountRead]:
    accounts, total = await LedgerRepository(session).accounts_page(filters, params)
    return Page(items=await read_accounts(session, accounts), total=total, page=params.page, size=params.size)


async def close_account(session: AsyncSession, account_id: int, actor: str) -> AccountRead:
    """Close an account (audited); closing a closed account changes nothing."""
    account = await get_account(session, account_id)
    if account.closed_at is None:
        now = clock.now()
        await LedgerRepository(session).close_accounts([account.id], now)
        await record_change(session, AuditLog, actor=actor, action="account.close", entity_type="account",
                            entity_id=account.code, before={"closed_at": None}, after={"closed_at": now.isoformat()})
        await session.refresh(account)
    [read] = await read_accounts(session, [account])
    return read


async def balances_of(session: AsyncSession, accounts: Sequence[Account], as_of: datetime | None = None
                      ) -> dict[int, Balance]:
    """Balances now (counters) or at `as_of` (rebuilt from entries); pendings past expiry count as released
    even before the sweep writes their expiry."""
    repo = LedgerRepository(session)
    at = as_of or clock.now()
    ids = [a.id for a in accounts]
    rebuilt = await repo.counters_as_of(at, ids) if as_of is not None else {}
    overdue = await repo.overdue_amounts(at, ids)
    result = {}
    for account in accounts:
        if as_of is None:
            counters = {c: getattr(account, c) for c in COUNTERS}
        else:
            counters = {c: rebuilt.get(account.id, {}).get(c, 0) for c in COUNTERS}
        out_overdue, in_overdue = overdue.get(account.id, (0, 0))
        counters["debits_pending"] -= out_overdue
        counters["credits_pending"] -= in_overdue
        if account.normal_side == "credit":
            posted = counters["credits_posted"] - counters["debits_posted"]
            available = posted - counters["debits_pending"]
        else:
            posted = counters["debits_posted"] - counters["credits_posted"]
            available = posted - counters["credits_pending"]
        result[account.id] = Balance(**counters, posted=posted, pending_in=counters["credits_pending"],
                                     pending_out=counters["debits_pending"], available=available, as_of=at)
    return result


async def read_accounts(session: AsyncSession, accounts: Sequence[Account], as_of: datetime | None = None
                        ) -> list[AccountRead]:
    balances = await balances_of(session, accounts, as_of)
    fields = [f for f in AccountRead.model_fields if f != "balance"]
    return [AccountRead.model_validate({**{f: getattr(a, f) for f in fields}, "balance": balances[a.id]})
            for a in accounts]


async def trial_balance(session: AsyncSession, as_of: datetime | None = None) -> TrialBalance:
    repo = LedgerRepository(session)
    accounts = await repo.all_accounts()
    at = as_of or clock.now()
    rebuilt = await repo.counters_as_of(at) if as_of is not None else None
    lines = []
    for a in accounts:
        c = rebuilt.get(a.id, {}) if rebuilt is not None else {k: getattr(a, k) for k in COUNTERS}
        lines.append(TrialBalanceLine(account_id=a.id, code=a.code, kind=a.kind, normal_side=a.normal_side,
                                      debits_posted=c.get("debits_posted", 0),
                                      credits_posted=c.get("credits_posted", 0),
                                      debits_pending=c.get("debits_pending", 0),
                                      credits_pending=c.get("credits_pending", 0),
                                      net=c.get("credits_posted", 0) - c.get("debits_posted", 0)))
    totals = {k: sum(getattr(line, k) for line in lines) for k in COUNTERS}
    net = totals["credits_posted"] - totals["debits_posted"]
    return TrialBalance(as_of=at, lines=lines, **{f"total_{k}": v for k, v in totals.items()}, net=net,
                        balanced=net == 0 and totals["debits_pending"] == totals["credits_pending"])


# Transfers ----------------------------------------------------------------------------------------------


async def accounts_of_transfers(session: AsyncSession, pairs: Sequence[tuple[int, int]],
                                currency: str = CURRENCY) -> dict[int, Any]:
    """The accounts the transfers name, checked: two different ones each, existing, in the request's currency."""
    for debit, credit in pairs:
        if debit == credit:
            raise SameAccount()
    accounts = await LedgerRepository(session).account_rows({a for pair in pairs for a in pair})
    for debit, credit in pairs:
        for account_id in (debit, credit):
            if account_id not in accounts:
                raise ReferencedAccountNotFound(account_id)
            if accounts[account_id].currency != currency:
                raise CurrencyMismatch(accounts[account_id].currency, currency)
    return accounts


async def release_overdue_on(session: AsyncSession, account_id: int
                             ) -> Callable[[AsyncSession], Awaitable[Any]] | None:
    """Given to the posting algorithm: when a posting is short on `account_id`, the step that releases the
    overdue pendings holding that account's money (it runs first, in a transaction of its own, and then the
    request again); None when there are none."""
    overdue = await LedgerRepository(session).overdue_pendings(clock.now(), account_id=account_id, limit=200)
    if not overdue:
        return None
    return partial(expire_pendings, pending_keys=[p.key for p in overdue])


def transfer_spec(body: TransferCreate) -> TransferSpec:
    request = {"operation": "transfer", **body.model_dump(mode="json", exclude={"id"})}
    return TransferSpec(
        key=body.id, kind="pending" if body.pending else "single", code=body.code,
        debit_account_id=body.debit_account_id, credit_account_id=body.credit_account_id, amount=body.amount,
        request=request,
        expires_at=clock.now() + (timedelta(seconds=body.timeout_seconds) if body.timeout_seconds
                                  else DEFAULT_PENDING_TIMEOUT) if body.pending else None,
        award_id=body.award_id, meta=body.metadata,
    )


async def post_in_one_statement(database: Database, body: TransferCreate, actor: str) -> Stored[TransferRead] | None:
    """A plain transfer that takes effect, posted in one statement of its own on PostgreSQL; None when it must take
    the full path (`post_transfer`), which then gives the answer: nothing was written."""
    if body.pending:
        return None
    posted = await single_statement.post_plain(database, transfer_spec(body), body.currency, actor)
    return Stored(read_new(posted), replay=False) if posted is not None else None


async def post_transfer(session: AsyncSession, body: TransferCreate, actor: str) -> Stored[TransferRead]:
    """Post one transfer, or reserve it (the full path)."""
    accounts = await accounts_of_transfers(session, [(body.debit_account_id, body.credit_account_id)], body.currency)
    [result] = await post_transfers(session, [transfer_spec(body)], accounts, actor=actor,
                                    overdue_check=release_overdue_on)
    return await answer_transfer(session, result)


async def post_batch(session: AsyncSession, body: BatchCreate, actor: str) -> Stored[BatchRead]:
    """Post a linked batch all-or-nothing."""
    keys = [t.id for t in body.transfers]
    if len(set(keys)) != len(keys):
        raise BatchIdsNotDistinct()
    currencies = {t.currency for t in body.transfers}
    if len(currencies) > 1:
        raise BatchCurrenciesMixed()
    accounts = await accounts_of_transfers(
        session, [(t.debit_account_id, t.credit_account_id) for t in body.transfers], currencies.pop())
    results = await post_transfers(session, [transfer_spec(t) for t in body.transfers], accounts, actor=actor,
                                   overdue_check=release_overdue_on)
    batch = BatchRead(transfers=await describe(session, results))
    return await answer(session, results, batch, outcome=lambda: {"transfers": batch.model_dump(mode="json")
                                                                  ["transfers"]})


async def _pending_target(session: AsyncSession, pending_key: str) -> tuple[Transfer, JournalRecord]:
    found = await LedgerRepository(session).transfer_by_key(pending_key)
    if found is None:
        raise ReferencedTransferNotFound(pending_key)
    pending, journal = found
    if pending.kind != "pending" or journal.outcome != "pending":
        raise NotPending(pending_key)
    return pending, journal


async def resolve_pending(
    session: AsyncSession,
    pending_key: str,
    *,
    kind: str,
    key: str,
    actor: str,
    amount: int | None = None,
    code: str | None = None,
    request: dict[str, Any] | None = None,
) -> Posted:
    """Post (all or part) or void a pending transfer. A pending past its expiry is expired first, and the
    request is then refused with `pending_expired` (stored under its id like any rejection).

    An id that already holds an outcome answers first (its replay, or 409 naming the differing fields), before
    anything about the target: as in TigerBeetle, a retried request gets its original answer whatever happened
    to the pending since."""
    request = request or ({"operation": "post", "pending_id": pending_key, "amount": amount} if kind == "post"
                          else {"operation": "void", "pending_id": pending_key})
    if (replay := await outcome_stored_under(session, key, request)) is not None:
        return replay
    pending, journal = await _pending_target(session, pending_key)
    if amount is not None and amount > journal.amount:
        raise PostAmountTooLarge(amount, journal.amount)
    repo = LedgerRepository(session)
    resolution = (await repo.resolutions_of([pending.id])).get(pending.id)
    if resolution is None and pending.expires_at is not None and pending.expires_at <= clock.now():
        await expire_pendings(session, [pending_key])  # the id is new (checked above)
    accounts = await repo.accounts_by_ids([pending.debit_account_id, pending.credit_account_id])
    spec = TransferSpec(
        key=key, kind=kind, code=code or pending.code, debit_account_id=pending.debit_account_id,
        credit_account_id=pending.credit_account_id, amount=amount or journal.amount, request=request,
        pending=pending, pending_amount=journal.amount, award_id=pending.award_id,
    )
    [result] = await post_transfers(session, [spec], accounts, actor=actor)
    return result


async def post_pending(session: AsyncSession, pending_key: str, body: PendingPost, actor: str
                       ) -> Stored[TransferRead]:
    result = await resolve_pending(session, pending_key, kind="post", key=body.id or f"post:{pending_key}",
                                   amount=body.amount, actor=actor)
    return await answer_transfer(session, result)


async def void_pending(session: AsyncSession, pending_key: str, body: PendingVoid, actor: str
                       ) -> Stored[TransferRead]:
    result = await resolve_pending(session, pending_key, kind="void", key=body.id or f"void:{pending_key}",
                                   actor=actor)
    return await answer_transfer(session, result)


async def reverse(session: AsyncSession, target_key: str, body: ReversalCreate, actor: str) -> Posted:
    """Post the mirror image of a posted transfer (at most once; floors and ceilings still hold)."""
    key = body.id or f"reverse:{target_key}"
    request = {"operation": "reverse", "reverses": target_key, "reason": body.reason}
    if (replay := await outcome_stored_under(session, key, request)) is not None:  # the id answers first
        return replay
    repo = LedgerRepository(session)
    found = await repo.transfer_by_key(target_key)
    if found is None:
        raise ReferencedTransferNotFound(target_key)
    target, journal = found
    if journal.outcome != "posted" or target.kind not in ("single", "post"):
        status = journal.outcome if target.kind != "reversal" else "reversal"
        raise CannotReverse(target_key, status)
    accounts = await repo.accounts_by_ids([target.debit_account_id, target.credit_account_id])
    spec = TransferSpec(
        key=key, kind="reversal", code="reversal",
        debit_account_id=target.credit_account_id, credit_account_id=target.debit_account_id,
        amount=journal.amount, request=request,
        reverses=target, award_id=target.award_id, meta={"reason": body.reason} if body.reason else {},
    )
    [result] = await post_transfers(session, [spec], accounts, actor=actor, overdue_check=release_overdue_on)
    return result


async def reverse_transfer(session: AsyncSession, target_key: str, body: ReversalCreate, actor: str
                           ) -> Stored[TransferRead]:
    return await answer_transfer(session, await reverse(session, target_key, body, actor))


async def expire_pendings(session: AsyncSession, pending_keys: Sequence[str]) -> list[str]:
    """Release the given pendings if they are still unresolved; returns the ids of those this call expired."""
    repo = LedgerRepository(session)
    expired = []
    for pending_key in pending_keys:
        found = await repo.transfer_by_key(pending_key)
        if found is None:
            continue
        pending, journal = found
        if (await repo.resolutions_of([pending.id])).get(pending.id) is not None:
            continue
        accounts = await repo.accounts_by_ids([pending.debit_account_id, pending.credit_account_id])
        spec = TransferSpec(
            key=f"expire:{pending_key}", kind="expire", code=pending.code,
            debit_account_id=pending.debit_account_id, credit_account_id=pending.credit_account_id,
            amount=journal.amount, request={"operation": "expire", "pending_id": pending_key}, pending=pending,
            pending_amount=journal.amount, award_id=pending.award_id,
        )
        [result] = await post_transfers(session, [spec], accounts, actor=EXPIRY_ACTOR)
        if not result.replay and result.journal.outcome == "expired":
            expired.append(pending_key)
    return expired


async def sweep_expired(session: AsyncSession, limit: int = 500) -> list[str]:
    overdue = await LedgerRepository(session).overdue_pendings(clock.now(), limit=limit)
    return await expire_pendings(session, [p.key for p in overdue])


# Answers ------------------------------------------------------------------------------------------------


async def answer(session: AsyncSession, results: Sequence[Posted], read: Read,
                 outcome: Callable[[], dict[str, Any]] | None = None) -> Stored[Read]:
    """The answer to stored outcomes: `read` when they took effect; when one was rejected, that rejection,
    raised (it commits, since the rejection is stored), with `outcome()` in its body."""
    replay = results[0].replay
    rejected = [r for r in results if r.rejected]
    if not rejected:
        return Stored(read, replay=replay)
    cause = next((r for r in rejected if r.journal.reason != "linked_transfer_failed"), rejected[0])
    account_id = cause.journal.account_id
    account = await LedgerRepository(session).account_by_id(account_id) if account_id else None
    raise TransferRejected(cause.journal.reason, transfer_id=cause.transfer.key,
                           account=account.code if account is not None else None,
                           headroom=cause.journal.headroom, amount=cause.transfer.amount, replay=replay,
                           outcome=outcome() if outcome is not None else None)


async def answer_transfer(session: AsyncSession, result: Posted) -> Stored[TransferRead]:
    [read] = await describe(session, [result])
    return await answer(session, [result], read, outcome=lambda: {"transfer": read.model_dump(mode="json")})


# Reading transfers --------------------------------------------------------------------------------------


def _target_key(transfer: Transfer) -> tuple[str | None, str | None]:
    request = transfer.request or {}
    pending = request.get("pending_id") if transfer.kind in ("post", "void", "expire") else None
    reverses = request.get("reverses") if transfer.kind == "reversal" else None
    return pending, reverses


async def describe(session: AsyncSession, results: Sequence[Posted]) -> list[TransferRead]:
    """Read models for stored outcomes; looks up what resolved or reversed them only when they are not new."""
    old = [r.transfer.id for r in results if r.replay]
    repo = LedgerRepository(session)
    resolutions = await repo.resolutions_of(old) if old else {}
    reversals = await repo.reversals_of(old) if old else {}
    now = clock.now()
    return [_transfer_read(r, resolutions.get(r.transfer.id), reversals.get(r.transfer.id), now) for r in results]


def read_new(result: Posted) -> TransferRead:
    """The read model of an outcome just stored (nothing can have resolved or reversed it yet)."""
    return _transfer_read(result, None, None, clock.now())


def _transfer_read(r: Posted, resolution: Transfer | None, reversal: Transfer | None, now: datetime) -> TransferRead:
    t, j = r.transfer, r.journal
    pending_key, reverses_key = _target_key(t)
    status = j.outcome
    if t.kind == "pending" and j.outcome == "pending":
        if resolution is not None:
            status = {"post": "posted", "void": "voided", "expire": "expired"}[resolution.kind]
        elif t.expires_at is not None and t.expires_at <= now:
            status = "expired"
    return TransferRead(
        id=t.key, kind=t.kind, code=t.code, debit_account_id=t.debit_account_id,
        credit_account_id=t.credit_account_id, amount=t.amount, outcome=j.outcome, effective_amount=j.amount,
        status=status,
        rejection=Rejection(code=j.reason, account_id=j.account_id, headroom=j.headroom) if j.reason else None,
        pending_id=pending_key, reverses=reverses_key,
        resolved_by=resolution.key if resolution is not None else None,
        reversed_by=reversal.key if reversal is not None else None,
        expires_at=t.expires_at, award_id=t.award_id, metadata=t.meta or {}, actor=t.actor,
        created_at=t.created_at, recorded_at=j.recorded_at, journal_seq=j.seq,
    )


async def get_transfer(session: AsyncSession, key: str) -> TransferRead:
    found = await LedgerRepository(session).transfer_by_key(key)
    if found is None:
        raise TransferNotFound(key)
    [read] = await describe(session, [Posted(found[0], found[1], replay=True)])
    return read


async def list_transfers(session: AsyncSession, filters: TransferFilters, params: PageParams) -> Page[TransferRead]:
    ids, total, next_page = await LedgerRepository(session).transfer_ids_page(filters, params)
    return Page(items=await read_transfers_by_ids(session, ids), total=total, page=params.page, size=params.size,
                next=next_page)


async def list_account_movements(session: AsyncSession, account_id: int, params: PageParams
                                 ) -> Page[AccountMovement]:
    """What each transfer that moved the account did to it (its posted normal balance and its pendings), newest
    first."""
    account = await get_account(session, account_id)
    repo = LedgerRepository(session)
    transfer_ids, total, next_page = await repo.account_history_page(account_id, params)
    by_key = {r.id: r for r in await read_transfers_by_ids(session, transfer_ids)}
    keys = await repo.keys_by_ids(transfer_ids)
    sign = 1 if account.normal_side == "credit" else -1
    changes = {key: {"posted": 0, "in": 0, "out": 0} for key in keys.values()}
    for entry in await repo.entries_of(transfer_ids, account.id):
        change = changes[keys[entry.transfer_id]]
        if entry.layer == "posted":
            change["posted"] += sign * (entry.amount if entry.side == "credit" else -entry.amount)
        else:
            change["in" if entry.side == "credit" else "out"] += entry.amount
    items = [AccountMovement(transfer=by_key[keys[i]], posted_change=changes[keys[i]]["posted"],
                             pending_in_change=changes[keys[i]]["in"], pending_out_change=changes[keys[i]]["out"])
             for i in transfer_ids]
    return Page(items=items, total=total, page=params.page, size=params.size, next=next_page)


async def read_transfers_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[TransferRead]:
    found = await LedgerRepository(session).transfers_with_journal(ids)
    return await describe(session, [Posted(*found[i], replay=True) for i in ids if i in found])
