"""Queries of the plan catalog."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select, tuple_
from sqlalchemy.orm import aliased, joinedload, selectinload

from agencies.models import Agency, Deliverable, GroupMember, Plan, PlanAgency, Section, Task, TaskGroup, TaskOwner
from agencies.periods import PlanPeriod
from agencies.types import TaskFilters
from servicekit.repository import RepositoryBase, where_given


@dataclass(frozen=True)
class OwnedTask:
    task: Task
    role: str
    via: Agency | None


def _task_options() -> tuple:
    return (
        joinedload(Task.plan),
        joinedload(Task.section),
        joinedload(Task.group),
        selectinload(Task.owners).joinedload(TaskOwner.agency),
        selectinload(Task.deliverables),
    )


_PLAN_REVISION = select(Plan.revision).where(Plan.code == bindparam("code"))


def agency_ids(code: str) -> Select:
    """The id of the agency with this code, as a subquery (none if there is no such agency)."""
    return select(Agency.id).where(Agency.code == code)


def task_matches(text: str) -> ColumnElement[bool]:
    """The one text search over tasks, for the task list and the matrix alike: `text` (Chinese or English, any
    case, `%` and `_` literal) in the task's title or clause, or in the indicator or quote of one of its
    deliverables."""
    def found_in(*columns: Any) -> list[ColumnElement[bool]]:
        return [column.icontains(text, autoescape=True) for column in columns]

    in_deliverables = exists().where(Deliverable.task_id == Task.id,
                                     or_(*found_in(Deliverable.indicator, Deliverable.indicator_en, Deliverable.quote)))
    return or_(*found_in(Task.title, Task.title_en, Task.clause), in_deliverables)


class CatalogRepository(RepositoryBase[Any]):
    # --- plans ------------------------------------------------------------------------------------

    def plans_statement(self) -> Select:
        task_count = select(func.count(Task.id)).where(Task.plan_id == Plan.id).scalar_subquery()
        return select(Plan, task_count.label("task_count")).order_by(Plan.period_start, Plan.code)

    async def list_plans(self, offset: int, limit: int) -> tuple[list[tuple[Plan, int]], int]:
        statement = self.plans_statement()
        total = await self.session.scalar(select(func.count(Plan.id)))
        rows = (await self.session.execute(statement.offset(offset).limit(limit))).all()
        return [(row[0], row[1]) for row in rows], int(total or 0)

    async def get_plan(self, code: str) -> Plan | None:
        return await self.one_or_none(
            select(Plan).where(Plan.code == code)
            .options(selectinload(Plan.targets), selectinload(Plan.sections).selectinload(Section.groups))
        )

    async def plan_revision(self, code: str) -> int | None:
        return await self.session.scalar(_PLAN_REVISION, {"code": code})

    async def plan_by_code(self, code: str) -> Plan | None:
        return await self.one_or_none(select(Plan).where(Plan.code == code))

    async def count_tasks(self, plan_id: int) -> int:
        return int(await self.session.scalar(select(func.count(Task.id)).where(Task.plan_id == plan_id)) or 0)

    async def plan_agencies(self, plan_id: int) -> list[Agency]:
        return list(await self.session.scalars(
            select(Agency).join(PlanAgency, PlanAgency.agency_id == Agency.id)
            .where(PlanAgency.plan_id == plan_id).order_by(PlanAgency.position)
        ))

    async def plan_deliverables(self, plan_id: int) -> list[Deliverable]:
        return list(await self.session.scalars(
            select(Deliverable).join(Task, Deliverable.task_id == Task.id)
            .where(Task.plan_id == plan_id).order_by(Task.number, Deliverable.position)
        ))

    # --- tasks ------------------------------------------------------------------------------------

    def tasks_statement(self, filters: TaskFilters) -> Select:
        statement = where_given(select(Task).join(Plan, Task.plan_id == Plan.id), [
            (filters.plan, lambda code: Plan.code == code),
            (filters.section, lambda number: Task.section_id.in_(select(Section.id).where(Section.number == number))),
            (filters.group, lambda number: Task.group_id.in_(select(TaskGroup.id).where(TaskGroup.number == number))),
            (filters.agency, lambda code: Task.id.in_(self._owned_task_ids(code, filters.role))),
            (filters.q, task_matches),
        ])
        return statement.order_by(Plan.period_start, Plan.code, Task.number)

    async def plan_periods(self, filters: TaskFilters) -> dict[str, PlanPeriod]:
        """The period of each plan that has a task matching the filters."""
        found = self.tasks_statement(filters).subquery()
        rows = await self.session.execute(
            select(Plan.code, Plan.period_start, Plan.period_end).where(Plan.id.in_(select(found.c.plan_id))))
        return {code: PlanPeriod(start, end) for code, start, end in rows}

    @staticmethod
    def _owned_task_ids(agency_code: str, role: str | None) -> Select:
        """Ids of the tasks the agency owns directly, or through a group (各市) that stands for it."""
        agency_id = agency_ids(agency_code).scalar_subquery()
        direct = select(TaskOwner.task_id).where(TaskOwner.agency_id == agency_id)
        via_group = (
            select(TaskOwner.task_id)
            .join(Task, Task.id == TaskOwner.task_id)
            .join(GroupMember, and_(GroupMember.group_id == TaskOwner.agency_id, GroupMember.plan_id == Task.plan_id))
            .where(GroupMember.member_id == agency_id)
        )
        if role is not None:
            direct = direct.where(TaskOwner.role == role)
            via_group = via_group.where(TaskOwner.role == role)
        return direct.union(via_group)

    async def tasks_by_key(self, keys: Iterable[tuple[str, int]]) -> list[Task]:
        """Tasks named by (plan code, number), with plan, section, group, owners and deliverables."""
        keys = list(keys)
        if not keys:
            return []
        return list(await self.session.scalars(
            select(Task).join(Plan, Task.plan_id == Plan.id)
            .where(tuple_(Plan.code, Task.number).in_(keys)).options(*_task_options())
        ))

    async def task_keys_page(self, filters: TaskFilters, offset: int, limit: int) -> tuple[list[tuple[str, int]], int]:
        """One page of (plan code, number) of the tasks matching the filters, and how many match in all."""
        statement = self.tasks_statement(filters)
        total = await self.session.scalar(select(func.count()).select_from(statement.subquery()))
        rows = await self.session.execute(
            statement.with_only_columns(Plan.code, Task.number).offset(offset).limit(limit))
        return [(code, number) for code, number in rows], int(total or 0)

    async def plan_tasks(self, plan_id: int, text: str | None = None) -> list[Task]:
        """The plan's tasks (those `text` finds, if given) with their owners and deliverables, by number."""
        statement = (select(Task).where(Task.plan_id == plan_id).order_by(Task.number)
                     .options(selectinload(Task.owners).joinedload(TaskOwner.agency), selectinload(Task.deliverables)))
        if text is not None:
            statement = statement.where(task_matches(text))
        return await self.all(statement)

    # --- agencies and groups ----------------------------------------------------------------------

    def agencies_statement(self, kind: str | None, plan: str | None) -> Select:
        statement = select(Agency)
        if kind is not None:
            statement = statement.where(Agency.kind == kind)
        if plan is not None:
            statement = statement.join(PlanAgency, PlanAgency.agency_id == Agency.id).join(
                Plan, Plan.id == PlanAgency.plan_id).where(Plan.code == plan).order_by(PlanAgency.position)
        return statement.order_by(Agency.code)

    async def get_agency(self, code: str) -> Agency | None:
        return await self.one_or_none(select(Agency).where(Agency.code == code))

    async def agencies_by_code(self, codes: Iterable[str]) -> dict[str, Agency]:
        rows = await self.session.scalars(select(Agency).where(Agency.code.in_(list(codes))))
        return {a.code: a for a in rows}

    async def plans_naming(self, agency_ids: Iterable[int]) -> dict[int, list[str]]:
        rows = await self.session.execute(
            select(PlanAgency.agency_id, Plan.code).join(Plan, Plan.id == PlanAgency.plan_id)
            .where(PlanAgency.agency_id.in_(list(agency_ids))).order_by(Plan.period_start, Plan.code)
        )
        plans: dict[int, list[str]] = defaultdict(list)
        for agency_id, code in rows:
            plans[agency_id].append(code)
        return plans

    async def group_members(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Agency]]:
        """Members of each (plan_id, group_id), in the plan's order."""
        pairs = set(pairs)
        if not pairs:
            return {}
        rows = await self.session.execute(
            select(GroupMember.plan_id, GroupMember.group_id, Agency)
            .join(Agency, Agency.id == GroupMember.member_id)
            .where(GroupMember.plan_id.in_({p for p, _ in pairs}), GroupMember.group_id.in_({g for _, g in pairs}))
            .order_by(GroupMember.position)
        )
        members: dict[tuple[int, int], list[Agency]] = defaultdict(list)
        for plan_id, group_id, agency in rows:
            if (plan_id, group_id) in pairs:
                members[(plan_id, group_id)].append(agency)
        return members

    async def memberships(self, agency_id: int) -> tuple[list[tuple[str, Agency]], list[tuple[str, Agency]]]:
        """(plan code, group) pairs the agency belongs to, and (plan code, member) pairs if it is a group."""
        group, member = aliased(Agency), aliased(Agency)
        base = (select(Plan.code, group, member)
                .join(GroupMember, GroupMember.plan_id == Plan.id)
                .join(group, group.id == GroupMember.group_id)
                .join(member, member.id == GroupMember.member_id)
                .order_by(Plan.period_start, Plan.code, GroupMember.position))
        member_of = [(code, g) for code, g, _ in await self.session.execute(base.where(member.id == agency_id))]
        members = [(code, m) for code, _, m in await self.session.execute(base.where(group.id == agency_id))]
        return member_of, members

    async def owned_tasks(self, agency_id: int) -> list[OwnedTask]:
        """Every task the agency owns, directly or through a group, in plan and task order."""
        direct = await self.session.execute(
            select(Task, TaskOwner.role).join(TaskOwner, TaskOwner.task_id == Task.id)
            .where(TaskOwner.agency_id == agency_id).options(joinedload(Task.plan), selectinload(Task.deliverables))
        )
        via_group = await self.session.execute(
            select(Task, TaskOwner.role, Agency)
            .join(TaskOwner, TaskOwner.task_id == Task.id)
            .join(GroupMember, and_(GroupMember.group_id == TaskOwner.agency_id, GroupMember.plan_id == Task.plan_id))
            .join(Agency, Agency.id == GroupMember.group_id)
            .where(GroupMember.member_id == agency_id)
            .options(joinedload(Task.plan), selectinload(Task.deliverables))
        )
        owned = [OwnedTask(task, role, None) for task, role in direct]
        owned += [OwnedTask(task, role, group) for task, role, group in via_group]
        owned.sort(key=lambda o: (o.task.plan.period_start, o.task.plan.code, o.task.number, o.role))
        return owned
