"""Applications: drafting, the workflow's steps taken through POST /applications/{id}/transitions (with the
rules each step checks), what each reader sees, and evidence files."""

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calls.repository import CallRepository
from applications.calls.service import get_call
from applications.clients.funding import FundingClient
from applications.crypto import PersonalDataCipher
from applications.filings import personal as personal_data
from applications.filings.access import Standing, visible_standing
from applications.filings.eligibility import check_age, check_cycle_and_awards, check_full_time
from applications.filings.forms import check_form
from applications.filings.repository import FilingRepository
from applications.filings.schemas import (
    ActionRead,
    ApplicationCreate,
    ApplicationRead,
    ApplicationSummary,
    ApplicationUpdate,
    AttachmentRead,
    EventRead,
    TransitionCreate,
)
from applications.filings.transitions import allowed, apply, check, record_event
from applications.models import Application, Attachment, AuditLog, Call, Program
from applications.programs.amounts import application_amount
from applications.programs.repository import ProgramRepository
from applications.programs.schemas import FormRef
from applications.programs.service import agency_ref, get_form
from applications.reviews.repository import ReviewRepository
from applications.schemas import Label, yuan_text
from applications.workflow import (
    ACTION_LABELS,
    EDITABLE_STATES,
    NOMINATED_STATES,
    STATE_LABELS,
    Action,
    Actor,
    State,
)
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.pagination import Page, PageParams

CREATED = "create"
# The decision's events (applications.decisions) are not workflow actions; they are named here for the timeline.
DECISION_EVENT_LABELS = {
    "decide_approve": Label(zh="批准（落实名额与资金）", en="Approve (securing the place and the money)"),
    "decide_reject": Label(zh="不予批准", en="Not approved"),
    "approve": Label(zh="名额与资金已落实，批准生效", en="Place and money secured: approved"),
    "approval_failed": Label(zh="批准未成功", en="Approval failed"),
    "revoke": Label(zh="撤销批准", en="Approval revoked"),
}
EVENT_LABELS = {CREATED: Label(zh="创建申报草稿", en="Draft created"), **DECISION_EVENT_LABELS,
                **{a.value: Label(zh=zh, en=en) for a, (zh, en) in ACTION_LABELS.items()}}
# What an attachment may be, judged by its first bytes (never by its name or the Content-Type sent).
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def state_label(state: str) -> Label:
    try:
        zh, en = STATE_LABELS[State(state)]
    except ValueError:
        zh = en = state
    return Label(zh=zh, en=en)


async def load(session: AsyncSession, application_id: int, *, lock: bool = False) -> tuple[Application, Program]:
    application = await FilingRepository(session).by_id(application_id, lock=lock)
    if application is None:
        raise errors.ApplicationNotFound()
    return application, await ProgramRepository(session).by_id(application.program_id)


async def load_visible(session: AsyncSession, principal: Principal, application_id: int, *,
                       lock: bool = False) -> tuple[Application, Program, Standing]:
    application, program = await load(session, application_id, lock=lock)
    return application, program, await visible_standing(session, principal, application, program)


# --- reading -------------------------------------------------------------------------------------------


async def _summary(session: AsyncSession, application: Application, program: Program, call: Call) -> ApplicationSummary:
    agencies = await ProgramRepository(session).agencies({program.plan_code})
    return ApplicationSummary(
        id=application.id, call_id=call.id, call_title=call.title, year=call.year, program_code=program.code,
        program_name=program.name, applicant_name=application.applicant_name, unit=application.unit,
        nominating_agency=agency_ref(agencies, program.plan_code, application.nominating_agency),
        reviewing_agency=agency_ref(agencies, program.plan_code, program.reviewing_agency),
        state=application.state, state_label=state_label(application.state), submitted_at=application.submitted_at,
        updated_at=application.updated_at)


def event_read(event: Any) -> EventRead:
    return EventRead(id=event.id, occurred_at=event.occurred_at, actor_role=event.actor_role, action=event.action,
                     action_label=EVENT_LABELS.get(event.action, Label(zh=event.action, en=event.action)),
                     from_state=event.from_state, to_state=event.to_state, to_state_label=state_label(event.to_state),
                     comment=event.comment)


def attachment_read(attachment: Attachment) -> AttachmentRead:
    return AttachmentRead.model_validate(attachment, from_attributes=True)


async def read_application(session: AsyncSession, cipher: PersonalDataCipher, application: Application,
                           program: Program, standing: Standing) -> ApplicationRead:
    repo = FilingRepository(session)
    call = await get_call(session, application.call_id)
    form = await get_form(session, application.form_code, application.form_version)
    summary = await _summary(session, application, program, call)
    personal = personal_data.unseal(cipher, application.personal_ciphertext)
    return ApplicationRead(
        **summary.model_dump(),
        form=FormRef(code=form.code, version=form.version, title=form.title, title_en=form.title_en),
        form_data=application.form_data,
        personal=personal_data.personal_read(personal, masked=standing.view == "masked"),
        amount_fen=application.amount_fen,
        amount_yuan=yuan_text(application.amount_fen) if application.amount_fen is not None else None,
        allowed_actions=[ActionRead(action=a, label=Label(zh=ACTION_LABELS[a][0], en=ACTION_LABELS[a][1]))
                         for a in allowed(application, standing.actors) if a != Action.file_objection],
        timeline=[event_read(e) for e in await repo.timeline(application.id)],
        attachments=[attachment_read(a) for a in await repo.attachments(application.id)])


async def list_applications(session: AsyncSession, principal: Principal, params: PageParams,
                            **filters: Any) -> Page[ApplicationSummary]:
    rows, total = await FilingRepository(session).visible_page(principal, params, **filters)
    return Page(items=[await _summary(session, a, p, c) for a, p, c in rows], total=total, page=params.page,
                size=params.size)


async def timeline(session: AsyncSession, application: Application) -> list[EventRead]:
    return [event_read(e) for e in await FilingRepository(session).timeline(application.id)]


# --- drafting ------------------------------------------------------------------------------------------


def _notice_fields(application: Application) -> None:
    """Name and unit are what a 公示 shows; they are kept in columns of their own."""
    application.applicant_name = str(application.form_data.get("applicant_name", ""))[:200]
    application.unit = str(application.form_data.get("unit", ""))[:300]


def _check_nominator(program: Program, agency: str) -> None:
    if agency not in program.nominators:
        raise errors.UnknownNominator(agency, program.nominators)


async def create_application(session: AsyncSession, cipher: PersonalDataCipher, principal: Principal,
                             body: ApplicationCreate, now: datetime) -> Application:
    call = await get_call(session, body.call_id)
    if now >= call.closes_at:
        raise errors.CallNotOpen(call.opens_at, call.closes_at)
    program = await ProgramRepository(session).by_id(call.program_id)
    _check_nominator(program, body.nominating_agency)
    form = await get_form(session, program.form_code, program.form_version)
    check_form(form.json_schema, body.form_data, draft=True)
    application = Application(call_id=call.id, program_id=program.id, applicant_subject=principal.subject,
                              state=State.draft.value, nominating_agency=body.nominating_agency,
                              counts_as_nominated=False, form_code=form.code, form_version=form.version,
                              form_data=body.form_data, created_at=now, updated_at=now)
    _notice_fields(application)
    if body.personal is not None:
        application.personal_ciphertext, application.identity_digest = personal_data.seal(
            cipher, personal_data.normalised(body.personal))
    await FilingRepository(session).add(application)
    await record_event(session, application, action=CREATED, from_state=None, principal=principal, comment="",
                       now=now)
    return application


async def update_application(session: AsyncSession, cipher: PersonalDataCipher, application: Application,
                             program: Program, standing: Standing, body: ApplicationUpdate,
                             now: datetime) -> Application:
    if Actor.owner not in standing.actors:
        raise errors.ActionNotPermitted("update", "修改申报", "Change")
    if State(application.state) not in EDITABLE_STATES:
        raise errors.NotEditable()
    if body.nominating_agency is not None and body.nominating_agency != application.nominating_agency:
        if application.state != State.draft:
            raise errors.NotEditable("推荐单位只能在草稿阶段修改。", "The nominating unit can change only in a draft.")
        _check_nominator(program, body.nominating_agency)
        application.nominating_agency = body.nominating_agency
    if body.form_data is not None:
        form = await get_form(session, application.form_code, application.form_version)
        check_form(form.json_schema, body.form_data, draft=True)
        application.form_data = body.form_data
        _notice_fields(application)
    if body.personal is not None:
        application.personal_ciphertext, application.identity_digest = personal_data.seal(
            cipher, personal_data.normalised(body.personal))
    application.updated_at = now
    await session.flush()
    return application


# --- the workflow's steps ------------------------------------------------------------------------------


async def _check_complete(session: AsyncSession, cipher: PersonalDataCipher, application: Application,
                          program: Program) -> dict[str, Any]:
    form = await get_form(session, application.form_code, application.form_version)
    check_form(form.json_schema, application.form_data, draft=False)
    return personal_data.require_complete(personal_data.unseal(cipher, application.personal_ciphertext),
                                          program.applicant_type)


async def _submit(session: AsyncSession, cipher: PersonalDataCipher, application: Application, program: Program,
                  now: datetime) -> None:
    call = await get_call(session, application.call_id)
    if not call.opens_at <= now < call.closes_at:
        raise errors.CallNotOpen(call.opens_at, call.closes_at)
    personal = await _check_complete(session, cipher, application, program)
    check_full_time(call.eligibility, application.form_data)
    if program.applicant_type != "institution":
        check_age(call.eligibility, personal, application.form_data)
    await check_cycle_and_awards(session, application, program, call, application.identity_digest)
    application.submitted_at = now


async def _nominate(session: AsyncSession, application: Application, now: datetime) -> None:
    repo = CallRepository(session)
    allocations = await repo.allocations(application.call_id)
    allocation = next((a for a in allocations if a.agency_code == application.nominating_agency), None)
    if allocations and allocation is None:
        raise errors.NoAllocation(application.nominating_agency)
    # The call's row before the allocation's, the order an allocation's resize takes them (a refusal below rolls
    # the count back with the request).
    await repo.count_nomination(application.call_id, 1, None)
    if allocation is not None:
        if not await repo.take_nomination(allocation.id):
            raise errors.AllocationFull(application.nominating_agency, allocation.size)
        application.allocation_id = allocation.id
    application.counts_as_nominated = True
    application.nominated_at = now


async def release_nomination(session: AsyncSession, application: Application) -> None:
    """A nominated application that leaves the running gives its nomination place back."""
    if application.counts_as_nominated:
        await CallRepository(session).count_nomination(application.call_id, -1, application.allocation_id)
        application.counts_as_nominated = False


async def _recommend(session: AsyncSession, funding: FundingClient, application: Application,
                     program: Program) -> None:
    complete = await ReviewRepository(session).complete_sheets(application.id)
    if complete < program.min_experts:
        raise errors.ExpertsIncomplete(program.min_experts, complete)
    amount = await application_amount(funding, program, application.form_data)
    application.amount_fen, application.rule_version = amount.amount_fen, amount.rule_version


async def take_action(session: AsyncSession, funding: FundingClient, cipher: PersonalDataCipher,
                      principal: Principal, application_id: int, body: TransitionCreate,
                      now: datetime) -> tuple[Application, Program, Standing]:
    """One step of the workflow, with the rules of that step; the application's row is locked meanwhile."""
    application, program, standing = await load_visible(session, principal, application_id, lock=True)
    action = Action(body.action)
    transition = check(application, action, standing.actors)
    if action == Action.submit:
        await _submit(session, cipher, application, program, now)
    elif action == Action.resubmit:
        await _check_complete(session, cipher, application, program)
    elif action == Action.nominate:
        await _nominate(session, application, now)
    elif action == Action.recommend:
        await _recommend(session, funding, application, program)
    elif transition.target in (State.withdrawn, State.rejected) and State(application.state) in NOMINATED_STATES:
        await release_nomination(session, application)
    await apply(session, application, transition, principal, body.comment, now)
    await session.flush()
    return application, program, standing


# --- evidence files ------------------------------------------------------------------------------------


def sniff(content: bytes) -> str:
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    raise errors.AttachmentTypeNotAllowed()


def _safe_filename(name: str | None) -> str:
    base = (name or "attachment").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in "\"'<>").strip()
    return (cleaned or "attachment")[:200]


async def add_attachment(session: AsyncSession, principal: Principal, application: Application, standing: Standing,
                         *, label: str, filename: str | None, content: bytes, max_bytes: int, max_count: int,
                         now: datetime) -> Attachment:
    if Actor.owner not in standing.actors:
        raise errors.ActionNotPermitted("upload", "上传附件", "Upload an attachment to")
    if State(application.state) not in EDITABLE_STATES:
        raise errors.NotEditable()
    if len(content) > max_bytes:
        raise errors.AttachmentTooLarge(max_bytes)
    content_type = sniff(content)
    repo = FilingRepository(session)
    if len(await repo.attachments(application.id)) >= max_count:
        raise errors.TooManyAttachments(max_count)
    attachment = Attachment(application_id=application.id, label=label, filename=_safe_filename(filename),
                            content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                            content=content, uploaded_by=principal.actor, uploaded_at=now)
    await repo.add(attachment)
    await record_change(session, AuditLog, actor=principal.actor, action="attachment.add", entity_type="application",
                        entity_id=application.id, after={"attachment": attachment.id, "sha256": attachment.sha256})
    return attachment


async def get_attachment(session: AsyncSession, application: Application, attachment_id: int, *,
                         with_content: bool = False) -> Attachment:
    attachment = await FilingRepository(session).attachment(application.id, attachment_id, with_content=with_content)
    if attachment is None:
        raise errors.AttachmentNotFound()
    return attachment


async def delete_attachment(session: AsyncSession, principal: Principal, application: Application,
                            standing: Standing, attachment_id: int) -> None:
    if Actor.owner not in standing.actors:
        raise errors.ActionNotPermitted("delete_attachment", "删除附件", "Delete an attachment of")
    if State(application.state) not in EDITABLE_STATES:
        raise errors.NotEditable()
    attachment = await get_attachment(session, application, attachment_id)
    await record_change(session, AuditLog, actor=principal.actor, action="attachment.delete",
                        entity_type="application", entity_id=application.id,
                        before={"attachment": attachment.id, "sha256": attachment.sha256})
    await session.delete(attachment)
    await session.flush()
