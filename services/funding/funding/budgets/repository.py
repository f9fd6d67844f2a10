"""Named queries on budgets: the ledger accounts of kind `budget`, one per program and fiscal year (and city,
for rules the cities pay). Never commits."""

from collections.abc import Iterable

from sqlalchemy import select

from funding.ledger.repository import equal_to
from funding.models import Account
from servicekit.repository import RepositoryBase


class BudgetRepository(RepositoryBase[Account]):
    async def budgets(self, *, fiscal_year: int | None = None, program_code: str | None = None,
                      budget_ids: Iterable[int] | None = None, programs: Iterable[str] | None = None
                      ) -> list[Account]:
        """The budgets that match every filter given, by program, year and id."""
        statement = equal_to(select(Account), kind="budget", fiscal_year=fiscal_year, program_code=program_code)
        if budget_ids is not None:
            statement = statement.where(Account.id.in_(set(budget_ids)))
        if programs is not None:
            statement = statement.where(Account.program_code.in_(set(programs)))
        return await self.all(statement.order_by(Account.program_code, Account.fiscal_year, Account.id))

    async def budget_by_code(self, code: str) -> Account | None:
        return await self.one_or_none(select(Account).where(Account.code == code, Account.kind == "budget"))

    async def open_budgets_of_year(self, fiscal_year: int) -> list[Account]:
        return await self.all(select(Account).where(Account.kind == "budget", Account.fiscal_year == fiscal_year,
                                                    Account.closed_at.is_(None)).order_by(Account.id))
