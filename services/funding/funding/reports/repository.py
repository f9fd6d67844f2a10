"""What the reports read from the ledger: budget accounts, the award commitments drawn on them, and the money
that moved between accounts (posted, or held by live reservations). Never commits."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select

from funding.ledger.repository import live_pending_condition
from funding.models import Account, Award, JournalRecord, Transfer
from servicekit.repository import RepositoryBase


class ReportRepository(RepositoryBase[Account]):
    async def commitments_of(self, budget_ids: Iterable[int]) -> list[tuple[Account, int]]:
        """Each award commitment drawn on these budgets, with the budget's id."""
        ids = set(budget_ids)
        if not ids:
            return []
        rows = await self.session.execute(
            select(Account, Award.budget_account_id).join(Award, Award.commitment_account_id == Account.id)
            .where(Award.budget_account_id.in_(ids)).order_by(Account.id))
        return [(account, budget_id) for account, budget_id in rows.all()]

    async def posted_flows(self, account_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        """Posted amounts per (debit, credit) account pair, over the pairs that touch these accounts."""
        ids = set(account_ids)
        rows = await self.session.execute(
            select(Transfer.debit_account_id, Transfer.credit_account_id, func.sum(JournalRecord.amount))
            .join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
            .where(JournalRecord.outcome == "posted",
                   or_(Transfer.debit_account_id.in_(ids), Transfer.credit_account_id.in_(ids)))
            .group_by(Transfer.debit_account_id, Transfer.credit_account_id))
        return {(debit, credit): int(total) for debit, credit, total in rows.all()}

    async def reserved_flows(self, budget_ids: Iterable[int], now: datetime) -> dict[tuple[int, int], int]:
        """Amounts live reservations hold on these budgets now, per (budget, commitment)."""
        rows = await self.session.execute(
            select(Transfer.debit_account_id, Transfer.credit_account_id, func.sum(JournalRecord.amount))
            .join(JournalRecord, JournalRecord.transfer_id == Transfer.id)
            .where(live_pending_condition(now), Transfer.expires_at > now,
                   Transfer.debit_account_id.in_(set(budget_ids)))
            .group_by(Transfer.debit_account_id, Transfer.credit_account_id))
        return {(debit, credit): int(total) for debit, credit, total in rows.all()}

    async def kinds_of(self, account_ids: Iterable[int]) -> dict[int, str]:
        ids = set(account_ids)
        if not ids:
            return {}
        return dict((await self.session.execute(select(Account.id, Account.kind).where(Account.id.in_(ids)))).all())
