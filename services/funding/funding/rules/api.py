"""Funding rules: the plan's published rules (public to read and to compute), imported by an admin."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from funding.deps import AdminPrincipal, ReadSession, TransactionsDep
from funding.rules import repository as repo
from funding.rules import service
from funding.schemas import RuleCodePath, SlugQuery
from funding.rules.schemas import RuleComputation, RuleImport, RuleImportResult, RuleInputs, RuleRead
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["rules"], responses=PROBLEM_RESPONSES)


@router.post("/rules/import", response_model=RuleImportResult, summary="Import funding rules from a plan file")
async def import_rules(body: RuleImport, request: Request, tx: TransactionsDep,
                       principal: AdminPrincipal) -> RuleImportResult:
    """Load the plan file's funding rules; a changed rule gets a new version, an unchanged one is left alone."""
    settings = request.app.state.settings
    plan_file = service.load_plan(settings.plans_dir, body.plan or settings.default_plan)
    return await tx.run(lambda session: service.import_rules(session, plan_file, principal.actor))


@router.get("/rules", response_model=list[RuleRead], summary="List funding rules")
async def list_rules(session: ReadSession,
                     plan: SlugQuery = None) -> list[RuleRead]:
    """The current version of every funding rule (public: they are the plan's published text)."""
    return [service.read_rule(r) for r in await repo.current_rules(session, plan)]


@router.get("/rules/{code}", response_model=RuleRead, summary="Read a funding rule")
async def read_rule(code: RuleCodePath, session: ReadSession,
                    version: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> RuleRead:
    """A funding rule, its current version or the one asked for."""
    rule = await service.get_rule(session, code)
    if version is not None and version != rule.version:
        rule = await repo.rule_version(session, code, version) or await service.get_rule(session, f"{code}@{version}")
    return service.read_rule(rule)


@router.post("/rules/{code}/compute", response_model=RuleComputation, summary="Compute an amount")
async def compute_amount(code: RuleCodePath, inputs: RuleInputs, session: ReadSession) -> RuleComputation:
    """What the rule grants for these inputs, in fen, with the arithmetic and the quoted clause."""
    return service.evaluate(await service.get_rule(session, code), inputs)
