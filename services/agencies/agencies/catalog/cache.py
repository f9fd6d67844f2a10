"""A per-process cache of each task's structure: its text, section, group, owners (groups resolved) and
deliverable targets. A plan changes only when its file is loaded, and every load that changes it bumps
`plans.revision`; an entry is used while its revision is the plan's current one. The revision is read at
most once per `check_seconds` per plan, so a reload shows within that time. Progress is not part of it: it is
read whenever a page is built (progress.service.progress_of); built pages are kept briefly by catalog/pages.py."""

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.repository import CatalogRepository
from agencies.catalog.schemas import AgencyRef, DeliverableRead, GroupRead, OwnerRead, PlanRef, SectionRead
from agencies.periods import PlanPeriod


@dataclass(frozen=True)
class DeliverableTarget:
    """What progress figures need of a deliverable (progress.service.progress_of)."""

    id: int
    value: float
    due: date
    derived_from_program: str | None
    part_of_id: int | None


@dataclass(frozen=True)
class TaskStructure:
    revision: int
    plan_period: PlanPeriod
    fields: dict[str, Any]  # TaskRead's fields but deliverables, progress and the judgement
    deliverables: list[tuple[DeliverableTarget, dict[str, Any]]]  # with DeliverableRead's target fields

    @property
    def plan_code(self) -> str:
        return self.fields["plan"].code


# DeliverableRead's fields that come from the plan; the rest come from progress.
TARGET_FIELDS = [name for name in DeliverableRead.model_fields
                 if name not in {"part_of", "progress", "by_agency", "reports"}]


def target_fields(deliverable: Any, part_of: str | None) -> dict[str, Any]:
    """What a DeliverableRead says of a Deliverable row as the plan gives it, with the code it is part of."""
    return {**{name: getattr(deliverable, name) for name in TARGET_FIELDS}, "part_of": part_of}


def _structure(task: Any, members: dict[tuple[int, int], list[Any]], revision: int) -> TaskStructure:
    codes = {d.id: d.code for d in task.deliverables}
    fields = {
        "plan": PlanRef.model_validate(task.plan), "number": task.number, "title": task.title,
        "title_en": task.title_en, "clause": task.clause, "section": SectionRead.model_validate(task.section),
        "group": GroupRead.model_validate(task.group) if task.group else None,
        "owners": [OwnerRead(agency=AgencyRef.model_validate(o.agency), role=o.role, position=o.position,
                             members=[AgencyRef.model_validate(m)
                                      for m in members.get((task.plan_id, o.agency_id), [])])
                   for o in task.owners],
    }
    deliverables = [(DeliverableTarget(d.id, d.value, d.due, d.derived_from_program, d.part_of_id),
                     target_fields(d, codes.get(d.part_of_id)))
                    for d in task.deliverables]
    return TaskStructure(revision, PlanPeriod.of(task.plan), fields, deliverables)


async def _load(session: AsyncSession, keys: list[tuple[str, int]],
                revisions: dict[str, int]) -> dict[tuple[str, int], TaskStructure]:
    """The structures of several tasks in four queries."""
    repo = CatalogRepository(session)
    tasks = await repo.tasks_by_key(keys)
    members = await repo.group_members(
        (t.plan_id, o.agency_id) for t in tasks for o in t.owners if o.agency.kind == "group")
    return {(t.plan.code, t.number): _structure(t, members, revisions[t.plan.code]) for t in tasks}


class TaskCache:
    def __init__(self, check_seconds: float) -> None:
        self.check_seconds = check_seconds
        self._revisions: dict[str, tuple[int, float]] = {}
        self._entries: dict[tuple[str, int], TaskStructure] = {}

    async def _revision(self, session: AsyncSession, plan_code: str) -> int | None:
        now = time.monotonic()
        known = self._revisions.get(plan_code)
        if known is not None and now - known[1] < self.check_seconds:
            return known[0]
        revision = await CatalogRepository(session).plan_revision(plan_code)
        if revision is not None:  # only known plans are remembered, so unknown codes cannot fill memory
            self._revisions[plan_code] = (revision, now)
        return revision

    async def tasks(self, session: AsyncSession, keys: list[tuple[str, int]]) -> dict[tuple[str, int], TaskStructure]:
        """The structures of the tasks named by (plan code, number) that exist."""
        revisions = {}
        for plan_code in dict.fromkeys(code for code, _ in keys):
            revision = await self._revision(session, plan_code)
            if revision is not None:
                revisions[plan_code] = revision
        found = {}
        stale = []
        for key in keys:
            entry = self._entries.get(key)
            if key[0] not in revisions:
                continue
            if entry is not None and entry.revision == revisions[key[0]]:
                found[key] = entry
            else:
                stale.append(key)
        if stale:
            loaded = await _load(session, stale, revisions)
            self._entries.update(loaded)
            found.update(loaded)
        return found

    async def task(self, session: AsyncSession, plan_code: str, number: int) -> TaskStructure:
        entry = (await self.tasks(session, [(plan_code, number)])).get((plan_code, number))
        if entry is None:
            raise errors.TaskNotFound()
        return entry


async def task_cache(request: Request) -> TaskCache:
    return request.app.state.task_cache
