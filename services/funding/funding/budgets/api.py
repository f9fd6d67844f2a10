"""Budgets per program and fiscal year: appropriation from the plan, adjustments, year-end close."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from funding.access import ensure_program_reader
from funding.budgets import service
from funding.budgets.schemas import (
    BudgetAdjust,
    BudgetChange,
    BudgetImport,
    BudgetImportResult,
    BudgetRead,
    BudgetSet,
    FiscalYearClosed,
)
from funding.deps import AdminPrincipal, ReadSession, Staff, TransactionsDep
from funding.ledger.service import rejection_for
from funding.responses import stored_outcome
from funding.rules import repository as rules_repo
from funding.rules.service import get_rule, load_plan
from funding.schemas import SlugQuery
from servicekit.idempotency import IdempotencyKeyHeader
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["budgets"], responses=PROBLEM_RESPONSES)

ProgramCode = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Year = Annotated[int, Path(ge=1949, le=9999)]
City = SlugQuery


@router.post("/budgets/import", response_model=BudgetImportResult, summary="Appropriate budgets from the plan")
async def import_budgets(body: BudgetImport, request: Request, tx: TransactionsDep,
                         principal: AdminPrincipal) -> BudgetImportResult:
    """For one fiscal year, appropriate quota × amount for each fixed-amount rule the province pays (once)."""
    settings = request.app.state.settings
    plan_file = load_plan(settings.plans_dir, body.plan or settings.default_plan)
    return await tx.run(lambda s: service.import_budgets(s, plan_file, body.fiscal_year, principal.actor))


@router.get("/budgets", response_model=list[BudgetRead], summary="List budgets")
async def list_budgets(
    session: ReadSession, principal: Staff,
    fiscal_year: Annotated[int | None, Query(ge=1949, le=9999)] = None,
    program_code: SlugQuery = None,
) -> list[BudgetRead]:
    """Budgets with their figures; agency staff see the programs their agency leads."""
    programs = None
    if principal.role not in ("admin", "service"):
        programs = {r.code for r in await rules_repo.current_rules(session)
                    if principal.agency and principal.agency in (r.lead_agencies or [])}
    return await service.list_budgets(session, fiscal_year=fiscal_year, program_code=program_code, programs=programs)


@router.get("/budgets/{program_code}/{fiscal_year}", response_model=BudgetRead, summary="Read a budget")
async def read_budget(program_code: ProgramCode, fiscal_year: Year, session: ReadSession, principal: Staff,
                      city_code: City = None) -> BudgetRead:
    """One budget's appropriated, reserved, committed, disbursed and available amounts."""
    ensure_program_reader(principal, await get_rule(session, program_code))
    budget = await service.get_budget(session, program_code, fiscal_year, city_code)
    return (await service.read_budgets(session, [budget]))[0]


@router.put("/budgets/{program_code}/{fiscal_year}", response_model=BudgetChange, summary="Set a budget",
            responses={409: {"description": "Lowering it would leave less than is reserved and committed."}})
async def set_budget(program_code: ProgramCode, fiscal_year: Year, body: BudgetSet, request: Request,
                     tx: TransactionsDep, principal: AdminPrincipal,
                     idempotency_key: IdempotencyKeyHeader = None) -> BudgetChange:
    """Set the appropriation; the difference moves between the treasury and the budget as one transfer."""

    async def work(session):  # noqa: ANN001, ANN202
        change, result = await service.set_budget(session, program_code, fiscal_year, body, idempotency_key,
                                                  principal.actor)
        return change, result, await rejection_for(session, [result]) if result is not None else None

    change, result, error = await tx.run(work)
    return stored_outcome(request, replay=bool(result and result.replay), body=change, error=error,
                          status=200)


@router.post("/budgets/{program_code}/{fiscal_year}/adjustments", response_model=BudgetChange, status_code=201,
             summary="Adjust a budget")
async def adjust_budget(program_code: ProgramCode, fiscal_year: Year, body: BudgetAdjust, request: Request,
                        tx: TransactionsDep, principal: AdminPrincipal,
                        idempotency_key: IdempotencyKeyHeader = None) -> BudgetChange:
    """Add to (positive) or return from (negative) the appropriation, as a transfer."""

    async def work(session):  # noqa: ANN001, ANN202
        change, result = await service.adjust_budget(session, program_code, fiscal_year, body, idempotency_key,
                                                     principal.actor)
        return change, result, await rejection_for(session, [result])

    change, result, error = await tx.run(work)
    return stored_outcome(request, replay=result.replay, body=change, error=error)


@router.post("/fiscal-years/{fiscal_year}/close", response_model=FiscalYearClosed, summary="Close a fiscal year")
async def close_fiscal_year(fiscal_year: Year, tx: TransactionsDep, principal: AdminPrincipal) -> FiscalYearClosed:
    """Close every budget of the year: later postings to them are refused (voids and expiries still work)."""
    return await tx.run(lambda s: service.close_fiscal_year(s, fiscal_year, principal.actor))
