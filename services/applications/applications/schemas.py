"""Schemas shared by every domain of the service: references to agencies and labels in two languages."""

from pydantic import BaseModel, Field


class Label(BaseModel):
    zh: str = Field(description="中文")
    en: str = Field(description="English")


class AgencyRef(BaseModel):
    code: str
    name: str = Field(description="The agency's name as the plan writes it, e.g. 沈阳市.")
    name_en: str


class AmountRead(BaseModel):
    """An amount of money as the funding rule computes it."""

    status: str = Field(description="`computed`; `not_decided` (the rule states no amount and no administrator "
                                    "has set it yet); `unavailable` (the funding service did not answer).")
    amount_fen: int | None = Field(description="In fen (分); for a team tier, without extra members.")
    amount_yuan: str | None = Field(description="The same amount in yuan, exact, as text.")
    max_amount_fen: int | None = Field(description="The most the rule can grant (a team tier with every extra "
                                                   "member it pays for); equal to amount_fen otherwise.")
    is_maximum: bool = Field(description="True when the rule grants up to this amount.")
    explanation_zh: str | None
    explanation_en: str | None
    rule_version: int | None


def yuan_text(fen: int) -> str:
    """`150000.00` → `150000`, `12345` fen → `123.45`: exact, no float."""
    whole, cents = divmod(fen, 100)
    return str(whole) if cents == 0 else f"{whole}.{cents:02d}"
