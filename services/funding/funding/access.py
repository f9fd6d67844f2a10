"""Object-level access: agency staff and agency keys read only the programs their agency leads."""

from funding.errors import ProgramNotYours
from funding.models import FundingRuleVersion
from servicekit.identity import Principal


def can_read_program(principal: Principal, rule: FundingRuleVersion) -> bool:
    if principal.role in ("admin", "service"):
        return True
    return principal.role in ("reviewer", "agency") and principal.agency in (rule.lead_agencies or [])


def ensure_program_reader(principal: Principal, rule: FundingRuleVersion) -> None:
    if not can_read_program(principal, rule):
        raise ProgramNotYours()
