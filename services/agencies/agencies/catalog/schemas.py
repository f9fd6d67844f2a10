"""Public read models of the plan catalog: plans, tasks, agencies, the responsibility matrix.
Nothing here is personal data: agencies are public bodies, report summaries carry no submitter."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["lead", "responsible"]
StatusColour = Literal["green", "amber", "red"]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class AgencyRef(_Read):
    code: str = Field(description="Stable code, e.g. `prov-org-dept`, `city-shenyang`, `all-cities`.")
    name: str = Field(description="Chinese name, e.g. 省委组织部.")
    name_en: str
    kind: str = Field(description="party_department, government_department, people_organization, "
                                  "financial_institution, city or group.")


class TargetRead(_Read):
    code: str
    quote: str = Field(description="The words of the plan that set the target.")
    indicator: str
    value: float
    value_max: float | None = None
    unit: str
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


class PlanSummary(_Read):
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


class TaskRef(BaseModel):
    plan_code: str
    number: int
    title: str


class Progress(BaseModel):
    """A deliverable's progress. Reported: the sum over agencies of each one's latest accepted cumulative
    value. Derived: the number of (unrevoked) approvals of its program. A total that other deliverables
    break down (`part_of`) is at least the sum of its parts. Status compares the value with a straight line
    from 0 at the plan's start to the target at the due date: green at ≥ 90 % of the expected value, amber
    at ≥ 60 %, red below."""

    source: Literal["reported", "derived"]
    value: float
    percent: float = Field(description="value / target × 100, one decimal; may pass 100.")
    expected_value: float = Field(description="Where the straight line from plan start to due date is today.")
    status: StatusColour
    parts_value: float | None = Field(default=None, description="Sum of the values of its parts, if it has any.")
    as_of: date


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
    latest_submitted_at: datetime | None


class DeliverableRead(TargetRead):
    recurrence: Literal["once", "yearly"]
    reporting: Literal["monthly", "quarterly", "half_yearly", "yearly"]
    derived_from_program: str | None = Field(description="Funding program whose approvals count as progress.")
    part_of: str | None = Field(description="Code of the deliverable this one is a part of.")
    progress: Progress
    by_agency: list[AgencyShare]
    reports: ReportHistory


class DeliverableDetail(DeliverableRead):
    task: TaskRef


class OwnerRead(BaseModel):
    agency: AgencyRef
    role: Role
    position: int = Field(description="1-based place in the plan's list of lead or responsible agencies.")
    members: list[AgencyRef] = Field(description="For a group such as 各市: the agencies it stands for.")


class TaskSummary(BaseModel):
    plan_code: str
    number: int
    title: str
    section: int
    group: int | None
    lead: list[AgencyRef]
    responsible: list[AgencyRef]
    deliverable_count: int
    progress_percent: float | None = Field(description="Mean of the deliverables' percents, each capped at 100.")


class TaskRead(BaseModel):
    plan: PlanRef
    number: int
    title: str
    clause: str = Field(description="The task's full text in the plan.")
    section: SectionRead
    group: GroupRead | None
    owners: list[OwnerRead]
    deliverables: list[DeliverableRead]
    progress_percent: float | None


class AgencyRead(AgencyRef):
    plans: list[str] = Field(description="Codes of the plans that name this agency.")


class AgencyTask(BaseModel):
    plan_code: str
    number: int
    title: str
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


class MatrixCell(BaseModel):
    roles: list[Role]
    via: str | None = None


class MatrixRow(BaseModel):
    number: int
    title: str
    cells: dict[str, MatrixCell] = Field(description="By agency code; agencies without a role are left out.")


class Matrix(BaseModel):
    plan: PlanRef
    agencies: list[AgencyRef] = Field(description="The columns, in the plan's order.")
    rows: list[MatrixRow]
