"""The small base every repository builds on. Repositories hold the queries; they never commit (the request's
unit of work does) and flush at most."""

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.pagination import PageParams, fetch_page

Row = TypeVar("Row")


class RepositoryBase(Generic[Row]):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def one_or_none(self, statement: Select) -> Any:
        return (await self.session.scalars(statement.limit(1))).first()

    async def all(self, statement: Select) -> list[Any]:
        return list((await self.session.scalars(statement)).all())

    async def page(self, statement: Select, params: PageParams) -> tuple[list[Any], int]:
        return await fetch_page(self.session, statement, params)

    async def add(self, row: Row) -> Row:
        self.session.add(row)
        await self.session.flush()
        return row


def where_given(statement: Select, filters: Iterable[tuple[Any, Callable[[Any], ColumnElement[bool]]]]) -> Select:
    """`statement` narrowed by the condition of each (value, condition) filter whose value was given (not None):
    a list endpoint's optional filters, each written once."""
    for value, condition in filters:
        if value is not None:
            statement = statement.where(condition(value))
    return statement
