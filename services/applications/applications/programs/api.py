"""Programs (资助项目) and their application forms: public to read; administrators add and price the programs
the plan leaves open."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from applications.deps import AdminCaller, Funding, Idempotent, ReadSession, WriteSession
from applications.programs import service
from applications.programs.schemas import FormRead, ProgramCreate, ProgramRead, ProgramSummary, ProgramUpdate
from applications.types import (
    AgencyFilter,
    ApplicantTypeFilter,
    FormCode,
    FormVersion,
    PlanFilter,
    ProgramCode,
    SearchText,
    TaskFilter,
)
from servicekit.pagination import Page, PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["programs"], responses=PROBLEM_RESPONSES)


@router.get("/programs", response_model=Page[ProgramSummary], summary="List programs")
async def list_programs(session: ReadSession, funding: Funding, params: PageParamsDep, plan: PlanFilter = None,
                        task: TaskFilter = None, agency: AgencyFilter = None,
                        applicant_type: ApplicantTypeFilter = None, q: SearchText = None) -> Page[ProgramSummary]:
    """Every program with its amount (computed by its funding rule), in plan and task order (public)."""
    return await service.list_programs(session, funding, params, plan=plan, task=task, agency=agency,
                                       applicant_type=applicant_type, text=q)


@router.get("/programs/{code}", response_model=ProgramRead, summary="Read a program")
async def read_program(code: ProgramCode, session: ReadSession, funding: Funding) -> ProgramRead:
    """A program: its clause, amount, reviewing and nominating agencies, form, score sheet and eligibility."""
    return await service.read_program(session, funding, await service.get_program(session, code))


@router.get("/programs/{code}/form", response_model=FormRead, summary="Read a program's application form")
async def read_program_form(code: ProgramCode, session: ReadSession) -> FormRead:
    """The JSON Schema and ui schema the SPA renders the program's form from (the version applications use now)."""
    program = await service.get_program(session, code)
    return service.form_read(await service.get_form(session, program.form_code, program.form_version))


@router.get("/forms/{code}", response_model=FormRead, summary="Read a form")
async def read_form(code: FormCode, session: ReadSession,
                    version: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> FormRead:
    """A form's newest version, or the version asked for (an application keeps the version it was filled in)."""
    return service.form_read(await service.get_form(session, code, version))


@router.post("/programs", response_model=ProgramRead, status_code=201, summary="Add a program")
async def create_program(body: ProgramCreate, caller: AdminCaller, session: WriteSession, funding: Funding,
                         idempotent: Idempotent) -> ProgramRead | JSONResponse:
    """As an administrator: add a program for a rule whose amount the plan leaves open, with its amount (audited)."""

    async def work() -> ProgramRead:
        program = await service.create_program(session, funding, caller, body)
        return await service.read_program(session, funding, program)

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.patch("/programs/{code}", response_model=ProgramRead, summary="Change a program")
async def update_program(code: ProgramCode, body: ProgramUpdate, caller: AdminCaller, session: WriteSession,
                         funding: Funding) -> ProgramRead:
    """As an administrator: set the amount of an open rule's program, its description or its number of experts."""
    program = await service.update_program(session, caller, await service.get_program(session, code), body)
    return await service.read_program(session, funding, program)
