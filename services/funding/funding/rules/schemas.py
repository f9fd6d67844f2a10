from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from funding.types import Fen, NonNegativeFen, Slug


class RuleRead(BaseModel):
    code: str
    version: int
    plan_code: str
    task_number: int
    kind: str
    name: str
    name_en: str
    quote: str = Field(description="The clause of the plan the rule is taken from, verbatim.")
    payer: str
    per: str
    quota: int | None
    quota_approximate: bool
    params: dict[str, Any] = Field(description="Kind-specific parameters, amounts in fen.")
    lead_agencies: list[str]
    imported_at: datetime


class RuleImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: Slug | None = Field(None, description="Plan file under plans/ (default: the configured plan).")


class RuleImportResult(BaseModel):
    plan: str
    new_versions: list[str]
    unchanged: int


class RuleInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: Annotated[int | None, Field(ge=1, le=1_000_000, description="People, units or projects (fixed kinds).")] = None
    tier: Slug | None = Field(None, description="Team tier code (tiered_team).")
    extra_members: Annotated[int | None, Field(ge=0, le=10_000, description="Members beyond the tier's (tiered_team).")] = None
    base_amount_fen: NonNegativeFen | None = Field(None, description="What is matched / shared (matching, revenue_share).")
    already_matched_fen: NonNegativeFen | None = Field(None, description="Matched so far under the cap (matching).")
    months: Annotated[int | None, Field(ge=1, le=1200, description="Months (monthly_allowance).")] = None
    monthly_fen: Fen | None = Field(None, description="Monthly amount, at least the rule's minimum (monthly_allowance).")
    requested_fen: Fen | None = Field(None, description="Loan asked for (loan_cap).")
    amount_fen: Fen | None = Field(None, description="An amount decided by an administrator (unspecified rules).")


class RuleComputation(BaseModel):
    rule: RuleRead
    amount_fen: int
    amount_yuan: str = Field(description="The same amount in yuan, exact, as text.")
    is_maximum: bool = Field(description="True when the rule gives an upper bound (\"up to\").")
    explanation_zh: str
    explanation_en: str
    breakdown: dict[str, Any]
    quote: str
