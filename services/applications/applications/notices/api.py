"""Public notices (公示) and objections (异议): public to read and to object to (under a real name); the reviewing
agency publishes, resolves objections and concludes."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from applications.calls.service import get_call
from applications.deps import Cipher, CurrentPrincipal, Idempotent, Now, ReadSession, StaffActor, StaffReader, WriteSession
from applications.notices import service
from applications.notices.schemas import (
    NoticeCreate,
    NoticeRead,
    NoticeStatus,
    ObjectionCreate,
    ObjectionRead,
    ObjectionReceipt,
    ObjectionResolve,
)
from applications.types import CallId, NoticeId, ObjectionId, ProgramFilter
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.validation import PositiveInt

router = APIRouter(tags=["notices"], responses=PROBLEM_RESPONSES)


@router.get("/notices", response_model=list[NoticeRead], summary="List public notices")
async def list_notices(session: ReadSession, now: Now,
                       call_id: Annotated[PositiveInt | None, Query(description="Only this call's.")] = None,
                       program: ProgramFilter = None,
                       status: Annotated[NoticeStatus | None, Query(description="open or ended.")] = None,
                       ) -> list[NoticeRead]:
    """Notices during and after their period, newest first: name, unit, program and amount only (public)."""
    return await service.list_notices(session, now, call_id=call_id, program=program, status=status)


@router.get("/notices/{notice_id}", response_model=NoticeRead, summary="Read a public notice")
async def read_notice(notice_id: NoticeId, session: ReadSession, now: Now) -> NoticeRead:
    """One notice with its period (working days) and entries (public)."""
    return await service.read_notice(session, await service.get_notice(session, notice_id), now)


@router.post("/calls/{call_id}/notices", response_model=NoticeRead, status_code=201, summary="Publish a notice")
async def publish_notice(call_id: CallId, body: NoticeCreate, caller: StaffActor, session: WriteSession, now: Now,
                         idempotent: Idempotent) -> NoticeRead | JSONResponse:
    """As the reviewing agency: put the call's recommended applications on notice from today (5 working days by
    default)."""
    call = await get_call(session, call_id)

    async def work() -> NoticeRead:
        return await service.read_notice(session, await service.publish_notice(session, caller, call, body, now), now)

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.post("/notices/{notice_id}/objections", response_model=ObjectionReceipt, status_code=201,
             summary="Object to a notice entry")
async def file_objection(notice_id: NoticeId, body: ObjectionCreate, caller: CurrentPrincipal,
                         session: WriteSession, cipher: Cipher, now: Now,
                         idempotent: Idempotent) -> ObjectionReceipt | JSONResponse:
    """Anyone, during the notice, under a real name with a contact (anonymous ones are refused): holds the entry."""
    notice = await service.get_notice(session, notice_id)

    async def work() -> ObjectionReceipt:
        return service.objection_receipt(await service.file_objection(session, cipher, caller, notice, body, now))

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.post("/notices/{notice_id}/conclude", response_model=NoticeRead, summary="Conclude a notice")
async def conclude_notice(notice_id: NoticeId, caller: StaffActor, session: WriteSession, now: Now) -> NoticeRead:
    """As the reviewing agency, after the period: entries without open objections become ready for decision."""
    notice = await service.conclude_notice(session, caller, await service.get_notice(session, notice_id), now)
    return await service.read_notice(session, notice, now)


@router.get("/objections", response_model=list[ObjectionRead], summary="List objections")
async def list_objections(caller: StaffReader, session: ReadSession, cipher: Cipher, now: Now,
                          status: Annotated[str | None, Query(pattern="^(open|upheld|dismissed|moot)$")] = None,
                          notice_id: Annotated[PositiveInt | None, Query()] = None) -> list[ObjectionRead]:
    """Objections to your agency's notices (all, for admins), with the objector's contact and the deadline."""
    return await service.list_objections(session, cipher, caller, now, status=status, notice_id=notice_id)


@router.post("/objections/{objection_id}/resolve", response_model=ObjectionRead, summary="Resolve an objection")
async def resolve_objection(objection_id: ObjectionId, body: ObjectionResolve, caller: StaffActor,
                            session: WriteSession, cipher: Cipher, now: Now) -> ObjectionRead:
    """As the reviewing agency: upheld (not funded) or dismissed (on with the notice, or ready after it)."""
    objection, application = await service.resolve_objection(session, caller, objection_id, body, now)
    return service.objection_read(cipher, objection, application, now)
