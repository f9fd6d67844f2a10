"""Budget figures read from the ledger: appropriated, reserved, committed, disbursed and available, per budget
account and per award commitment. Money flows are classified by the kinds of the two accounts a posted
transfer moved, so reversals and releases net out by themselves (a release to the treasury, after the year
closed, counts against the budget the award was committed on)."""

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from funding.budgets.repository import BudgetRepository
from funding.models import Account
from funding.reports.repository import ReportRepository
from servicekit import clock


@dataclass
class Figures:
    appropriated: int = 0
    reserved: int = 0
    committed: int = 0
    disbursed: int = 0
    available: int = 0
    awards: int = 0

    def add(self, other: "Figures") -> None:
        for name in ("appropriated", "reserved", "committed", "disbursed", "available", "awards"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class LedgerFigures:
    budgets: list[Account]
    per_budget: dict[int, Figures]
    commitments: list[Account]
    per_commitment: dict[int, Figures] = field(default_factory=dict)


async def ledger_figures(session: AsyncSession, *, fiscal_year: int | None = None, program_code: str | None = None,
                         budget_ids: list[int] | None = None, programs: set[str] | None = None) -> LedgerFigures:
    """The figures of the budgets that match (all of them by default) and of the awards committed on them."""
    budgets = await BudgetRepository(session).budgets(fiscal_year=fiscal_year, program_code=program_code,
                                                      budget_ids=budget_ids, programs=programs)
    repo = ReportRepository(session)
    budget_ids_set = {b.id for b in budgets}
    # An award's commitment belongs to the budget its reservation drew on.
    rows = await repo.commitments_of(budget_ids_set)
    commitments = [account for account, _ in rows]
    commitment_budget = {account.id: budget_id for account, budget_id in rows}
    ids = budget_ids_set | {c.id for c in commitments}
    kinds = {a.id: a.kind for a in budgets + commitments}
    flows = await repo.posted_flows(ids) if ids else {}
    pendings = await repo.reserved_flows(budget_ids_set, clock.now()) if ids else {}
    counterparts = {a for pair in flows for a in pair if a not in kinds}
    kind_of = {**await repo.kinds_of(counterparts), **kinds}

    per_budget = {b.id: Figures() for b in budgets}
    per_commitment = {c.id: Figures() for c in commitments}
    funding_kinds = ("treasury", "budget")  # appropriations, their adjustments and reallocations
    for (debit, credit), amount in flows.items():
        dk, ck = kind_of.get(debit), kind_of.get(credit)
        if credit in per_budget:
            if dk in funding_kinds:
                per_budget[credit].appropriated += amount
            else:
                per_budget[credit].committed -= amount
        if debit in per_budget:
            if ck in funding_kinds:
                per_budget[debit].appropriated -= amount
            else:
                per_budget[debit].committed += amount
        if credit in per_commitment and dk == "budget":
            per_commitment[credit].committed += amount
        if debit in per_commitment and ck in funding_kinds:
            per_commitment[debit].committed -= amount
        if debit in per_commitment and ck == "treasury":
            # A release after the budget's year closed: the rest lapses to the treasury, as if it went back to
            # the budget and was returned from there (committed and appropriated fall; available stays).
            lapsed = per_budget[commitment_budget[debit]]
            lapsed.committed -= amount
            lapsed.appropriated -= amount
        if debit in per_commitment and ck == "paid":
            per_commitment[debit].disbursed += amount
        if credit in per_commitment and dk == "paid":
            per_commitment[credit].disbursed -= amount
    for (debit, credit), amount in pendings.items():
        per_budget[debit].reserved += amount
        if credit in per_commitment:
            per_commitment[credit].reserved += amount
    for commitment in commitments:
        figures = per_commitment[commitment.id]
        figures.awards = 1 if figures.committed > 0 else 0
        figures.available = figures.committed - figures.disbursed
        budget = per_budget[commitment_budget[commitment.id]]
        budget.disbursed += figures.disbursed
        budget.awards += figures.awards
    for budget in budgets:
        figures = per_budget[budget.id]
        figures.available = figures.appropriated - figures.committed - figures.reserved
    return LedgerFigures(budgets=budgets, per_budget=per_budget, commitments=commitments,
                         per_commitment=per_commitment)
