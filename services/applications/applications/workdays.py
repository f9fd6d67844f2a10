"""Working days in mainland China: weekends off, public holidays off, and the weekend days made working days
to bridge a holiday (调休) on. The calendar is the `chinesecalendar` package's for the years it covers. For a
later year it is the State Council's yearly notice as an administrator entered it (`PUT /calendar/{year}`):
the notice comes out in the autumn, the package some weeks later, and a public notice or an objection near
the year's end must not wait for it. A date in neither is an error, never a guess."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from applications.errors import CalendarNotCovered


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class EnteredYear:
    """An administrator's entry of a year: its days off and its weekend days worked; the rest is Monday to
    Friday."""

    holidays: frozenset[date]
    working_weekend_days: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day not in self.holidays and day.weekday() < 5


@dataclass(frozen=True)
class WorkingCalendar:
    """The package's years, and the years an administrator entered (`entered`, by year)."""

    entered: Mapping[int, EnteredYear] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as exc:
            if day.year in self.entered:
                return self.entered[day.year].is_working_day(day)
            raise CalendarNotCovered(day) from exc

    def nth_working_day(self, start: date, count: int) -> date:
        """The `count`-th working day counting from `start` (itself the first when it is a working day)."""
        day, seen = start, 0
        while True:
            if self.is_working_day(day):
                seen += 1
                if seen == count:
                    return day
            day += timedelta(days=1)
