"""Reading the plan catalog: plans, tasks with owners and progress, agencies, the responsibility matrix.

Progress is judged at the day each plan is judged at (periods.judge): today while it runs, its end date once it
has ended, or the `as_of` asked for, which must lie within the period of every plan the answer covers."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.cache import TaskCache, target_fields
from agencies.catalog.repository import CatalogRepository, OwnedTask
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
    PlanJudgement,
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
from agencies.periods import Judgement, PlanPeriod, judge, judge_plan, judge_plans
from agencies.progress.repository import ProgressRepository
from agencies.progress.service import DeliverableProgress, capped_mean, progress_of, task_percent
from agencies.types import TaskFilters
from servicekit.pagination import Page, PageParams


def _plan_summary(plan: Plan, task_count: int, judgement: Judgement) -> PlanSummary:
    return PlanSummary(
        code=plan.code, title=plan.title, title_en=plan.title_en, document_number=plan.document_number,
        issuers=list(plan.issuers), issued_on=plan.issued_on, period_start=plan.period_start,
        period_end=plan.period_end, region=plan.region, task_count=task_count, **judgement.fields(),
    )


def _deliverable_read(deliverable: Deliverable, part_of: str | None, progress: DeliverableProgress) -> DeliverableRead:
    return DeliverableRead(**target_fields(deliverable, part_of), progress=progress.progress,
                           by_agency=progress.shares, reports=progress.history)


# --- plans -------------------------------------------------------------------------------------------


async def list_plans(session: AsyncSession, params: PageParams, today: date) -> Page[PlanSummary]:
    rows, total = await CatalogRepository(session).list_plans(params.offset, params.size)
    items = [_plan_summary(plan, count, judge_plan(plan, today, None)) for plan, count in rows]
    return Page(items=items, total=total, page=params.page, size=params.size)


async def get_plan(session: AsyncSession, code: str, today: date, as_of: date | None) -> PlanRead:
    repo = CatalogRepository(session)
    plan = await repo.get_plan(code)
    if plan is None:
        raise errors.PlanNotFound()
    judgement = judge_plan(plan, today, as_of)
    deliverables = await repo.plan_deliverables(plan.id)
    progress = await progress_of(session, [(d, judgement) for d in deliverables])
    by_task: dict[int, list[Deliverable]] = {}
    for deliverable in deliverables:
        by_task.setdefault(deliverable.task_id, []).append(deliverable)
    task_percents = [p for p in (task_percent(ds, progress) for ds in by_task.values()) if p is not None]
    return PlanRead(
        **_plan_summary(plan, await repo.count_tasks(plan.id), judgement).model_dump(),
        overall_targets=[TargetRead.model_validate(t) for t in plan.targets],
        sections=[SectionWithGroups(number=s.number, numeral=s.numeral, title=s.title,
                                    groups=[GroupRead.model_validate(g) for g in s.groups]) for s in plan.sections],
        agencies=[AgencyRef.model_validate(a) for a in await repo.plan_agencies(plan.id)],
        progress_percent=capped_mean(task_percents),
    )


# --- tasks -------------------------------------------------------------------------------------------


async def list_tasks(session: AsyncSession, cache: TaskCache, filters: TaskFilters, params: PageParams,
                     today: date, as_of: date | None) -> Page[TaskSummary]:
    """One page of task keys from the database, their structure from the task cache, progress read fresh."""
    if filters.role is not None and filters.agency is None:
        raise errors.RoleNeedsAgency()
    repo = CatalogRepository(session)
    if as_of is not None:  # it must suit every plan the filters cover, not only those on this page
        judge_plans(await repo.plan_periods(filters), today, as_of)
    keys, total = await repo.task_keys_page(filters, params.offset, params.size)
    structures = await cache.tasks(session, keys)
    tasks = [structures[key] for key in keys if key in structures]
    judgements = {s.plan_code: judge(s.plan_code, s.plan_period, today, as_of) for s in tasks}
    progress = await progress_of(session, [(target, judgements[s.plan_code]) for s in tasks
                                           for target, _ in s.deliverables])
    items = []
    for structure in tasks:
        fields = structure.fields
        owners = fields["owners"]
        items.append(TaskSummary(
            plan_code=structure.plan_code, number=fields["number"], title=fields["title"],
            title_en=fields["title_en"], section=fields["section"].number,
            group=fields["group"].number if fields["group"] else None,
            lead=[o.agency for o in owners if o.role == "lead"],
            responsible=[o.agency for o in owners if o.role == "responsible"],
            deliverable_count=len(structure.deliverables),
            progress_percent=task_percent((target for target, _ in structure.deliverables), progress),
            **judgements[structure.plan_code].fields(),
        ))
    return Page(items=items, total=total, page=params.page, size=params.size)


async def get_task(session: AsyncSession, cache: TaskCache, plan_code: str, number: int, today: date,
                   as_of: date | None) -> TaskRead:
    """The task's structure from the per-process cache (checked against the plan's revision), its progress
    read fresh: two queries when the structure is cached."""
    structure = await cache.task(session, plan_code, number)
    judgement = judge(plan_code, structure.plan_period, today, as_of)
    progress = await progress_of(session, [(target, judgement) for target, _ in structure.deliverables])
    deliverables = []
    for target, fields in structure.deliverables:
        figures = progress[target.id]
        deliverables.append(DeliverableRead(**fields, progress=figures.progress, by_agency=figures.shares,
                                            reports=figures.history))
    return TaskRead(**structure.fields, **judgement.fields(), deliverables=deliverables,
                    progress_percent=task_percent((target for target, _ in structure.deliverables), progress))


async def get_deliverable(session: AsyncSession, code: str, today: date, as_of: date | None) -> DeliverableDetail:
    deliverable = await ProgressRepository(session).get_deliverable(code)
    if deliverable is None:
        raise errors.DeliverableNotFound()
    task = deliverable.task
    judgement = judge_plan(task.plan, today, as_of)
    siblings = await ProgressRepository(session).task_deliverables(task.id)  # a total's value counts its parts
    progress = await progress_of(session, [(d, judgement) for d in siblings])
    read = _deliverable_read(deliverable, deliverable.part_of.code if deliverable.part_of else None,
                             progress[deliverable.id])
    return DeliverableDetail(**read.model_dump(), **judgement.fields(),
                             task=TaskRef(plan_code=task.plan.code, number=task.number, title=task.title,
                                          title_en=task.title_en))


# --- agencies ----------------------------------------------------------------------------------------


async def list_agencies(session: AsyncSession, kind: str | None, plan: str | None,
                        params: PageParams) -> Page[AgencyRead]:
    repo = CatalogRepository(session)
    agencies, total = await repo.page(repo.agencies_statement(kind, plan), params)
    plans = await repo.plans_naming(a.id for a in agencies)
    items = [AgencyRead(**AgencyRef.model_validate(a).model_dump(), plans=plans.get(a.id, [])) for a in agencies]
    return Page(items=items, total=total, page=params.page, size=params.size)


def _agency_tasks(owned: list[OwnedTask], role: str, percents: dict[int, float | None],
                  judgements: dict[str, Judgement]) -> list[AgencyTask]:
    return [AgencyTask(plan_code=o.task.plan.code, number=o.task.number, title=o.task.title,
                       title_en=o.task.title_en, role=o.role, via=o.via.code if o.via else None,
                       progress_percent=percents[o.task.id], **judgements[o.task.plan.code].fields())
            for o in owned if o.role == role]


async def get_agency(session: AsyncSession, code: str, today: date, as_of: date | None) -> AgencyDetail:
    repo = CatalogRepository(session)
    agency = await repo.get_agency(code)
    if agency is None:
        raise errors.AgencyNotFound()
    owned = await repo.owned_tasks(agency.id)
    tasks = list({o.task.id: o.task for o in owned}.values())
    judgements = judge_plans({t.plan.code: PlanPeriod.of(t.plan) for t in tasks}, today, as_of)
    progress = await progress_of(session, [(d, judgements[t.plan.code]) for t in tasks for d in t.deliverables])
    percents = {t.id: task_percent(t.deliverables, progress) for t in tasks}
    leads = _agency_tasks(owned, "lead", percents, judgements)
    member_of, members = await repo.memberships(agency.id)
    plans = await repo.plans_naming([agency.id])
    return AgencyDetail(
        **AgencyRef.model_validate(agency).model_dump(), plans=plans.get(agency.id, []),
        members=[GroupMembership(plan_code=plan, group=AgencyRef.model_validate(m)) for plan, m in members],
        member_of=[GroupMembership(plan_code=plan, group=AgencyRef.model_validate(g)) for plan, g in member_of],
        leads=leads, shares=_agency_tasks(owned, "responsible", percents, judgements),
        progress_percent=capped_mean(p.progress_percent for p in leads if p.progress_percent is not None),
        judged=[PlanJudgement(plan_code=plan, **judgement.fields()) for plan, judgement in judgements.items()],
    )


# --- the responsibility matrix -----------------------------------------------------------------------


def _cells(task: Task, members: dict[tuple[int, int], list]) -> dict[str, MatrixCell]:
    """Each owner's roles on the task; with groups expanded, each member's too, marked `via` the group."""
    cells: dict[str, MatrixCell] = {}
    for owner in task.owners:
        cell = cells.setdefault(owner.agency.code, MatrixCell(roles=[]))
        if owner.role not in cell.roles:
            cell.roles.append(owner.role)
    for owner in task.owners:
        for member in members.get((task.plan_id, owner.agency_id), []):
            cell = cells.setdefault(member.code, MatrixCell(roles=[], via=owner.agency.code))
            if cell.via is not None and owner.role not in cell.roles:
                cell.roles.append(owner.role)
    return cells


async def build_matrix(session: AsyncSession, plan_code: str, expand_groups: bool, text: str | None, today: date,
                       as_of: date | None) -> Matrix:
    """Tasks × agencies with the role in each cell, and each task's progress. Columns are the agencies the plan
    names that own one of the tasks shown; with `expand_groups`, a group's members (the cities of 各市) get
    columns too. `text` keeps the tasks the task list's search finds."""
    repo = CatalogRepository(session)
    plan = await repo.plan_by_code(plan_code)
    if plan is None:
        raise errors.PlanNotFound()
    judgement = judge_plan(plan, today, as_of)
    tasks = await repo.plan_tasks(plan.id, text)
    group_ids = {o.agency_id for t in tasks for o in t.owners if o.agency.kind == "group"}
    members = await repo.group_members((plan.id, g) for g in group_ids) if expand_groups else {}
    progress = await progress_of(session, [(d, judgement) for t in tasks for d in t.deliverables])
    rows = [MatrixRow(number=t.number, title=t.title, title_en=t.title_en, cells=_cells(t, members),
                      progress_percent=task_percent(t.deliverables, progress)) for t in tasks]
    used = {code for row in rows for code in row.cells}
    columns = [AgencyRef.model_validate(a) for a in await repo.plan_agencies(plan.id) if a.code in used]
    return Matrix(plan=PlanRef.model_validate(plan), agencies=columns, rows=rows, **judgement.fields())
