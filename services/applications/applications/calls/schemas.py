"""Calls (申报批次), their quotas and allocations, and the public catalog of calls."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from applications.programs.schemas import FormRef
from applications.schemas import AgencyRef, AmountRead, Label
from applications.types import ApplicantType, Reason, ShortText
from planfile.programs import AgeVariant, Eligibility
from servicekit.clock import CHINA_TIME
from servicekit.validation import Slug

CallStatus = Literal["upcoming", "open", "closed"]
STATUS_LABELS = {"upcoming": Label(zh="即将开始", en="Upcoming"), "open": Label(zh="正在受理", en="Open"),
                 "closed": Label(zh="已截止", en="Closed")}
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def _china_time_if_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=CHINA_TIME) if moment.tzinfo is None else moment


ChinaTime = Annotated[datetime, AfterValidator(_china_time_if_naive),
                      Field(description="A moment; without an offset it is China Standard Time (UTC+8), e.g. "
                                        "`2019-03-01T09:00:00`.", examples=["2019-03-01T09:00:00+08:00"])]


class AllocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_code: Slug = Field(description="A nominating agency of the program, e.g. city-shenyang.")
    size: Count = Field(description="Nominations this agency may make (推荐名额).")


class CallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_code: Slug
    year: int = Field(ge=2000, le=2100, description="The cycle (年度): one call per program and year.")
    title: ShortText | None = Field(None, description="Default: 「<year>年度<program>申报」.")
    opens_at: ChinaTime
    closes_at: ChinaTime
    quota_total: Count = Field(description="Awards the call may make, at most the rule's places left in the plan.")
    allocations: list[AllocationCreate] = Field(default_factory=list, max_length=60)
    eligibility: Eligibility | None = Field(None, description="Default: the program's.")
    cutoff_date: date | None = Field(None, description="The day ages are counted on (default: the age rule's "
                                                       "month-day in the call's year).")
    notice_working_days: int = Field(5, ge=1, le=30, description="Length of the 公示, in working days.")
    objection_working_days: int = Field(10, ge=1, le=60, description="Working days a reviewer has to resolve "
                                                                     "an objection.")

    @field_validator("allocations")
    @classmethod
    def _one_allocation_per_agency(cls, allocations: list[AllocationCreate]) -> list[AllocationCreate]:
        codes = [a.agency_code for a in allocations]
        if len(codes) != len(set(codes)):
            raise ValueError("an agency is allocated twice")
        return allocations


class CallUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = None
    opens_at: ChinaTime | None = None
    closes_at: ChinaTime | None = None
    notice_working_days: int | None = Field(None, ge=1, le=30)
    objection_working_days: int | None = Field(None, ge=1, le=60)


class QuotaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: Count
    reason: Reason = Field(description="Why (kept with who and when; required).")


class AllocationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: Count
    reason: Reason = Field(description="Why (kept with who and when; required).")


class QuotaFigures(BaseModel):
    total: int
    used: int = Field(description="Awards approved or being approved (approved + reserved).")
    remaining: int = Field(description="total − used.")


class AllocationRead(QuotaFigures):
    agency: AgencyRef
    nominated: int = Field(description="Nominations this agency holds now.")
    nominations_left: int
    reserved: int = Field(0, description="Its awards being approved (the saga holds a place).")
    approved: int = Field(0, description="Its awards approved.")


class QuotaRead(QuotaFigures):
    nominated: int
    reserved: int
    approved: int
    allocated: int = Field(description="The allocations' sizes added up (never above total).")
    allocations: list[AllocationRead]


class QuotaChangeRead(BaseModel):
    id: int
    agency_code: str | None = Field(description="The allocation changed; null for the call's total.")
    before: int | None
    after: int
    reason: str
    actor: str
    changed_at: datetime


class AgeLimitRead(BaseModel):
    years: int
    cutoff_date: date
    variants: list[AgeVariant]


class CallEligibility(BaseModel):
    age_max: AgeLimitRead | None
    full_time_in_province: bool
    one_application_per_cycle: bool
    no_active_award_of_kind: bool


class CallProgram(BaseModel):
    code: str
    name: str
    name_en: str
    task_number: int
    task_title: str
    rule_code: str
    applicant_type: ApplicantType
    applicant_type_label: Label
    quote: str = Field(description="The plan's clause the program comes from.")


class CallSummary(BaseModel):
    id: int
    title: str
    year: int
    plan_code: str
    program: CallProgram
    reviewing_agency: AgencyRef
    amount: AmountRead
    opens_at: datetime = Field(description="China Standard Time.")
    closes_at: datetime = Field(description="China Standard Time (the deadline).")
    status: CallStatus
    status_label: Label
    quota: QuotaFigures


class CallRead(CallSummary):
    eligibility: CallEligibility
    notice_working_days: int
    objection_working_days: int
    nominators: list[AgencyRef]
    form: FormRef
    quota_detail: QuotaRead = Field(description="The quota with every allocation (per city or department).")


class Facet(BaseModel):
    value: str
    label: Label
    count: int = Field(description="Calls with this value among those matching every other filter.")


class CallFacets(BaseModel):
    task: list[Facet]
    agency: list[Facet]
    applicant_type: list[Facet]
    status: list[Facet]


class CallCatalog(BaseModel):
    items: list[CallSummary]
    total: int
    page: int
    size: int
    facets: CallFacets
