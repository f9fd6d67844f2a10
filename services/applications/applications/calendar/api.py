"""The working-day calendar that public notices (公示) and objection deadlines are counted on: public to read;
administrators enter a year the chinesecalendar package does not cover yet."""

from typing import Annotated

from fastapi import APIRouter, Path

from applications.calendar import service
from applications.calendar.schemas import CalendarYearEntry, CalendarYearRead
from applications.deps import AdminCaller, Now, ReadSession, WriteSession
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["calendar"], responses=PROBLEM_RESPONSES)

Year = Annotated[int, Path(ge=2000, le=2100, description="The year, e.g. 2027.")]


@router.get("/calendar/{year}", response_model=CalendarYearRead, summary="Read a year's working-day calendar")
async def read_year(year: Year, session: ReadSession) -> CalendarYearRead:
    """A year's public holidays and weekend days worked, from chinesecalendar or as an administrator entered them
    (public)."""
    return await service.read_year(session, year)


@router.put("/calendar/{year}", response_model=CalendarYearRead, summary="Enter a year's public holidays")
async def enter_year(year: Year, body: CalendarYearEntry, caller: AdminCaller, session: WriteSession,
                     now: Now) -> CalendarYearRead:
    """As an administrator: a year's days off and weekend days worked, copied from the State Council's notice, for a
    year chinesecalendar does not cover yet (409 for one it does); replaces an earlier entry, audited."""
    return await service.enter_year(session, caller, year, body, now)
