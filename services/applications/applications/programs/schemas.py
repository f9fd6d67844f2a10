"""Programs and their forms, as the catalog and the SPA read them."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from applications.schemas import AgencyRef, AmountRead, Label
from applications.types import ApplicantType, ShortText
from planfile.programs import Eligibility, ScoreSheet
from servicekit.validation import Slug

APPLICANT_TYPE_LABELS = {"person": Label(zh="个人", en="Person"), "team": Label(zh="团队", en="Team"),
                         "institution": Label(zh="单位", en="Institution")}
Fen = Annotated[int, Field(ge=1, le=10**14, description="An amount in fen (分).")]


class FormRef(BaseModel):
    code: str
    version: int
    title: str
    title_en: str


class FormRead(FormRef):
    json_schema: dict[str, Any] = Field(description="JSON Schema (draft 2020-12) of the form's data, titles in "
                                                    "Chinese (`title`) and English (`x-title-en`).")
    ui_schema: dict[str, Any] = Field(description="Layout hints for the SPA's form renderer (rjsf).")


class ProgramSummary(BaseModel):
    code: str
    name: str
    name_en: str
    plan_code: str
    task_number: int
    task_title: str
    rule_code: str = Field(description="The funding rule the amount comes from (GET /api/funding/rules/{code}).")
    rule_kind: str
    tier_code: str | None
    applicant_type: ApplicantType
    applicant_type_label: Label
    reviewing_agency: AgencyRef
    plan_quota: int | None = Field(description="The rule's places over the plan's whole period, if it states them "
                                               "(shared by the programs of one rule).")
    plan_quota_approximate: bool
    amount: AmountRead
    source: str = Field(description="`plan` (the plan's programs file) or `admin` (added by an administrator).")


class ProgramRead(ProgramSummary):
    description: str | None
    quote: str = Field(description="The plan's clause the rule is taken from, verbatim.")
    payer: str
    nominators: list[AgencyRef] = Field(description="Who may nominate (推荐) applicants to this program.")
    form: FormRef
    score_sheet: ScoreSheet
    min_experts: int = Field(description="Complete expert score sheets needed before recommending.")
    award_kind: str
    eligibility: Eligibility
    updated_at: datetime


class ProgramCreate(BaseModel):
    """A program for a rule whose amount the plan leaves open (奖补): the administrator sets the amount."""

    model_config = ConfigDict(extra="forbid")

    code: Slug
    rule_code: Slug = Field(description="A funding rule of kind `unspecified`.")
    name: ShortText = Field(min_length=1)
    name_en: ShortText = Field(min_length=1)
    description: ShortText | None = None
    applicant_type: ApplicantType
    reviewing_agency: Slug = Field(description="A lead or responsible agency of the rule's task.")
    nominators: list[Slug] = Field(min_length=1, max_length=60)
    form_code: Slug
    form_version: int = Field(ge=1, le=10_000)
    score_sheet: ScoreSheet
    min_experts: int = Field(3, ge=1, le=20)
    award_kind: Slug
    eligibility: Eligibility = Eligibility()
    decided_amount_fen: Fen


class ProgramUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decided_amount_fen: Fen | None = Field(None, description="Only for a rule that states no amount.")
    description: ShortText | None = None
    min_experts: int | None = Field(None, ge=1, le=20)
