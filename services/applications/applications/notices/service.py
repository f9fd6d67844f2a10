"""Public notices (公示): the reviewing agency puts a call's recommended applications on notice for a number of
working days (the Chinese public-holiday calendar); anyone may object under their real name, which holds the
application until the agency resolves it; after the notice, applications without objections are ready for the
decision."""

import re
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.calendar.service import working_calendar
from applications.calls.service import get_call
from applications.crypto import PersonalDataCipher
from applications.filings.schemas import PHONE_PATTERN
from applications.filings.service import load, release_nomination
from applications.filings.transitions import apply, check
from applications.models import Application, AuditLog, Call, Notice, NoticeEntry, Objection, Program
from applications.notices.repository import NoticeRepository
from applications.notices.schemas import (
    NOTICE_STATUS_LABELS,
    OBJECTION_RULES,
    NoticeCreate,
    NoticeEntryRead,
    NoticeRead,
    NoticeStatus,
    ObjectionCreate,
    ObjectionRead,
    ObjectionReceipt,
    ObjectionResolve,
)
from applications.programs.repository import ProgramRepository
from applications.programs.service import agency_ref
from applications.schemas import yuan_text
from applications.workflow import Action, Actor, State
from servicekit.audit import record_change
from servicekit.clock import CHINA_TIME
from servicekit.identity import Principal

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REVIEW_SCOPE = "applications:review"


def reviewer_actors(principal: Principal, program: Program) -> frozenset[Actor]:
    """The actors a caller is for a program's notice: its reviewing agency, an admin, or nobody special."""
    if principal.role == "admin":
        return frozenset({Actor.admin, Actor.public})
    if principal.acts_for_agency(program.reviewing_agency) and (principal.role == "reviewer"
                                                               or REVIEW_SCOPE in principal.scopes):
        return frozenset({Actor.reviewing_agency, Actor.public})
    raise errors.NotReviewingAgency()


def notice_status(notice: Notice, now: datetime) -> NoticeStatus:
    return "open" if now.astimezone(CHINA_TIME).date() <= notice.ends_on else "ended"


def _notice_read(notice: Notice, call: Call, program: Program, entries: list[NoticeEntry], agencies,  # noqa: ANN001
                 now: datetime) -> NoticeRead:
    status = notice_status(notice, now)
    return NoticeRead(
        id=notice.id, title=notice.title, call_id=call.id, call_title=call.title, program_code=program.code,
        program_name=program.name, reviewing_agency=agency_ref(agencies, program.plan_code, program.reviewing_agency),
        published_at=notice.published_at, starts_on=notice.starts_on, ends_on=notice.ends_on,
        working_days=notice.working_days, status=status, status_label=NOTICE_STATUS_LABELS[status],
        concluded_at=notice.concluded_at, objection_rules=OBJECTION_RULES,
        entries=[NoticeEntryRead(application_id=e.application_id, applicant_name=e.applicant_name, unit=e.unit,
                                 program_name=e.program_name, amount_fen=e.amount_fen,
                                 amount_yuan=yuan_text(e.amount_fen)) for e in entries])


async def _context(session: AsyncSession, notice: Notice) -> tuple[Call, Program]:
    call = await get_call(session, notice.call_id)
    return call, await ProgramRepository(session).by_id(call.program_id)


async def get_notice(session: AsyncSession, notice_id: int) -> Notice:
    notice = await NoticeRepository(session).notice(notice_id)
    if notice is None:
        raise errors.NoticeNotFound()
    return notice


async def read_notice(session: AsyncSession, notice: Notice, now: datetime) -> NoticeRead:
    call, program = await _context(session, notice)
    agencies = await ProgramRepository(session).agencies({program.plan_code})
    return _notice_read(notice, call, program, await NoticeRepository(session).entries([notice.id]), agencies, now)


async def list_notices(session: AsyncSession, now: datetime, *, call_id: int | None, program: str | None,
                       status: NoticeStatus | None) -> list[NoticeRead]:
    repo = NoticeRepository(session)
    rows = [row for row in await repo.notices(call_id=call_id, program=program)
            if status is None or notice_status(row[0], now) == status]
    entries: dict[int, list[NoticeEntry]] = {}
    for entry in await repo.entries([notice.id for notice, _, _ in rows]):
        entries.setdefault(entry.notice_id, []).append(entry)
    agencies = await ProgramRepository(session).agencies({p.plan_code for _, _, p in rows})
    return [_notice_read(n, c, p, entries.get(n.id, []), agencies, now) for n, c, p in rows]


async def publish_notice(session: AsyncSession, principal: Principal, call: Call, body: NoticeCreate,
                         now: datetime) -> Notice:
    program = await ProgramRepository(session).by_id(call.program_id)
    actors = reviewer_actors(principal, program)
    repo = NoticeRepository(session)
    recommended = await repo.recommended(call.id)
    if body.application_ids is not None:
        wanted = set(body.application_ids)
        if wanted - {a.id for a in recommended}:
            raise errors.NotRecommended(sorted(wanted - {a.id for a in recommended}))
        recommended = [a for a in recommended if a.id in wanted]
    if not recommended:
        raise errors.NothingToPublish()
    starts_on = now.astimezone(CHINA_TIME).date()
    ends_on = (await working_calendar(session, starts_on)).nth_working_day(starts_on, call.notice_working_days)
    notice = await repo.add(Notice(call_id=call.id, title=body.title or f"{call.title}拟资助人选公示", published_at=now,
                                   starts_on=starts_on, ends_on=ends_on,
                                   working_days=call.notice_working_days, published_by=principal.actor))
    for application in recommended:
        transition = check(application, Action.publish_notice, actors)
        session.add(NoticeEntry(notice_id=notice.id, application_id=application.id,
                                applicant_name=application.applicant_name, unit=application.unit,
                                program_name=program.name, amount_fen=application.amount_fen))
        await apply(session, application, transition, principal,
                    f"列入公示（{notice.starts_on.isoformat()} 至 {notice.ends_on.isoformat()}）", now)
    await record_change(session, AuditLog, actor=principal.actor, action="notice.publish", entity_type="notice",
                        entity_id=notice.id, after={"call": call.id, "applications": [a.id for a in recommended],
                                                    "ends_on": notice.ends_on.isoformat()})
    await session.flush()
    return notice


def _checked_filer(body: ObjectionCreate) -> tuple[str, str]:
    if not body.filer_name or not body.filer_contact:
        raise errors.AnonymousObjection()
    if not (re.match(PHONE_PATTERN, body.filer_contact) or EMAIL_PATTERN.match(body.filer_contact)):
        raise errors.ContactInvalid()
    return body.filer_name, body.filer_contact


async def file_objection(session: AsyncSession, cipher: PersonalDataCipher, principal: Principal, notice: Notice,
                         body: ObjectionCreate, now: datetime) -> Objection:
    name, contact = _checked_filer(body)
    today = now.astimezone(CHINA_TIME).date()
    if not notice.starts_on <= today <= notice.ends_on:
        raise errors.NoticeClosed(notice.starts_on, notice.ends_on)
    if await NoticeRepository(session).entry(notice.id, body.application_id) is None:
        raise errors.NotOnNotice()
    application, _ = await load(session, body.application_id, lock=True)
    if application.state not in (State.public_notice, State.on_hold):
        raise errors.NotOnNotice()
    call = await get_call(session, notice.call_id)
    calendar = await working_calendar(session, today)
    objection = Objection(notice_id=notice.id, application_id=application.id, filer_name=name,
                          filer_contact_ciphertext=cipher.encrypt(contact), filer_unit=body.filer_unit,
                          reason=body.reason, filed_at=now, status="open", resolution="",
                          resolve_by=calendar.nth_working_day(today + timedelta(days=1), call.objection_working_days))
    await NoticeRepository(session).add(objection)
    transition = check(application, Action.file_objection, frozenset({Actor.public}))
    await apply(session, application, transition, principal,
                f"收到实名异议（第 {objection.id} 号），暂缓，待评审单位于 {objection.resolve_by.isoformat()} 前处理", now)
    return objection


def objection_receipt(objection: Objection) -> ObjectionReceipt:
    return ObjectionReceipt(id=objection.id, notice_id=objection.notice_id, application_id=objection.application_id,
                            status=objection.status, filed_at=objection.filed_at, resolve_by=objection.resolve_by)


def objection_read(cipher: PersonalDataCipher, objection: Objection, application: Application,
                   now: datetime) -> ObjectionRead:
    return ObjectionRead(
        **objection_receipt(objection).model_dump(), applicant_name=application.applicant_name,
        filer_name=objection.filer_name, filer_contact=cipher.decrypt(objection.filer_contact_ciphertext),
        filer_unit=objection.filer_unit, reason=objection.reason,
        overdue=objection.status == "open" and now.astimezone(CHINA_TIME).date() > objection.resolve_by,
        resolution=objection.resolution, resolved_at=objection.resolved_at, resolved_by=objection.resolved_by)


async def list_objections(session: AsyncSession, cipher: PersonalDataCipher, principal: Principal, now: datetime, *,
                          status: str | None, notice_id: int | None) -> list[ObjectionRead]:
    agency = None if principal.role == "admin" else principal.agency
    rows = await NoticeRepository(session).objections(agency=agency, status=status, notice_id=notice_id)
    return [objection_read(cipher, o, a, now) for o, a in rows]


async def _conclude(session: AsyncSession, application: Application, actors: frozenset[Actor], principal: Principal,
                    now: datetime) -> None:
    await apply(session, application, check(application, Action.conclude_notice, actors), principal,
                "公示期满，无异议或异议不成立", now)


async def resolve_objection(session: AsyncSession, principal: Principal, objection_id: int, body: ObjectionResolve,
                            now: datetime) -> tuple[Objection, Application]:
    repo = NoticeRepository(session)
    objection = await repo.objection(objection_id)
    if objection is None:
        raise errors.ObjectionNotFound()
    application, program = await load(session, objection.application_id, lock=True)
    actors = reviewer_actors(principal, program)
    if objection.status != "open":
        raise errors.ObjectionResolved()
    objection.status, objection.resolution = body.outcome, body.resolution
    objection.resolved_at, objection.resolved_by = now, principal.actor
    others = [o for o in await repo.open_objections(application.id) if o.id != objection.id]
    if body.outcome == "upheld":
        for other in others:
            other.status, other.resolution, other.resolved_at, other.resolved_by = \
                "moot", f"另一异议（第 {objection.id} 号）成立", now, principal.actor
        transition = check(application, Action.uphold_objection, actors)
        await release_nomination(session, application)
        await apply(session, application, transition, principal, body.resolution, now)
    elif not others:
        await apply(session, application, check(application, Action.dismiss_objection, actors), principal,
                    body.resolution, now)
        notice = await get_notice(session, objection.notice_id)
        if notice_status(notice, now) == "ended":
            await _conclude(session, application, actors, principal, now)
    await record_change(session, AuditLog, actor=principal.actor, action="objection.resolve",
                        entity_type="objection", entity_id=objection.id,
                        after={"outcome": body.outcome, "resolution": body.resolution})
    await session.flush()
    return objection, application


async def conclude_notice(session: AsyncSession, principal: Principal, notice: Notice, now: datetime) -> Notice:
    call, program = await _context(session, notice)
    actors = reviewer_actors(principal, program)
    if notice_status(notice, now) != "ended":
        raise errors.NoticePeriodRunning(notice.ends_on)
    for entry in await NoticeRepository(session).entries([notice.id]):
        application, _ = await load(session, entry.application_id, lock=True)
        if application.state == State.public_notice:
            await _conclude(session, application, actors, principal, now)
    if notice.concluded_at is None:
        notice.concluded_at = now
    await record_change(session, AuditLog, actor=principal.actor, action="notice.conclude", entity_type="notice",
                        entity_id=notice.id, after={"concluded_at": now.isoformat()})
    await session.flush()
    return notice
