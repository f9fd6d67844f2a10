"""Overdue reports and escalations."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agencies.catalog.schemas import AgencyRef
from agencies.deps import SLUG_PATTERN
from agencies.periods import PERIOD_PATTERN
from servicekit.pagination import Page

Level = Literal["reminder", "interview", "inquiry", "public_notice"]
# The ladder, in order; each step is one rung up from the one before.
LEVELS: tuple[Level, ...] = ("reminder", "interview", "inquiry", "public_notice")
LEVEL_NAMES = {"reminder": "提醒", "interview": "约谈", "inquiry": "函询", "public_notice": "通报"}

Code = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


class EscalationState(BaseModel):
    step: int = Field(description="1 = 提醒 … 4 = 通报.")
    level: Level
    level_name: str = Field(description="提醒, 约谈, 函询 or 通报.")
    escalated_at: datetime


class OverdueItem(BaseModel):
    agency: AgencyRef
    plan_code: str
    task_number: int
    deliverable_code: str
    indicator: str
    period: str
    deadline: date = Field(description="Last day the report was on time (15 days after the period's end).")
    state: Literal["missing", "late"] = Field(description="missing: no report yet; late: filed after the deadline.")
    submitted_at: datetime | None
    days_overdue: int = Field(description="Days past the deadline: until as_of if missing, until filed if late.")
    escalation: EscalationState | None = Field(description="The highest step reached by as_of.")
    next_level: Level | None = Field(description="The only level an escalation may move to next.")


class AgencyOverdue(BaseModel):
    agency: AgencyRef
    missing: int
    late: int


class OverduePage(Page[OverdueItem]):
    as_of: date
    by_agency: list[AgencyOverdue] = Field(description="Counts per agency over all pages.")


class EscalationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deliverable: Code
    agency: Code = Field(description="The agency whose report is overdue.")
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2019-Q2"])
    level: Level = Field(description="The next rung: reminder 提醒 → interview 约谈 → inquiry 函询 → "
                                     "public_notice 通报.")
    note: Note


class EscalationRead(BaseModel):
    id: int
    deliverable_code: str
    agency: AgencyRef
    period: str
    step: int
    level: Level
    level_name: str
    note: str
    actor: str = Field(description="Who escalated (role:subject of the administrator).")
    created_at: datetime
