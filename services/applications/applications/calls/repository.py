"""Queries on calls, their quota rows and allocations. Counters change only by guarded UPDATEs (or under the
quota row's lock), so concurrent writers on several replicas never break the allocation rules."""

from sqlalchemy import func, select, update

from applications.models import Call, CallQuota, Program, QuotaAllocation, QuotaChange
from servicekit.repository import RepositoryBase


class CallRepository(RepositoryBase[Call]):
    async def by_id(self, call_id: int) -> Call | None:
        return await self.session.get(Call, call_id)

    async def for_program_year(self, program_id: int, year: int) -> Call | None:
        return await self.one_or_none(select(Call).where(Call.program_id == program_id, Call.year == year))

    async def with_programs(self) -> list[tuple[Call, Program, CallQuota]]:
        statement = (select(Call, Program, CallQuota).join(Program, Program.id == Call.program_id)
                     .join(CallQuota, CallQuota.call_id == Call.id).order_by(Call.closes_at, Call.id))
        return list((await self.session.execute(statement)).all())

    async def quota(self, call_id: int, *, lock: bool = False) -> CallQuota:
        statement = select(CallQuota).where(CallQuota.call_id == call_id)
        if lock:
            statement = statement.with_for_update()
        # populate_existing: a locked read must see the row as it is now, not as this session cached it.
        return (await self.session.scalars(statement.execution_options(populate_existing=True))).one()

    async def allocations(self, call_id: int) -> list[QuotaAllocation]:
        return await self.all(select(QuotaAllocation).where(QuotaAllocation.call_id == call_id)
                              .order_by(QuotaAllocation.agency_code)
                              .execution_options(populate_existing=True))

    async def allocation(self, call_id: int, agency_code: str) -> QuotaAllocation | None:
        return await self.one_or_none(select(QuotaAllocation).where(QuotaAllocation.call_id == call_id,
                                                                    QuotaAllocation.agency_code == agency_code)
                                      .execution_options(populate_existing=True))

    async def totals_of_rule(self, rule_code: str, except_call: int | None) -> int:
        """Places of every call of the rule's programs (a plan's quota is the rule's), but one."""
        statement = (select(func.coalesce(func.sum(CallQuota.total), 0)).join(Call, Call.id == CallQuota.call_id)
                     .join(Program, Program.id == Call.program_id).where(Program.rule_code == rule_code))
        if except_call is not None:
            statement = statement.where(Call.id != except_call)
        return int(await self.session.scalar(statement))

    async def set_total(self, call_id: int, total: int) -> bool:
        """The new total, unless it would fall below what is approved or reserved (checked by the database)."""
        result = await self.session.execute(
            update(CallQuota).where(CallQuota.call_id == call_id, CallQuota.approved + CallQuota.reserved <= total)
            .values(total=total))
        return result.rowcount == 1

    async def set_allocation_size(self, allocation_id: int, size: int) -> bool:
        """The new size, unless it would fall below the nominations or awards it holds."""
        result = await self.session.execute(
            update(QuotaAllocation).where(QuotaAllocation.id == allocation_id, QuotaAllocation.nominated <= size,
                                          QuotaAllocation.approved + QuotaAllocation.reserved <= size)
            .values(size=size))
        return result.rowcount == 1

    async def take_nomination(self, allocation_id: int) -> bool:
        """One nomination place of the allocation, if one is left (one guarded UPDATE: race-safe)."""
        result = await self.session.execute(
            update(QuotaAllocation).where(QuotaAllocation.id == allocation_id,
                                          QuotaAllocation.nominated < QuotaAllocation.size)
            .values(nominated=QuotaAllocation.nominated + 1))
        return result.rowcount == 1

    async def count_nomination(self, call_id: int, delta: int, allocation_id: int | None) -> None:
        await self.session.execute(update(CallQuota).where(CallQuota.call_id == call_id)
                                   .values(nominated=CallQuota.nominated + delta))
        if allocation_id is not None and delta < 0:
            await self.session.execute(update(QuotaAllocation).where(QuotaAllocation.id == allocation_id)
                                       .values(nominated=QuotaAllocation.nominated + delta))

    async def changes(self, call_id: int) -> list[QuotaChange]:
        return await self.all(select(QuotaChange).where(QuotaChange.call_id == call_id).order_by(QuotaChange.id))
