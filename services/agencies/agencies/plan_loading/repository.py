"""Queries of the plan loader: the rows a plan file may create, update or delete."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, or_, select

from agencies.models import (
    Agency,
    Deliverable,
    Escalation,
    Plan,
    PlanAgency,
    ProgressReport,
    Task,
    TaskOwner,
)
from servicekit.repository import RepositoryBase


class PlanLoadingRepository(RepositoryBase[Any]):
    async def plan(self, code: str) -> Plan | None:
        return await self.one_or_none(select(Plan).where(Plan.code == code))

    async def agencies(self, codes: Iterable[str]) -> dict[str, Agency]:
        return {a.code: a for a in await self.all(select(Agency).where(Agency.code.in_(list(codes))))}

    async def agencies_named_by_other_plans(self, codes: Iterable[str], plan_id: int) -> set[str]:
        return set(await self.all(
            select(Agency.code).join(PlanAgency, PlanAgency.agency_id == Agency.id)
            .where(Agency.code.in_(list(codes)), PlanAgency.plan_id != plan_id)
        ))

    async def rows_of_plan(self, model: Any, plan_id: int) -> list[Any]:
        """Every row of `model` (a table with a plan_id column) that belongs to the plan."""
        return await self.all(select(model).where(model.plan_id == plan_id))

    async def owners(self, task_ids: Iterable[int]) -> list[TaskOwner]:
        return await self.all(select(TaskOwner).where(TaskOwner.task_id.in_(list(task_ids))))

    async def deliverables_with_plan(self, codes: Iterable[str], plan_id: int) -> list[tuple[Deliverable, int]]:
        """The plan's deliverables and any other plan's that use one of `codes`, each with its plan's id."""
        rows = await self.session.execute(
            select(Deliverable, Task.plan_id).join(Task, Deliverable.task_id == Task.id)
            .where(or_(Deliverable.code.in_(list(codes)), Task.plan_id == plan_id))
        )
        return [(deliverable, owner_plan) for deliverable, owner_plan in rows]

    async def reported_deliverables(self, *, ids: Iterable[int] = (), task_ids: Iterable[int] = ()) -> list[str]:
        """Codes of the deliverables among `ids` or of `task_ids` that have reports or escalations."""
        return sorted(await self.all(
            select(Deliverable.code).where(
                or_(Deliverable.id.in_(list(ids)), Deliverable.task_id.in_(list(task_ids))),
                or_(exists().where(ProgressReport.deliverable_id == Deliverable.id),
                    exists().where(Escalation.deliverable_id == Deliverable.id)),
            )
        ))

    async def delete_tasks(self, task_ids: list[int]) -> None:
        """The tasks with their deliverables and owners."""
        await self.session.execute(delete(Deliverable).where(Deliverable.task_id.in_(task_ids)))
        await self.session.execute(delete(TaskOwner).where(TaskOwner.task_id.in_(task_ids)))
        await self.session.execute(delete(Task).where(Task.id.in_(task_ids)))

    async def delete_deliverables(self, ids: list[int]) -> None:
        await self.session.execute(delete(Deliverable).where(Deliverable.id.in_(ids)))

    async def delete(self, row: Any) -> None:
        await self.session.delete(row)
