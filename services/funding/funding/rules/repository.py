"""Named queries on the versioned funding rules."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import FundingRuleVersion


def _latest():  # noqa: ANN202
    return (select(FundingRuleVersion.code, func.max(FundingRuleVersion.version).label("version"))
            .group_by(FundingRuleVersion.code).subquery())


async def current_rule(session: AsyncSession, code: str) -> FundingRuleVersion | None:
    return await session.scalar(select(FundingRuleVersion).where(FundingRuleVersion.code == code)
                                .order_by(FundingRuleVersion.version.desc()).limit(1))


async def current_rules(session: AsyncSession, plan_code: str | None = None) -> list[FundingRuleVersion]:
    latest = _latest()
    statement = (select(FundingRuleVersion)
                 .join(latest, (latest.c.code == FundingRuleVersion.code) & (latest.c.version == FundingRuleVersion.version))
                 .order_by(FundingRuleVersion.task_number, FundingRuleVersion.id))
    if plan_code:
        statement = statement.where(FundingRuleVersion.plan_code == plan_code)
    return list((await session.scalars(statement)).all())


async def rule_version(session: AsyncSession, code: str, version: int) -> FundingRuleVersion | None:
    return await session.scalar(select(FundingRuleVersion).where(FundingRuleVersion.code == code,
                                                                 FundingRuleVersion.version == version))
