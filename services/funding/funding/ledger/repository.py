"""Named queries of the ledger. Never commits; the posting algorithm's own statements live in posting.py."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from funding.models import Account, Entry, JournalRecord, Transfer
from funding.ledger.posting import is_postgresql


async def accounts_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    rows = (await session.scalars(select(Account).where(Account.id.in_(set(ids))))).all()
    return {account.id: account for account in rows}


async def account_rows(session: AsyncSession, ids: Iterable[int]) -> dict[int, Any]:
    """The fixed attributes of accounts (what the posting algorithm needs), without loading ORM objects."""
    rows = await session.execute(select(Account.id, Account.code, Account.kind, Account.currency,
                                        Account.normal_side).where(Account.id.in_(set(ids))))
    return {row.id: row for row in rows.all()}


async def fresh_accounts(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    """Accounts as the database holds them now, not as the session cached them: for reading counters after
    taking their locks."""
    rows = (await session.scalars(select(Account).where(Account.id.in_(set(ids)))
                                  .execution_options(populate_existing=True))).all()
    return {account.id: account for account in rows}


async def account_by_id(session: AsyncSession, account_id: int) -> Account | None:
    return await session.scalar(select(Account).where(Account.id == account_id))


async def account_by_code(session: AsyncSession, code: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.code == code))


async def insert_account_if_absent(session: AsyncSession, values: dict[str, Any]) -> Account:
    """Create the account unless one with its code exists (a concurrent creator blocks on the unique index
    until it commits); returns the stored row either way."""
    insert = (pg_insert if is_postgresql(session) else sqlite_insert)(Account.__table__)
    await session.execute(insert.values(**values).on_conflict_do_nothing(index_elements=["code"]))
    account = await session.scalar(
        select(Account).where(Account.code == values["code"]).execution_options(populate_existing=True)
    )
    assert account is not None
    return account


def list_accounts_statement(*, kind: str | None, program_code: str | None, fiscal_year: int | None,
                            city_code: str | None, award_id: str | None) -> Select:
    statement = select(Account)
    if kind:
        statement = statement.where(Account.kind == kind)
    if program_code:
        statement = statement.where(Account.program_code == program_code)
    if fiscal_year:
        statement = statement.where(Account.fiscal_year == fiscal_year)
    if city_code:
        statement = statement.where(Account.city_code == city_code)
    if award_id:
        statement = statement.where(Account.award_id == award_id)
    return statement.order_by(Account.id)


async def transfer_by_key(session: AsyncSession, key: str) -> tuple[Transfer, JournalRecord] | None:
    row = (await session.execute(
        select(Transfer, JournalRecord).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
        .where(Transfer.key == key)
    )).first()
    return (row[0], row[1]) if row else None


async def transfers_with_journal(session: AsyncSession, ids: Iterable[int]) -> dict[int, tuple[Transfer, JournalRecord]]:
    rows = (await session.execute(
        select(Transfer, JournalRecord).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
        .where(Transfer.id.in_(set(ids)))
    )).all()
    return {transfer.id: (transfer, journal) for transfer, journal in rows}


async def transfers_by_once_keys(session: AsyncSession, once_keys: Iterable[str]
                                 ) -> dict[str, tuple[Transfer, JournalRecord]]:
    """The transfers that took effect for these business facts (a once key is set only on those)."""
    rows = (await session.execute(
        select(Transfer, JournalRecord).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
        .where(Transfer.once_key.in_(set(once_keys)))
    )).all()
    return {transfer.once_key: (transfer, journal) for transfer, journal in rows}


async def keys_by_ids(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(Transfer.id, Transfer.key).where(Transfer.id.in_(wanted)))
    return {row[0]: row[1] for row in rows.all()}


async def resolutions_of(session: AsyncSession, pending_ids: Iterable[int]) -> dict[int, Transfer]:
    """The post/void/expire that resolved each pending, if any."""
    wanted = set(pending_ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Transfer).where(Transfer.pending_id.in_(wanted)))
    return {t.pending_id: t for t in rows}


async def reversals_of(session: AsyncSession, ids: Iterable[int]) -> dict[int, Transfer]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Transfer).where(Transfer.reverses_id.in_(wanted)))
    return {t.reverses_id: t for t in rows}


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


async def overdue_pendings(session: AsyncSession, now: datetime, *, account_id: int | None = None,
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
    return list((await session.scalars(statement.order_by(Transfer.id).limit(limit))).all())


async def overdue_amounts(session: AsyncSession, at: datetime, account_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per account, (outgoing, incoming) pending amounts already past expiry at `at` but not yet released by an
    expire transfer: a read treats them as released (expiry is by the clock, not by the sweep)."""
    ids = set(account_ids)
    if not ids:
        return {}
    rows = (await session.execute(
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


async def counters_as_of(session: AsyncSession, at: datetime, account_ids: Iterable[int] | None = None
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
    result: dict[int, dict[str, int]] = {}
    for account_id, side, layer, total in (await session.execute(statement)).all():
        result.setdefault(account_id, {})[f"{side}s_{layer}"] = int(total)
    return result


def account_history_statement(account_id: int) -> Select:
    return (select(Entry.transfer_id).where(Entry.account_id == account_id).distinct()
            .order_by(Entry.transfer_id.desc()))


async def entries_of(session: AsyncSession, transfer_ids: Iterable[int], account_id: int | None = None) -> list[Entry]:
    statement = select(Entry).where(Entry.transfer_id.in_(set(transfer_ids)))
    if account_id is not None:
        statement = statement.where(Entry.account_id == account_id)
    return list((await session.scalars(statement.order_by(Entry.id))).all())


def list_transfers_statement(*, account_id: int | None, code: str | None, award_id: str | None,
                             outcome: str | None) -> Select:
    statement = select(Transfer.id).join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
    if account_id:
        statement = statement.where(or_(Transfer.debit_account_id == account_id,
                                        Transfer.credit_account_id == account_id))
    if code:
        statement = statement.where(Transfer.code == code)
    if award_id:
        statement = statement.where(Transfer.award_id == award_id)
    if outcome:
        statement = statement.where(JournalRecord.outcome == outcome)
    return statement.order_by(Transfer.id.desc())


async def all_accounts(session: AsyncSession) -> list[Account]:
    return list((await session.scalars(select(Account).order_by(Account.id))).all())


async def close_accounts(session: AsyncSession, ids: Iterable[int], at: datetime) -> None:
    await session.execute(update(Account).where(Account.id.in_(set(ids)), Account.closed_at.is_(None))
                          .values(closed_at=at))
