"""Amounts of money, always the funding rule's own computation (asked of the funding service): what a program
grants in general, for the catalog, and what one application would be granted, when it is recommended."""

import asyncio
from typing import Any

from applications.clients.funding import FundingClient, RuleAmount
from applications.errors import AmountNotDecided, FundingRefused, FundingUnavailable
from applications.models import Program
from applications.schemas import AmountRead, yuan_text

# The funding service's bound on `extra_members`: asking with it gives the most the rule pays for extras.
MAX_EXTRA_MEMBERS = 10_000


def application_inputs(program: Program, form_data: dict[str, Any]) -> dict[str, Any]:
    """The rule's inputs for one application: its tier and extra members, or the amount an administrator set."""
    if program.rule_kind == "tiered_team":
        return {"tier": program.tier_code, "extra_members": int(form_data.get("extra_members") or 0)}
    if program.rule_kind == "unspecified":
        if program.decided_amount_fen is None:
            raise AmountNotDecided(program.code)
        return {"amount_fen": program.decided_amount_fen}
    return {"count": 1}


async def application_amount(funding: FundingClient, program: Program, form_data: dict[str, Any]) -> RuleAmount:
    return await funding.compute(program.rule_code, application_inputs(program, form_data))


def _read(base: RuleAmount, top: RuleAmount) -> AmountRead:
    return AmountRead(status="computed", amount_fen=base.amount_fen, amount_yuan=yuan_text(base.amount_fen),
                      max_amount_fen=top.amount_fen, is_maximum=base.is_maximum,
                      explanation_zh=base.explanation_zh, explanation_en=base.explanation_en,
                      rule_version=base.rule_version)


def _missing(status: str) -> AmountRead:
    return AmountRead(status=status, amount_fen=None, amount_yuan=None, max_amount_fen=None, is_maximum=False,
                      explanation_zh=None, explanation_en=None, rule_version=None)


async def program_amount(funding: FundingClient, program: Program) -> AmountRead:
    """What the program grants: `not_decided` for an open rule no administrator has priced yet, `unavailable`
    when funding does not answer (the catalog still lists the program)."""
    try:
        if program.rule_kind == "tiered_team":
            rule, base = await asyncio.gather(funding.rule(program.rule_code),
                                              funding.compute(program.rule_code, {"tier": program.tier_code}))
            if not rule.params.get("per_extra_member_fen"):
                return _read(base, base)
            top = await funding.compute(program.rule_code, {"tier": program.tier_code,
                                                            "extra_members": MAX_EXTRA_MEMBERS})
            return _read(base, top)
        base = await application_amount(funding, program, {})
        return _read(base, base)
    except AmountNotDecided:
        return _missing("not_decided")
    except (FundingUnavailable, FundingRefused):
        return _missing("unavailable")


async def program_amounts(funding: FundingClient, programs: list[Program]) -> dict[int, AmountRead]:
    """Each program's amount, asked of funding at once (the answers are cached for a few seconds)."""
    amounts = await asyncio.gather(*(program_amount(funding, p) for p in programs))
    return {program.id: amount for program, amount in zip(programs, amounts, strict=True)}
