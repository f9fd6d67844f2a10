"""The working-day calendar of a year: the package's, or entered by an administrator from the State Council's
notice."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicekit.validation import StorableText

DayName = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class CalendarDayEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    name: DayName = Field(description="The holiday it belongs to, e.g. 春节.")


class CalendarYearEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notice: Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=4, max_length=300)] = Field(
        description="The notice the days are copied from, e.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）.")
    holidays: list[CalendarDayEntry] = Field(min_length=1, max_length=60, description="Every day off of the "
                                             "public holidays, weekend days included.")
    working_weekend_days: list[CalendarDayEntry] = Field(default_factory=list, max_length=20, description=(
        "The Saturdays and Sundays worked to bridge a holiday (调休)."))


class CalendarYearRead(BaseModel):
    year: int
    source: Literal["chinesecalendar", "entered"] = Field(description="Whose the days are: the chinesecalendar "
                                                          "package's, or an administrator's entry.")
    notice: str | None
    entered_by: str | None
    entered_at: datetime | None
    holidays: list[CalendarDayEntry]
    working_weekend_days: list[CalendarDayEntry]
