"""Applications (申报): what an applicant sends, what each reader gets back, and the timeline."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from applications.programs.schemas import FormRef
from applications.schemas import AgencyRef, Label
from applications.types import Comment
from applications.workflow import Action
from servicekit.validation import PositiveInt, Slug, StorableJSON

# Mainland mobile (13912345678), landline with area code (024-12345678), or an international number (+4930…).
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|\+[0-9]{7,15})$"
IdType = Literal["resident_id", "passport"]
Gender = Literal["male", "female"]
# The actions POST /applications/{id}/transitions takes; the notice's own (公示, objections) have their endpoints.
TransitionAction = Literal["submit", "withdraw", "resubmit", "nominate", "decline", "start_formal_review",
                           "return_for_revision", "pass_formal_review", "reject", "recommend"]


class PersonalDataIn(BaseModel):
    """Stored encrypted; shown in full only to the applicant, their reviewers and administrators."""

    model_config = ConfigDict(extra="forbid")

    id_type: IdType = Field("resident_id", description="`resident_id` (居民身份证) or `passport`.")
    id_number: Annotated[str, Field(min_length=5, max_length=30, pattern=r"^[0-9A-Za-z]+$")] | None = Field(
        None, description="Required for a person or a team's leader; a resident ID is checked (digits, date, "
                          "check digit) and gives the birth date and gender.")
    phone: str = Field(pattern=PHONE_PATTERN, description="Mobile or landline (with area code).")
    email: EmailStr
    gender: Gender | None = Field(None, description="Needed with a passport; taken from a resident ID otherwise.")
    birth_date: date | None = Field(None, description="Needed with a passport; taken from a resident ID otherwise.")


class PersonalDataRead(BaseModel):
    masked: bool = Field(description="True for an expert reviewer: only enough to tell it is the same person.")
    id_type: IdType
    id_number: str | None
    phone: str | None
    email: str | None
    gender: Gender | None
    birth_date: date | None


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: PositiveInt
    nominating_agency: Slug = Field(description="The unit that nominates you (推荐单位): one of the program's "
                                                "nominators, e.g. your city.")
    form_data: StorableJSON = Field(default_factory=dict, description="The form's data (GET /programs/{code}/form);"
                                                                      " a draft may leave required fields empty.")
    personal: PersonalDataIn | None = None


class ApplicationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nominating_agency: Slug | None = Field(None, description="Only while a draft.")
    form_data: StorableJSON | None = None
    personal: PersonalDataIn | None = None


class TransitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: TransitionAction
    comment: Comment = Field("", description="Why; kept in the timeline the applicant sees.")


class ActionRead(BaseModel):
    action: Action
    label: Label


class EventRead(BaseModel):
    id: int
    occurred_at: datetime
    actor_role: str = Field(description="The role of who acted: applicant, reviewer, agency, admin, public.")
    action: str
    action_label: Label
    from_state: str | None
    to_state: str
    to_state_label: Label
    comment: str


class AttachmentRead(BaseModel):
    id: int
    label: str
    filename: str
    content_type: str
    size: int
    sha256: str = Field(description="SHA-256 of the file's bytes, hex.")
    uploaded_at: datetime


class AttachmentUpload(BaseModel):
    """What makes two uploads the same request for their Idempotency-Key: label, file name and bytes."""

    label: str
    filename: str | None
    sha256: str


class ApplicationSummary(BaseModel):
    id: int
    call_id: int
    call_title: str
    year: int
    program_code: str
    program_name: str
    applicant_name: str
    unit: str
    nominating_agency: AgencyRef
    reviewing_agency: AgencyRef
    state: str
    state_label: Label
    submitted_at: datetime | None
    updated_at: datetime


class ApplicationRead(ApplicationSummary):
    form: FormRef
    form_data: dict[str, Any]
    personal: PersonalDataRead | None
    amount_fen: int | None = Field(description="Computed by the funding rule when the application is recommended.")
    amount_yuan: str | None
    allowed_actions: list[ActionRead] = Field(description="What you may do now (transitions, and for a "
                                                          "reviewer the notice's own actions).")
    timeline: list[EventRead]
    attachments: list[AttachmentRead]
