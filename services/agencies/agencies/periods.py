"""Reporting periods and schedules. A period is named the way people write it: `2019` (a year), `2019-H1`
(a half year), `2019-Q2` (a quarter) or `2019-05` (a month). A deliverable reports on the periods of its
schedule (quarterly by default) from the plan's start until its due date; each report is due within
REPORT_GRACE_DAYS after the end of its period."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

REPORT_GRACE_DAYS = 15
# Deadlines are days in China Standard Time (UTC+8 all year, no daylight saving).
PLAN_TIMEZONE = timezone(timedelta(hours=8), "CST")

PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$"

KIND_BY_REPORTING = {"monthly": "month", "quarterly": "quarter", "half_yearly": "half", "yearly": "year"}
MONTHS_BY_KIND = {"month": 1, "quarter": 3, "half": 6, "year": 12}
EXAMPLE_BY_KIND = {"month": "2019-05", "quarter": "2019-Q2", "half": "2019-H1", "year": "2019"}

_PERIOD = re.compile(PERIOD_PATTERN)


@dataclass(frozen=True)
class Period:
    label: str
    kind: str
    start: date
    end: date

    @property
    def deadline(self) -> date:
        """The last day a report on this period is on time."""
        return self.end + timedelta(days=REPORT_GRACE_DAYS)


def local_date(moment: datetime) -> date:
    """The calendar day it is at `moment` where the plan runs."""
    return moment.astimezone(PLAN_TIMEZONE).date()


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def _period(kind: str, year: int, index: int) -> Period:
    """The `index`-th (1-based) period of `kind` in `year`."""
    months = MONTHS_BY_KIND[kind]
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    label = {
        "year": f"{year}",
        "half": f"{year}-H{index}",
        "quarter": f"{year}-Q{index}",
        "month": f"{year}-{index:02d}",
    }[kind]
    return Period(label, kind, date(year, first_month, 1), _month_end(year, last_month))


def parse_period(label: str) -> Period | None:
    """The period a label names, or None if it names none."""
    if not _PERIOD.match(label):
        return None
    year = int(label[:4])
    if year < 1:
        return None
    if len(label) == 4:
        return _period("year", year, 1)
    rest = label[5:]
    if rest[0] == "Q":
        return _period("quarter", year, int(rest[1]))
    if rest[0] == "H":
        return _period("half", year, int(rest[1]))
    return _period("month", year, int(rest))


def period_containing(kind: str, day: date) -> Period:
    months = MONTHS_BY_KIND[kind]
    return _period(kind, day.year, (day.month - 1) // months + 1)


def schedule(reporting: str, start: date, until: date) -> list[Period]:
    """Every period of the `reporting` schedule from the one holding `start` to the one holding `until`."""
    kind = KIND_BY_REPORTING[reporting]
    periods = []
    current = period_containing(kind, start)
    while current.start <= until:
        periods.append(current)
        current = period_containing(kind, current.end + timedelta(days=1))
    return periods
