"""The working-day calendar: the chinesecalendar package's years, and the later years administrators enter from
the State Council's notice until the package covers them."""

from datetime import date, datetime

import chinese_calendar
from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calendar.repository import CalendarRepository
from applications.calendar.schemas import CalendarDayEntry, CalendarYearEntry, CalendarYearRead
from applications.models import AuditLog, CalendarDay, CalendarYear
from applications.workdays import EnteredYear, WorkingCalendar, package_covers
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.problems import FieldProblem

PACKAGE_NAMES_ZH = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
                    "National Day": "国庆节", "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


async def working_calendar(session: AsyncSession, start: date) -> WorkingCalendar:
    """The calendar for counting working days from `start`: a count (at most 60 working days) never runs past
    the next year, so the entered years among these two are all it can need."""
    years = [y for y in (start.year, start.year + 1) if not package_covers(y)]
    if not years:
        return WorkingCalendar()
    entered: dict[int, tuple[set[date], set[date]]] = {}
    repo = CalendarRepository(session)
    for year in years:
        if await repo.year(year) is not None:
            entered[year] = (set(), set())
    for day in await repo.days(list(entered)):
        entered[day.year][0 if not day.working else 1].add(day.day)
    return WorkingCalendar({year: EnteredYear(frozenset(off), frozenset(worked))
                            for year, (off, worked) in entered.items()})


def _package_days(year: int, chosen: dict) -> list[CalendarDayEntry]:
    return [CalendarDayEntry(date=day, name=PACKAGE_NAMES_ZH.get(str(name), str(name)))
            for day, name in sorted(chosen.items()) if day.year == year]


async def read_year(session: AsyncSession, year: int) -> CalendarYearRead:
    if package_covers(year):
        return CalendarYearRead(year=year, source="chinesecalendar", notice=None, entered_by=None, entered_at=None,
                                holidays=_package_days(year, chinese_calendar.holidays),
                                working_weekend_days=_package_days(year, chinese_calendar.workdays))
    repo = CalendarRepository(session)
    entry = await repo.year(year)
    if entry is None:
        raise errors.CalendarYearNotEntered(year)
    days = await repo.days([year])
    return CalendarYearRead(
        year=year, source="entered", notice=entry.notice, entered_by=entry.entered_by, entered_at=entry.entered_at,
        holidays=[CalendarDayEntry(date=d.day, name=d.name) for d in days if not d.working],
        working_weekend_days=[CalendarDayEntry(date=d.day, name=d.name) for d in days if d.working])


def _problems(year: int, body: CalendarYearEntry) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    seen: set[date] = set()
    for group, days in (("holidays", body.holidays), ("working_weekend_days", body.working_weekend_days)):
        for index, day in enumerate(days):
            field = f"body.{group}.{index}.date"
            if day.date.year != year:
                problems.append(FieldProblem(field=field, type="outside_year",
                                             message=f"{day.date.isoformat()} 不在 {year} 年内"))
            elif day.date in seen:
                problems.append(FieldProblem(field=field, type="duplicate",
                                             message=f"{day.date.isoformat()} 重复录入"))
            elif group == "working_weekend_days" and day.date.weekday() < 5:
                problems.append(FieldProblem(field=field, type="not_a_weekend_day",
                                             message=f"{day.date.isoformat()} 不是周六或周日，本来就是工作日"))
            seen.add(day.date)
    return problems


async def enter_year(session: AsyncSession, principal: Principal, year: int, body: CalendarYearEntry,
                     now: datetime) -> CalendarYearRead:
    """Set a year's days off and weekend days worked (replacing an earlier entry of the year, audited). Deadlines
    already counted stay as they were counted."""
    if package_covers(year):
        raise errors.CalendarYearInPackage(year)
    if problems := _problems(year, body):
        raise errors.CalendarDaysInvalid(year, problems)
    repo = CalendarRepository(session)
    entry, new = await repo.locked_or_new(year, CalendarYear(year=year, notice=body.notice,
                                                             entered_by=principal.actor, entered_at=now))
    before = None if new else (await read_year(session, year)).model_dump(mode="json")
    entry.notice, entry.entered_by, entry.entered_at = body.notice, principal.actor, now
    await repo.replace_days(year, [CalendarDay(day=d.date, year=year, working=False, name=d.name) for d in body.holidays]
                            + [CalendarDay(day=d.date, year=year, working=True, name=d.name)
                               for d in body.working_weekend_days])
    after = await read_year(session, year)
    await record_change(session, AuditLog, actor=principal.actor, action="calendar.enter", entity_type="calendar_year",
                        entity_id=year, before=before, after=after.model_dump(mode="json"))
    return after
