"""Load a plan file (planfile) into the database: an upsert keyed by codes and numbers.

Loading the same file twice leaves the same rows (nothing is duplicated, nothing changes, nothing is
audited the second time). A row the file no longer names is deleted, unless progress was reported on it:
then the load stops with PlanLoadError and nothing is written. Agencies are shared between plans (their
code is their identity: API keys are bound to it); which agencies a plan names, and whom its groups such
as 各市 stand for, is recorded per plan. The caller owns the transaction; this module only flushes."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import planfile
from agencies.models import (
    Agency,
    AuditLog,
    Deliverable,
    GroupMember,
    Plan,
    PlanAgency,
    PlanTarget,
    Section,
    Task,
    TaskGroup,
    TaskOwner,
)
from agencies.plan_loading.repository import PlanLoadingRepository
from servicekit.audit import record_change

LOADER_ACTOR = "system:plan-loader"


class PlanLoadError(ValueError):
    """The plan file cannot be loaded over what the database holds (nothing was written)."""


@dataclass
class LoadSummary:
    plan_code: str
    counts: dict[str, int] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept_names: list[str] = field(default_factory=list)  # shared agencies whose names this file spells otherwise

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_code, "counts": self.counts, "created": dict(+self.created),
                "updated": dict(+self.updated), "deleted": dict(+self.deleted), "kept_names": self.kept_names}

    def line(self) -> str:
        def show(counter: Counter) -> str:
            return ", ".join(f"{kind} {n}" for kind, n in sorted((+counter).items())) or "none"

        counts = ", ".join(f"{kind} {n}" for kind, n in self.counts.items())
        kept = (f"\n  names kept as another plan gives them (shared agencies): {', '.join(self.kept_names)}"
                if self.kept_names else "")
        state = "loaded (计划已加载)" if self.changed else "unchanged (计划未变)"
        return (f"plan {state}: {self.plan_code}: {counts}\n  created: {show(self.created)}; "
                f"updated: {show(self.updated)}; deleted: {show(self.deleted)}{kept}")


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when something changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Loader:
    def __init__(self, session: AsyncSession, plan_file: planfile.PlanFile) -> None:
        self.session = session
        self.repo = PlanLoadingRepository(session)
        self.file = plan_file
        self.summary = LoadSummary(plan_file.plan.code)
        self.touched: set[int] = set()  # id() of rows created or updated, so each is counted once

    def _upserted(self, kind: str, row: Any, values: dict[str, Any], factory: type) -> Any:
        if row is None:
            row = factory(**values)
            self.session.add(row)
            self.summary.created[kind] += 1
            self.touched.add(id(row))
        elif _apply(row, values):
            self.summary.updated[kind] += 1
            self.touched.add(id(row))
        return row

    async def run(self) -> LoadSummary:
        plan = await self._plan()
        agencies = await self._agencies(plan)
        await self._plan_agencies(plan, agencies)
        await self._group_members(plan, agencies)
        await self._targets(plan)
        sections, groups = await self._sections_and_groups(plan)
        tasks = await self._tasks(plan, sections, groups)
        await self._owners(tasks, agencies)
        await self._deliverables(plan, tasks)
        await self._delete_stale_structure(plan, sections, groups)
        await self.session.flush()
        await self._count(plan)
        if self.summary.changed:
            plan.revision = (plan.revision or 0) + 1
            await self.session.flush()
            await record_change(self.session, AuditLog, actor=LOADER_ACTOR, action="plan.load", entity_type="plan",
                                entity_id=plan.code, after=self.summary.as_dict())
        return self.summary

    async def _agencies(self, plan: Plan) -> dict[str, Agency]:
        """Create the agencies the file names; update one only if no other plan names it too, so two plans
        that spell a shared agency differently do not rename it back and forth on every load."""
        codes = [a.code for a in self.file.agencies]
        existing = await self.repo.agencies(codes)
        shared = await self.repo.agencies_named_by_other_plans(codes, plan.id)
        for item in self.file.agencies:
            values = {"code": item.code, "name": item.name, "name_en": item.name_en, "kind": item.kind}
            row = existing.get(item.code)
            if row is not None and row.kind != item.kind:
                raise PlanLoadError(f"{plan.code}: agency {item.code} is a {row.kind} in the database but a "
                                    f"{item.kind} in the file")
            if item.code in shared:
                if (row.name, row.name_en) != (item.name, item.name_en):
                    self.summary.kept_names.append(item.code)
                continue
            existing[item.code] = self._upserted("agencies", row, values, Agency)
        await self.session.flush()
        return existing

    async def _plan(self) -> Plan:
        info = self.file.plan
        values = {
            "code": info.code, "title": info.title, "title_en": info.title_en,
            "document_number": info.document_number, "issuers": list(info.issuers), "issued_on": info.issued_on,
            "period_start": info.period_start, "period_end": info.period_end, "region": info.region,
        }
        plan = await self.repo.plan(info.code)
        if plan is None:
            values["revision"] = 0  # made 1 below, with every other change the load brings
        plan = self._upserted("plans", plan, values, Plan)
        await self.session.flush()
        return plan

    async def _plan_agencies(self, plan: Plan, agencies: dict[str, Agency]) -> None:
        existing = {row.agency_id: row for row in await self.repo.rows_of_plan(PlanAgency, plan.id)}
        wanted = {agencies[a.code].id: position for position, a in enumerate(self.file.agencies, start=1)}
        for agency_id, position in wanted.items():
            values = {"plan_id": plan.id, "agency_id": agency_id, "position": position}
            self._upserted("plan_agencies", existing.get(agency_id), values, PlanAgency)
        for agency_id, row in existing.items():
            if agency_id not in wanted:
                await self.repo.delete(row)
                self.summary.deleted["plan_agencies"] += 1

    async def _group_members(self, plan: Plan, agencies: dict[str, Agency]) -> None:
        existing = {(row.group_id, row.member_id): row for row in await self.repo.rows_of_plan(GroupMember, plan.id)}
        wanted = {}
        for group in self.file.agencies:
            for position, member in enumerate(group.members, start=1):
                wanted[(agencies[group.code].id, agencies[member].id)] = position
        for (group_id, member_id), position in wanted.items():
            values = {"plan_id": plan.id, "group_id": group_id, "member_id": member_id, "position": position}
            self._upserted("group_members", existing.get((group_id, member_id)), values, GroupMember)
        for key, row in existing.items():
            if key not in wanted:
                await self.repo.delete(row)
                self.summary.deleted["group_members"] += 1

    async def _targets(self, plan: Plan) -> None:
        existing = {t.code: t for t in await self.repo.rows_of_plan(PlanTarget, plan.id)}
        for position, target in enumerate(self.file.overall_targets, start=1):
            values = {"plan_id": plan.id, "position": position, **_target_values(target)}
            self._upserted("plan_targets", existing.pop(target.code, None), values, PlanTarget)
        for row in existing.values():
            await self.repo.delete(row)
            self.summary.deleted["plan_targets"] += 1

    async def _sections_and_groups(self, plan: Plan) -> tuple[dict[int, Section], dict[tuple[int, int], TaskGroup]]:
        sections = {s.number: s for s in await self.repo.rows_of_plan(Section, plan.id)}
        for item in self.file.sections:
            values = {"plan_id": plan.id, "number": item.number, "numeral": item.numeral, "title": item.title}
            sections[item.number] = self._upserted("sections", sections.get(item.number), values, Section)
        await self.session.flush()
        section_numbers = {s.id: n for n, s in sections.items()}
        groups = {(section_numbers[g.section_id], g.number): g
                  for g in await self.repo.rows_of_plan(TaskGroup, plan.id)}
        for item in self.file.groups:
            values = {"plan_id": plan.id, "section_id": sections[item.section].id, "number": item.number,
                      "numeral": item.numeral, "title": item.title, "intro": item.intro}
            key = (item.section, item.number)
            groups[key] = self._upserted("task_groups", groups.get(key), values, TaskGroup)
        await self.session.flush()
        return sections, groups

    async def _tasks(self, plan: Plan, sections: dict[int, Section],
                     groups: dict[tuple[int, int], TaskGroup]) -> dict[int, Task]:
        existing = {t.number: t for t in await self.repo.rows_of_plan(Task, plan.id)}
        tasks = {}
        for item in self.file.tasks:
            values = {
                "plan_id": plan.id, "number": item.number, "title": item.title, "title_en": item.title_en,
                "clause": item.clause,
                "section_id": sections[item.section].id,
                "group_id": None if item.group is None else groups[(item.section, item.group)].id,
            }
            tasks[item.number] = self._upserted("tasks", existing.pop(item.number, None), values, Task)
        await self.session.flush()
        stale = list(existing.values())
        if stale:
            stale_ids = [t.id for t in stale]
            self._refuse_if_reported(await self.repo.reported_deliverables(task_ids=stale_ids))
            await self.repo.delete_tasks(stale_ids)
            self.summary.deleted["tasks"] += len(stale)
        return tasks

    async def _owners(self, tasks: dict[int, Task], agencies: dict[str, Agency]) -> None:
        task_ids = [t.id for t in tasks.values()]
        existing = {(o.task_id, o.role, o.agency_id): o for o in await self.repo.owners(task_ids)}
        for item in self.file.tasks:
            task = tasks[item.number]
            for role, codes in (("lead", item.lead), ("responsible", item.responsible)):
                for position, code in enumerate(codes, start=1):
                    key = (task.id, role, agencies[code].id)
                    values = {"task_id": task.id, "role": role, "agency_id": agencies[code].id, "position": position}
                    self._upserted("task_owners", existing.pop(key, None), values, TaskOwner)
        for row in existing.values():
            await self.repo.delete(row)
            self.summary.deleted["task_owners"] += 1

    async def _deliverables(self, plan: Plan, tasks: dict[int, Task]) -> None:
        codes = [d.code for _, d in self.file.all_deliverables()]
        rows = await self.repo.deliverables_with_plan(codes, plan.id)
        foreign = sorted(d.code for d, plan_id in rows if plan_id != plan.id)
        if foreign:
            raise PlanLoadError(f"{plan.code}: deliverable codes already used by another plan: {', '.join(foreign)} "
                                "(deliverable codes are unique across plans)")
        existing = {d.code: d for d, _ in rows}
        loaded = {}
        for item in self.file.tasks:
            for position, deliverable in enumerate(item.deliverables, start=1):
                values = {"task_id": tasks[item.number].id, "position": position, **_deliverable_values(deliverable)}
                loaded[deliverable.code] = self._upserted(
                    "deliverables", existing.pop(deliverable.code, None), values, Deliverable)
        await self.session.flush()
        for _, deliverable in self.file.all_deliverables():
            row = loaded[deliverable.code]
            parent = loaded[deliverable.part_of].id if deliverable.part_of else None
            if row.part_of_id != parent:
                row.part_of_id = parent
                if id(row) not in self.touched:
                    self.summary.updated["deliverables"] += 1
                    self.touched.add(id(row))
        if existing:
            stale_ids = [d.id for d in existing.values()]
            self._refuse_if_reported(await self.repo.reported_deliverables(ids=stale_ids))
            for row in existing.values():
                row.part_of_id = None
            await self.session.flush()
            await self.repo.delete_deliverables(stale_ids)
            self.summary.deleted["deliverables"] += len(stale_ids)

    def _refuse_if_reported(self, reported: list[str]) -> None:
        """Stop the load if it would drop deliverables that have reports or escalations."""
        if reported:
            raise PlanLoadError(f"{self.file.plan.code}: the file drops deliverables that already have progress "
                                f"reports or escalations: {', '.join(reported)}")

    async def _delete_stale_structure(self, plan: Plan, sections: dict[int, Section],
                                      groups: dict[tuple[int, int], TaskGroup]) -> None:
        wanted_groups = {(g.section, g.number) for g in self.file.groups}
        for key, row in groups.items():
            if key not in wanted_groups:
                await self.repo.delete(row)
                self.summary.deleted["task_groups"] += 1
        wanted_sections = {s.number for s in self.file.sections}
        for number, row in sections.items():
            if number not in wanted_sections:
                await self.repo.delete(row)
                self.summary.deleted["sections"] += 1

    async def _count(self, plan: Plan) -> None:
        self.summary.counts = {
            "agencies": len(self.file.agencies),
            "sections": len(self.file.sections),
            "groups": len(self.file.groups),
            "tasks": len(self.file.tasks),
            "task_owners": sum(len(t.lead) + len(t.responsible) for t in self.file.tasks),
            "deliverables": sum(len(t.deliverables) for t in self.file.tasks),
            "overall_targets": len(self.file.overall_targets),
        }


def _target_values(target: planfile.OverallTarget | planfile.Deliverable) -> dict[str, Any]:
    return {
        "code": target.code, "quote": target.quote, "indicator": target.indicator,
        "indicator_en": target.indicator_en, "value": float(target.value),
        "value_max": None if target.value_max is None else float(target.value_max), "unit": target.unit,
        "unit_en": target.unit_en, "approximate": target.approximate, "comparator": target.comparator,
        "due": target.due, "note": target.note,
    }


def _deliverable_values(deliverable: planfile.Deliverable) -> dict[str, Any]:
    return {**_target_values(deliverable), "recurrence": deliverable.recurrence, "reporting": deliverable.reporting,
            "derived_from_program": deliverable.derived_from_program}


async def load_plan(session: AsyncSession, plan_file: planfile.PlanFile) -> LoadSummary:
    """Upsert one validated plan file in the session's transaction (the caller commits)."""
    return await _Loader(session, plan_file).run()
