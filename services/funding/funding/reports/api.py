"""Reports: per program & year, per lead agency and per city are public aggregates; the award list is for
staff (agency staff: their own programs). Each as JSON, CSV or XLSX."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from funding.deps import FundingReader, ReadSession
from funding.reports import service
from funding.reports.export import to_csv, to_xlsx
from funding.reports.schemas import Report
from funding.types import FiscalYearQuery, RequiredProgramCodeQuery
from servicekit.pagination import CursorQuery
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["reports"], responses=PROBLEM_RESPONSES)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}},
                 "description": "The report as JSON, CSV or XLSX (`format`)."}}
Format = Annotated[Literal["json", "csv", "xlsx"], Query(description="json (default), csv or xlsx.")]


def _render(report: Report, output: str, name: str, title: str) -> Response:
    if output == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if output == "xlsx":
        return Response(to_xlsx(report, title), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response(report.model_dump_json(), media_type="application/json")


def _names(request: Request) -> dict[str, str]:
    settings = request.app.state.settings
    return service.agency_names(settings.plans_dir, settings.default_plan)


@router.get("/reports/programs", response_model=Report, responses=EXPORTS, summary="Report per program")
async def program_report(session: ReadSession, fiscal_year: FiscalYearQuery = None,
                         format: Format = "json") -> Response:  # noqa: A002
    """Appropriated, reserved, committed, disbursed and available per program and fiscal year (public)."""
    report = await service.program_report(session, fiscal_year)
    return _render(report, format, f"funding-programs-{fiscal_year or 'all'}", "按项目")


@router.get("/reports/agencies", response_model=Report, responses=EXPORTS, summary="Report per lead agency")
async def agency_report(request: Request, session: ReadSession, fiscal_year: FiscalYearQuery = None,
                        format: Format = "json") -> Response:  # noqa: A002
    """The same figures per lead agency (a program led jointly counts for each lead) (public)."""
    report = await service.agency_report(session, fiscal_year, _names(request))
    return _render(report, format, f"funding-agencies-{fiscal_year or 'all'}", "按牵头单位")


@router.get("/reports/cities", response_model=Report, responses=EXPORTS, summary="Report per city")
async def city_report(request: Request, session: ReadSession, fiscal_year: FiscalYearQuery = None,
                      format: Format = "json") -> Response:  # noqa: A002
    """City-funded budgets, and the awards located in each city (public)."""
    report = await service.city_report(session, fiscal_year, _names(request))
    return _render(report, format, f"funding-cities-{fiscal_year or 'all'}", "按城市")


@router.get("/reports/awards", response_model=Report, responses=EXPORTS, summary="Award list of a program")
async def award_report(session: ReadSession, caller: FundingReader, program_code: RequiredProgramCodeQuery,
                       fiscal_year: FiscalYearQuery = None, format: Format = "json",  # noqa: A002
                       size: Annotated[int, Query(ge=1, le=service.EXPORT_PAGE, description="Rows per page (JSON).")]
                       = 200, after: CursorQuery = None) -> Response:
    """The awards of one program, newest first (staff; agency staff only for programs their agency leads). As
    JSON one page at a time, paged by key (`next` → `after`); CSV and XLSX hold every row."""
    if format == "json":
        report = await service.award_report(session, caller, program_code, fiscal_year, size, after)
    else:
        report = await service.whole_award_report(session, caller, program_code, fiscal_year)
    return _render(report, format, f"funding-awards-{program_code}", "资助清单")
