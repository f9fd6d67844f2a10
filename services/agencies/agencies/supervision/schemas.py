"""Overdue reports and escalations."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agencies.catalog.schemas import AS_OF, AgencyRef, PlanJudgement
from agencies.types import Note, Period
from servicekit.pagination import Page
from servicekit.validation import Slug

Level = Literal["reminder", "interview", "inquiry", "public_notice"]
# The ladder, in order; each step is one rung up from the one before.
LEVELS: tuple[Level, ...] = ("reminder", "interview", "inquiry", "public_notice")
LEVEL_NAMES = {"reminder": "提醒", "interview": "约谈", "inquiry": "函询", "public_notice": "通报"}


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
    indicator_en: str
    period: str
    deadline: date = Field(description="Last day the report was on time (15 days after the period's end).")
    state: Literal["missing", "late"] = Field(description="missing: no report by as_of; late: reported after the "
                                                          "deadline.")
    reported_on: date | None = Field(description="For a late report: the day it was reported.")
    submitted_at: datetime | None = Field(description="For a late report: when it was entered.")
    days_overdue: int = Field(description="Days past the deadline: until as_of if missing, until reported if late.")
    escalation: EscalationState | None = Field(description="The highest step reached by as_of.")
    next_level: Level | None = Field(description="The only level an escalation may move to next.")


class AgencyOverdue(BaseModel):
    agency: AgencyRef
    missing: int
    late: int


class OverduePage(Page[OverdueItem]):
    as_of: date | None = Field(description=AS_OF + " None when the plans listed are judged at different days "
                                                   "(see `judged`).")
    final: bool = Field(description="True when every plan listed has ended: lateness is counted at its end date, "
                                    "and nothing is escalated any more.")
    judged: list[PlanJudgement] = Field(description="The day each plan listed is judged at.")
    by_agency: list[AgencyOverdue] = Field(description="Counts per agency over all pages.")


class EscalationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deliverable: Slug
    agency: Slug = Field(description="The agency whose report is overdue.")
    period: Period
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
