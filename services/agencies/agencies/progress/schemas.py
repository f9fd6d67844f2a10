"""Progress reports, their review, and approvals counted towards derived deliverables."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from agencies.catalog.schemas import AgencyRef, TaskRef
from agencies.types import Comment, ExternalId, FreeText, Period, ReportStatus
from servicekit.validation import Slug


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period = Field(description="The reporting period: `2019-Q2` for a quarterly deliverable (the default); "
                                       "`2019-05` monthly, `2019-H1` half-yearly, `2019` yearly.")
    value: float = Field(ge=0, le=1e12, allow_inf_nan=False,
                         description="Your agency's cumulative value at the end of the period, in `unit`.")
    unit: str = Field(min_length=1, max_length=20, description="Must equal the deliverable's unit, e.g. 家.")
    narrative: FreeText = Field(description="What was done, in words.")
    evidence: list[HttpUrl] = Field(default_factory=list, max_length=20, description="Links to evidence.")
    reported_on: date | None = Field(
        default=None, description="Only for back-filling the record of a plan that has ended: the day your agency "
        "reported this value (from the period's start to today). Omitted, the report is dated today.")


class ReportRead(BaseModel):
    """A report as the public sees it: which agency reported what, and the decision; not who typed it."""

    id: int
    deliverable_code: str
    task: TaskRef
    agency: AgencyRef
    period: str
    value: float
    unit: str
    narrative: str
    evidence: list[str]
    status: ReportStatus
    reported_on: date = Field(description="The day the agency reported the value: the day it was filed, or the day "
                                          "stated for a back-filled report. Supervision judges lateness by it.")
    submitted_at: datetime = Field(description="When the report was entered into this service.")
    reviewed_at: datetime | None
    review_comment: str | None


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment = Field(default="", description="Why; required when returning a report.")


class ReturnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment = Field(min_length=1, description="What the reporting agency must fix.")


class ApprovalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval_id: ExternalId = Field(description="The applications service's id of the approval; counted once.")
    program_code: Slug
    application_id: ExternalId
    city: Slug | None = Field(default=None, description="Code of the city the award goes to, if any.")
    effective_at: datetime | None = Field(
        default=None, description="When it counts from (aware, not in the future); default: now. For a call of a "
        "plan whose period has ended, the applications service sends the end of the call's year, so the plan's "
        "final result counts it.")


class ApprovalBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approvals: list[ApprovalCreate] = Field(min_length=1, max_length=200,
                                            description="Each counted once, with its own outcome.")


class ApprovalRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_at: datetime | None = Field(default=None, description="When it stops counting (not before it "
                                          "started, not in the future); default: now.")


class DerivedValue(BaseModel):
    deliverable_code: str
    value: float = Field(description="Approvals counted for the deliverable now.")


class ApprovalRead(BaseModel):
    approval_id: str
    program_code: str
    application_id: str
    city: str | None
    recorded_at: datetime
    revoked_at: datetime | None
    deliverables: list[DerivedValue] = Field(description="Deliverables derived from the program, with their counts.")


class ApprovalBatchItem(BaseModel):
    approval_id: str
    status: int = Field(description="201 counted now, 200 already counted, 4xx refused (see `problem`).")
    approval: ApprovalRead | None = None
    problem: dict[str, Any] | None = None


class ApprovalBatchResult(BaseModel):
    items: list[ApprovalBatchItem] = Field(description="One per approval, in the order given.")
