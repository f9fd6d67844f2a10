"""Budgets: one ledger account per program (funding rule) and fiscal year, and per city for rules the cities
pay. Appropriations and their adjustments are treasury ⇄ budget transfers, audited."""

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from funding.access import ensure_program_reader, readable_programs
from funding.budgets.repository import BudgetRepository
from funding.budgets.schemas import (
    BudgetAdjust,
    BudgetChange,
    BudgetFigures,
    BudgetImportLine,
    BudgetImportResult,
    BudgetImportSkip,
    BudgetRead,
    BudgetSet,
    FiscalYearClosed,
)
from funding.errors import (
    BudgetNotAppropriated,
    BudgetNotFound,
    CityRequired,
    FiscalYearOutsidePlan,
    TransferIdReused,
)
from funding.ledger.posting import Posted, Stored, TransferSpec, lock_accounts, outcome_stored_under, post_transfers
from funding.ledger.repository import LedgerRepository
from funding.ledger.service import answer, describe, ensure_account, release_overdue_on
from funding.models import Account, AuditLog, FundingRuleVersion
from funding.reports.figures import ledger_figures
from funding.rules.evaluator import FIXED_KINDS
from funding.rules.repository import RulesRepository
from funding.rules.service import get_rule, import_rules, read_plan_file
from servicekit import clock
from servicekit.audit import record_change
from servicekit.identity import Principal

PROVINCE_TREASURY = "treasury:province"


def budget_code(program: str, fiscal_year: int, city: str | None = None) -> str:
    return f"budget:{program}:{fiscal_year}" + (f":{city}" if city else "")


async def treasury_for(session: AsyncSession, city: str | None) -> Account:
    values: dict[str, Any] = {"code": f"treasury:{city}" if city else PROVINCE_TREASURY, "kind": "treasury",
                              "normal_side": "debit", "name": f"{city} 财政" if city else "省财政", "city_code": city}
    return (await ensure_account(session, values))[0]


def _budget_city(rule: FundingRuleVersion, city: str | None) -> str | None:
    if rule.payer == "city":
        if not city:
            raise CityRequired(rule.code)
        return city
    return None


async def ensure_budget(session: AsyncSession, rule: FundingRuleVersion, fiscal_year: int, city: str | None) -> Account:
    city = _budget_city(rule, city)
    values = {
        "code": budget_code(rule.code, fiscal_year, city), "kind": "budget", "normal_side": "credit", "floor": 0,
        "name": f"{rule.name}（{fiscal_year} 年度预算）", "plan_code": rule.plan_code, "program_code": rule.code,
        "fiscal_year": fiscal_year, "agency_code": (rule.lead_agencies or [None])[0], "city_code": city,
    }
    return (await ensure_account(session, values))[0]


async def budget_for(session: AsyncSession, rule: FundingRuleVersion, fiscal_year: int, city: str | None) -> Account:
    """The budget a reservation draws on: it must have been appropriated."""
    city = _budget_city(rule, city)
    account = await BudgetRepository(session).budget_by_code(budget_code(rule.code, fiscal_year, city))
    if account is None:
        raise BudgetNotAppropriated(rule.code, fiscal_year, city)
    return account


async def read_budgets(session: AsyncSession, budgets: list[Account]) -> list[BudgetRead]:
    if not budgets:
        return []
    figures = await ledger_figures(session, budget_ids=[b.id for b in budgets])
    names = {r.code: r.name for r in await RulesRepository(session).current_rules()}
    return [BudgetRead(account_id=b.id, account_code=b.code, program_code=b.program_code or "",
                       program_name=names.get(b.program_code or ""), fiscal_year=b.fiscal_year or 0,
                       city_code=b.city_code, closed_at=b.closed_at,
                       figures=BudgetFigures(**vars(figures.per_budget[b.id])))
            for b in budgets]


async def read_budget(session: AsyncSession, principal: Principal, program: str, fiscal_year: int,
                      city: str | None) -> BudgetRead:
    """One budget, for those who may read its program."""
    ensure_program_reader(principal, await get_rule(session, program))
    account = await BudgetRepository(session).budget_by_code(budget_code(program, fiscal_year, city))
    if account is None:
        raise BudgetNotFound(program, fiscal_year, city)
    [read] = await read_budgets(session, [account])
    return read


async def list_budgets(session: AsyncSession, principal: Principal, *, fiscal_year: int | None,
                       program_code: str | None) -> list[BudgetRead]:
    """The budgets of the programs `principal` may read."""
    budgets = await BudgetRepository(session).budgets(fiscal_year=fiscal_year, program_code=program_code,
                                                      programs=await readable_programs(session, principal))
    return await read_budgets(session, budgets)


async def _move(session: AsyncSession, *, budget: Account, treasury: Account, delta: int, key: str,
                request: dict[str, Any], code: str, actor: str) -> Posted:
    debit, credit = (treasury, budget) if delta > 0 else (budget, treasury)
    spec = TransferSpec(key=key, kind="single", code=code, debit_account_id=debit.id, credit_account_id=credit.id,
                        amount=abs(delta), request=request, meta={"reason": request.get("reason")})
    [result] = await post_transfers(session, [spec], {budget.id: budget, treasury.id: treasury}, actor=actor,
                                    overdue_check=release_overdue_on)
    return result


async def _audit(session: AsyncSession, actor: str, action: str, budget: Account, before: int, result: Posted,
                 request: dict[str, Any]) -> None:
    if result.replay or result.rejected:
        return
    sign = 1 if result.transfer.credit_account_id == budget.id else -1
    await record_change(session, AuditLog, actor=actor, action=action, entity_type="budget", entity_id=budget.code,
                        before={"appropriated": before},
                        after={"appropriated": before + sign * result.journal.amount, "transfer": result.transfer.key,
                               "reason": request.get("reason")})


def _budget_request(operation: str, program: str, fiscal_year: int, body: BudgetSet | BudgetAdjust) -> dict:
    return {"operation": operation, "program": program, "fiscal_year": fiscal_year, "city_code": body.city_code,
            "amount_fen": body.amount_fen, "reason": body.reason}


async def _appropriated_under_lock(session: AsyncSession, budget: Account) -> int:
    """The budget's appropriation, read under its lock: what a change computes from, and audits as "before",
    is what the change applies to."""
    await lock_accounts(session, {budget.id})
    return (await ledger_figures(session, budget_ids=[budget.id])).per_budget[budget.id].appropriated


async def set_budget(session: AsyncSession, program: str, fiscal_year: int, body: BudgetSet, key: str | None,
                     actor: str) -> Stored[BudgetChange]:
    """Bring the appropriation to `amount_fen`, moving the difference."""
    rule = await get_rule(session, program)
    key = body.id or key or f"budget-set:{uuid.uuid4()}"
    request = _budget_request("budget_set", program, fiscal_year, body)
    budget = await ensure_budget(session, rule, fiscal_year, body.city_code)
    result = await outcome_stored_under(session, key, request)
    if result is None:
        before = await _appropriated_under_lock(session, budget)
        delta = body.amount_fen - before
        if delta != 0:
            treasury = await treasury_for(session, budget.city_code)
            result = await _move(session, budget=budget, treasury=treasury, delta=delta, key=key, request=request,
                                 code="appropriation", actor=actor)
            await _audit(session, actor, "budget.set", budget, before, result, request)
    change = await _change(session, budget, result)
    return await answer(session, [result], change) if result is not None else Stored(change, replay=False)


async def adjust_budget(session: AsyncSession, program: str, fiscal_year: int, body: BudgetAdjust, key: str | None,
                        actor: str) -> Stored[BudgetChange]:
    """Add to the appropriation or return some of it to the treasury, as one transfer."""
    rule = await get_rule(session, program)
    key = body.id or key or f"budget-adjust:{uuid.uuid4()}"
    request = _budget_request("budget_adjust", program, fiscal_year, body)
    budget = await ensure_budget(session, rule, fiscal_year, body.city_code)
    treasury = await treasury_for(session, budget.city_code)
    before = await _appropriated_under_lock(session, budget)
    result = await _move(session, budget=budget, treasury=treasury, delta=body.amount_fen, key=key, request=request,
                         code="adjustment", actor=actor)
    await _audit(session, actor, "budget.adjust", budget, before, result, request)
    return await answer(session, [result], await _change(session, budget, result))


async def _change(session: AsyncSession, budget: Account, result: Posted | None) -> BudgetChange:
    [read] = await read_budgets(session, [budget])
    transfer = (await describe(session, [result]))[0] if result is not None else None
    return BudgetChange(budget=read, changed=result is not None and not result.rejected and not result.replay,
                        transfer=transfer)


async def import_budgets(session: AsyncSession, plans_dir: Path, plan: str, fiscal_year: int,
                         actor: str) -> BudgetImportResult:
    """Appropriate this year's share of the plan-period budget (its places × the amount) for every fixed-amount
    rule with a quota that the province pays, importing the plan's rules first. A rule's quota counts over the
    whole period, so its places are spread over the period's years (whole places; the later years take the
    remainder): importing every year of the period appropriates quota × amount exactly once. Each
    appropriation has a deterministic id, so importing a year twice appropriates once."""
    plan_file = read_plan_file(plans_dir, plan)
    years = list(range(plan_file.plan.period_start.year, plan_file.plan.period_end.year + 1))
    if fiscal_year not in years:
        raise FiscalYearOutsidePlan(plan_file.plan.code, fiscal_year, years[0], years[-1])
    await import_rules(session, plan_file, actor)
    plan = plan_file.plan.code
    lines, skipped = [], []
    for rule in await RulesRepository(session).current_rules(plan):
        if (skip := _not_imported(rule, fiscal_year)) is not None:
            skipped.append(skip)
            continue
        places = places_in_year(rule.quota, years, fiscal_year)
        amount = places * rule.params["amount_fen"]
        key = f"appropriation:{plan}:{rule.code}:{fiscal_year}"
        request = {"operation": "appropriation", "plan": plan, "program": rule.code, "fiscal_year": fiscal_year,
                   "amount_fen": amount, "reason": "plan import"}
        budget = await ensure_budget(session, rule, fiscal_year, None)
        treasury = await treasury_for(session, None)
        try:
            result = await _move(session, budget=budget, treasury=treasury, delta=amount, key=key, request=request,
                                 code="appropriation", actor=actor)
        except TransferIdReused:
            lines.append(BudgetImportLine(program_code=rule.code, amount_fen=amount, places=places,
                                          plan_quota=rule.quota, outcome="conflict", transfer_id=key))
            continue
        await _audit(session, actor, "budget.import", budget, 0, result, request)
        outcome = "rejected" if result.rejected else "already_appropriated" if result.replay else "appropriated"
        lines.append(BudgetImportLine(program_code=rule.code, amount_fen=amount, places=places, plan_quota=rule.quota,
                                      outcome=outcome, transfer_id=key))
    return BudgetImportResult(plan=plan, fiscal_year=fiscal_year, lines=lines,
                              skipped=[s.program_code for s in skipped], not_imported=skipped)


def places_in_year(quota: int, years: list[int], fiscal_year: int) -> int:
    """Year i of n takes ⌊quota·(i+1)/n⌋ − ⌊quota·i/n⌋ places: whole places, summing to the quota exactly."""
    i, n = years.index(fiscal_year), len(years)
    return quota * (i + 1) // n - quota * i // n


def _not_imported(rule: FundingRuleVersion, fiscal_year: int) -> BudgetImportSkip | None:
    """Why the plan gives no appropriation for this rule (None when it does: quota × a fixed amount, paid by the
    province). The plan's text leaves the others to the finance office, so an admin sets them."""
    set_it = f"PUT /budgets/{rule.code}/{fiscal_year}"
    if rule.payer == "city":
        return BudgetImportSkip(program_code=rule.code, reason="city_pays", messages={
            "zh-CN": f"该项目由各市出资，请按市分别设定预算（{set_it}，带 city_code）。",
            "en": f"The cities pay for this program: set a budget per city ({set_it} with city_code)."})
    if rule.payer != "province":
        return BudgetImportSkip(program_code=rule.code, reason="payer_unspecified", messages={
            "zh-CN": f"规划未写明该项目由省财政出资，请确认出资方后由管理员设定预算（{set_it}）。",
            "en": f"The plan does not say the province pays for it: once the payer is confirmed, an admin sets "
                  f"the budget ({set_it})."})
    if rule.kind == "unspecified":
        return BudgetImportSkip(program_code=rule.code, reason="no_amount", messages={
            "zh-CN": f"规划未规定该项目的资助额，请由管理员设定预算（{set_it}）。",
            "en": f"The plan sets no amount for it: an admin sets the budget ({set_it})."})
    if rule.kind not in FIXED_KINDS:
        return BudgetImportSkip(program_code=rule.code, reason="amount_varies", messages={
            "zh-CN": f"该项目的资助额因对象而异（{rule.kind}），规划未给出年度总额，请由管理员设定预算（{set_it}）。",
            "en": f"Its amount varies per grantee ({rule.kind}) and the plan gives no yearly total: an admin sets "
                  f"the budget ({set_it})."})
    if rule.quota is None:
        return BudgetImportSkip(program_code=rule.code, reason="no_quota", messages={
            "zh-CN": f"规划未规定该项目的名额，无法按“名额 × 金额”计算，请由管理员设定预算（{set_it}）。",
            "en": f"The plan sets no quota for it, so quota × amount is unknown: an admin sets the budget ({set_it})."})
    return None


async def close_fiscal_year(session: AsyncSession, fiscal_year: int, actor: str) -> FiscalYearClosed:
    """Close every budget of the year: no new reservations or postings, only voids and expiries."""
    budgets = await BudgetRepository(session).open_budgets_of_year(fiscal_year)
    now = clock.now()
    await LedgerRepository(session).close_accounts([b.id for b in budgets], now)
    for budget in budgets:
        await record_change(session, AuditLog, actor=actor, action="budget.close", entity_type="budget",
                            entity_id=budget.code, before={"closed_at": None}, after={"closed_at": now.isoformat()})
    return FiscalYearClosed(fiscal_year=fiscal_year, closed=[b.code for b in budgets])
