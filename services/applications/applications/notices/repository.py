"""Queries on notices, their entries and objections."""

from sqlalchemy import select

from applications.models import Application, Call, Notice, NoticeEntry, Objection, Program
from servicekit.repository import RepositoryBase


class NoticeRepository(RepositoryBase[Notice]):
    async def notice(self, notice_id: int) -> Notice | None:
        return await self.session.get(Notice, notice_id)

    async def notices(self, *, call_id: int | None, program: str | None) -> list[tuple[Notice, Call, Program]]:
        statement = (select(Notice, Call, Program).join(Call, Call.id == Notice.call_id)
                     .join(Program, Program.id == Call.program_id).order_by(Notice.id.desc()))
        if call_id:
            statement = statement.where(Notice.call_id == call_id)
        if program:
            statement = statement.where(Program.code == program)
        return list((await self.session.execute(statement)).all())

    async def entries(self, notice_ids: list[int]) -> list[NoticeEntry]:
        return await self.all(select(NoticeEntry).where(NoticeEntry.notice_id.in_(notice_ids))
                              .order_by(NoticeEntry.id))

    async def entry(self, notice_id: int, application_id: int) -> NoticeEntry | None:
        return await self.one_or_none(select(NoticeEntry).where(NoticeEntry.notice_id == notice_id,
                                                                NoticeEntry.application_id == application_id))

    async def recommended(self, call_id: int) -> list[Application]:
        return await self.all(select(Application).where(Application.call_id == call_id,
                                                        Application.state == "recommended")
                              .order_by(Application.id).with_for_update())

    async def objection(self, objection_id: int) -> Objection | None:
        return await self.session.get(Objection, objection_id)

    async def open_objections(self, application_id: int) -> list[Objection]:
        return await self.all(select(Objection).where(Objection.application_id == application_id,
                                                      Objection.status == "open").order_by(Objection.id))

    async def objections(self, *, agency: str | None, status: str | None,
                         notice_id: int | None) -> list[tuple[Objection, Application]]:
        statement = (select(Objection, Application).join(Application, Application.id == Objection.application_id)
                     .join(Program, Program.id == Application.program_id).order_by(Objection.id.desc()))
        if agency:
            statement = statement.where(Program.reviewing_agency == agency)
        if status:
            statement = statement.where(Objection.status == status)
        if notice_id:
            statement = statement.where(Objection.notice_id == notice_id)
        return list((await self.session.execute(statement)).all())
