"""Expert review: assignments, conflict-of-interest declarations and score sheets."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from applications.schemas import Label
from applications.types import Comment, Reason, ShortText, Subject


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expert: Subject = Field(description="The expert's user, `user:<id>` (a user with the role expert).")
    expert_name: ShortText = Field(min_length=1, description="Shown to reviewers, never to the applicant.")


class DeclarationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declaration: Literal["no_conflict", "conflict"] = Field(
        description="`no_conflict`: I have no conflict of interest with the applicant (the file opens); "
                    "`conflict`: I have one (I withdraw from this review).")
    note: Comment = Field("", description="Required with `conflict`: what the conflict is.")


class ScoreSheetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int] = Field(description="Points per criterion of the program's score sheet (its codes).",
                                   max_length=50)
    comment: Reason = Field(description="The expert's opinion (评审意见).")


class ScoreSheetRead(BaseModel):
    scores: dict[str, int]
    total: int
    max_total: int
    comment: str
    submitted_at: datetime


class AssignmentRead(BaseModel):
    """An assignment as reviewers see it."""

    id: int
    application_id: int
    expert: str
    expert_name: str
    assigned_at: datetime
    declaration: Literal["no_conflict", "conflict"] | None
    declared_at: datetime | None
    declaration_note: str
    score_sheet: ScoreSheetRead | None


class CriterionRead(BaseModel):
    code: str
    name: str
    name_en: str
    max_points: int


class MyAssignmentRead(BaseModel):
    """An assignment as its expert sees it: enough to declare a conflict (who applies, from where, for what)."""

    id: int
    application_id: int
    program_code: str
    program_name: str
    applicant_name: str
    unit: str
    application_state: str
    application_state_label: Label
    assigned_at: datetime
    declaration: Literal["no_conflict", "conflict"] | None
    declared_at: datetime | None
    criteria: list[CriterionRead]
    score_sheet: ScoreSheetRead | None
    can_score: bool = Field(description="Declared no conflict and the application is in expert review.")


class ReviewSummary(BaseModel):
    application_id: int
    min_experts: int
    complete: int = Field(description="Score sheets of experts who declared no conflict.")
    average_total: float | None
    assignments: list[AssignmentRead]
