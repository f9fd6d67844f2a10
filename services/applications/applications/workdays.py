"""Working days in mainland China: weekends off, public holidays off, and the weekend days made working days
to bridge a holiday (调休) on. The calendar is the `chinesecalendar` package's, which the State Council's
yearly notice updates; a date beyond the years it covers is an error, never a guess."""

from datetime import date, timedelta

import chinese_calendar

from applications.errors import CalendarNotCovered


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarNotCovered(day) from exc


def nth_working_day(start: date, count: int) -> date:
    """The `count`-th working day counting from `start` (itself the first when it is a working day)."""
    day, seen = start, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == count:
                return day
        day += timedelta(days=1)
