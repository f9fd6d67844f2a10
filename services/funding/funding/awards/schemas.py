from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from funding.ledger.schemas import TransferRead
from funding.rules.schemas import RuleInputs
from funding.types import BusinessId, Fen, FiscalYear, Slug, Text, TransferKey

AwardStatus = Literal["reserved", "committed", "released", "voided", "expired", "rejected", "reversed"]


class ReservationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval_id: BusinessId = Field(description="The approval's id: the reservation's idempotency key.")
    application_id: BusinessId | None = None
    program_code: Slug = Field(description="The funding rule (program) the award is under.")
    fiscal_year: FiscalYear
    city_code: Slug | None = Field(None, description="The grantee's city (required for rules the cities pay).")
    agency_code: Slug | None = Field(None, description="Responsible agency (default: the rule's first lead agency).")
    grantee_ref: Text(200) | None = None
    grantee_name: Text(200) | None = None
    amount_fen: Fen | None = Field(None, description="The amount; at most what the rule computes. For a matching "
                                   "rule: this award's matching cap.")
    inputs: RuleInputs | None = Field(None, description="Inputs of the rule (tier, extra members, count …).")
    installments: Annotated[list[int] | None, Field(min_length=1, max_length=12)] = Field(
        None, description="Percentages of the award paid in each installment, summing to 100 (default [100]).")
    timeout_seconds: Annotated[int | None, Field(ge=60, le=366 * 24 * 3600)] = None

    @field_validator("installments")
    @classmethod
    def _percentages(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (any(type(p) is not int or not 1 <= p <= 100 for p in value) or sum(value) != 100):
            raise ValueError("分期比例须为 1–100 的整数且合计为 100 / installments are whole percentages summing to 100")
        return value


class InstallmentRead(BaseModel):
    number: int
    percent: int
    amount_fen: int
    paid: bool
    transfer_id: str | None


class AwardRead(BaseModel):
    id: str
    application_id: str | None
    program_code: str
    rule_version: int
    fiscal_year: int
    grantee_ref: str | None
    grantee_name: str | None
    agency_code: str | None
    city_code: str | None
    amount_fen: int = Field(description="The award (for a matching award: its cap).")
    status: AwardStatus
    matching: bool
    installments: list[InstallmentRead]
    committed_fen: int
    paid_fen: int
    remaining_fen: int = Field(description="Committed and not paid yet.")
    released_fen: int = Field(description="The unpaid rest given back when the award was released (0 if not).")
    release_id: str | None = Field(description="The transfer that released the award, if it was released.")
    reservation_id: str
    expires_at: datetime | None
    computation: dict[str, Any]
    created_at: datetime


class ReservationRead(BaseModel):
    award: AwardRead
    transfer: TransferRead


class ReservationBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reservations: Annotated[list[ReservationCreate], Field(min_length=1, max_length=200)] = Field(
        description="Each reserved on its own (its own outcome), all in one transaction; each keyed by its "
        "approval id, so a retry of the batch replays what was done.")


class ReservationPostBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval_ids: Annotated[list[BusinessId], Field(min_length=1, max_length=200)] = Field(
        description="The approvals whose reservations are posted (committed), each with its own outcome.")


class ReservationBatchItem(BaseModel):
    approval_id: str
    status: int = Field(description="What the single endpoint would have answered: 201 done (now, or earlier: "
                        "see `replay`), 4xx refused (see `problem`).")
    replay: bool = Field(False, description="The approval id already held this outcome (the single endpoint's "
                         "`Idempotent-Replay: true`).")
    reservation: ReservationRead | None = None
    problem: dict[str, Any] | None = Field(None, description="The problem+json body of a refusal, e.g. "
                                           "budget_insufficient with headroom_fen and amount_fen.")


class ReservationBatchResult(BaseModel):
    items: list[ReservationBatchItem] = Field(description="One per approval, in the order given.")


class ReconcileRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved: Annotated[list[BusinessId], Field(max_length=1000)] = Field(
        default_factory=list, description="Approval or application ids the applications service approved.")
    not_approved: Annotated[list[BusinessId], Field(max_length=1000)] = Field(
        default_factory=list, description="Approval or application ids that are not (or no longer) approved.")


class ReconcileLine(BaseModel):
    id: str
    award_id: str | None
    action: Literal["posted", "voided", "reversed", "unchanged", "not_found", "failed"]
    status: str | None
    detail: str | None = None


class ReconcileResult(BaseModel):
    lines: list[ReconcileLine]


class DisbursementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    installment: Annotated[int, Field(ge=1, le=12)]
    id: TransferKey | None = Field(None, description="Transfer id (default `installment:<award>:<n>`).")


class DisbursementRead(BaseModel):
    award: AwardRead
    transfer: TransferRead


class MatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: BusinessId = Field(description="The national funding event being matched (its idempotency key).")
    base_amount_fen: Fen = Field(description="National funds received for the project in this event.")


class MatchRead(BaseModel):
    award: AwardRead
    base_transfer: TransferRead
    match_transfer: TransferRead
    matched_fen: int


class ReleaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text(500, min_length=1, strip=True) = Field(
        description="Why the rest is given back (e.g. 国家资助结束 / national funding ended).")
    id: TransferKey | None = Field(None, description="Transfer id (or the Idempotency-Key header; default "
                                   "`award-release:<award>`). An award is released once, whatever the id.")


class ReleaseRead(BaseModel):
    award: AwardRead
    transfer: TransferRead
    released_fen: int = Field(description="What went back (fen).")
    returned_to: str = Field(description="The account it went to: the award's budget, or its treasury when the "
                             "budget's fiscal year is closed.")
