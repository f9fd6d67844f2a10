"""Queries on programs, forms and the plan's reference data."""

from sqlalchemy import or_, select

from applications.models import Form, PlanAgency, PlanRef, PlanTask, Program
from servicekit.repository import RepositoryBase


class ProgramRepository(RepositoryBase[Program]):
    async def by_code(self, code: str) -> Program | None:
        return await self.one_or_none(select(Program).where(Program.code == code))

    async def by_id(self, program_id: int) -> Program | None:
        """Read once per transaction: the session's identity map keeps an object only while something holds it,
        so the many applications of one program in a list would each read it again."""
        kept: dict[int, Program | None] = self.session.info.setdefault("programs_by_id", {})
        if program_id not in kept:
            kept[program_id] = await self.session.get(Program, program_id)
        return kept[program_id]

    async def matching(self, *, plan: str | None = None, task: int | None = None, agency: str | None = None,
                       applicant_type: str | None = None, text: str | None = None) -> list[Program]:
        statement = select(Program).order_by(Program.plan_code, Program.task_number, Program.code)
        if plan:
            statement = statement.where(Program.plan_code == plan)
        if task:
            statement = statement.where(Program.task_number == task)
        if agency:
            statement = statement.where(Program.reviewing_agency == agency)
        if applicant_type:
            statement = statement.where(Program.applicant_type == applicant_type)
        if text:
            pattern = f"%{text}%"
            statement = statement.where(or_(Program.name.ilike(pattern), Program.name_en.ilike(pattern),
                                            Program.quote.ilike(pattern)))
        return await self.all(statement)

    async def form(self, code: str, version: int | None = None) -> Form | None:
        statement = select(Form).where(Form.code == code)
        if version is not None:
            statement = statement.where(Form.version == version)
        return await self.one_or_none(statement.order_by(Form.version.desc()))

    async def plan(self, code: str) -> PlanRef | None:
        return await self.session.get(PlanRef, code)

    async def task(self, plan_code: str, number: int) -> PlanTask | None:
        return await self.one_or_none(select(PlanTask).where(PlanTask.plan_code == plan_code,
                                                             PlanTask.number == number))

    async def agency_kind(self, plan_code: str, code: str) -> str | None:
        """The kind of one agency of a plan (city, department …), None when the plan names no such agency."""
        return await self.session.scalar(select(PlanAgency.kind).where(PlanAgency.plan_code == plan_code,
                                                                       PlanAgency.code == code))

    async def agencies(self, plan_codes: set[str]) -> dict[tuple[str, str], PlanAgency]:
        rows = await self.all(select(PlanAgency).where(PlanAgency.plan_code.in_(plan_codes)))
        return {(row.plan_code, row.code): row for row in rows}
