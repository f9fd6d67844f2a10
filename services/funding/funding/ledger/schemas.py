"""The ledger's API models: accounts and balances, transfers and their outcomes, the trial balance and the
verifier's report."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from funding.types import (
    AccountId,
    Code,
    Currency,
    Fen,
    FiscalYear,
    Metadata,
    Reason,
    Slug,
    Text,
    TransferKey,
    LedgerCode,
)

AccountKind = Literal["treasury", "budget", "commitment", "paid", "national_match_received", "clearing", "other"]
Side = Literal["debit", "credit"]
Outcome = Literal["posted", "pending", "voided", "expired", "rejected"]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: LedgerCode
    kind: AccountKind = "other"
    name: Text(300) | None = None
    normal_side: Side = "credit"
    currency: Currency = "CNY"
    program_code: Slug | None = None
    fiscal_year: FiscalYear | None = None
    agency_code: Slug | None = None
    city_code: Slug | None = None
    # strict: `true`/`false` are not integers here
    floor: Annotated[int | None, Field(strict=True, ge=-(2**60), le=2**60,
                                       description="Lowest allowed normal balance.")] = None
    ceiling: Annotated[int | None, Field(strict=True, ge=-(2**60), le=2**60,
                                         description="Highest allowed normal balance.")] = None


class Balance(BaseModel):
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int
    posted: int = Field(description="Posted balance on the account's normal side.")
    pending_in: int = Field(description="Incoming pending (reserved towards this account).")
    pending_out: int = Field(description="Outgoing pending (reserved from this account).")
    available: int = Field(description="Posted minus outgoing pending: what may still leave the account.")
    as_of: datetime


class AccountRead(BaseModel):
    id: int
    code: str
    kind: str
    name: str | None
    normal_side: Side
    currency: str
    plan_code: str | None
    program_code: str | None
    fiscal_year: int | None
    agency_code: str | None
    city_code: str | None
    award_id: str | None
    floor: int | None
    ceiling: int | None
    closed_at: datetime | None
    created_at: datetime
    balance: Balance


class TransferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: TransferKey = Field(description="Client-chosen id: the same id with the same fields returns the original.")
    debit_account_id: AccountId = Field(description="The account the money leaves.")
    credit_account_id: AccountId = Field(description="The account the money goes to.")
    amount: Fen
    currency: Currency = "CNY"
    code: Code = "manual"
    pending: bool = Field(False, description="Reserve only (two-phase): post or void it later.")
    timeout_seconds: Annotated[int | None, Field(ge=1, le=366 * 24 * 3600)] = Field(
        None, description="A pending transfer expires after this long (default one hour).")
    award_id: LedgerCode | None = None
    metadata: Metadata

    @model_validator(mode="after")
    def _timeout_only_when_pending(self) -> "TransferCreate":
        if self.timeout_seconds is not None and not self.pending:
            raise ValueError("timeout_seconds 只用于待定（pending）转账 / timeout_seconds only applies to a pending "
                             "transfer")
        return self


class PendingPost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: TransferKey | None = Field(None, description="Id of the posting transfer (default `post:<pending id>`).")
    amount: Fen | None = Field(None, description="Post less than reserved; the rest is released.")


class PendingVoid(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: TransferKey | None = Field(None, description="Id of the voiding transfer (default `void:<pending id>`).")


class ReversalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: TransferKey | None = Field(None, description="Id of the reversing transfer (default `reverse:<id>`).")
    reason: Reason | None = None


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transfers: Annotated[list[TransferCreate], Field(min_length=1, max_length=300)]


class Rejection(BaseModel):
    code: str
    account_id: int | None
    headroom: int | None


class TransferRead(BaseModel):
    id: str
    kind: str
    code: str
    debit_account_id: int
    credit_account_id: int
    amount: int = Field(description="Amount asked for.")
    outcome: Outcome = Field(description="What this request did.")
    effective_amount: int = Field(description="Amount it posted, reserved or released (0 when rejected).")
    status: str = Field(description="Now: for a pending, posted/voided/expired once resolved or overdue.")
    rejection: Rejection | None
    pending_id: str | None
    reverses: str | None
    resolved_by: str | None
    reversed_by: str | None
    expires_at: datetime | None
    award_id: str | None
    metadata: dict[str, Any]
    actor: str
    created_at: datetime
    recorded_at: datetime
    journal_seq: int


class BatchRead(BaseModel):
    transfers: list[TransferRead]


class ExpiryResult(BaseModel):
    expired: list[str]


class AccountMovement(BaseModel):
    transfer: TransferRead
    posted_change: int = Field(description="Change of the posted normal balance.")
    pending_in_change: int
    pending_out_change: int


class TrialBalanceLine(BaseModel):
    account_id: int
    code: str
    kind: str
    normal_side: Side
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int
    net: int = Field(description="credits − debits (posted); sums to zero over the ledger.")


class TrialBalance(BaseModel):
    as_of: datetime
    lines: list[TrialBalanceLine]
    total_debits_posted: int
    total_credits_posted: int
    total_debits_pending: int
    total_credits_pending: int
    net: int
    balanced: bool


class VerificationProblem(BaseModel):
    check: str
    message: str
    account_id: int | None = None
    transfer_id: int | None = None
    seq: int | None = None


class VerificationReport(BaseModel):
    ok: bool
    accounts: int
    transfers: int
    journal_length: int
    head_hash: str
    problems: list[VerificationProblem]
    checkpoint_seq: int | None = Field(default=None, description="The checkpoint this verification started from "
                                       "(its signature and head hash checked); none: from the first transfer.")
    rows_rehashed: int = Field(default=0, description="Journal rows re-hashed from their transfers and entries.")
