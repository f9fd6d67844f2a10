"""Queries of checkpoints, the counters they sealed, and verification runs."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Row, RowMapping, and_, exists, func, insert, select
from sqlalchemy.orm import aliased

from funding.ledger.repository import LedgerRepository
from funding.models import (
    COUNTERS,
    Account,
    Entry,
    JournalRecord,
    LedgerCheckpoint,
    LedgerCheckpointCounters,
    LedgerVerificationRun,
    Transfer,
)


class VerificationRepository(LedgerRepository):
    # Checkpoints ---------------------------------------------------------------------------------------------

    async def latest_checkpoint(self) -> LedgerCheckpoint | None:
        return await self.one_or_none(select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq.desc()))

    async def checkpoint(self, seq: int) -> LedgerCheckpoint | None:
        return await self.session.get(LedgerCheckpoint, seq)

    async def checkpoint_sealing(self, seq: int) -> LedgerCheckpoint | None:
        """The checkpoint whose stretch holds journal position `seq`."""
        return await self.one_or_none(select(LedgerCheckpoint).where(LedgerCheckpoint.seq >= seq)
                                      .order_by(LedgerCheckpoint.seq))

    async def checkpoints_before(self, before_seq: int | None, limit: int) -> list[LedgerCheckpoint]:
        statement = select(LedgerCheckpoint).order_by(LedgerCheckpoint.seq.desc()).limit(limit)
        if before_seq is not None:
            statement = statement.where(LedgerCheckpoint.seq < before_seq)
        return await self.all(statement)

    async def checkpoints_from(self, after_seq: int, limit: int) -> list[LedgerCheckpoint]:
        return await self.all(select(LedgerCheckpoint).where(LedgerCheckpoint.seq > after_seq)
                              .order_by(LedgerCheckpoint.seq).limit(limit))

    async def counters_at(self, seq: int, account_ids: list[int] | None = None) -> dict[int, list[int]]:
        """Each account's counters as sealed by the latest checkpoint at or before `seq` that moved it: one index
        lookup per account, whatever the number of checkpoints."""
        sealed = aliased(LedgerCheckpointCounters)
        newest_seq = (select(func.max(sealed.checkpoint_seq))
                      .where(sealed.account_id == Account.id, sealed.checkpoint_seq <= seq)
                      .correlate(Account).scalar_subquery())
        # Plain rows, not ORM objects: with tens of thousands of accounts (two per award) building objects cost
        # most of the fast verification's second.
        counters = [getattr(LedgerCheckpointCounters, c) for c in COUNTERS]
        statement = (select(LedgerCheckpointCounters.account_id, *counters).select_from(Account)
                     .join(LedgerCheckpointCounters, and_(LedgerCheckpointCounters.account_id == Account.id,
                                                          LedgerCheckpointCounters.checkpoint_seq == newest_seq)))
        if account_ids is not None:
            statement = statement.where(Account.id.in_(account_ids))
        return {row[0]: list(row[1:]) for row in await self.session.execute(statement)}

    async def accounts_to_check(self) -> list[Row]:
        """Every account's limits and stored counters, as plain rows (attribute access like an Account)."""
        return list((await self.session.execute(select(
            Account.id, Account.code, Account.normal_side, Account.floor, Account.ceiling,
            *[getattr(Account, c) for c in COUNTERS]).order_by(Account.id))).all())

    async def sealed_counters(self, seq: int) -> dict[int, list[int]]:
        """The counters checkpoint `seq` sealed: of the accounts its stretch moved."""
        rows = await self.all(select(LedgerCheckpointCounters).where(LedgerCheckpointCounters.checkpoint_seq == seq))
        return {row.account_id: [getattr(row, c) for c in COUNTERS] for row in rows}

    async def add_sealed_counters(self, seq: int, counters: dict[int, list[int]]) -> None:
        if counters:
            await self.session.execute(insert(LedgerCheckpointCounters), [
                {"account_id": account_id, "checkpoint_seq": seq, **dict(zip(COUNTERS, values, strict=True))}
                for account_id, values in counters.items()])

    # The journal ---------------------------------------------------------------------------------------------

    async def head(self) -> tuple[int, str | None, object]:
        """The last journal row's position, hash and time (0, None, None when the journal is empty)."""
        row = (await self.session.execute(select(JournalRecord.seq, JournalRecord.hash, JournalRecord.recorded_at)
                                          .order_by(JournalRecord.seq.desc()).limit(1))).first()
        return (row.seq, row.hash, row.recorded_at) if row else (0, None, None)

    # Plain rows, not ORM objects, for what the verifier reads in bulk: building an object per row cost more than
    # hashing it.

    async def journal_rows_from(self, seq: int, limit: int) -> list[Row]:
        journal = JournalRecord.__table__
        return list((await self.session.execute(select(journal).where(journal.c.seq >= seq)
                                                .order_by(journal.c.seq).limit(limit))).all())

    async def transfer_rows(self, ids: Iterable[int]) -> dict[int, RowMapping]:
        transfers = Transfer.__table__
        rows = await self.session.execute(select(transfers).where(transfers.c.id.in_(set(ids))))
        return {row.id: row._mapping for row in rows.all()}

    async def entry_rows(self, transfer_ids: Iterable[int]) -> dict[int, list[Row]]:
        entries = Entry.__table__
        rows = await self.session.execute(
            select(entries.c.transfer_id, entries.c.account_id, entries.c.side, entries.c.layer, entries.c.amount)
            .where(entries.c.transfer_id.in_(set(transfer_ids))).order_by(entries.c.id))
        by_transfer: dict[int, list[Row]] = defaultdict(list)
        for row in rows.all():
            by_transfer[row.transfer_id].append(row)
        return by_transfer

    async def record_at(self, seq: int) -> JournalRecord | None:
        return await self.session.get(JournalRecord, seq)

    async def transfers_without_journal(self, from_transfer_id: int, expected: int) -> list[int]:
        """Transfers from this id on that have no journal row (every transfer gets one in its transaction), when
        about `expected` transfers are there. Two ordered index range reads compared here: as one anti-join,
        PostgreSQL's plan for an unknown lower bound hashed the whole journal (0.2-0.4 s at 700,000 rows)."""
        limit = expected + 101
        transfer_ids = (await self.session.scalars(select(Transfer.id).where(Transfer.id >= from_transfer_id)
                                                   .order_by(Transfer.id).limit(limit))).all()
        recorded = set((await self.session.scalars(
            select(JournalRecord.transfer_id).where(JournalRecord.transfer_id >= from_transfer_id)
            .order_by(JournalRecord.transfer_id).limit(limit))).all())
        return [transfer_id for transfer_id in transfer_ids if transfer_id not in recorded][:100]

    async def recorded_at(self, seq: int):  # noqa: ANN201 - a datetime or None
        return await self.session.scalar(select(JournalRecord.recorded_at).where(JournalRecord.seq == seq))

    async def journal_hashes(self, after_seq: int, upto_seq: int) -> list[str]:
        return list((await self.session.scalars(
            select(JournalRecord.hash).where(JournalRecord.seq > after_seq, JournalRecord.seq <= upto_seq)
            .order_by(JournalRecord.seq))).all())

    # Verification runs ---------------------------------------------------------------------------------------

    async def run(self, run_id: int) -> LedgerVerificationRun | None:
        return await self.session.get(LedgerVerificationRun, run_id)

    async def latest_run(self) -> LedgerVerificationRun | None:
        return await self.one_or_none(select(LedgerVerificationRun).order_by(LedgerVerificationRun.id.desc()))
