"""Funding rules: the plan's published rules (public to read and to compute), imported by an admin."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from funding.deps import AdminCaller, ReadSession, WriteSession
from funding.rules import service
from funding.rules.schemas import RuleComputation, RuleImport, RuleImportResult, RuleInputs, RuleRead
from funding.types import RuleCodePath, SlugQuery
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["rules"], responses=PROBLEM_RESPONSES)


@router.post("/rules/import", response_model=RuleImportResult, summary="Import funding rules from a plan file")
async def import_rules(body: RuleImport, request: Request, session: WriteSession,
                       caller: AdminCaller) -> RuleImportResult:
    """Load the plan file's funding rules; a changed rule gets a new version, an unchanged one is left alone."""
    settings = request.app.state.settings
    return await service.import_plan_rules(session, settings.plans_dir, body.plan or settings.default_plan,
                                           caller.actor)


@router.get("/rules", response_model=list[RuleRead], summary="List funding rules")
async def list_rules(session: ReadSession, plan: SlugQuery = None) -> list[RuleRead]:
    """The current version of every funding rule (public: they are the plan's published text)."""
    return await service.list_rules(session, plan)


@router.get("/rules/{code}", response_model=RuleRead, summary="Read a funding rule")
async def read_rule(code: RuleCodePath, session: ReadSession,
                    version: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> RuleRead:
    """A funding rule, its current version or the one asked for."""
    return await service.read_rule_version(session, code, version)


@router.post("/rules/{code}/compute", response_model=RuleComputation, summary="Compute an amount")
async def compute_amount(code: RuleCodePath, inputs: RuleInputs, session: ReadSession) -> RuleComputation:
    """What the rule grants for these inputs, in fen, with the arithmetic and the quoted clause."""
    return await service.compute_amount(session, code, inputs)
