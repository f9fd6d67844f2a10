"""Dates of a plan: its period, the day its progress is judged at, and its reporting periods.

A plan runs for a period (2018-01-01 to 2020-12-31). While it runs, it is judged at today; once it has ended,
at its end date (the final result). A reader may choose another day within the period (`as_of`).

A reporting period is named the way people write it: `2019` (a year), `2019-H1` (a half year), `2019-Q2`
(a quarter) or `2019-05` (a month). A deliverable reports on the periods of its schedule (quarterly by default)
from the plan's start until its due date; each report is due within REPORT_GRACE_DAYS after the end of its
period. Days are counted in China Standard Time."""

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from agencies import errors
from servicekit.clock import CHINA_TIME
from servicekit.problems import FieldProblem

REPORT_GRACE_DAYS = 15

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


@dataclass(frozen=True)
class PlanPeriod:
    start: date
    end: date

    @classmethod
    def of(cls, plan: Any) -> "PlanPeriod":
        """The period of a Plan row."""
        return cls(plan.period_start, plan.period_end)


@dataclass(frozen=True)
class Judgement:
    """The day a plan's progress is judged at; `final` when the plan has ended and that day is its end."""

    period: PlanPeriod
    as_of: date
    final: bool

    def fields(self) -> dict[str, date | bool]:
        """As the read models say it (`as_of`, `final`)."""
        return {"as_of": self.as_of, "final": self.final}


def judge(plan_code: str, period: PlanPeriod, today: date, as_of: date | None) -> Judgement:
    """Judged at `as_of` if given (it must lie within the period), else at today, or at the end once it has
    ended. The last day of the period still belongs to the running plan."""
    if as_of is None:
        as_of = min(today, period.end)
    elif not period.start <= as_of <= period.end:
        raise errors.AsOfOutsidePlan(
            f"评判日期 {as_of} 不在计划 {plan_code} 的实施期（{period.start} 至 {period.end}）内。",
            f"as_of {as_of} lies outside the period of plan {plan_code} ({period.start} to {period.end}).",
            errors=[FieldProblem(field="query.as_of", message=f"must lie within {period.start} to {period.end}",
                                 type="as_of_outside_plan")],
            extra={"plan": plan_code, "period_start": period.start.isoformat(), "period_end": period.end.isoformat()},
        )
    return Judgement(period, as_of, final=today > period.end and as_of == period.end)


def judge_plan(plan: Any, today: date, as_of: date | None) -> Judgement:
    """The judgement of a Plan row."""
    return judge(plan.code, PlanPeriod.of(plan), today, as_of)


def judge_plans(periods: Mapping[str, PlanPeriod], today: date, as_of: date | None) -> dict[str, Judgement]:
    """The judgement of each plan (by code) an answer covers; a chosen `as_of` must suit every one of them."""
    return {code: judge(code, period, today, as_of) for code, period in periods.items()}


def local_date(moment: datetime) -> date:
    """The calendar day it is at `moment` where the plan runs."""
    return moment.astimezone(CHINA_TIME).date()


def end_of_day(day: date) -> datetime:
    """The first moment after `day` where the plan runs: what happened before it happened by `day`."""
    return datetime.combine(day + timedelta(days=1), time(), CHINA_TIME)


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


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period | None:
    """The period a label names, or None if it names none (kept: progress figures read it for every report)."""
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
