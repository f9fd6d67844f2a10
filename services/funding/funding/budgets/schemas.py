from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from funding.ledger.schemas import TransferRead
from funding.types import FiscalYear, NonNegativeFen, Reason, SignedFen, Slug, TransferKey


class BudgetFigures(BaseModel):
    appropriated: int = Field(description="Net appropriation from the treasury (fen).")
    reserved: int = Field(description="Held by pending reservations (fen).")
    committed: int = Field(description="Committed to awards (fen).")
    disbursed: int = Field(description="Paid out of those commitments (fen).")
    available: int = Field(description="appropriated − committed − reserved (fen).")
    awards: int = Field(description="Committed awards.")


class BudgetRead(BaseModel):
    account_id: int
    account_code: str
    program_code: str
    program_name: str | None
    fiscal_year: int
    city_code: str | None
    closed_at: datetime | None
    figures: BudgetFigures


class BudgetSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: NonNegativeFen = Field(description="The appropriation this budget should have (fen).")
    city_code: Slug | None = Field(None, description="For a rule paid by the cities: whose budget.")
    reason: Reason | None = None
    id: TransferKey | None = Field(None, description="Transfer id (or the Idempotency-Key header).")


class BudgetAdjust(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: TransferKey | None = Field(None, description="Transfer id (or the Idempotency-Key header).")
    amount_fen: SignedFen = Field(description="Positive adds to the appropriation, negative returns to the treasury.")
    city_code: Slug | None = None
    reason: Reason | None = None


class BudgetChange(BaseModel):
    budget: BudgetRead
    changed: bool
    transfer: TransferRead | None


class BudgetImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fiscal_year: FiscalYear
    plan: Slug | None = None


class BudgetImportLine(BaseModel):
    program_code: str
    amount_fen: int = Field(description="This year's appropriation: its places × the rule's amount.")
    places: int = Field(description="This year's share of the rule's plan-period quota.")
    plan_quota: int = Field(description="The rule's quota over the whole plan period.")
    outcome: Literal["appropriated", "already_appropriated", "conflict", "rejected"]
    transfer_id: str


class BudgetImportSkip(BaseModel):
    program_code: str
    reason: Literal["city_pays", "payer_unspecified", "no_amount", "amount_varies", "no_quota"]
    messages: dict[str, str] = Field(description="Why, and what an admin does instead (zh-CN and en).")


class BudgetImportResult(BaseModel):
    plan: str
    fiscal_year: int
    lines: list[BudgetImportLine]
    skipped: list[str] = Field(description="Rules with no fixed amount and quota, or not paid by the province.")
    not_imported: list[BudgetImportSkip] = Field(description="The skipped rules, each with why.")


class FiscalYearClosed(BaseModel):
    fiscal_year: int
    closed: list[str]
