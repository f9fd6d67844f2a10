"""Named queries of the ledger: accounts, transfers with their journal rows, entries, and what the verifier
reads. Never commits. The posting algorithm's own statements (guarded updates, the journal append) live with
the algorithm in posting.py."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, and_, case, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from funding.models import Account, Entry, JournalRecord, Transfer
from servicekit.pagination import PageParams, fetch_keyed_page
from servicekit.repository import RepositoryBase


def is_postgresql(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"


def insert_unless_present(session: AsyncSession, table: Table) -> Any:
    """An INSERT that does nothing when a unique key already holds a row (the dialect's ON CONFLICT)."""
    return (pg_insert if is_postgresql(session) else sqlite_insert)(table)


def equal_to(statement: Select, **values: Any) -> Select:
    """`statement` narrowed to the rows whose columns (of its entity) equal the values given; a None is no
    filter."""
    return statement.filter_by(**{column: value for column, value in values.items() if value is not None})


def live_pending_condition(at: datetime) -> Any:
    """Pending transfers whose reservation stood at `at`: recorded by then and not resolved by then."""
    resolution = aliased(Transfer)
    resolution_journal = aliased(JournalRecord)
    return and_(
        Transfer.kind == "pending",
        JournalRecord.outcome == "pending",
        JournalRecord.recorded_at <= at,
        ~exists().where(resolution.pending_id == Transfer.id, resolution_journal.transfer_id == resolution.id,
                        resolution_journal.recorded_at <= at),
    )


@dataclass(frozen=True)
class AccountFilters:
    kind: str | None = None
    program_code: str | None = None
    fiscal_year: int | None = None
    city_code: str | None = None
    award_id: str | None = None


@dataclass(frozen=True)
class TransferFilters:
    account_id: int | None = None
    code: str | None = None
    award_id: str | None = None
    outcome: str | None = None


_COUNTER_SIDES = {"debits_posted": ("debit", "posted"), "credits_posted": ("credit", "posted"),
                  "debits_pending": ("debit", "pending"), "credits_pending": ("credit", "pending")}
_WITH_JOURNAL = select(Transfer, JournalRecord).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)


class LedgerRepository(RepositoryBase[Account]):
    # Accounts ------------------------------------------------------------------------------------------------

    async def accounts_by_ids(self, ids: Iterable[int]) -> dict[int, Account]:
        return {account.id: account for account in await self.all(select(Account).where(Account.id.in_(set(ids))))}

    async def account_rows(self, ids: Iterable[int]) -> dict[int, Any]:
        """The fixed attributes of accounts (what the posting algorithm needs), without loading ORM objects."""
        rows = await self.session.execute(select(Account.id, Account.code, Account.kind, Account.currency,
                                                 Account.normal_side).where(Account.id.in_(set(ids))))
        return {row.id: row for row in rows.all()}

    async def fresh_accounts(self, ids: Iterable[int]) -> dict[int, Account]:
        """Accounts as the database holds them now, not as the session cached them: for reading counters after
        taking their locks."""
        statement = select(Account).where(Account.id.in_(set(ids))).execution_options(populate_existing=True)
        return {account.id: account for account in await self.all(statement)}

    async def account_by_id(self, account_id: int) -> Account | None:
        return await self.one_or_none(select(Account).where(Account.id == account_id))

    async def account_by_code(self, code: str) -> Account | None:
        return await self.one_or_none(select(Account).where(Account.code == code))

    async def insert_account_if_absent(self, values: dict[str, Any]) -> tuple[Account, bool]:
        """Create the account unless one with its code exists (a concurrent creator blocks on the unique index
        until it commits); the stored row either way, and whether this call created it."""
        statement = (insert_unless_present(self.session, Account.__table__).values(**values)
                     .on_conflict_do_nothing(index_elements=["code"]).returning(Account.__table__.c.id))
        created = (await self.session.execute(statement)).first() is not None
        account = await self.one_or_none(select(Account).where(Account.code == values["code"])
                                         .execution_options(populate_existing=True))
        return account, created

    async def insert_new_account(self, values: dict[str, Any]) -> Account | None:
        """Create the account in one statement, returning it; None when its code is taken (then read it)."""
        statement = (insert_unless_present(self.session, Account).values(**values)
                     .on_conflict_do_nothing(index_elements=["code"]).returning(Account)
                     .execution_options(populate_existing=True))
        return (await self.session.scalars(statement)).first()

    async def insert_new_accounts(self, rows: list[dict[str, Any]]) -> list[Account]:
        """Create the accounts in one statement, returning those created (a code already taken is left out)."""
        # The rows as parameters: the one-row statement is compiled once and the rows go in one INSERT.
        statement = (insert_unless_present(self.session, Account).on_conflict_do_nothing(index_elements=["code"])
                     .returning(Account).execution_options(populate_existing=True))
        return list((await self.session.scalars(statement, rows)).all())

    async def accounts_page(self, filters: AccountFilters, params: PageParams) -> tuple[list[Account], int]:
        return await self.page(equal_to(select(Account), **vars(filters)).order_by(Account.id), params)

    async def all_accounts(self) -> list[Account]:
        return await self.all(select(Account).order_by(Account.id))

    async def close_accounts(self, ids: Iterable[int], at: datetime) -> None:
        await self.session.execute(update(Account).where(Account.id.in_(set(ids)), Account.closed_at.is_(None))
                                   .values(closed_at=at))

    # Transfers -----------------------------------------------------------------------------------------------

    async def transfer_by_key(self, key: str) -> tuple[Transfer, JournalRecord] | None:
        row = (await self.session.execute(_WITH_JOURNAL.where(Transfer.key == key))).first()
        return (row[0], row[1]) if row else None

    async def transfers_by_keys(self, keys: Iterable[str]) -> dict[str, tuple[Transfer, JournalRecord]]:
        rows = (await self.session.execute(_WITH_JOURNAL.where(Transfer.key.in_(set(keys))))).all()
        return {transfer.key: (transfer, journal) for transfer, journal in rows}

    async def transfers_with_journal(self, ids: Iterable[int]) -> dict[int, tuple[Transfer, JournalRecord]]:
        rows = (await self.session.execute(_WITH_JOURNAL.where(Transfer.id.in_(set(ids))))).all()
        return {transfer.id: (transfer, journal) for transfer, journal in rows}

    async def transfers_by_once_keys(self, once_keys: Iterable[str]) -> dict[str, tuple[Transfer, JournalRecord]]:
        """The transfers that took effect for these business facts (a once key is set only on those)."""
        rows = (await self.session.execute(_WITH_JOURNAL.where(Transfer.once_key.in_(set(once_keys))))).all()
        return {transfer.once_key: (transfer, journal) for transfer, journal in rows}

    async def keys_by_ids(self, ids: Iterable[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = await self.session.execute(select(Transfer.id, Transfer.key).where(Transfer.id.in_(wanted)))
        return {row[0]: row[1] for row in rows.all()}

    async def resolutions_of(self, pending_ids: Iterable[int]) -> dict[int, Transfer]:
        """The post/void/expire that resolved each pending, if any."""
        wanted = set(pending_ids)
        if not wanted:
            return {}
        return {t.pending_id: t for t in await self.all(select(Transfer).where(Transfer.pending_id.in_(wanted)))}

    async def reversals_of(self, ids: Iterable[int]) -> dict[int, Transfer]:
        wanted = set(ids)
        if not wanted:
            return {}
        return {t.reverses_id: t for t in await self.all(select(Transfer).where(Transfer.reverses_id.in_(wanted)))}

    async def overdue_pendings(self, now: datetime, *, account_id: int | None = None,
                               limit: int = 500) -> list[Transfer]:
        """Pending transfers past their expiry that nothing resolved yet."""
        resolution = aliased(Transfer)
        statement = (
            select(Transfer).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
            .where(Transfer.kind == "pending", JournalRecord.outcome == "pending", Transfer.expires_at <= now,
                   ~exists().where(resolution.pending_id == Transfer.id))
        )
        if account_id is not None:
            statement = statement.where(or_(Transfer.debit_account_id == account_id,
                                            Transfer.credit_account_id == account_id))
        return await self.all(statement.order_by(Transfer.id).limit(limit))

    async def overdue_amounts(self, at: datetime, account_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Per account, (outgoing, incoming) pending amounts already past expiry at `at` but not yet released by
        an expire transfer: a read treats them as released (expiry is by the clock, not by the sweep)."""
        ids = set(account_ids)
        if not ids:
            return {}
        rows = (await self.session.execute(
            select(Transfer.debit_account_id, Transfer.credit_account_id, JournalRecord.amount)
            .join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
            .where(live_pending_condition(at), Transfer.expires_at <= at,
                   or_(Transfer.debit_account_id.in_(ids), Transfer.credit_account_id.in_(ids)))
        )).all()
        result: dict[int, list[int]] = {}
        for debit, credit, amount in rows:
            result.setdefault(debit, [0, 0])[0] += amount
            result.setdefault(credit, [0, 0])[1] += amount
        return {k: (v[0], v[1]) for k, v in result.items()}

    async def counters_as_of(self, at: datetime, account_ids: Iterable[int] | None = None
                             ) -> dict[int, dict[str, int]]:
        """Counters rebuilt from the entries recorded by `at`."""
        statement = (
            select(Entry.account_id, Entry.side, Entry.layer, func.sum(Entry.amount))
            .join(JournalRecord, JournalRecord.transfer_id == Entry.transfer_id)
            .where(JournalRecord.recorded_at <= at)
            .group_by(Entry.account_id, Entry.side, Entry.layer)
        )
        if account_ids is not None:
            statement = statement.where(Entry.account_id.in_(set(account_ids)))
        return _counters(await self.session.execute(statement))

    async def account_history_page(self, account_id: int, params: PageParams
                                   ) -> tuple[list[int], int | None, str | None]:
        """Ids of the transfers that moved the account, newest first (paged by id)."""
        return await fetch_keyed_page(self.session, select(Entry.transfer_id).where(Entry.account_id == account_id)
                                      .distinct(), params, [(Entry.transfer_id, True)], lambda i: [i])

    async def entries_of(self, transfer_ids: Iterable[int], account_id: int | None = None) -> list[Entry]:
        statement = select(Entry).where(Entry.transfer_id.in_(set(transfer_ids)))
        if account_id is not None:
            statement = statement.where(Entry.account_id == account_id)
        return await self.all(statement.order_by(Entry.id))

    async def transfer_ids_page(self, filters: TransferFilters, params: PageParams
                                ) -> tuple[list[int], int | None, str | None]:
        """Ids of the transfers that match, newest first (paged by id)."""
        statement = select(Transfer.id).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
        if filters.account_id:
            statement = statement.where(or_(Transfer.debit_account_id == filters.account_id,
                                            Transfer.credit_account_id == filters.account_id))
        if filters.code:
            statement = statement.where(Transfer.code == filters.code)
        if filters.award_id:
            statement = statement.where(Transfer.award_id == filters.award_id)
        if filters.outcome:
            statement = statement.where(JournalRecord.outcome == filters.outcome)
        return await fetch_keyed_page(self.session, statement, params, [(Transfer.id, True)], lambda i: [i])

    # What the verifier reads ---------------------------------------------------------------------------------

    async def accounts_with_entry_sums(self) -> list[tuple[Account, dict[str, int]]]:
        """Every account with what its entries add up to per counter, read in one statement: one snapshot, so a
        posting that commits meanwhile cannot make an account's counters and its entries seem to disagree."""
        sums = (select(Entry.account_id, *[
            func.sum(case((and_(Entry.side == side, Entry.layer == layer), Entry.amount), else_=0)).label(counter)
            for counter, (side, layer) in _COUNTER_SIDES.items()]).group_by(Entry.account_id).subquery())
        rows = await self.session.execute(
            select(Account, *[sums.c[counter] for counter in _COUNTER_SIDES])
            .outerjoin(sums, sums.c.account_id == Account.id).order_by(Account.id))
        return [(account, {counter: int(total or 0) for counter, total in zip(_COUNTER_SIDES, totals, strict=True)})
                for account, *totals in rows.all()]

    async def transfer_and_journal_counts(self) -> tuple[int, int]:
        """How many transfers and journal rows there are, in one snapshot."""
        row = (await self.session.execute(select(select(func.count()).select_from(Transfer).scalar_subquery(),
                                                 select(func.count()).select_from(JournalRecord).scalar_subquery())
                                          )).one()
        return int(row[0]), int(row[1])

    async def journal_from(self, seq: int, limit: int) -> list[JournalRecord]:
        return await self.all(select(JournalRecord).where(JournalRecord.seq >= seq).order_by(JournalRecord.seq)
                              .limit(limit))

    async def transfers_by_ids(self, ids: Iterable[int]) -> dict[int, Transfer]:
        return {t.id: t for t in await self.all(select(Transfer).where(Transfer.id.in_(set(ids))))}

    async def entries_by_transfer(self, transfer_ids: Iterable[int]) -> dict[int, list[Entry]]:
        entries: dict[int, list[Entry]] = defaultdict(list)
        for entry in await self.all(select(Entry).where(Entry.transfer_id.in_(set(transfer_ids)))):
            entries[entry.transfer_id].append(entry)
        return entries


def _counters(rows: Any) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = {}
    for account_id, side, layer, total in rows.all():
        result.setdefault(account_id, {})[f"{side}s_{layer}"] = int(total)
    return result
