"""Applications (申报): applicants draft and submit; nominators and the reviewing agency take the workflow's
steps; everyone who may see an application reads it with its timeline; evidence files up and down."""

import hashlib
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from applications.deps import (
    ActingCaller,
    ApplicantCaller,
    Cipher,
    Funding,
    Idempotent,
    Now,
    ReadSession,
    Reader,
    Settings,
    WriteSession,
)
from applications.filings import service
from applications.filings.schemas import (
    ApplicationCreate,
    ApplicationRead,
    ApplicationSummary,
    ApplicationUpdate,
    AttachmentRead,
    AttachmentUpload,
    EventRead,
    TransitionCreate,
)
from applications.types import ApplicationId, AttachmentId, ProgramFilter, ShortText
from applications.workflow import State
from servicekit.pagination import Page, PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.validation import PositiveInt, slug_query

router = APIRouter(tags=["applications"], responses=PROBLEM_RESPONSES)

PDF_OR_IMAGE = {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}


@router.post("/applications", response_model=ApplicationRead, status_code=201, summary="Start an application")
async def create_application(body: ApplicationCreate, caller: ApplicantCaller, session: WriteSession, cipher: Cipher,
                             now: Now, idempotent: Idempotent) -> ApplicationRead | JSONResponse:
    """As an applicant: a draft for a call (until it closes); required fields may still be empty."""

    async def work() -> ApplicationRead:
        application = await service.create_application(session, cipher, caller, body, now)
        application, program, standing = await service.load_visible(session, caller, application.id)
        return await service.read_application(session, cipher, application, program, standing)

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.get("/applications", response_model=Page[ApplicationSummary], summary="List applications")
async def list_applications(
    caller: Reader, session: ReadSession, params: PageParamsDep,
    call_id: Annotated[PositiveInt | None, Query(description="Only this call's.")] = None,
    program: ProgramFilter = None,
    state: Annotated[State | None, Query(description="Only applications in this state.")] = None,
    nominating_agency: slug_query("Only those naming this nominating unit.") = None,
) -> Page[ApplicationSummary]:
    """The applications you may see: your own; your agency's to nominate or review; your assignments; all (admin)."""
    return await service.list_applications(session, caller, params, call_id=call_id, program=program,
                                           state=state.value if state else None, nominating_agency=nominating_agency)


@router.get("/applications/{application_id}", response_model=ApplicationRead, summary="Read an application")
async def read_application(application_id: ApplicationId, caller: Reader, session: ReadSession,
                           cipher: Cipher) -> ApplicationRead:
    """Form, personal data (masked for experts), amount, what you may do now, timeline and attachments."""
    application, program, standing = await service.load_visible(session, caller, application_id)
    return await service.read_application(session, cipher, application, program, standing)


@router.patch("/applications/{application_id}", response_model=ApplicationRead, summary="Change an application")
async def update_application(application_id: ApplicationId, body: ApplicationUpdate, caller: ApplicantCaller,
                             session: WriteSession, cipher: Cipher, now: Now) -> ApplicationRead:
    """As its applicant: change a draft, or an application returned for revision."""
    application, program, standing = await service.load_visible(session, caller, application_id, lock=True)
    await service.update_application(session, cipher, application, program, standing, body, now)
    return await service.read_application(session, cipher, application, program, standing)


@router.post("/applications/{application_id}/transitions", response_model=ApplicationRead,
             summary="Take a step of the workflow")
async def take_action(application_id: ApplicationId, body: TransitionCreate, caller: ActingCaller,
                      session: WriteSession, funding: Funding, cipher: Cipher, now: Now,
                      idempotent: Idempotent) -> ApplicationRead | JSONResponse:
    """Submit, withdraw, resubmit (applicant); nominate, decline (nominator); formal review, return, reject,
    recommend (reviewing agency). A step not allowed now is a 409 listing the allowed ones."""

    async def work() -> ApplicationRead:
        application, program, standing = await service.take_action(session, funding, cipher, caller, application_id,
                                                                   body, now)
        return await service.read_application(session, cipher, application, program, standing)

    return await idempotent.run(caller.actor, body, work, status_code=200)


@router.get("/applications/{application_id}/timeline", response_model=list[EventRead],
            summary="Read an application's timeline")
async def read_timeline(application_id: ApplicationId, caller: Reader, session: ReadSession) -> list[EventRead]:
    """Every step, oldest first: who (by role), when, from which state to which, and why."""
    application, _, _ = await service.load_visible(session, caller, application_id)
    return await service.timeline(session, application)


@router.post("/applications/{application_id}/attachments", response_model=AttachmentRead, status_code=201,
             summary="Upload an attachment")
async def upload_attachment(application_id: ApplicationId, caller: ApplicantCaller, session: WriteSession,
                            settings: Settings, now: Now,
                            file: Annotated[UploadFile, File(description="PDF, PNG or JPEG.")],
                            label: Annotated[ShortText, Form(min_length=1, description="What it is, e.g. 获奖证书.")],
                            idempotent: Idempotent) -> AttachmentRead | JSONResponse:
    """As its applicant, while a draft or returned: evidence up to the size limit; the type is read from the bytes."""
    content = await file.read(settings.max_attachment_bytes + 1)
    application, _, standing = await service.load_visible(session, caller, application_id, lock=True)

    async def work() -> AttachmentRead:
        return service.attachment_read(await service.add_attachment(
            session, caller, application, standing, label=label, filename=file.filename, content=content,
            max_bytes=settings.max_attachment_bytes, max_count=settings.max_attachments_per_application, now=now))

    upload = AttachmentUpload(label=label, filename=file.filename, sha256=hashlib.sha256(content).hexdigest())
    return await idempotent.run(caller.actor, upload, work, status_code=201)


@router.get("/applications/{application_id}/attachments/{attachment_id}", response_class=Response,
            responses={200: {"content": PDF_OR_IMAGE, "description": "The file's bytes."}},
            summary="Download an attachment")
async def download_attachment(application_id: ApplicationId, attachment_id: AttachmentId, caller: Reader,
                              session: ReadSession) -> Response:
    """Only for the applicant, the nominating and reviewing agencies, experts who declared no conflict, admins."""
    application, _, _ = await service.load_visible(session, caller, application_id)
    attachment = await service.get_attachment(session, application, attachment_id, with_content=True)
    return Response(attachment.content, media_type=attachment.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@router.delete("/applications/{application_id}/attachments/{attachment_id}", status_code=204,
               response_class=Response, summary="Delete an attachment")
async def delete_attachment(application_id: ApplicationId, attachment_id: AttachmentId, caller: ApplicantCaller,
                            session: WriteSession) -> Response:
    """As its applicant, while a draft or returned."""
    application, _, standing = await service.load_visible(session, caller, application_id, lock=True)
    await service.delete_attachment(session, caller, application, standing, attachment_id)
    return Response(status_code=204)
