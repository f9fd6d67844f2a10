"""Public read endpoints of the plan catalog: no token needed, no personal data."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from agencies.catalog import exports, service
from agencies.catalog.repository import TaskFilters
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
from agencies.deps import (
    SLUG_PATTERN,
    PlanCode,
    ReadSession,
    Pages,
    SearchText,
    Slug,
    TaskCacheDep,
    Today,
    code_query,
)
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(tags=["catalog"])

TaskNumber = Annotated[int, Path(ge=1, le=10_000, description="The task's number in the plan (1, 2, …).")]
AgencyKind = Literal["party_department", "government_department", "people_organization", "financial_institution",
                     "city", "group"]
MatrixPlan = Annotated[str, Query(pattern=SLUG_PATTERN, max_length=80,
                                  description="The plan's code, e.g. liaoning-2018-2020.")]
PlanFilter = code_query("Only this plan's tasks (its code).")
AgencyFilter = code_query("Agency code; a city also matches the tasks of groups (各市) that stand for it.")
NamedByPlan = code_query("Only agencies the plan names, in the plan's order.")
ExpandGroups = Annotated[bool, Query(description="Also give each member of a group (the cities of 各市) a column.")]


@router.get("/plans", response_model=Page[PlanSummary], summary="List plans")
async def list_plans(session: ReadSession, params: PageParamsDep) -> Page[PlanSummary]:
    """The plans loaded, oldest period first."""
    return await service.list_plans(session, params)


@router.get("/plans/{code}", response_model=PlanRead, summary="Get a plan")
async def get_plan(code: PlanCode, session: ReadSession, today: Today) -> PlanRead:
    """A plan's metadata, overall targets, sections and groups, agencies and overall progress."""
    return await service.get_plan(session, code, today)


@router.get("/tasks", response_model=Page[TaskSummary], summary="List tasks")
async def list_tasks(
    cache: TaskCacheDep,
    pages: Pages,
    params: PageParamsDep,
    today: Today,
    plan: PlanFilter = None,
    section: Annotated[int | None, Query(ge=1, le=1000, description="Section number (二 = 2).")] = None,
    group: Annotated[int | None, Query(ge=1, le=1000, description="Group number within its section.")] = None,
    agency: AgencyFilter = None,
    role: Annotated[Literal["lead", "responsible"] | None, Query(description="With `agency`: its role.")] = None,
    q: SearchText = None,
) -> Response:
    """Tasks sorted by plan and number, filtered by plan, section, group, owning agency and role, or text."""
    filters = TaskFilters(plan=plan, section=section, group=group, agency=agency, role=role, q=q)
    return await pages.respond(("tasks", filters, params.page, params.size, today),
                               lambda session: service.list_tasks(session, cache, filters, params, today))


@router.get("/tasks/{plan_code}/{number}", response_model=TaskRead, summary="Get a task")
async def get_task(plan_code: PlanCode, number: TaskNumber, cache: TaskCacheDep, pages: Pages,
                   today: Today) -> Response:
    """A task with its clause, owners (lead / responsible, groups resolved), deliverables and progress."""
    return await pages.respond(("task", plan_code, number, today),
                               lambda session: service.get_task(session, cache, plan_code, number, today))


@router.get("/deliverables/{code}", response_model=DeliverableDetail, summary="Get a deliverable")
async def get_deliverable(code: Slug, session: ReadSession, today: Today) -> DeliverableDetail:
    """A deliverable's target, progress by agency and report history."""
    return await service.get_deliverable(session, code, today)


@router.get("/agencies", response_model=Page[AgencyRead], summary="List agencies")
async def list_agencies(
    session: ReadSession,
    params: PageParamsDep,
    kind: Annotated[AgencyKind | None, Query(description="Only agencies of this kind.")] = None,
    plan: NamedByPlan = None,
) -> Page[AgencyRead]:
    """Agencies by code (or in a plan's order), optionally of one kind."""
    return await service.list_agencies(session, kind, plan, params)


@router.get("/agencies/{code}", response_model=AgencyDetail, summary="Get an agency")
async def get_agency(code: Slug, session: ReadSession, today: Today) -> AgencyDetail:
    """An agency, its groups, and the tasks it leads and shares (a city's include those of 各市)."""
    return await service.get_agency(session, code, today)


@router.get("/matrix", response_model=Matrix, summary="Get the responsibility matrix")
async def get_matrix(plan: MatrixPlan, session: ReadSession, expand_groups: ExpandGroups = False) -> Matrix:
    """Tasks × agencies with each agency's role (lead / responsible) in the cell."""
    return await service.build_matrix(session, plan, expand_groups)


_CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "UTF-8 CSV with a BOM."}}
_XLSX = {200: {"content": {exports.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
               "description": "An Excel workbook."}}


@router.get("/matrix.csv", response_class=Response, responses=_CSV, summary="Export the matrix as CSV")
async def export_matrix_csv(plan: MatrixPlan, session: ReadSession, expand_groups: ExpandGroups = False) -> Response:
    """The matrix with Chinese headers (任务编号, 任务, one column per agency; cells 牵头 / 责任)."""
    matrix = await service.build_matrix(session, plan, expand_groups)
    return Response(exports.matrix_csv(matrix), media_type=exports.CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": exports.attachment(plan, "csv")})


@router.get("/matrix.xlsx", response_class=Response, responses=_XLSX, summary="Export the matrix as XLSX")
async def export_matrix_xlsx(plan: MatrixPlan, session: ReadSession, expand_groups: ExpandGroups = False) -> Response:
    """The matrix as an Excel workbook, one sheet 责任矩阵, lead cells in bold."""
    matrix = await service.build_matrix(session, plan, expand_groups)
    return Response(exports.matrix_xlsx(matrix), media_type=exports.XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": exports.attachment(plan, "xlsx")})
