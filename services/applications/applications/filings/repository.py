"""Queries on applications, their timeline and attachments."""

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import undefer

from applications.models import Application, ApplicationEvent, Attachment, Call, ExpertAssignment, Program
from applications.workflow import AWARDED_STATE, INACTIVE_STATES, State
from servicekit.identity import Principal
from servicekit.pagination import PageParams
from servicekit.repository import RepositoryBase


def _same_person(application: Application, digest: str | None):  # noqa: ANN202 - a SQL condition
    conditions = [Application.applicant_subject == application.applicant_subject]
    if digest:
        conditions.append(Application.identity_digest == digest)
    return or_(*conditions)


class FilingRepository(RepositoryBase[Application]):
    async def by_id(self, application_id: int, *, lock: bool = False) -> Application | None:
        statement = select(Application).where(Application.id == application_id)
        if lock:
            statement = statement.with_for_update()
        return await self.one_or_none(statement.execution_options(populate_existing=True))

    async def by_ids(self, application_ids: list[int], *, lock: bool = False) -> dict[int, Application]:
        """{id: application} of those that exist; locked in ascending id order (as concurrent batches lock
        them, so two never wait on each other in a cycle)."""
        statement = select(Application).where(Application.id.in_(application_ids)).order_by(Application.id)
        if lock:
            statement = statement.with_for_update()
        rows = await self.all(statement.execution_options(populate_existing=True))
        return {row.id: row for row in rows}

    async def applicant_names(self, application_ids: list[int]) -> dict[int, str]:
        """{application id: the applicant's name} (what a 公示 shows, and what funding's award names)."""
        rows = await self.session.execute(select(Application.id, Application.applicant_name)
                                          .where(Application.id.in_(application_ids)))
        return {row.id: row.applicant_name for row in rows}

    async def active_in_cycle(self, application: Application, digest: str | None, plan_code: str,
                              year: int) -> list[tuple[Application, Program]]:
        statement = (select(Application, Program).join(Call, Call.id == Application.call_id)
                     .join(Program, Program.id == Application.program_id)
                     .where(_same_person(application, digest), Application.id != application.id,
                            Application.state.not_in([s.value for s in INACTIVE_STATES]),
                            Call.plan_code == plan_code, Call.year == year).order_by(Application.id))
        return list((await self.session.execute(statement)).all())

    async def holds_award(self, application: Application, digest: str | None, award_kind: str) -> bool:
        statement = (select(Application.id).join(Program, Program.id == Application.program_id)
                     .where(_same_person(application, digest), Application.state == AWARDED_STATE,
                            Program.award_kind == award_kind))
        return await self.one_or_none(statement) is not None

    async def visible_page(self, principal: Principal, params: PageParams, *, call_id: int | None,
                           program: str | None, state: str | None,
                           nominating_agency: str | None) -> tuple[list[tuple[Application, Program, Call]], int]:
        """The applications a caller may see (the same rule as one application's, as SQL), newest first."""
        statement = (select(Application, Program, Call).join(Program, Program.id == Application.program_id)
                     .join(Call, Call.id == Application.call_id).order_by(Application.id.desc()))
        if principal.role == "applicant":
            statement = statement.where(Application.applicant_subject == principal.subject)
        elif principal.role in ("reviewer", "agency"):
            statement = statement.where(or_(
                and_(Application.nominating_agency == principal.agency, Application.state != State.draft.value),
                and_(Program.reviewing_agency == principal.agency, Application.nominated_at.is_not(None))))
        elif principal.role == "expert":
            statement = statement.where(exists().where(ExpertAssignment.application_id == Application.id,
                                                       ExpertAssignment.expert_subject == principal.subject))
        if call_id:
            statement = statement.where(Application.call_id == call_id)
        if program:
            statement = statement.where(Program.code == program)
        if state:
            statement = statement.where(Application.state == state)
        if nominating_agency:
            statement = statement.where(Application.nominating_agency == nominating_agency)
        count_rows, total = await self.page(statement.with_only_columns(Application.id), params)
        ids = list(count_rows)
        if not ids:
            return [], total
        rows = (await self.session.execute(statement.where(Application.id.in_(ids)))).all()
        return list(rows), total

    async def timeline(self, application_id: int) -> list[ApplicationEvent]:
        return await self.all(select(ApplicationEvent).where(ApplicationEvent.application_id == application_id)
                              .order_by(ApplicationEvent.id))

    async def attachments(self, application_id: int) -> list[Attachment]:
        return await self.all(select(Attachment).where(Attachment.application_id == application_id)
                              .order_by(Attachment.id))

    async def attachment(self, application_id: int, attachment_id: int, *,
                         with_content: bool = False) -> Attachment | None:
        statement = select(Attachment).where(Attachment.application_id == application_id,
                                             Attachment.id == attachment_id)
        if with_content:
            statement = statement.options(undefer(Attachment.content))
        return await self.one_or_none(statement)

    async def assignment(self, application_id: int, expert_subject: str) -> ExpertAssignment | None:
        return await self.one_or_none(select(ExpertAssignment).where(
            ExpertAssignment.application_id == application_id, ExpertAssignment.expert_subject == expert_subject))
