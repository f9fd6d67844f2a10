"""Named queries on the versioned funding rules. Never commits."""

from sqlalchemy import func, select, text

from funding.ledger.repository import is_postgresql
from funding.models import FundingRuleVersion
from servicekit.repository import RepositoryBase

# pg_advisory_xact_lock key serialising rule imports (two imports must not both add version n + 1).
RULES_IMPORT_LOCK = 0x52554C45  # "RULE"


class RulesRepository(RepositoryBase[FundingRuleVersion]):
    async def current_rule(self, code: str) -> FundingRuleVersion | None:
        return await self.one_or_none(select(FundingRuleVersion).where(FundingRuleVersion.code == code)
                                      .order_by(FundingRuleVersion.version.desc()))

    async def current_rules(self, plan_code: str | None = None) -> list[FundingRuleVersion]:
        latest = (select(FundingRuleVersion.code, func.max(FundingRuleVersion.version).label("version"))
                  .group_by(FundingRuleVersion.code).subquery())
        statement = (select(FundingRuleVersion)
                     .join(latest, (latest.c.code == FundingRuleVersion.code)
                           & (latest.c.version == FundingRuleVersion.version))
                     .order_by(FundingRuleVersion.task_number, FundingRuleVersion.id))
        if plan_code:
            statement = statement.where(FundingRuleVersion.plan_code == plan_code)
        return await self.all(statement)

    async def rule_version(self, code: str, version: int) -> FundingRuleVersion | None:
        return await self.one_or_none(select(FundingRuleVersion).where(FundingRuleVersion.code == code,
                                                                       FundingRuleVersion.version == version))

    async def lock_imports(self) -> None:
        """Until this transaction ends, other imports wait (PostgreSQL; SQLite has one writer anyway)."""
        if is_postgresql(self.session):
            await self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RULES_IMPORT_LOCK})
