"""Path, query and body field types of the agencies service, built on servicekit.validation."""

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agencies.periods import PERIOD_PATTERN
from servicekit.validation import Slug, StorableText, id_path, slug_path, text_query

Role = Literal["lead", "responsible"]
AgencyKind = Literal["party_department", "government_department", "people_organization", "financial_institution",
                     "city", "group"]
ReportStatus = Literal["pending", "accepted", "returned"]

# --- in the path -----------------------------------------------------------------------------------------

PlanCode = slug_path("The plan's code, e.g. liaoning-2018-2020.")
AgencyCode = slug_path("The agency's code, e.g. prov-hrss-dept.")
DeliverableCode = slug_path("The deliverable's code, e.g. t05-doctors-postdocs.")
TaskNumber = Annotated[int, Path(ge=1, le=10_000, description="The task's number in the plan (1, 2, …).")]
ReportId = id_path("The report's id.")
ApprovalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]+$", max_length=100,
                                 description="The applications service's id of the approval.")]

# --- in the query string ---------------------------------------------------------------------------------

SEARCH = "Text in a task's title or clause or in its deliverables, in Chinese or English, e.g. 博士后."
PlanQuery = Annotated[Slug, Query(description="The plan's code, e.g. liaoning-2018-2020.")]
SearchText = text_query(SEARCH)
AsOf = Annotated[date | None, Query(
    description="The day to judge progress at (YYYY-MM-DD), within the plan's period. By default today while "
                "the plan runs, and its end date (the final result) once it has ended.")]

# --- in a body -------------------------------------------------------------------------------------------

Period = Annotated[str, Field(pattern=PERIOD_PATTERN, examples=["2019-Q2"])]
FreeText = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Comment = Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=2000)]
Note = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]


# --- the filters of list endpoints, each a query-parameter model --------------------------------------------

SearchString = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]


class _Filters(BaseModel):
    model_config = ConfigDict(frozen=True)  # hashable: a rendered page is kept under its filters


class TaskFilters(_Filters):
    plan: Slug | None = Field(default=None, description="Only this plan's tasks (its code).")
    section: int | None = Field(default=None, ge=1, le=1000, description="Section number (二 = 2).")
    group: int | None = Field(default=None, ge=1, le=1000, description="Group number within its section.")
    agency: Slug | None = Field(default=None, description="Agency code; a city also matches the tasks of groups "
                                                          "(各市) that stand for it.")
    role: Role | None = Field(default=None, description="With `agency`: its role.")
    q: SearchString | None = Field(default=None, description=SEARCH)


class ReportFilters(_Filters):
    deliverable: Slug | None = Field(default=None, description="Only reports on this deliverable.")
    agency: Slug | None = Field(default=None, description="Only reports by this agency.")
    plan: Slug | None = Field(default=None, description="Only reports in this plan.")
    status: ReportStatus | None = None
    awaiting_review_by: Slug | None = Field(default=None,
                                            description="Only pending reports on tasks this agency leads.")


class OverdueFilters(_Filters):
    agency: Slug | None = Field(default=None, description="Only this agency's items (your own, unless admin).")
    plan: Slug | None = Field(default=None, description="Only this plan's deliverables.")
    state: Literal["missing", "late"] | None = Field(default=None, description="Only missing or only late items.")


class EscalationFilters(_Filters):
    deliverable: Slug | None = Field(default=None, description="Only escalations about this deliverable.")
    agency: Slug | None = Field(default=None, description="Only this agency's (your own, unless admin).")
    period: Period | None = Field(default=None, description="Only this reporting period, e.g. 2019-Q2.")
