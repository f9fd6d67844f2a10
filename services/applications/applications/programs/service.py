"""Programs: the catalog's reading of them (with amounts from the funding rules) and an administrator's
additions and changes to the programs the plan leaves open."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.clients.funding import FundingClient
from applications.models import AuditLog, Form, PlanAgency, Program
from applications.programs.amounts import program_amount, program_amounts
from applications.programs.repository import ProgramRepository
from applications.programs.schemas import (
    APPLICANT_TYPE_LABELS,
    FormRead,
    FormRef,
    ProgramCreate,
    ProgramRead,
    ProgramSummary,
    ProgramUpdate,
)
from applications.schemas import AgencyRef, AmountRead
from planfile.programs import APPLICANT_TYPE_BY_PER
from servicekit import clock
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.pagination import Page, PageParams

AgencyNames = dict[tuple[str, str], PlanAgency]


def agency_ref(agencies: AgencyNames, plan_code: str, code: str) -> AgencyRef:
    row = agencies.get((plan_code, code))
    return AgencyRef(code=code, name=row.name if row else code, name_en=row.name_en if row else code)


def program_summary(program: Program, agencies: AgencyNames, amount: AmountRead) -> ProgramSummary:
    return ProgramSummary(
        code=program.code, name=program.name, name_en=program.name_en, plan_code=program.plan_code,
        task_number=program.task_number, task_title=program.task_title, rule_code=program.rule_code,
        rule_kind=program.rule_kind, tier_code=program.tier_code, applicant_type=program.applicant_type,
        applicant_type_label=APPLICANT_TYPE_LABELS[program.applicant_type],
        reviewing_agency=agency_ref(agencies, program.plan_code, program.reviewing_agency),
        plan_quota=program.plan_quota, plan_quota_approximate=program.plan_quota_approximate, amount=amount,
        source=program.source)


async def get_program(session: AsyncSession, code: str) -> Program:
    program = await ProgramRepository(session).by_code(code)
    if program is None:
        raise errors.ProgramNotFound()
    return program


async def get_form(session: AsyncSession, code: str, version: int | None = None) -> Form:
    form = await ProgramRepository(session).form(code, version)
    if form is None:
        raise errors.FormNotFound()
    return form


def form_read(form: Form) -> FormRead:
    return FormRead(code=form.code, version=form.version, title=form.title, title_en=form.title_en,
                    json_schema=form.json_schema, ui_schema=form.ui_schema)


async def list_programs(session: AsyncSession, funding: FundingClient, params: PageParams,
                        **filters: Any) -> Page[ProgramSummary]:
    repo = ProgramRepository(session)
    programs = await repo.matching(**filters)
    shown = programs[params.offset:params.offset + params.size]
    agencies = await repo.agencies({p.plan_code for p in shown})
    amounts = await program_amounts(funding, shown)
    return Page(items=[program_summary(p, agencies, amounts[p.id]) for p in shown], total=len(programs),
                page=params.page, size=params.size)


async def read_program(session: AsyncSession, funding: FundingClient, program: Program) -> ProgramRead:
    repo = ProgramRepository(session)
    agencies = await repo.agencies({program.plan_code})
    form = await get_form(session, program.form_code, program.form_version)
    summary = program_summary(program, agencies, await program_amount(funding, program))
    return ProgramRead(
        **summary.model_dump(), description=program.description, quote=program.quote, payer=program.payer,
        nominators=[agency_ref(agencies, program.plan_code, code) for code in program.nominators],
        form=FormRef(code=form.code, version=form.version, title=form.title, title_en=form.title_en),
        score_sheet={"criteria": program.score_sheet["criteria"]}, min_experts=program.min_experts,
        award_kind=program.award_kind, eligibility=program.eligibility, updated_at=program.updated_at)


def _snapshot(program: Program) -> dict[str, Any]:
    return {"name": program.name, "decided_amount_fen": program.decided_amount_fen,
            "description": program.description, "min_experts": program.min_experts,
            "reviewing_agency": program.reviewing_agency, "nominators": program.nominators}


async def create_program(session: AsyncSession, funding: FundingClient, principal: Principal,
                         body: ProgramCreate) -> Program:
    """An administrator adds a program for a rule the plan leaves open (奖补 with no amount)."""
    repo = ProgramRepository(session)
    if await repo.by_code(body.code) is not None:
        raise errors.ProgramExists(body.code)
    rule = await funding.rule(body.rule_code)
    if rule.kind != "unspecified":
        raise errors.RuleNotApplicable()
    if APPLICANT_TYPE_BY_PER.get(rule.per) != body.applicant_type:
        raise errors.ApplicantTypeMismatch(rule.per, APPLICANT_TYPE_BY_PER.get(rule.per, "?"))
    task = await repo.task(rule.plan_code, rule.task_number)
    if task is None:
        raise errors.PlanNotLoaded(rule.plan_code)
    if body.reviewing_agency not in set(task.lead) | set(task.responsible):
        raise errors.NotTaskOwner(body.reviewing_agency, task.number)
    agencies = await repo.agencies({rule.plan_code})
    for code in body.nominators:
        if (rule.plan_code, code) not in agencies or agencies[(rule.plan_code, code)].kind == "group":
            raise errors.UnknownAgency(code)
    form = await get_form(session, body.form_code, body.form_version)
    now = clock.now()
    program = Program(
        code=body.code, plan_code=rule.plan_code, task_number=task.number, task_title=task.title,
        rule_code=rule.code, rule_kind=rule.kind, tier_code=None, name=body.name, name_en=body.name_en,
        description=body.description, quote=rule.quote, payer=rule.payer, applicant_type=body.applicant_type,
        reviewing_agency=body.reviewing_agency, nominators=list(dict.fromkeys(body.nominators)),
        plan_quota=rule.quota, plan_quota_approximate=rule.quota_approximate, form_code=form.code,
        form_version=form.version,
        score_sheet={"criteria": [c.model_dump() for c in body.score_sheet.criteria],
                     "max_total": body.score_sheet.max_total},
        min_experts=body.min_experts, award_kind=body.award_kind,
        eligibility=body.eligibility.model_dump(mode="json"), decided_amount_fen=body.decided_amount_fen,
        source="admin", created_at=now, updated_at=now)
    await repo.add(program)
    await record_change(session, AuditLog, actor=principal.actor, action="program.create", entity_type="program",
                        entity_id=program.code, after=_snapshot(program))
    return program


async def update_program(session: AsyncSession, principal: Principal, program: Program,
                         body: ProgramUpdate) -> Program:
    before = _snapshot(program)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "decided_amount_fen" in changes and program.rule_kind != "unspecified":
        raise errors.ProgramNotOpenEnded()
    for name, value in changes.items():
        setattr(program, name, value)
    if before != _snapshot(program):
        program.updated_at = clock.now()
        await record_change(session, AuditLog, actor=principal.actor, action="program.update",
                            entity_type="program", entity_id=program.code, before=before, after=_snapshot(program))
    await session.flush()
    return program
