"""Reading the plan catalog: plans, tasks with owners and progress, agencies, the responsibility matrix."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.cache import TaskCache
from agencies.catalog.repository import CatalogRepository, TaskFilters
from agencies.catalog.schemas import (
    AgencyDetail,
    AgencyRead,
    AgencyRef,
    AgencyTask,
    DeliverableDetail,
    DeliverableRead,
    GroupMembership,
    GroupRead,
    Matrix,
    MatrixCell,
    MatrixRow,
    PlanRead,
    PlanRef,
    PlanSummary,
    SectionWithGroups,
    TargetRead,
    TaskRead,
    TaskRef,
    TaskSummary,
)
from agencies.models import Deliverable, Plan, Task
from agencies.progress.repository import ProgressRepository
from agencies.progress.service import DeliverableProgress, capped_mean, progress_of, task_percent
from servicekit.pagination import Page, PageParams


def _plan_summary(plan: Plan, task_count: int) -> PlanSummary:
    return PlanSummary(
        code=plan.code, title=plan.title, title_en=plan.title_en, document_number=plan.document_number,
        issuers=list(plan.issuers), issued_on=plan.issued_on, period_start=plan.period_start,
        period_end=plan.period_end, region=plan.region, task_count=task_count,
    )


def deliverable_read(deliverable: Deliverable, part_of: str | None, progress: DeliverableProgress) -> DeliverableRead:
    return DeliverableRead(
        code=deliverable.code, quote=deliverable.quote, indicator=deliverable.indicator, value=deliverable.value,
        value_max=deliverable.value_max, unit=deliverable.unit, approximate=deliverable.approximate,
        comparator=deliverable.comparator, due=deliverable.due, note=deliverable.note,
        recurrence=deliverable.recurrence, reporting=deliverable.reporting,
        derived_from_program=deliverable.derived_from_program, part_of=part_of, progress=progress.progress,
        by_agency=progress.shares, reports=progress.history,
    )


async def _progress_of_tasks(session: AsyncSession, tasks: list[Task], plan_start: dict[int, date],
                             today: date) -> dict[int, DeliverableProgress]:
    items = [(d, plan_start[t.plan_id]) for t in tasks for d in t.deliverables]
    return await progress_of(session, items, today)


# --- plans -------------------------------------------------------------------------------------------


async def list_plans(session: AsyncSession, params: PageParams) -> Page[PlanSummary]:
    rows, total = await CatalogRepository(session).list_plans(params.offset, params.size)
    return Page(items=[_plan_summary(plan, count) for plan, count in rows], total=total, page=params.page,
                size=params.size)


async def get_plan(session: AsyncSession, code: str, today: date) -> PlanRead:
    repo = CatalogRepository(session)
    plan = await repo.get_plan(code)
    if plan is None:
        raise errors.PlanNotFound()
    deliverables = await repo.plan_deliverables(plan.id)
    progress = await progress_of(session, [(d, plan.period_start) for d in deliverables], today)
    by_task: dict[int, list[Deliverable]] = {}
    for deliverable in deliverables:
        by_task.setdefault(deliverable.task_id, []).append(deliverable)
    task_percents = [p for p in (task_percent(ds, progress) for ds in by_task.values()) if p is not None]
    return PlanRead(
        **_plan_summary(plan, await repo.count_tasks(plan.id)).model_dump(),
        overall_targets=[TargetRead.model_validate(t) for t in plan.targets],
        sections=[SectionWithGroups(number=s.number, numeral=s.numeral, title=s.title,
                                    groups=[GroupRead.model_validate(g) for g in s.groups]) for s in plan.sections],
        agencies=[AgencyRef.model_validate(a) for a in await repo.plan_agencies(plan.id)],
        progress_percent=capped_mean(task_percents),
    )


# --- tasks -------------------------------------------------------------------------------------------


async def list_tasks(session: AsyncSession, cache: TaskCache, filters: TaskFilters, params: PageParams,
                     today: date) -> Page[TaskSummary]:
    """One page of task keys from the database, their structure from the task cache, progress read fresh."""
    if filters.role is not None and filters.agency is None:
        raise errors.RoleNeedsAgency()
    keys, total = await CatalogRepository(session).task_keys_page(filters, params.offset, params.size)
    structures = await cache.tasks(session, keys)
    tasks = [structures[key] for key in keys if key in structures]
    progress = await progress_of(session, [(target, s.plan_start) for s in tasks for target, _ in s.deliverables],
                                 today)
    items = []
    for structure in tasks:
        fields = structure.fields
        owners = fields["owners"]
        items.append(TaskSummary(
            plan_code=fields["plan"].code, number=fields["number"], title=fields["title"],
            section=fields["section"].number, group=fields["group"].number if fields["group"] else None,
            lead=[o.agency for o in owners if o.role == "lead"],
            responsible=[o.agency for o in owners if o.role == "responsible"],
            deliverable_count=len(structure.deliverables),
            progress_percent=task_percent((target for target, _ in structure.deliverables), progress),
        ))
    return Page(items=items, total=total, page=params.page, size=params.size)


async def get_task(session: AsyncSession, cache: TaskCache, plan_code: str, number: int, today: date) -> TaskRead:
    """The task's structure from the per-process cache (checked against the plan's revision), its progress
    read fresh: two queries when the structure is cached."""
    structure = await cache.task(session, plan_code, number)
    progress = await progress_of(session, [(target, structure.plan_start) for target, _ in structure.deliverables],
                                 today)
    deliverables = []
    for target, fields in structure.deliverables:
        figures = progress[target.id]
        deliverables.append(DeliverableRead(**fields, progress=figures.progress, by_agency=figures.shares,
                                            reports=figures.history))
    return TaskRead(**structure.fields, deliverables=deliverables,
                    progress_percent=task_percent((target for target, _ in structure.deliverables), progress))


async def get_deliverable(session: AsyncSession, code: str, today: date) -> DeliverableDetail:
    repo = ProgressRepository(session)
    deliverable = await repo.get_deliverable(code)
    if deliverable is None:
        raise errors.DeliverableNotFound()
    task = deliverable.task
    siblings = await repo.task_deliverables(task.id)  # a total's value counts its parts
    progress = await progress_of(session, [(d, task.plan.period_start) for d in siblings], today)
    read = deliverable_read(deliverable, deliverable.part_of.code if deliverable.part_of else None,
                            progress[deliverable.id])
    return DeliverableDetail(**read.model_dump(), task=TaskRef(plan_code=task.plan.code, number=task.number,
                                                               title=task.title))


# --- agencies ----------------------------------------------------------------------------------------


async def list_agencies(session: AsyncSession, kind: str | None, plan: str | None,
                        params: PageParams) -> Page[AgencyRead]:
    repo = CatalogRepository(session)
    agencies, total = await repo.page(repo.agencies_statement(kind, plan), params)
    plans = await repo.plans_naming(a.id for a in agencies)
    items = [AgencyRead(**AgencyRef.model_validate(a).model_dump(), plans=plans.get(a.id, [])) for a in agencies]
    return Page(items=items, total=total, page=params.page, size=params.size)


async def get_agency(session: AsyncSession, code: str, today: date) -> AgencyDetail:
    repo = CatalogRepository(session)
    agency = await repo.get_agency(code)
    if agency is None:
        raise errors.AgencyNotFound()
    owned = await repo.owned_tasks(agency.id)
    tasks = list({o.task.id: o.task for o in owned}.values())
    progress = await _progress_of_tasks(session, tasks, {t.plan_id: t.plan.period_start for t in tasks}, today)
    percents = {t.id: task_percent(t.deliverables, progress) for t in tasks}

    def listed(role: str) -> list[AgencyTask]:
        return [AgencyTask(plan_code=o.task.plan.code, number=o.task.number, title=o.task.title, role=o.role,
                           via=o.via.code if o.via else None, progress_percent=percents[o.task.id])
                for o in owned if o.role == role]

    leads = listed("lead")
    member_of, members = await repo.memberships(agency.id)
    plans = await repo.plans_naming([agency.id])
    return AgencyDetail(
        **AgencyRef.model_validate(agency).model_dump(), plans=plans.get(agency.id, []),
        members=[GroupMembership(plan_code=plan, group=AgencyRef.model_validate(m)) for plan, m in members],
        member_of=[GroupMembership(plan_code=plan, group=AgencyRef.model_validate(g)) for plan, g in member_of],
        leads=leads, shares=listed("responsible"),
        progress_percent=capped_mean(p.progress_percent for p in leads if p.progress_percent is not None),
    )


# --- the responsibility matrix -----------------------------------------------------------------------


async def build_matrix(session: AsyncSession, plan_code: str, expand_groups: bool) -> Matrix:
    """Tasks × agencies with the role in each cell. Columns are the agencies the plan names that own a task;
    with `expand_groups`, a group's members (the cities of 各市) get columns too, marked `via` the group."""
    repo = CatalogRepository(session)
    plan = await repo.plan_by_code(plan_code)
    if plan is None:
        raise errors.PlanNotFound()
    tasks = await repo.plan_tasks(plan.id)
    group_ids = {o.agency_id for t in tasks for o in t.owners if o.agency.kind == "group"}
    members = await repo.group_members((plan.id, g) for g in group_ids) if expand_groups else {}

    rows = []
    used: set[str] = set()
    for task in tasks:
        cells: dict[str, MatrixCell] = {}
        for owner in task.owners:
            cell = cells.setdefault(owner.agency.code, MatrixCell(roles=[]))
            if owner.role not in cell.roles:
                cell.roles.append(owner.role)
        for owner in task.owners:
            for member in members.get((plan.id, owner.agency_id), []):
                cell = cells.setdefault(member.code, MatrixCell(roles=[], via=owner.agency.code))
                if cell.via is not None and owner.role not in cell.roles:
                    cell.roles.append(owner.role)
        used.update(cells)
        rows.append(MatrixRow(number=task.number, title=task.title, cells=cells))
    columns = [AgencyRef.model_validate(a) for a in await repo.plan_agencies(plan.id) if a.code in used]
    return Matrix(plan=PlanRef(code=plan.code, title=plan.title), agencies=columns, rows=rows)
