"""Progress reports, their review, and approvals counted towards derived deliverables."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints

from agencies.catalog.schemas import AgencyRef, TaskRef
from agencies.deps import SLUG_PATTERN
from agencies.periods import PERIOD_PATTERN
from servicekit.validation import StorableText

# PostgreSQL text cannot hold NUL, so no free text here may contain it.
FreeText = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000,
                                            pattern=r"^[^\x00]*$")]
Comment = Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^[^\x00]*$")]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]
Code = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(pattern=PERIOD_PATTERN, examples=["2019-Q2"],
                        description="The reporting period: `2019-Q2` for a quarterly deliverable (the default); "
                                    "`2019-05` monthly, `2019-H1` half-yearly, `2019` yearly.")
    value: float = Field(ge=0, le=1e12, allow_inf_nan=False,
                         description="Your agency's cumulative value at the end of the period, in `unit`.")
    unit: str = Field(min_length=1, max_length=20, description="Must equal the deliverable's unit, e.g. 家.")
    narrative: FreeText = Field(description="What was done, in words.")
    evidence: list[HttpUrl] = Field(default_factory=list, max_length=20, description="Links to evidence.")


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
    status: Literal["pending", "accepted", "returned"]
    submitted_at: datetime
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
    program_code: Code
    application_id: ExternalId
    city: Code | None = Field(default=None, description="Code of the city the award goes to, if any.")


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
