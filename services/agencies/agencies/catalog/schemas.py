"""Public read models of the plan catalog: plans, tasks, agencies, the responsibility matrix.
Nothing here is personal data: agencies are public bodies, report summaries carry no submitter.

Plan content comes in Chinese with its English beside it (`title_en`, `indicator_en`, `unit_en`, `name_en`).
Every read that shows progress says which day it judges at (`as_of`) and whether that is the plan's final result
(`final`: the plan has ended and is judged at its end date)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agencies.types import Role

StatusColour = Literal["green", "amber", "red"]
Result = Literal["achieved", "not_achieved"]

AS_OF = "The day progress is judged at: today while the plan runs, its end date once it has ended, or the " \
        "`as_of` asked for."
FINAL = "True when the plan has ended and is judged at its end date: the figures are its final result."


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Judged(BaseModel):
    as_of: date = Field(description=AS_OF)
    final: bool = Field(description=FINAL)


class PlanJudgement(Judged):
    plan_code: str


class AgencyRef(_Read):
    code: str = Field(description="Stable code, e.g. `prov-org-dept`, `city-shenyang`, `all-cities`.")
    name: str = Field(description="Chinese name, e.g. 省委组织部.")
    name_en: str
    kind: str = Field(description="party_department, government_department, people_organization, "
                                  "financial_institution, city or group.")


class TargetRead(_Read):
    code: str
    quote: str = Field(description="The words of the plan that set the target.")
    indicator: str = Field(description="What is counted, in Chinese.")
    indicator_en: str = Field(description="What is counted, in English.")
    value: float
    value_max: float | None = None
    unit: str = Field(description="The unit in Chinese, e.g. 家.")
    unit_en: str = Field(description="The unit in English, e.g. workstations.")
    approximate: bool
    comparator: Literal["about", "at_least", "exactly", "between"]
    due: date
    note: str | None = None


class GroupRead(_Read):
    number: int
    numeral: str
    title: str
    intro: str


class SectionRead(_Read):
    number: int
    numeral: str
    title: str


class SectionWithGroups(SectionRead):
    groups: list[GroupRead]


class PlanSummary(Judged):
    code: str
    title: str
    title_en: str
    document_number: str
    issuers: list[str]
    issued_on: date
    period_start: date
    period_end: date
    region: str
    task_count: int


class PlanRead(PlanSummary):
    overall_targets: list[TargetRead]
    sections: list[SectionWithGroups]
    agencies: list[AgencyRef] = Field(description="The agencies the plan names, in its order.")
    progress_percent: float | None = Field(description="Mean of the tasks' progress (tasks with deliverables).")


class PlanRef(_Read):
    code: str
    title: str
    title_en: str


class TaskRef(BaseModel):
    plan_code: str
    number: int
    title: str
    title_en: str


class Progress(Judged):
    """A deliverable's progress at `as_of`. Reported: the sum over agencies of each one's latest accepted
    cumulative value for a period begun by then. Derived: the number of approvals of its program recorded by
    then (and not revoked by then). A total that other deliverables break down (`part_of`) is at least the sum of
    its parts. Status compares the value with a straight line from 0 at the plan's start to the target at the due
    date: green at ≥ 90 % of the expected value, amber at ≥ 60 %, red below. Once the plan has ended, `result`
    says whether the target was met (完成 / 未完成)."""

    source: Literal["reported", "derived"]
    value: float = Field(description="The value at `as_of`; the final value when `final`.")
    percent: float = Field(description="value / target × 100, one decimal; may pass 100.")
    expected_value: float = Field(description="Where the straight line from plan start to due date is at as_of.")
    status: StatusColour
    parts_value: float | None = Field(default=None, description="Sum of the values of its parts, if it has any.")
    result: Result | None = Field(description="When `final`: achieved (完成) if the value reached the target, "
                                               "else not_achieved (未完成). None while the plan runs.")


class AgencyShare(BaseModel):
    agency: AgencyRef | None = Field(description="None for approvals that name no city.")
    value: float
    period: str | None = Field(default=None, description="Period of the accepted report the value comes from.")


class ReportHistory(BaseModel):
    total: int
    pending: int
    accepted: int
    returned: int
    latest_period: str | None
    latest_reported_on: date | None = Field(description="The latest day an agency reported on (see reports).")
    latest_submitted_at: datetime | None = Field(description="When the latest report was entered.")


class DeliverableRead(TargetRead):
    recurrence: Literal["once", "yearly"]
    reporting: Literal["monthly", "quarterly", "half_yearly", "yearly"]
    derived_from_program: str | None = Field(description="Funding program whose approvals count as progress.")
    part_of: str | None = Field(description="Code of the deliverable this one is a part of.")
    progress: Progress
    by_agency: list[AgencyShare]
    reports: ReportHistory


class DeliverableDetail(DeliverableRead, Judged):
    task: TaskRef


class OwnerRead(BaseModel):
    agency: AgencyRef
    role: Role
    position: int = Field(description="1-based place in the plan's list of lead or responsible agencies.")
    members: list[AgencyRef] = Field(description="For a group such as 各市: the agencies it stands for.")


class TaskSummary(Judged):
    plan_code: str
    number: int
    title: str
    title_en: str
    section: int
    group: int | None
    lead: list[AgencyRef]
    responsible: list[AgencyRef]
    deliverable_count: int
    progress_percent: float | None = Field(description="Mean of the deliverables' percents, each capped at 100.")


class TaskRead(Judged):
    plan: PlanRef
    number: int
    title: str
    title_en: str
    clause: str = Field(description="The task's full text in the plan.")
    section: SectionRead
    group: GroupRead | None
    owners: list[OwnerRead]
    deliverables: list[DeliverableRead]
    progress_percent: float | None


class AgencyRead(AgencyRef):
    plans: list[str] = Field(description="Codes of the plans that name this agency.")


class AgencyTask(Judged):
    plan_code: str
    number: int
    title: str
    title_en: str
    role: Role
    via: str | None = Field(description="Code of the group (e.g. all-cities) through which the agency owns it.")
    progress_percent: float | None


class GroupMembership(BaseModel):
    plan_code: str
    group: AgencyRef


class AgencyDetail(AgencyRead):
    members: list[GroupMembership] = Field(default_factory=list,
                                           description="For a group: whom it stands for, per plan.")
    member_of: list[GroupMembership] = Field(description="Groups (e.g. 各市) that stand for this agency.")
    leads: list[AgencyTask]
    shares: list[AgencyTask] = Field(description="Tasks it is responsible for, directly or through a group.")
    progress_percent: float | None = Field(description="Mean progress of the tasks it leads.")
    judged: list[PlanJudgement] = Field(description="The day each plan of its tasks is judged at.")


class MatrixCell(BaseModel):
    roles: list[Role]
    via: str | None = None


class MatrixRow(BaseModel):
    number: int
    title: str
    title_en: str
    cells: dict[str, MatrixCell] = Field(description="By agency code; agencies without a role are left out.")
    progress_percent: float | None = Field(description="The task's progress at as_of.")


class Matrix(Judged):
    plan: PlanRef
    agencies: list[AgencyRef] = Field(description="The columns, in the plan's order.")
    rows: list[MatrixRow] = Field(description="The tasks, or those the search `q` finds.")
