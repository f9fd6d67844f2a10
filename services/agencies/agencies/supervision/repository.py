"""Queries of supervision: what is owed, what was filed when, and the escalations recorded."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from agencies.catalog.repository import agency_ids
from agencies.models import Deliverable, Escalation, Plan, ProgressReport, Task, TaskOwner
from agencies.progress.repository import ACTIVE_STATUSES
from agencies.types import EscalationFilters
from servicekit.repository import RepositoryBase, where_given


@dataclass(frozen=True)
class Submission:
    """The first report that still stands (pending or accepted) on one (deliverable, agency, period)."""

    reported_on: date
    submitted_at: datetime


class SupervisionRepository(RepositoryBase[Any]):
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

    async def first_submissions(self, deliverable_ids: Iterable[int]) -> dict[tuple[int, int, str], Submission]:
        """The earliest reported standing report of each (deliverable, agency, period)."""
        ids = list(deliverable_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(ProgressReport.deliverable_id, ProgressReport.agency_id, ProgressReport.period,
                   ProgressReport.reported_on, ProgressReport.submitted_at)
            .where(ProgressReport.deliverable_id.in_(ids), ProgressReport.status.in_(ACTIVE_STATUSES))
            .order_by(ProgressReport.reported_on.desc(), ProgressReport.submitted_at.desc())
        )
        # Latest first, so the earliest of each key is the one left in the dict.
        return {(d, a, p): Submission(reported_on, submitted_at) for d, a, p, reported_on, submitted_at in rows}

    async def escalations_for(self, deliverable_ids: Iterable[int]) -> list[Escalation]:
        ids = list(deliverable_ids)
        if not ids:
            return []
        return list(await self.session.scalars(
            select(Escalation).where(Escalation.deliverable_id.in_(ids)).order_by(Escalation.step)
        ))

    async def deliverable_exists(self, code: str) -> bool:
        return await self.one_or_none(select(Deliverable.id).where(Deliverable.code == code)) is not None

    async def current_step(self, deliverable_id: int, agency_id: int, period: str) -> int:
        step = await self.session.scalar(
            select(func.max(Escalation.step)).where(Escalation.deliverable_id == deliverable_id,
                                                    Escalation.agency_id == agency_id, Escalation.period == period)
        )
        return int(step or 0)

    def escalations_statement(self, filters: EscalationFilters, agency: str | None) -> Select:
        statement = where_given(
            select(Escalation).join(Deliverable, Deliverable.id == Escalation.deliverable_id),
            [(filters.deliverable, lambda code: Deliverable.code == code),
             (agency, lambda code: Escalation.agency_id.in_(agency_ids(code))),
             (filters.period, lambda label: Escalation.period == label)],
        )
        return statement.order_by(Escalation.id.desc()).options(joinedload(Escalation.deliverable),
                                                                joinedload(Escalation.agency))
