"""The small base every repository of this service builds on: a session, one-row and paged fetches.
Repositories hold the queries; they never commit (the request's session dependency does)."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.pagination import PageParams, fetch_page


class RepositoryBase:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def one_or_none(self, statement: Select) -> Any:
        return (await self.session.scalars(statement.limit(1))).first()

    async def page(self, statement: Select, params: PageParams) -> tuple[list[Any], int]:
        return await fetch_page(self.session, statement, params)

    async def add(self, row: Any) -> Any:
        self.session.add(row)
        await self.session.flush()
        return row
