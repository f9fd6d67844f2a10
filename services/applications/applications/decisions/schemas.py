from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from applications.schemas import Label
from applications.types import Comment, Reason


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    comment: Comment = ""


class BatchDecisionCreate(DecisionCreate):
    application_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
                               Field(min_length=1, max_length=200)] = Field(
        description="Decided one by one, each with its own outcome.")


class RevocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(
        description="Why (e.g. an upheld objection after the decision, fraud); audited.")


class DecisionOutcome(BaseModel):
    application_id: int
    approval_id: str | None
    outcome: Literal["approved", "rejected", "pending", "failed", "refused"] = Field(
        description="approved; rejected; pending (the place is reserved, another service is retried); failed "
        "(the place was released: `code` says why, e.g. budget_insufficient with the amounts); refused (nothing "
        "changed: quota_exhausted, transition_not_allowed …).")
    code: str | None
    message: Label
    detail: dict[str, Any]
    # The HTTP status a refusal has on its own (404 not found, 409 quota exhausted …): a single decision answers
    # with it.
    _status: int = PrivateAttr(409)


class StepRead(BaseModel):
    step: str
    status: str = Field(description="pending, done or dead (refused for good; the reconciler sends it again).")
    attempts: int
    last_error: str | None
    run_after: datetime


class ApprovalRead(BaseModel):
    id: str
    application_id: int
    call_id: int
    program_code: str
    fiscal_year: int
    city_code: str | None
    amount_fen: int
    status: str = Field(description="reserving, approved, failed or revoked.")
    money: str = Field(description="What funding holds: none, reserved, posted, voided, reversed, refused, "
                       "expired, absent.")
    counted: bool = Field(description="Counted by the agencies service in the derived deliverable.")
    failure_code: str | None
    failure_zh: str | None
    failure_en: str | None
    failure_detail: dict[str, Any] | None
    decided_by: str
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    steps: list[StepRead] = Field(default_factory=list, description="The saga's steps for it, in order.")


class ReconcileLine(BaseModel):
    approval_id: str | None
    action: str
    detail: str = ""


class ReconcilerReportRead(BaseModel):
    id: int
    trigger: str
    actor: str
    started_at: datetime
    finished_at: datetime
    fixed: list[ReconcileLine]
    summary: dict[str, Any]
