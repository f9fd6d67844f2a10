"""Path, query and body field types of the applications API, built on servicekit.validation."""

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import StringConstraints

from servicekit.validation import StorableText, id_path, slug_path, slug_query, text_query

ProgramCode = slug_path("The program's code, e.g. t01-outstanding.")
AgencyCode = slug_path("An agency's code, e.g. city-shenyang.")
FormCode = slug_path("The form's code, e.g. talent-person.")
CallId = id_path("The call's id.")
ApplicationId = id_path("The application's id.")
AttachmentId = id_path("The attachment's id.")
AssignmentId = id_path("The expert assignment's id.")
NoticeId = id_path("The notice's id.")
ObjectionId = id_path("The objection's id.")
FormVersion = id_path("The form's version.")
ApprovalId = Annotated[str, Path(pattern=r"^approval-[0-9]{1,12}-[0-9a-f]{12}$", max_length=40,
                                 description="The approval's id, e.g. approval-12-5f3c2a9b01de.")]

PlanFilter = slug_query("Only this plan's.")
AgencyFilter = slug_query("Only those reviewed by this agency.")
ProgramFilter = slug_query("Only this program's.")
SearchText = text_query("Words of the program's name (Chinese or English) or the call's title.")
TaskFilter = Annotated[int | None, Query(ge=1, le=1000, description="Only the programs of this task (its number).")]
ApplicantTypeFilter = Annotated[Literal["person", "team", "institution"] | None,
                                Query(description="Only programs for this kind of applicant.")]
YuanBound = Annotated[int | None, Query(ge=0, le=10**12, description="Amount bound, in yuan.")]

ApplicantType = Literal["person", "team", "institution"]
# Free text a person writes (comments, reasons); NUL and lone surrogates are refused at the door.
Comment = Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=2000)]
Reason = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
ShortText = Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=200)]
Subject = Annotated[str, StringConstraints(pattern=r"^user:[0-9]{1,12}$", max_length=20)]
