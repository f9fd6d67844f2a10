"""Plain transfers posted in one statement on PostgreSQL: `funding_post_plain` (migration
funding_2026_11_26_one_statement, replaced by funding_2026_11_26_lean_posting) runs the posting algorithm of
posting.py for transfers whose amounts are known and that take effect, as its own transaction. The full path
costs about a dozen round trips, with the budget's row and the journal lock held across several of them; this
costs one, and holds them only inside the server.

The concurrent requests of one process go together (`PlainTransferBatches`): while one call is in flight the
next requests wait, and the next call takes them all, so a busy worker commits many transfers at once and a hot
budget row is fought over by a few calls instead of every request.

It is only ever a shortcut: a transfer the function leaves out (the id holds an outcome, an account is unknown,
closed or in another currency, a guard refuses, another transfer took the id), or a call that fails for any
reason, has nothing written and its request runs the full path, which replays, explains or stores the rejection.
So every answer a client can get is the full path's answer, and one transfer the database refuses outright
cannot take the others of its call down with it: each gets its own answer from the full path."""

import asyncio
import json
import logging
import weakref
from dataclasses import dataclass

import asyncpg
from sqlalchemy.util import greenlet_spawn

from funding.ledger.chain import journal_body_parts, request_hash, transfer_fields
from funding.ledger.posting import Posted, TransferSpec, header_values, transient_transfer
from funding.models import JournalRecord
from servicekit import clock
from servicekit.database import Database
from servicekit.unit_of_work import RETRYABLE_SQLSTATES

logger = logging.getLogger(__name__)

CALL = "SELECT * FROM funding_post_plain($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
MAX_BATCH = 64
UNDONE = "LDGR1"  # the function undid the whole batch (an id was taken meanwhile)


@dataclass
class PlainTransfer:
    """One request's transfer, with everything the function needs already computed."""

    spec: TransferSpec
    currency: str
    values: dict  # the header's columns (posting.header_values)
    body_parts: list[str]  # chain.journal_body_parts


def plain_transfer(spec: TransferSpec, currency: str, actor: str) -> PlainTransfer:
    now = clock.now()
    values = header_values(spec, request_hash(spec.request), actor, now, with_links=True)
    fields = transfer_fields(**values, id=0)
    del fields["id"]
    entries = [(spec.debit_account_id, "debit", "posted", spec.amount),
               (spec.credit_account_id, "credit", "posted", spec.amount)]
    parts = journal_body_parts(outcome="posted", amount=spec.amount, reason=None, account_id=None, headroom=None,
                               transfer=fields, entries=entries)
    return PlainTransfer(spec, currency, values, parts)


async def post_plain(database: Database, spec: TransferSpec, currency: str, actor: str) -> Posted | None:
    """The posted outcome, or None when the full path must answer (nothing of this transfer was written)."""
    return await _batches_of(database).post(plain_transfer(spec, currency, actor))


class PlainTransferBatches:
    """The plain transfers of this process waiting for a call: one call at a time, each taking what has queued
    while the previous one ran (a second call in flight gained nothing on a hot budget when measured, and lost on
    spread ones, its batches then contending for rows)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.waiting: list[tuple[PlainTransfer, asyncio.Future]] = []
        self.drain: asyncio.Task | None = None

    async def post(self, transfer: PlainTransfer) -> Posted | None:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((transfer, future))
        if self.drain is None:
            self.drain = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        batch: list[tuple[PlainTransfer, asyncio.Future]] = []
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                try:
                    results = await _post_batch(self.database, [transfer for transfer, _ in batch])
                except Exception:  # noqa: BLE001 - whatever failed, the full path answers each request
                    logger.exception("one-statement posting of %s transfers failed; taking the full path", len(batch))
                    results = [None] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():  # else its request was cancelled; the id keeps what was stored
                        future.set_result(result)
                batch = []
        finally:
            # Set here, with no await between the loop's last look at `waiting` and this line, so a request
            # queued after it starts a new drain.
            self.drain = None
            if batch:  # this task itself was cancelled (shutting down): nobody is left to answer these
                for _, future in batch + self.waiting:
                    future.cancel()
                self.waiting = []


_BATCHES: "weakref.WeakKeyDictionary[Database, PlainTransferBatches]" = weakref.WeakKeyDictionary()


def _batches_of(database: Database) -> PlainTransferBatches:
    batches = _BATCHES.get(database)
    if batches is None:
        batches = _BATCHES[database] = PlainTransferBatches(database)
    return batches


async def _post_batch(database: Database, batch: list[PlainTransfer]) -> list[Posted | None]:
    specs = [t.spec for t in batch]
    arguments = (
        [s.key for s in specs], [t.values["request_hash"] for t in batch], [json.dumps(s.request) for s in specs],
        [s.code for s in specs], [s.debit_account_id for s in specs], [s.credit_account_id for s in specs],
        [s.amount for s in specs], [s.award_id for s in specs], [json.dumps(s.meta) for s in specs],
        [t.values["actor"] for t in batch], [t.values["created_at"] for t in batch], [t.currency for t in batch],
        [part for t in batch for part in t.body_parts],
    )
    pooled = await database.engine.raw_connection()
    try:
        # Straight on the driver: no BEGIN is sent, so the statement is its own transaction.
        rows = await pooled.driver_connection.fetch(CALL, *arguments)
    except Exception as error:  # noqa: BLE001 - whatever failed, each request of the call takes the full path
        lost = _connection_lost(error)
        if lost:
            # Whether the statement committed is unknown; the full path (which retries on a new connection) finds
            # the outcomes under their ids if it did.
            await greenlet_spawn(pooled.invalidate)
        routine = lost or _sqlstate(error) == UNDONE or _sqlstate(error) in RETRYABLE_SQLSTATES
        # Anything else (one transfer the database refuses) is not routine, but it wrote nothing either: each
        # request of the call still gets its own answer from the full path.
        (logger.info if routine else logger.warning)(
            "one-statement posting of %s transfers failed (%s: %s); taking the full path", len(batch),
            _sqlstate(error) or type(error).__name__, error)
        return [None] * len(batch)
    finally:
        await greenlet_spawn(pooled.close)  # back to the pool (SQLAlchemy's reset runs in its greenlet)
    results: list[Posted | None] = [None] * len(batch)
    for row in rows:
        transfer = batch[row["item"] - 1]
        journal = JournalRecord(seq=row["seq"], transfer_id=row["transfer_id"], recorded_at=row["recorded_at"],
                                outcome="posted", amount=transfer.spec.amount, reason=None, account_id=None,
                                headroom=None, prev_hash=row["prev_hash"], hash=row["hash"])
        results[row["item"] - 1] = Posted(transient_transfer(transfer.values | {"id": row["transfer_id"]}), journal,
                                          replay=False)
    return results


def _sqlstate(error: BaseException) -> str | None:
    return getattr(error, "sqlstate", None)


def _connection_lost(error: BaseException) -> bool:
    """The connection is gone or its protocol state is unknown (only a server error leaves it usable)."""
    if not isinstance(error, asyncpg.PostgresError):
        return True
    state = _sqlstate(error) or ""
    return state.startswith("08") or state in ("57P01", "57P02", "57P03")
