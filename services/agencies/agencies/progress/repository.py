"""Queries of progress reports, reviews and derived approvals."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from agencies.types import ReportFilters

from agencies.catalog.repository import agency_ids
from agencies.models import (
    Agency,
    Deliverable,
    DerivedApproval,
    GroupMember,
    Plan,
    ProgressReport,
    Task,
    TaskOwner,
)
from servicekit.database import UTCDateTime
from servicekit.repository import RepositoryBase, where_given

ACTIVE_STATUSES = ("pending", "accepted")


@dataclass(frozen=True)
class ReportFact:
    """The columns of one report that progress figures need."""

    deliverable_id: int
    agency: Agency
    period: str
    period_end: date
    value: float
    status: str
    reported_on: date
    submitted_at: datetime


@dataclass(frozen=True)
class ApprovalCount:
    program_code: str
    city: Agency | None
    count: int


# Progress is read on every catalog request: these two statements are built once, with expanding parameters,
# so neither they nor their cache keys are made again for each request.
_REPORT_FACTS = (
    select(ProgressReport.deliverable_id, Agency, ProgressReport.period, ProgressReport.period_end,
           ProgressReport.value, ProgressReport.status, ProgressReport.reported_on, ProgressReport.submitted_at)
    .join(Agency, Agency.id == ProgressReport.agency_id)
    .where(ProgressReport.deliverable_id.in_(bindparam("deliverable_ids", expanding=True)))
    .order_by(ProgressReport.period_end, ProgressReport.id)
)
_UNTIL = bindparam("until", type_=UTCDateTime)
_APPROVAL_COUNTS = (
    select(DerivedApproval.program_code, Agency, func.count(DerivedApproval.id))
    .outerjoin(Agency, Agency.id == DerivedApproval.city_id)
    .where(DerivedApproval.program_code.in_(bindparam("program_codes", expanding=True)),
           DerivedApproval.recorded_at < _UNTIL,
           or_(DerivedApproval.revoked_at.is_(None), DerivedApproval.revoked_at >= _UNTIL))
    .group_by(DerivedApproval.program_code, Agency.id)
)


class ProgressRepository(RepositoryBase[Any]):
    # --- facts for progress figures ---------------------------------------------------------------

    async def report_facts(self, deliverable_ids: Iterable[int]) -> list[ReportFact]:
        ids = list(deliverable_ids)
        if not ids:
            return []
        rows = await self.session.execute(_REPORT_FACTS, {"deliverable_ids": ids})
        return [ReportFact(*row) for row in rows]

    async def approval_counts(self, program_codes: Iterable[str], until: datetime) -> list[ApprovalCount]:
        """Per program and city, the approvals recorded before `until` and not revoked by then."""
        codes = sorted(set(program_codes))
        if not codes:
            return []
        rows = await self.session.execute(_APPROVAL_COUNTS, {"program_codes": codes, "until": until})
        return [ApprovalCount(code, city, int(count)) for code, city, count in rows]

    # --- deliverables, owners -----------------------------------------------------------------------

    async def get_deliverable(self, code: str) -> Deliverable | None:
        return await self.one_or_none(
            select(Deliverable).where(Deliverable.code == code)
            .options(joinedload(Deliverable.task).joinedload(Task.plan), joinedload(Deliverable.part_of))
        )

    async def task_deliverables(self, task_id: int) -> list[Deliverable]:
        return list(await self.session.scalars(
            select(Deliverable).where(Deliverable.task_id == task_id).order_by(Deliverable.position)))

    async def owner_roles(self, task: Task, agency_id: int) -> set[str]:
        """The roles the agency holds on the task: directly, or (as responsible) through a group."""
        direct = select(TaskOwner.role).where(TaskOwner.task_id == task.id, TaskOwner.agency_id == agency_id)
        via_group = (
            select(TaskOwner.role)
            .join(GroupMember, and_(GroupMember.group_id == TaskOwner.agency_id, GroupMember.plan_id == task.plan_id))
            .where(TaskOwner.task_id == task.id, GroupMember.member_id == agency_id)
        )
        return set((await self.session.scalars(direct.union(via_group))).all())

    async def is_lead(self, task_id: int, agency_id: int) -> bool:
        found = await self.session.scalar(
            select(TaskOwner.id).where(TaskOwner.task_id == task_id, TaskOwner.agency_id == agency_id,
                                       TaskOwner.role == "lead").limit(1)
        )
        return found is not None

    async def lead_codes(self, task_id: int) -> list[str]:
        return list((await self.session.scalars(
            select(Agency.code).join(TaskOwner, TaskOwner.agency_id == Agency.id)
            .where(TaskOwner.task_id == task_id, TaskOwner.role == "lead"))).all())

    async def lock_deliverable(self, deliverable_id: int) -> None:
        """Serialise writes about one deliverable (PostgreSQL; SQLite serialises every write)."""
        await self.session.execute(select(Deliverable.id).where(Deliverable.id == deliverable_id).with_for_update())

    async def derived_deliverables(self, program_code: str) -> list[Deliverable]:
        return list(await self.session.scalars(
            select(Deliverable).where(Deliverable.derived_from_program == program_code).order_by(Deliverable.code)
        ))

    # --- reports ----------------------------------------------------------------------------------

    async def active_reports(self, deliverable_id: int, agency_id: int) -> list[ProgressReport]:
        """The agency's pending and accepted reports on the deliverable, oldest period first."""
        return list(await self.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.deliverable_id == deliverable_id, ProgressReport.agency_id == agency_id,
                   ProgressReport.status.in_(ACTIVE_STATUSES))
            .order_by(ProgressReport.period_end, ProgressReport.id)
        ))

    def _report_options(self) -> tuple:
        return (joinedload(ProgressReport.agency),
                joinedload(ProgressReport.deliverable).joinedload(Deliverable.task).joinedload(Task.plan))

    async def get_report(self, report_id: int, *, for_update: bool = False) -> ProgressReport | None:
        statement = select(ProgressReport).where(ProgressReport.id == report_id).options(*self._report_options())
        if for_update:
            # Two lead agencies deciding at once: the second waits and then sees the first decision.
            statement = statement.with_for_update(of=ProgressReport)
        return await self.one_or_none(statement)

    def reports_statement(self, filters: ReportFilters) -> Select:
        lead_tasks = (select(TaskOwner.task_id).join(Agency, Agency.id == TaskOwner.agency_id)
                      .where(Agency.code == filters.awaiting_review_by, TaskOwner.role == "lead"))
        statement = where_given(
            select(ProgressReport).join(Deliverable, Deliverable.id == ProgressReport.deliverable_id)
            .join(Task, Task.id == Deliverable.task_id),
            [(filters.deliverable, lambda code: Deliverable.code == code),
             (filters.agency, lambda code: ProgressReport.agency_id.in_(agency_ids(code))),
             (filters.status, lambda status: ProgressReport.status == status),
             (filters.plan, lambda code: Task.plan_id.in_(select(Plan.id).where(Plan.code == code))),
             (filters.awaiting_review_by,
              lambda _: and_(ProgressReport.status == "pending", Task.id.in_(lead_tasks)))],
        )
        return statement.order_by(ProgressReport.id.desc()).options(*self._report_options())

    # --- approvals --------------------------------------------------------------------------------

    async def get_approval(self, approval_id: str) -> DerivedApproval | None:
        return await self.one_or_none(
            select(DerivedApproval).where(DerivedApproval.approval_id == approval_id)
            .options(joinedload(DerivedApproval.city))
        )

    async def insert_approval(self, approval: DerivedApproval) -> bool:
        """Insert unless the approval id is already there (a concurrent duplicate); True if inserted."""
        try:
            async with self.session.begin_nested():
                self.session.add(approval)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def approval_ids_present(self, approval_ids: Iterable[str]) -> set[str]:
        return set(await self.session.scalars(select(DerivedApproval.approval_id)
                                              .where(DerivedApproval.approval_id.in_(set(approval_ids)))))

    async def insert_approvals(self, rows: list[dict[str, Any]]) -> bool:
        """All of them in one INSERT; False, with nothing written, when an approval id was taken meanwhile."""
        try:
            async with self.session.begin_nested():
                await self.session.execute(insert(DerivedApproval), rows)
        except IntegrityError:
            return False
        return True

    async def count_approvals_of(self, program_codes: Iterable[str]) -> dict[str, int]:
        rows = await self.session.execute(
            select(DerivedApproval.program_code, func.count(DerivedApproval.id))
            .where(DerivedApproval.program_code.in_(set(program_codes)), DerivedApproval.revoked_at.is_(None))
            .group_by(DerivedApproval.program_code))
        return dict(rows.all())

    async def deliverables_derived_from(self, program_codes: Iterable[str]) -> list[Deliverable]:
        return list(await self.session.scalars(
            select(Deliverable).where(Deliverable.derived_from_program.in_(set(program_codes)))
            .order_by(Deliverable.code)))

    async def count_approvals(self, program_code: str) -> int:
        return int(await self.session.scalar(
            select(func.count(DerivedApproval.id))
            .where(DerivedApproval.program_code == program_code, DerivedApproval.revoked_at.is_(None))
        ) or 0)
