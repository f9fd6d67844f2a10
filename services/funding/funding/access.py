"""Object-level access, in one place: agency staff and agency keys read only the programs their agency leads;
admins and services read all of them."""

from sqlalchemy.ext.asyncio import AsyncSession

from funding.errors import ProgramNotYours
from funding.models import FundingRuleVersion
from funding.rules.repository import RulesRepository
from servicekit.identity import Principal


def reads_every_program(principal: Principal) -> bool:
    return principal.role in ("admin", "service")


def can_read_program(principal: Principal, rule: FundingRuleVersion) -> bool:
    if reads_every_program(principal):
        return True
    return principal.role in ("reviewer", "agency") and principal.agency in (rule.lead_agencies or [])


def ensure_program_reader(principal: Principal, rule: FundingRuleVersion) -> None:
    if not can_read_program(principal, rule):
        raise ProgramNotYours()


async def readable_programs(session: AsyncSession, principal: Principal) -> set[str] | None:
    """The codes of the programs `principal` may read; None when that is every program."""
    if reads_every_program(principal):
        return None
    return {rule.code for rule in await RulesRepository(session).current_rules()
            if can_read_program(principal, rule)}
