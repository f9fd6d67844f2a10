"""Queries on the entered calendar years and their days."""

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from applications.models import CalendarDay, CalendarYear
from servicekit.repository import RepositoryBase


class CalendarRepository(RepositoryBase[CalendarYear]):
    async def year(self, year: int, *, lock: bool = False) -> CalendarYear | None:
        return await self.session.get(CalendarYear, year, with_for_update=lock or None)

    async def days(self, years: list[int]) -> list[CalendarDay]:
        return await self.all(select(CalendarDay).where(CalendarDay.year.in_(years)).order_by(CalendarDay.day))

    async def locked_or_new(self, year: int, new: CalendarYear) -> tuple[CalendarYear, bool]:
        """The year's row locked for this transaction, inserted when it is not there yet; (row, whether new). Two
        administrators entering a new year at once: one inserts, the other finds its row and waits for it."""
        if (found := await self.year(year, lock=True)) is not None:
            return found, False
        try:
            async with self.session.begin_nested():
                self.session.add(new)
                await self.session.flush()
        except IntegrityError:
            return await self.year(year, lock=True), False
        return new, True

    async def replace_days(self, year: int, days: list[CalendarDay]) -> None:
        await self.session.execute(delete(CalendarDay).where(CalendarDay.year == year))
        self.session.add_all(days)
        await self.session.flush()
