"""Public read endpoints of the plan catalog: no token needed, no personal data."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from agencies.catalog import exports, service
from agencies.catalog.schemas import (
    AgencyDetail,
    AgencyRead,
    DeliverableDetail,
    Matrix,
    PlanRead,
    PlanSummary,
    TaskRead,
    TaskSummary,
)
from agencies.deps import Pages, ReadSession, TaskCacheDep, Today
from agencies.types import (
    AgencyCode,
    AgencyKind,
    AsOf,
    DeliverableCode,
    PlanCode,
    PlanQuery,
    SearchText,
    TaskFilters,
    TaskNumber,
)
from servicekit.pagination import Page, PageParamsDep
from servicekit.validation import slug_query

router = APIRouter(tags=["catalog"])

NamedByPlan = slug_query("Only agencies the plan names, in the plan's order.")
ExpandGroups = Annotated[bool, Query(description="Also give each member of a group (the cities of 各市) a column.")]
AgencyKindFilter = Annotated[AgencyKind | None, Query(description="Only agencies of this kind.")]


@router.get("/plans", response_model=Page[PlanSummary], summary="List plans")
async def list_plans(session: ReadSession, params: PageParamsDep, today: Today) -> Page[PlanSummary]:
    """The plans loaded, oldest period first, each with the day it is judged at."""
    return await service.list_plans(session, params, today)


@router.get("/plans/{code}", response_model=PlanRead, summary="Get a plan")
async def get_plan(code: PlanCode, session: ReadSession, today: Today, as_of: AsOf = None) -> PlanRead:
    """A plan's metadata, overall targets, sections and groups, agencies and overall progress."""
    return await service.get_plan(session, code, today, as_of)


@router.get("/tasks", response_model=Page[TaskSummary], summary="List tasks")
async def list_tasks(cache: TaskCacheDep, pages: Pages, params: PageParamsDep, today: Today,
                     filters: Annotated[TaskFilters, Query()], as_of: AsOf = None) -> Response:
    """Tasks sorted by plan and number, filtered by plan, section, group, owning agency and role, or text (in the
    title, clause or deliverables, Chinese or English: the same search as the matrix's)."""
    return await pages.respond(("tasks", filters, params.page, params.size, today, as_of),
                               lambda session: service.list_tasks(session, cache, filters, params, today, as_of))


@router.get("/tasks/{plan_code}/{number}", response_model=TaskRead, summary="Get a task")
async def get_task(plan_code: PlanCode, number: TaskNumber, cache: TaskCacheDep, pages: Pages, today: Today,
                   as_of: AsOf = None) -> Response:
    """A task with its clause, owners (lead / responsible, groups resolved), deliverables and progress."""
    return await pages.respond(("task", plan_code, number, today, as_of),
                               lambda session: service.get_task(session, cache, plan_code, number, today, as_of))


@router.get("/deliverables/{code}", response_model=DeliverableDetail, summary="Get a deliverable")
async def get_deliverable(code: DeliverableCode, session: ReadSession, today: Today,
                          as_of: AsOf = None) -> DeliverableDetail:
    """A deliverable's target, progress by agency (its final result once the plan has ended) and report history."""
    return await service.get_deliverable(session, code, today, as_of)


@router.get("/agencies", response_model=Page[AgencyRead], summary="List agencies")
async def list_agencies(session: ReadSession, params: PageParamsDep, kind: AgencyKindFilter = None,
                        plan: NamedByPlan = None) -> Page[AgencyRead]:
    """Agencies by code (or in a plan's order), optionally of one kind."""
    return await service.list_agencies(session, kind, plan, params)


@router.get("/agencies/{code}", response_model=AgencyDetail, summary="Get an agency")
async def get_agency(code: AgencyCode, session: ReadSession, today: Today, as_of: AsOf = None) -> AgencyDetail:
    """An agency, its groups, and the tasks it leads and shares (a city's include those of 各市)."""
    return await service.get_agency(session, code, today, as_of)


@router.get("/matrix", response_model=Matrix, summary="Get the responsibility matrix")
async def get_matrix(plan: PlanQuery, session: ReadSession, today: Today, expand_groups: ExpandGroups = False,
                     q: SearchText = None, as_of: AsOf = None) -> Matrix:
    """Tasks × agencies with each agency's role (lead / responsible) in the cell, and each task's progress."""
    return await service.build_matrix(session, plan, expand_groups, q, today, as_of)


_CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "UTF-8 CSV with a BOM."}}
_XLSX = {200: {"content": {exports.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
               "description": "An Excel workbook."}}


@router.get("/matrix.csv", response_class=Response, responses=_CSV, summary="Export the matrix as CSV")
async def export_matrix_csv(plan: PlanQuery, session: ReadSession, today: Today,
                            expand_groups: ExpandGroups = False, q: SearchText = None) -> Response:
    """The matrix with Chinese headers (任务编号, 任务, one column per agency; cells 牵头 / 责任)."""
    matrix = await service.build_matrix(session, plan, expand_groups, q, today, None)
    return exports.matrix_csv_response(matrix)


@router.get("/matrix.xlsx", response_class=Response, responses=_XLSX, summary="Export the matrix as XLSX")
async def export_matrix_xlsx(plan: PlanQuery, session: ReadSession, today: Today,
                             expand_groups: ExpandGroups = False, q: SearchText = None) -> Response:
    """The matrix as an Excel workbook, one sheet 责任矩阵, lead cells in bold."""
    matrix = await service.build_matrix(session, plan, expand_groups, q, today, None)
    return exports.matrix_xlsx_response(matrix)
