"""Named queries on awards. Never commits."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select

from funding.ledger.repository import equal_to, insert_unless_present
from funding.models import Award
from servicekit.pagination import PageParams, fetch_keyed_page
from servicekit.repository import RepositoryBase


@dataclass(frozen=True)
class AwardFilters:
    program_code: str | None = None
    fiscal_year: int | None = None
    application_id: str | None = None
    city_code: str | None = None
    # Only these programs (what the caller may read); None: all of them.
    programs: frozenset[str] | None = None


def _matching(filters: AwardFilters) -> Select:
    """Newest first."""
    statement = equal_to(select(Award), program_code=filters.program_code, fiscal_year=filters.fiscal_year,
                         application_id=filters.application_id, city_code=filters.city_code)
    if filters.programs is not None:
        statement = statement.where(Award.program_code.in_(filters.programs))
    return statement.order_by(Award.created_at.desc(), Award.id)


class AwardRepository(RepositoryBase[Award]):
    async def award(self, award_id: str) -> Award | None:
        return await self.session.get(Award, award_id)

    async def awards_by_ids(self, award_ids: list[str]) -> list[Award]:
        return await self.all(select(Award).where(Award.id.in_(award_ids)).order_by(Award.id))

    async def awards(self, filters: AwardFilters) -> list[Award]:
        return await self.all(_matching(filters))

    async def awards_page(self, filters: AwardFilters, params: PageParams
                          ) -> tuple[list[Award], int | None, str | None]:
        """Newest first, paged by (created_at, id)."""
        return await fetch_keyed_page(self.session, _matching(filters).order_by(None), params,
                                      [(Award.created_at, True), (Award.id, False)], lambda a: [a.created_at, a.id])

    async def awards_of(self, ident: str) -> list[Award]:
        """The awards of an approval id or of an application id, oldest first."""
        return await self.all(select(Award).where(or_(Award.id == ident, Award.application_id == ident))
                              .order_by(Award.created_at, Award.id))

    async def insert_unless_present(self, values: dict[str, Any]) -> None:
        """The award row, unless a concurrent reservation under the same approval id wrote it first."""
        await self.session.execute(insert_unless_present(self.session, Award.__table__).values(**values)
                                   .on_conflict_do_nothing(index_elements=["id"]))

    async def insert_all(self, rows: list[dict[str, Any]]) -> None:
        """New awards' rows in one statement (their reservations were just posted under new ids)."""
        await self.session.execute(Award.__table__.insert(), rows)
