"""Budgets per program and fiscal year: appropriation from the plan, adjustments, year-end close."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

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
from funding.deps import AdminCaller, FundingReader, ReadSession, WriteSession, stored_answer
from funding.types import FiscalYearPath, FiscalYearQuery, ProgramCodePath, ProgramCodeQuery, SlugQuery
from servicekit.idempotency import IdempotencyKeyHeader
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["budgets"], responses=PROBLEM_RESPONSES)


@router.post("/budgets/import", response_model=BudgetImportResult, summary="Appropriate budgets from the plan")
async def import_budgets(body: BudgetImport, request: Request, session: WriteSession,
                         caller: AdminCaller) -> BudgetImportResult:
    """For one fiscal year of the plan's period, appropriate its share of each fixed-amount rule the province pays:
    the rule's places over the period spread over its years, × the amount (once; all years add up to quota ×
    amount). A year outside the period is a 422."""
    settings = request.app.state.settings
    return await service.import_budgets(session, settings.plans_dir, body.plan or settings.default_plan,
                                        body.fiscal_year, caller.actor)


@router.get("/budgets", response_model=list[BudgetRead], summary="List budgets")
async def list_budgets(session: ReadSession, caller: FundingReader, fiscal_year: FiscalYearQuery = None,
                       program_code: ProgramCodeQuery = None) -> list[BudgetRead]:
    """Budgets with their figures; agency staff see the programs their agency leads."""
    return await service.list_budgets(session, caller, fiscal_year=fiscal_year, program_code=program_code)


@router.get("/budgets/{program_code}/{fiscal_year}", response_model=BudgetRead, summary="Read a budget")
async def read_budget(program_code: ProgramCodePath, fiscal_year: FiscalYearPath, session: ReadSession,
                      caller: FundingReader, city_code: SlugQuery = None) -> BudgetRead:
    """One budget's appropriated, reserved, committed, disbursed and available amounts."""
    return await service.read_budget(session, caller, program_code, fiscal_year, city_code)


@router.put("/budgets/{program_code}/{fiscal_year}", response_model=BudgetChange, summary="Set a budget",
            responses={409: {"description": "Lowering it would leave less than is reserved and committed."}})
async def set_budget(program_code: ProgramCodePath, fiscal_year: FiscalYearPath, body: BudgetSet,
                     session: WriteSession, caller: AdminCaller,
                     idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """Set the appropriation; the difference moves between the treasury and the budget as one transfer."""
    change = await service.set_budget(session, program_code, fiscal_year, body, idempotency_key, caller.actor)
    return stored_answer(change, status=200)


@router.post("/budgets/{program_code}/{fiscal_year}/adjustments", response_model=BudgetChange, status_code=201,
             summary="Adjust a budget")
async def adjust_budget(program_code: ProgramCodePath, fiscal_year: FiscalYearPath, body: BudgetAdjust,
                        session: WriteSession, caller: AdminCaller,
                        idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """Add to (positive) or return from (negative) the appropriation, as a transfer."""
    return stored_answer(await service.adjust_budget(session, program_code, fiscal_year, body, idempotency_key,
                                                     caller.actor))


@router.post("/fiscal-years/{fiscal_year}/close", response_model=FiscalYearClosed, summary="Close a fiscal year")
async def close_fiscal_year(fiscal_year: FiscalYearPath, session: WriteSession,
                            caller: AdminCaller) -> FiscalYearClosed:
    """Close every budget of the year: later postings to them are refused (voids and expiries still work)."""
    return await service.close_fiscal_year(session, fiscal_year, caller.actor)
