"""Report rows per program & year, per lead agency and per city (public aggregates), and per award (staff)."""

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from funding.access import ensure_program_reader
from funding.awards.repository import AwardFilters, AwardRepository
from funding.awards.service import read_awards
from funding.reports.figures import Figures, ledger_figures
from funding.reports.schemas import AgencyRow, AwardRow, CityRow, ProgramRow, Report
from funding.rules.repository import RulesRepository
from funding.rules.service import get_rule
from planfile import PlanFileError, load_plan_file
from servicekit.identity import Principal
from servicekit.pagination import PageParams

EXPORT_PAGE = 1000


@lru_cache(maxsize=8)
def _names(path: str, mtime: float) -> dict[str, str]:
    try:
        plan = load_plan_file(path)
    except PlanFileError:
        return {}
    return {a.code: a.name for a in plan.agencies}


def agency_names(plans_dir: Path, plan: str) -> dict[str, str]:
    """Agency and city names as the plan file gives them (the agencies service owns them; this is for labels)."""
    path = plans_dir / f"{plan}.yaml"
    return _names(str(path), path.stat().st_mtime) if path.is_file() else {}


def _amounts(figures: Figures) -> dict[str, int]:
    return {k: getattr(figures, k) for k in ("appropriated", "reserved", "committed", "disbursed", "available",
                                             "awards")}


async def program_report(session: AsyncSession, fiscal_year: int | None) -> Report:
    rules = {r.code: r for r in await RulesRepository(session).current_rules()}
    figures = await ledger_figures(session, fiscal_year=fiscal_year)
    grouped: dict[tuple[str, int], Figures] = defaultdict(Figures)
    for budget in figures.budgets:
        grouped[(budget.program_code or "", budget.fiscal_year or 0)].add(figures.per_budget[budget.id])
    rows = []
    for (program, year), f in sorted(grouped.items(), key=lambda item: (
            rules[item[0][0]].task_number if item[0][0] in rules else 0, item[0][0], item[0][1])):
        rule = rules.get(program)
        rows.append(ProgramRow(program_code=program, program_name=rule.name if rule else None,
                               task_number=rule.task_number if rule else None,
                               lead_agencies=list(rule.lead_agencies) if rule else [], fiscal_year=year,
                               **_amounts(f)))
    return Report(kind="programs", fiscal_year=fiscal_year, rows=rows, totals=_totals(rows))


async def agency_report(session: AsyncSession, fiscal_year: int | None, names: dict[str, str]) -> Report:
    programs = await program_report(session, fiscal_year)
    grouped: dict[tuple[str, int], Figures] = defaultdict(Figures)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for row in programs.rows:
        for agency in row.lead_agencies or ["(unassigned)"]:
            grouped[(agency, row.fiscal_year)].add(Figures(**{k: getattr(row, k) for k in _amounts(Figures())}))
            counts[(agency, row.fiscal_year)] += 1
    rows = [AgencyRow(agency_code=agency, agency_name=names.get(agency), fiscal_year=year,
                      programs=counts[(agency, year)], **_amounts(f))
            for (agency, year), f in sorted(grouped.items())]
    # A program led by two agencies appears under both, so the column totals are not a sum over agencies.
    return Report(kind="agencies", fiscal_year=fiscal_year, rows=rows, totals=programs.totals)


async def city_report(session: AsyncSession, fiscal_year: int | None, names: dict[str, str]) -> Report:
    figures = await ledger_figures(session, fiscal_year=fiscal_year)
    grouped: dict[tuple[str, int], Figures] = defaultdict(Figures)
    for budget in figures.budgets:
        if budget.city_code:
            f = figures.per_budget[budget.id]
            grouped[(budget.city_code, budget.fiscal_year or 0)].add(
                Figures(appropriated=f.appropriated, available=f.available))
    for commitment in figures.commitments:
        f = figures.per_commitment[commitment.id]
        grouped[(commitment.city_code or "", commitment.fiscal_year or 0)].add(
            Figures(reserved=f.reserved, committed=f.committed, disbursed=f.disbursed, awards=f.awards))
    rows = [CityRow(city_code=city or None, city_name=names.get(city) if city else "（未指明城市）",
                    fiscal_year=year, **_amounts(f))
            for (city, year), f in sorted(grouped.items())]
    return Report(kind="cities", fiscal_year=fiscal_year, rows=rows, totals=_totals(rows))


async def award_report(session: AsyncSession, principal: Principal, program_code: str, fiscal_year: int | None,
                       size: int, after: str | None) -> Report:
    """One page of the awards of one program, newest first, paged by key (staff of its lead agencies, admins and
    services)."""
    ensure_program_reader(principal, await get_rule(session, program_code))
    filters = AwardFilters(program_code=program_code, fiscal_year=fiscal_year)
    awards, _, next_page = await AwardRepository(session).awards_page(filters, PageParams(size=size, after=after))
    rows = [AwardRow(award_id=a.id, application_id=a.application_id, program_code=a.program_code,
                     fiscal_year=a.fiscal_year, grantee_name=a.grantee_name, city_code=a.city_code,
                     amount=a.amount_fen, status=a.status, committed=a.committed_fen, disbursed=a.paid_fen,
                     remaining=a.remaining_fen)
            for a in await read_awards(session, awards)]
    return Report(kind="awards", fiscal_year=fiscal_year, rows=rows, totals=_award_totals(rows), next=next_page)


async def whole_award_report(session: AsyncSession, principal: Principal, program_code: str,
                             fiscal_year: int | None) -> Report:
    """Every award of the program, for a download: read page by page by key, so no page costs an OFFSET."""
    rows: list[AwardRow] = []
    after = None
    while True:
        page = await award_report(session, principal, program_code, fiscal_year, EXPORT_PAGE, after)
        rows.extend(page.rows)
        if (after := page.next) is None:
            return Report(kind="awards", fiscal_year=fiscal_year, rows=rows, totals=_award_totals(rows))


def _award_totals(rows: list[AwardRow]) -> dict[str, int]:
    return {k: sum(getattr(r, k) for r in rows) for k in ("amount", "committed", "disbursed", "remaining")}


def _totals(rows: list) -> dict[str, int]:
    return {k: sum(getattr(r, k) for r in rows) for k in ("appropriated", "reserved", "committed", "disbursed",
                                                           "available", "awards")}
