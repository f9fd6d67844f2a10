"""Queries of supervision: what is owed, what was filed when, and the escalations recorded."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from agencies.models import Agency, Deliverable, Escalation, Plan, ProgressReport, Task, TaskOwner
from agencies.repository import RepositoryBase

ACTIVE_STATUSES = ("pending", "accepted")


class SupervisionRepository(RepositoryBase):
    async def reported_deliverables(self, plan: str | None = None, code: str | None = None) -> list[Deliverable]:
        """Deliverables that take reports (not derived), with their task, plan and owners."""
        statement = (
            select(Deliverable).join(Task, Task.id == Deliverable.task_id).join(Plan, Plan.id == Task.plan_id)
            .where(Deliverable.derived_from_program.is_(None))
            .order_by(Plan.period_start, Plan.code, Task.number, Deliverable.position)
            .options(joinedload(Deliverable.task).joinedload(Task.plan),
                     joinedload(Deliverable.task).selectinload(Task.owners).joinedload(TaskOwner.agency))
        )
        if plan is not None:
            statement = statement.where(Plan.code == plan)
        if code is not None:
            statement = statement.where(Deliverable.code == code)
        return list((await self.session.scalars(statement)).unique())

    async def first_submissions(self, deliverable_ids: Iterable[int]) -> dict[tuple[int, int, str], datetime]:
        """When each (deliverable, agency, period) first got a report that still stands (pending/accepted)."""
        ids = list(deliverable_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(ProgressReport.deliverable_id, ProgressReport.agency_id, ProgressReport.period,
                   func.min(ProgressReport.submitted_at))
            .where(ProgressReport.deliverable_id.in_(ids), ProgressReport.status.in_(ACTIVE_STATUSES))
            .group_by(ProgressReport.deliverable_id, ProgressReport.agency_id, ProgressReport.period)
        )
        return {(d, a, p): at for d, a, p, at in rows}

    async def escalations_for(self, deliverable_ids: Iterable[int]) -> list[Escalation]:
        ids = list(deliverable_ids)
        if not ids:
            return []
        return list(await self.session.scalars(
            select(Escalation).where(Escalation.deliverable_id.in_(ids)).order_by(Escalation.step)
        ))

    async def deliverable_exists(self, code: str) -> bool:
        return await self.one_or_none(select(Deliverable.id).where(Deliverable.code == code)) is not None

    async def agency_by_code(self, code: str) -> Agency | None:
        return await self.one_or_none(select(Agency).where(Agency.code == code))

    async def lock_deliverable(self, deliverable_id: int) -> None:
        """Serialise escalations of one deliverable (PostgreSQL; SQLite serialises every write)."""
        await self.session.execute(select(Deliverable.id).where(Deliverable.id == deliverable_id).with_for_update())

    async def current_step(self, deliverable_id: int, agency_id: int, period: str) -> int:
        step = await self.session.scalar(
            select(func.max(Escalation.step)).where(Escalation.deliverable_id == deliverable_id,
                                                    Escalation.agency_id == agency_id, Escalation.period == period)
        )
        return int(step or 0)

    def escalations_statement(self, *, deliverable: str | None, agency: str | None, period: str | None) -> Select:
        statement = select(Escalation).join(Deliverable, Deliverable.id == Escalation.deliverable_id)
        if deliverable is not None:
            statement = statement.where(Deliverable.code == deliverable)
        if agency is not None:
            statement = statement.where(Escalation.agency_id.in_(select(Agency.id).where(Agency.code == agency)))
        if period is not None:
            statement = statement.where(Escalation.period == period)
        return statement.order_by(Escalation.id.desc()).options(joinedload(Escalation.deliverable),
                                                                joinedload(Escalation.agency))
