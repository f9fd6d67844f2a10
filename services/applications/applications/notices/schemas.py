"""Public notices (公示) and objections (异议). A notice shows only what a 公示 shows: name, unit, program,
amount; an objector's contact is personal data, shown to the reviewing agency and administrators only."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from applications.schemas import AgencyRef, Label
from applications.types import Reason, ShortText
from servicekit.validation import PositiveInt, StorableText

NoticeStatus = Literal["open", "ended"]
NOTICE_STATUS_LABELS = {"open": Label(zh="公示中", en="Open"), "ended": Label(zh="公示期满", en="Ended")}
OBJECTION_RULES = Label(
    zh="公示期间，对公示对象有异议的，请以真实姓名提出并留下联系方式；匿名异议不予受理。",
    en="During the notice, an objection must carry the objector's real name and a way to reach them; anonymous "
       "objections are not accepted.")


class NoticeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = Field(None, description="Default: 「<call>拟资助人选公示」.")
    application_ids: list[PositiveInt] | None = Field(None, max_length=1000, description="Default: every "
                                                      "recommended application of the call.")


class NoticeEntryRead(BaseModel):
    application_id: int
    applicant_name: str
    unit: str
    program_name: str
    amount_fen: int
    amount_yuan: str


class NoticeRead(BaseModel):
    id: int
    title: str
    call_id: int
    call_title: str
    program_code: str
    program_name: str
    reviewing_agency: AgencyRef
    published_at: datetime
    starts_on: date
    ends_on: date = Field(description="The last day of the notice (China Standard Time), counted in working days.")
    working_days: int
    status: NoticeStatus
    status_label: Label
    concluded_at: datetime | None
    objection_rules: Label
    entries: list[NoticeEntryRead]


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: PositiveInt = Field(description="The notice entry objected to.")
    filer_name: Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=50)] | None = Field(
        None, description="Your real name (required: anonymous objections are refused).")
    filer_contact: Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="A phone number or e-mail address to reach you (required).")
    filer_unit: ShortText = Field("", description="Your unit, if you wish.")
    reason: Reason = Field(description="What is wrong, with facts that can be checked.")


class ObjectionReceipt(BaseModel):
    """What the objector gets back: no personal data is echoed."""

    id: int
    notice_id: int
    application_id: int
    status: str
    filed_at: datetime
    resolve_by: date = Field(description="The reviewing agency resolves it by this day.")


class ObjectionRead(ObjectionReceipt):
    applicant_name: str
    filer_name: str
    filer_contact: str
    filer_unit: str
    reason: str
    overdue: bool
    resolution: str
    resolved_at: datetime | None
    resolved_by: str | None


class ObjectionResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["upheld", "dismissed"] = Field(description="`upheld`: the application is not funded; "
                                                                "`dismissed`: it goes on.")
    resolution: Reason = Field(description="What was found (kept, and shown in the applicant's timeline).")
