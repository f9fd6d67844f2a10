"""The posting algorithm (LEDGER.md f3). Every movement of money, whatever operation asked for it, goes through
`post_transfers`, inside the caller's transaction:

1. SAVEPOINT; insert each transfer header with `ON CONFLICT (key) DO NOTHING`. A key that exists means a replay
   (same request hash → the stored outcome) or a 409 naming the differing fields; nothing is written. A
   concurrent duplicate blocks on the unique index until the first commits, then sees its final outcome.
   The header carries its links (`pending_id`, `reverses_id`, `once_key`, all UNIQUE), so a second resolution
   of one pending, a second reversal or a second payment of one installment fails right here.
2. Insert the entries (checking that every transfer balances per layer: SQLite has no deferred trigger for
   it); a transfer whose amount depends on a balance inserts them after step 3.
3. For each leg, in ascending account id, one guarded UPDATE that moves the counters only if the account is
   open and the pessimistic balance stays within [floor, ceiling]; it returns no row otherwise. (A batch, or
   a transfer whose amount depends on a balance, first locks all its accounts in ascending id order.)
4. Append the journal rows under the journal lock, hash-chained, and release the savepoint.
On a business rejection the savepoint is rolled back and the headers are stored without their links, with a
`rejected` journal row naming the reason, the account and its headroom: the id keeps that answer for good.
Infrastructure errors propagate untouched: the unit of work runs the whole request again
(servicekit.unit_of_work.RetryTransactions).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import BigInteger, bindparam, func, insert, or_, select, text, update
from sqlalchemy import column as named_column
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from funding.errors import BatchPartiallyExists, TransferIdReused
from funding.ledger.chain import GENESIS_HASH, differing_fields, journal_hash, request_hash, transfer_fields
from funding.ledger.repository import LedgerRepository, insert_unless_present, is_postgresql
from funding.models import MAX_COUNTER, Account, Entry, JournalRecord, Transfer
from servicekit import clock
from servicekit.unit_of_work import RunFirst

ACCOUNTS = Account.__table__
TRANSFERS = Transfer.__table__
ENTRIES = Entry.__table__
JOURNAL = JournalRecord.__table__

# pg_advisory_xact_lock key serialising journal appends (one ledger, one chain).
JOURNAL_LOCK_KEY = 0x46554E44  # "FUND"

OUTCOME_OF_KIND = {"single": "posted", "reversal": "posted", "pending": "pending", "post": "posted",
                   "void": "voided", "expire": "expired"}


@dataclass
class Leg:
    account_id: int
    deltas: dict[str, int]
    check_open: bool = True


@dataclass
class TransferSpec:
    """One transfer to post. `amount` is what is asked; a balancing transfer may post less (up to the credit
    account's ceiling), a post of a pending may post less than it reserved (the rest is released)."""

    key: str
    kind: str
    code: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    request: dict[str, Any]
    pending: Transfer | None = None
    pending_amount: int = 0
    reverses: Transfer | None = None
    once_key: str | None = None
    once_reason: str = "already_done"
    expires_at: datetime | None = None
    award_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    balancing: bool = False
    cap_reason: str | None = None

    def legs(self, amount: int) -> list[Leg]:
        debit, credit = self.debit_account_id, self.credit_account_id
        if self.kind in ("single", "reversal"):
            return [Leg(debit, {"debits_posted": amount}), Leg(credit, {"credits_posted": amount})]
        if self.kind == "pending":
            return [Leg(debit, {"debits_pending": amount}), Leg(credit, {"credits_pending": amount})]
        released = -self.pending_amount
        if self.kind == "post":
            return [Leg(debit, {"debits_pending": released, "debits_posted": amount}),
                    Leg(credit, {"credits_pending": released, "credits_posted": amount})]
        # void / expire: only releases, allowed on closed accounts
        return [Leg(debit, {"debits_pending": released}, check_open=False),
                Leg(credit, {"credits_pending": released}, check_open=False)]


@dataclass
class Failure:
    reason: str
    account_id: int | None = None
    headroom: int | None = None


@dataclass
class Posted:
    """The stored outcome of one transfer: fresh (`replay` false) or found under its id."""

    transfer: Transfer
    journal: JournalRecord
    replay: bool

    @property
    def rejected(self) -> bool:
        return self.journal.outcome == "rejected"


Read = TypeVar("Read", bound=BaseModel)


@dataclass
class Stored(Generic[Read]):
    """What a client is answered for a stored outcome that took effect: its read model, and whether the id
    already held it (a replay)."""

    read: Read
    replay: bool


# Given a short account, the step that releases its overdue pendings (None when it has none): they stand in the
# way of the posting, and their expiry must commit even when the posting is then rejected, so the posting asks
# the unit of work to run that step first (RunFirst) and then the request again.
OverdueCheck = Callable[[AsyncSession, int], Awaitable[Callable[[AsyncSession], Awaitable[Any]] | None]]


async def post_transfers(
    session: AsyncSession,
    specs: Sequence[TransferSpec],
    accounts: dict[int, Any],
    *,
    actor: str,
    overdue_check: OverdueCheck | None = None,
) -> list[Posted]:
    """Post `specs` all-or-nothing; returns one stored outcome per spec (replays included)."""
    now = clock.now()
    hashes = [request_hash(spec.request) for spec in specs]
    savepoint = await session.begin_nested()
    try:
        ids = await _insert_headers(session, specs, hashes, actor, now, with_links=True)
    except IntegrityError:
        await savepoint.rollback()
        failure_at = await _link_failure(session, specs)
        return await _store_rejection(session, specs, hashes, actor, now, failure_at)
    if ids is None:
        await savepoint.rollback()
        return await _replays_of_batch(session, specs, hashes)

    # The entries go in before the guarded updates when the amounts are already known, so the (possibly hot)
    # account rows stay locked for as few statements as possible; a rejection rolls them back with the rest.
    early_entries = None
    if not any(spec.balancing for spec in specs):
        early_entries = _entry_rows([(i, spec.legs(spec.amount)) for i, spec in zip(ids, specs, strict=True)])
        await session.execute(insert(ENTRIES), early_entries)
    if len(specs) > 1 or any(spec.balancing for spec in specs):
        await lock_accounts(session, {a for s in specs for a in (s.debit_account_id, s.credit_account_id)})
    applied: list[tuple[int, TransferSpec, int, list[Leg]]] = []
    failure_at: tuple[int, Failure] | None = None
    if await _apply_summed_legs(session, specs, accounts):
        applied = [(transfer_id, spec, spec.amount, spec.legs(spec.amount))
                   for transfer_id, spec in zip(ids, specs, strict=True)]
        specs_left: Sequence[TransferSpec] = ()
    else:
        specs_left = specs
    for index, spec in enumerate(specs_left):
        amount = spec.amount
        if spec.balancing:
            room = await _ceiling_room(session, accounts[spec.credit_account_id])
            amount = min(amount, room)
            if amount <= 0:
                failure_at = (index, Failure(spec.cap_reason or "ceiling_exceeded", spec.credit_account_id, 0))
                break
        legs = spec.legs(amount)
        for leg in sorted(legs, key=lambda leg: leg.account_id):
            failure = await _apply_leg(session, leg, accounts[leg.account_id])
            if failure is not None:
                failure_at = (index, failure)
                break
        if failure_at:
            break
        applied.append((ids[index], spec, amount, legs))

    if failure_at is not None:
        await savepoint.rollback()
        failed_account = failure_at[1].account_id
        if overdue_check is not None and failed_account is not None and failure_at[1].reason != "account_closed":
            release = await overdue_check(session, failed_account)
            if release is not None:
                raise RunFirst(release)
        return await _store_rejection(session, specs, hashes, actor, now, failure_at)

    entry_rows = early_entries
    if entry_rows is None:
        entry_rows = _entry_rows([(transfer_id, legs) for transfer_id, _spec, _amount, legs in applied])
        await session.execute(insert(ENTRIES), entry_rows)
    records = [
        dict(transfer=header_values(spec, digest, actor, now, with_links=True) | {"id": transfer_id},
             outcome=OUTCOME_OF_KIND[spec.kind], amount=amount if spec.kind not in ("void", "expire")
             else spec.pending_amount, reason=None, account_id=None, headroom=None,
             entries=[(r["account_id"], r["side"], r["layer"], r["amount"]) for r in entry_rows
                      if r["transfer_id"] == transfer_id])
        for (transfer_id, spec, amount, _legs), digest in zip(applied, hashes, strict=True)
    ]
    journal = await _append_journal(session, records)
    await savepoint.commit()
    return [Posted(transient_transfer(r["transfer"]), j, replay=False) for r, j in zip(records, journal, strict=True)]


async def outcome_stored_under(session: AsyncSession, key: str, request: dict[str, Any]) -> Posted | None:
    """The outcome `key` already holds, as a replay, for operations that must know before they decide; None when
    the key is new. The same key with another request is a 409 naming the differing fields."""
    found = await LedgerRepository(session).transfer_by_key(key)
    if found is None:
        return None
    transfer, journal = found
    if transfer.request_hash != request_hash(request):
        raise TransferIdReused(key, differing_fields(transfer.request, request))
    return Posted(transfer, journal, replay=True)


def header_values(spec: TransferSpec, digest: str, actor: str, now: datetime, *, with_links: bool) -> dict:
    return {
        "key": spec.key, "request_hash": digest, "request": spec.request, "kind": spec.kind, "code": spec.code,
        "debit_account_id": spec.debit_account_id, "credit_account_id": spec.credit_account_id,
        "amount": spec.amount,
        "pending_id": spec.pending.id if with_links and spec.pending is not None else None,
        "reverses_id": spec.reverses.id if with_links and spec.reverses is not None else None,
        "once_key": spec.once_key if with_links else None,
        "expires_at": spec.expires_at, "award_id": spec.award_id, "metadata": spec.meta, "actor": actor,
        "created_at": now,
    }


async def _insert_headers(session: AsyncSession, specs: Sequence[TransferSpec], hashes: list[str], actor: str,
                          now: datetime, *, with_links: bool) -> list[int] | None:
    """The headers in one INSERT, their ids in the order of `specs`; None when a key is already taken (the
    caller rolls back the others with its savepoint)."""
    rows = [header_values(spec, digest, actor, now, with_links=with_links)
            for spec, digest in zip(specs, hashes, strict=True)]
    # The rows as parameters, not as values of the statement: SQLAlchemy then compiles the one-row statement once
    # and sends the rows in one INSERT ("insertmanyvalues").
    statement = (insert_unless_present(session, TRANSFERS).on_conflict_do_nothing(index_elements=["key"])
                 .returning(TRANSFERS.c.key, TRANSFERS.c.id))
    ids = {key: transfer_id for key, transfer_id in await session.execute(statement, rows)}
    return [ids[spec.key] for spec in specs] if len(ids) == len(specs) else None


async def lock_accounts(session: AsyncSession, account_ids: set[int]) -> None:
    """Ascending id order, like every guarded update: two transactions never wait on each other in a cycle.
    FOR NO KEY UPDATE, the lock an UPDATE of the counters takes anyway: unlike FOR UPDATE it does not block the
    KEY SHARE locks that foreign keys to the account take (a rejected transfer's journal row names its account
    while holding the journal lock, so FOR UPDATE here would deadlock with it).
    (SQLite needs no row locks: BEGIN IMMEDIATE already made this the only writer.)"""
    if is_postgresql(session):
        await session.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.id.in_(account_ids))
                              .order_by(ACCOUNTS.c.id).with_for_update(key_share=True))


def _balances(row: Any, normal_side: str) -> tuple[int, int]:
    """(low, high): the normal balance if every outgoing / every incoming pending posts."""
    if normal_side == "credit":
        return (row.credits_posted - row.debits_posted - row.debits_pending,
                row.credits_posted + row.credits_pending - row.debits_posted)
    return (row.debits_posted - row.credits_posted - row.credits_pending,
            row.debits_posted + row.debits_pending - row.credits_posted)


def _balance_change(deltas: dict[str, int], normal_side: str) -> tuple[int, int]:
    d = {c: deltas.get(c, 0) for c in ("debits_posted", "credits_posted", "debits_pending", "credits_pending")}
    if normal_side == "credit":
        return (d["credits_posted"] - d["debits_posted"] - d["debits_pending"],
                d["credits_posted"] + d["credits_pending"] - d["debits_posted"])
    return (d["debits_posted"] - d["credits_posted"] - d["credits_pending"],
            d["debits_posted"] + d["debits_pending"] - d["credits_posted"])


async def _ceiling_room(session: AsyncSession, account: Any) -> int:
    row = (await session.execute(select(ACCOUNTS).where(ACCOUNTS.c.id == account.id))).one()
    if row.ceiling is None:
        return MAX_COUNTER
    return max(row.ceiling - _balances(row, account.normal_side)[1], 0)


# The shape of a guarded UPDATE: (normal side, counters moved, check open, check floor, check ceiling).
Shape = tuple[str, tuple[str, ...], bool, bool, bool]


def _guarded_update(shape: Shape, parameter: Callable[[str], Any]) -> Any:
    """The guarded UPDATE for one shape of leg; `parameter(name)` is where each amount comes from (a bound
    parameter, or a column of the rows of several legs)."""
    normal_side, columns, check_open, check_floor, check_ceiling = shape
    c = ACCOUNTS.c
    if normal_side == "credit":
        low = c.credits_posted - c.debits_posted - c.debits_pending
        high = c.credits_posted + c.credits_pending - c.debits_posted
    else:
        low = c.debits_posted - c.credits_posted - c.credits_pending
        high = c.debits_posted + c.debits_pending - c.credits_posted
    conditions = [c.id == parameter("account_id")]
    if check_open:
        conditions.append(c.closed_at.is_(None))
    conditions += [c[column] < parameter(f"limit_{column}") for column in columns]
    if check_floor:
        conditions.append(or_(c.floor.is_(None), low + parameter("low_change") >= c.floor))
    if check_ceiling:
        conditions.append(or_(c.ceiling.is_(None), high + parameter("high_change") <= c.ceiling))
    return (update(ACCOUNTS).where(*conditions)
            .values({column: c[column] + parameter(f"delta_{column}") for column in columns})
            .returning(c.id))


@lru_cache(maxsize=512)
def _guarded_update_of_one(shape: Shape) -> Any:
    """Built once per shape: amounts travel as bound parameters, so the statement is compiled once per shape
    instead of once per request."""
    return _guarded_update(shape, lambda name: bindparam(name, type_=BigInteger))


@lru_cache(maxsize=512)
def _guarded_update_of_many(shape: Shape) -> Any:
    """One UPDATE moving several accounts of one shape, each by its own amounts (PostgreSQL: UPDATE … FROM
    unnest of one array per amount); it returns the ids of the accounts it moved. Built once per shape, like
    `_guarded_update_of_one`."""
    legs = func.unnest(*(bindparam(name, type_=ARRAY(BigInteger)) for name in _parameter_names(shape))).table_valued(
        *(named_column(name, BigInteger) for name in _parameter_names(shape))).render_derived(name="leg")
    return _guarded_update(shape, lambda name: legs.c[name])


def _parameter_names(shape: Shape) -> list[str]:
    columns = shape[1]
    return ["account_id", "low_change", "high_change", *(f"delta_{c}" for c in columns),
            *(f"limit_{c}" for c in columns)]


def _leg_update(leg: Leg, account: Any) -> tuple[Shape, dict[str, int], int, int]:
    """The shape of the guarded UPDATE a leg needs and its parameters; and the leg's change of the low and high
    balance."""
    low_change, high_change = _balance_change(leg.deltas, account.normal_side)
    columns = tuple(sorted(column for column, delta in leg.deltas.items() if delta))
    params: dict[str, int] = {"account_id": leg.account_id, "low_change": low_change, "high_change": high_change}
    for column in columns:
        params[f"delta_{column}"] = leg.deltas[column]
        # Only a growing counter can overflow; a shrinking one gets a bound it always meets.
        params[f"limit_{column}"] = MAX_COUNTER - max(leg.deltas[column], 0) if leg.deltas[column] > 0 else MAX_COUNTER
    return (account.normal_side, columns, leg.check_open, low_change < 0, high_change > 0), params, low_change, high_change


def _summed(legs: list[Leg], account: Any) -> Leg | None:
    """One leg doing what `legs` (all on one account) do one after another, when each counter and each balance
    bound moves only one way across them: then the sum within bounds means every partial sum was within them
    too, in any order. None when they move some way both up and down."""
    changes = [(*_balance_change(leg.deltas, account.normal_side), *leg.deltas.values()) for leg in legs]
    if any(min(moves) < 0 < max(moves) for moves in zip(*changes, strict=False)) or \
            any(leg.deltas.keys() != legs[0].deltas.keys() for leg in legs):
        return None
    return Leg(legs[0].account_id, {column: sum(leg.deltas[column] for leg in legs) for column in legs[0].deltas},
               check_open=any(leg.check_open for leg in legs))


async def _apply_summed_legs(session: AsyncSession, specs: Sequence[TransferSpec], accounts: dict[int, Any]) -> bool:
    """A batch's legs applied at once, one summed leg per account (see `_summed`), and on PostgreSQL one UPDATE
    per shape of leg instead of one per leg. False, with nothing moved, when the legs do not sum or an account
    refuses the sum: the caller then goes leg by leg, which names the leg that fails."""
    if len(specs) < 2 or any(spec.balancing for spec in specs):
        return False
    by_account: dict[int, list[Leg]] = {}
    for spec in specs:
        for leg in spec.legs(spec.amount):
            by_account.setdefault(leg.account_id, []).append(leg)
    by_shape: dict[Shape, list[dict[str, int]]] = {}
    for account_id in sorted(by_account):
        leg = _summed(by_account[account_id], accounts[account_id])
        if leg is None:
            return False
        shape, params, _, _ = _leg_update(leg, accounts[account_id])
        by_shape.setdefault(shape, []).append(params)
    savepoint = await session.begin_nested()
    for shape, rows in by_shape.items():
        if len(rows) > 1 and is_postgresql(session):
            arrays = {name: [row[name] for row in rows] for name in _parameter_names(shape)}
            moved = len((await session.execute(_guarded_update_of_many(shape), arrays)).all())
        else:
            moved = sum([(await session.execute(_guarded_update_of_one(shape), row)).first() is not None
                         for row in rows])
        if moved != len(rows):
            await savepoint.rollback()
            return False
    await savepoint.commit()
    return True


async def _apply_leg(session: AsyncSession, leg: Leg, account: Any) -> Failure | None:
    shape, params, low_change, high_change = _leg_update(leg, account)
    statement = _guarded_update_of_one(shape)
    for _ in range(3):
        if (await session.execute(statement, params)).first() is not None:
            return None
        failure = await _diagnose(session, leg, account, low_change, high_change)
        if failure is not None:
            return failure
        # The row changed between the refused update and our look at it (READ COMMITTED): try again.
    raise RuntimeError(f"guarded update on account {leg.account_id} kept failing without a visible reason")


_FLOOR_REASON = {"budget": "budget_insufficient", "commitment": "commitment_insufficient"}
_CEILING_REASON = {"commitment": "award_cap_exceeded", "paid": "award_cap_exceeded"}


async def _diagnose(session: AsyncSession, leg: Leg, account: Any, low_change: int,
                    high_change: int) -> Failure | None:
    row = (await session.execute(select(ACCOUNTS).where(ACCOUNTS.c.id == leg.account_id))).one()
    if leg.check_open and row.closed_at is not None:
        return Failure("account_closed", leg.account_id, 0)
    if any(delta > 0 and getattr(row, column) + delta >= MAX_COUNTER for column, delta in leg.deltas.items()):
        return Failure("counter_overflow", leg.account_id, 0)
    low, high = _balances(row, account.normal_side)
    if low_change < 0 and row.floor is not None and low + low_change < row.floor:
        return Failure(_FLOOR_REASON.get(account.kind, "insufficient_funds"), leg.account_id, max(low - row.floor, 0))
    if high_change > 0 and row.ceiling is not None and high + high_change > row.ceiling:
        return Failure(_CEILING_REASON.get(account.kind, "ceiling_exceeded"), leg.account_id,
                       max(row.ceiling - high, 0))
    return None


def _entry_rows(transfers: list[tuple[int, list[Leg]]]) -> list[dict]:
    """One entry per counter a leg moves; every transfer must balance per layer (checked here because SQLite
    has no deferred constraint trigger to do it at COMMIT)."""
    entry_rows = []
    for transfer_id, legs in transfers:
        rows = [{"transfer_id": transfer_id, "account_id": leg.account_id, "side": column.split("s_")[0],
                 "layer": column.split("_")[1], "amount": delta}
                for leg in legs for column, delta in leg.deltas.items() if delta]
        _assert_balanced(rows)
        entry_rows.extend(rows)
    return entry_rows


def _assert_balanced(rows: list[dict]) -> None:
    for layer in ("posted", "pending"):
        total = sum(r["amount"] if r["side"] == "credit" else -r["amount"] for r in rows if r["layer"] == layer)
        if total != 0:
            raise AssertionError(f"unbalanced {layer} entries: {rows}")


async def _link_failure(session: AsyncSession, specs: Sequence[TransferSpec]) -> tuple[int, Failure]:
    """A link was taken by another transfer: say which, and why, for the stored rejection."""
    t = TRANSFERS.c
    for index, spec in enumerate(specs):
        if spec.pending is not None:
            winner = (await session.execute(select(t.kind).where(t.pending_id == spec.pending.id))).first()
            if winner is not None:
                return index, Failure("pending_expired" if winner.kind == "expire" else "pending_already_resolved")
        if spec.reverses is not None:
            if (await session.execute(select(t.id).where(t.reverses_id == spec.reverses.id))).first():
                return index, Failure("already_reversed")
        if spec.once_key is not None:
            if (await session.execute(select(t.id).where(t.once_key == spec.once_key))).first():
                return index, Failure(spec.once_reason)
    raise RuntimeError("a transfer header was refused for a reason other than a taken link")


async def _store_rejection(session: AsyncSession, specs: Sequence[TransferSpec], hashes: list[str], actor: str,
                           now: datetime, failure_at: tuple[int, Failure]) -> list[Posted]:
    savepoint = await session.begin_nested()
    ids = await _insert_headers(session, specs, hashes, actor, now, with_links=False)
    if ids is None:
        # Between our rollback and this insert a concurrent request with the same id committed: its outcome
        # is the id's outcome.
        await savepoint.rollback()
        return await _replays_of_batch(session, specs, hashes)
    failed_index, failure = failure_at
    records = []
    for index, (spec, digest, transfer_id) in enumerate(zip(specs, hashes, ids, strict=True)):
        mine = index == failed_index
        records.append(dict(
            transfer=header_values(spec, digest, actor, now, with_links=False) | {"id": transfer_id},
            outcome="rejected", amount=0, reason=failure.reason if mine else "linked_transfer_failed",
            account_id=failure.account_id if mine else None, headroom=failure.headroom if mine else None,
            entries=[]))
    journal = await _append_journal(session, records)
    await savepoint.commit()
    return [Posted(transient_transfer(r["transfer"]), j, replay=False) for r, j in zip(records, journal, strict=True)]


async def _replays_of_batch(session: AsyncSession, specs: Sequence[TransferSpec], hashes: list[str]
                            ) -> list[Posted]:
    """The stored outcomes of a batch whose ids are taken: all of them replayed, or a 409 (another request under
    an id, or only some of the ids taken)."""
    found = await LedgerRepository(session).transfers_by_keys([s.key for s in specs])
    if len(found) != len(specs):
        raise BatchPartiallyExists(sorted(found))
    results = []
    for spec, digest in zip(specs, hashes, strict=True):
        transfer, journal = found[spec.key]
        if transfer.request_hash != digest:
            raise TransferIdReused(spec.key, differing_fields(transfer.request, spec.request))
        results.append(Posted(transfer, journal, replay=True))
    return results


async def _append_journal(session: AsyncSession, records: list[dict]) -> list[JournalRecord]:
    """Taken last and held to COMMIT, so the chain's order is the commit order."""
    if is_postgresql(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JOURNAL_LOCK_KEY})
    j = JOURNAL.c
    head = (await session.execute(select(j.seq, j.hash, j.recorded_at).order_by(j.seq.desc()).limit(1))).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    recorded_at = max(clock.now(), head.recorded_at) if head else clock.now()
    rows = []
    for record in records:
        seq += 1
        digest = journal_hash(
            prev_hash=prev_hash, seq=seq, recorded_at=recorded_at, outcome=record["outcome"],
            amount=record["amount"], reason=record["reason"], account_id=record["account_id"],
            headroom=record["headroom"], transfer=transfer_fields(**record["transfer"]), entries=record["entries"],
        )
        rows.append({"seq": seq, "transfer_id": record["transfer"]["id"], "recorded_at": recorded_at,
                     "outcome": record["outcome"], "amount": record["amount"], "reason": record["reason"],
                     "account_id": record["account_id"], "headroom": record["headroom"], "prev_hash": prev_hash,
                     "hash": digest})
        prev_hash = digest
    await session.execute(insert(JOURNAL), rows)
    return [JournalRecord(**row) for row in rows]


def transient_transfer(values: dict) -> Transfer:
    values = dict(values)
    values["meta"] = values.pop("metadata")
    return Transfer(**values)
