"""Queries on expert assignments and score sheets."""

from sqlalchemy import func, select

from applications.models import Application, ExpertAssignment, Program, ScoreSheet
from servicekit.repository import RepositoryBase


class ReviewRepository(RepositoryBase[ExpertAssignment]):
    async def assignments_of(self, application_id: int) -> list[tuple[ExpertAssignment, ScoreSheet | None]]:
        statement = (select(ExpertAssignment, ScoreSheet)
                     .outerjoin(ScoreSheet, ScoreSheet.assignment_id == ExpertAssignment.id)
                     .where(ExpertAssignment.application_id == application_id).order_by(ExpertAssignment.id))
        return list((await self.session.execute(statement)).all())

    async def complete_sheets(self, application_id: int) -> int:
        statement = (select(func.count()).select_from(ScoreSheet)
                     .join(ExpertAssignment, ExpertAssignment.id == ScoreSheet.assignment_id)
                     .where(ExpertAssignment.application_id == application_id,
                            ExpertAssignment.declaration == "no_conflict"))
        return int(await self.session.scalar(statement))

    async def assignment(self, assignment_id: int) -> ExpertAssignment | None:
        return await self.session.get(ExpertAssignment, assignment_id)

    async def sheet(self, assignment_id: int) -> ScoreSheet | None:
        return await self.one_or_none(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))

    async def of_expert(self, expert_subject: str) -> list[tuple[ExpertAssignment, Application, Program,
                                                                  ScoreSheet | None]]:
        statement = (select(ExpertAssignment, Application, Program, ScoreSheet)
                     .join(Application, Application.id == ExpertAssignment.application_id)
                     .join(Program, Program.id == Application.program_id)
                     .outerjoin(ScoreSheet, ScoreSheet.assignment_id == ExpertAssignment.id)
                     .where(ExpertAssignment.expert_subject == expert_subject).order_by(ExpertAssignment.id.desc()))
        return list((await self.session.execute(statement)).all())
