"""Pagination with a hard maximum page size: by page number (with the total), or by key (`after` the cursor a
page returns as `next`), which reads only the rows it returns however deep the list goes and skips or repeats
nothing while new rows arrive."""

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import Unprocessable

T = TypeVar("T")

MAX_PAGE_SIZE = 100
CURSOR_PATTERN = r"^[A-Za-z0-9_=-]{1,400}$"


class PageParams(BaseModel):
    page: int = 1
    size: int = 20
    after: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


CursorQuery = Annotated[str | None, Query(pattern=CURSOR_PATTERN, description=(
    "The `next` of the previous page: the page after it."))]


async def _page_params(
    page: Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}.")] = 20,
    after: Annotated[str | None, Query(pattern=CURSOR_PATTERN, description=(
        "The `next` of the previous page, on lists paged by key: the page after it (then `page` is not used and "
        "`total` is null)."))] = None,
) -> PageParams:
    return PageParams(page=page, size=size, after=after)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = Field(description="Items matching the filters, over all pages; null when paged by `after` "
                                          "(counting would read them all).")
    page: int
    size: int
    next: str | None = Field(default=None, description="On lists paged by key: pass as `after` for the next page "
                                                       "(null on the last page).")


async def count_rows(session: AsyncSession, statement: Select) -> int:
    return int(await session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0)


async def fetch_page(session: AsyncSession, statement: Select, params: PageParams) -> tuple[list, int]:
    """Rows of one page and the total count, for an ordered SELECT."""
    rows = (await session.scalars(statement.limit(params.size).offset(params.offset))).all()
    return list(rows), await count_rows(session, statement)


class InvalidCursor(Unprocessable):
    code = "invalid_cursor"
    message_zh = "分页游标 after 无效：请使用上一页返回的 next。"
    message_en = "The `after` cursor is not valid: pass the `next` of the previous page."


# The sort key of a list paged by key: its columns in order, each descending or not; together unique.
SortKey = Sequence[tuple[ColumnElement, bool]]


def _encode(values: Sequence[Any]) -> str:
    text = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(cursor: str, key: SortKey) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(key):
            raise ValueError
        return [_parse(column, v) for (column, _), v in zip(key, values, strict=True)]
    except (ValueError, TypeError, NotImplementedError, json.JSONDecodeError) as exc:
        raise InvalidCursor() from exc


def _parse(column: ColumnElement, value: Any) -> Any:
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator stands for its impl
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(value)
    return datetime.fromisoformat(value) if kind is datetime else kind(value)


def _beyond(key: SortKey, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after `values` in the key's order: (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or …"""
    return or_(*[and_(*[column == value for (column, _), value in zip(key[:i], values[:i], strict=True)],
                      key[i][0] < values[i] if key[i][1] else key[i][0] > values[i]) for i in range(len(key))])


async def fetch_keyed_page(session: AsyncSession, statement: Select, params: PageParams, key: SortKey,
                           key_of: Callable[[Any], Sequence[Any]]) -> tuple[list, int | None, str | None]:
    """One page of `statement` (not yet ordered) in the order of `key`: by `params.after` when given (no count,
    no OFFSET), else by page number with the total. Also the cursor of the next page. `key_of(row)` gives a
    row's key values."""
    ordered = statement.order_by(*[column.desc() if descending else column for column, descending in key])
    total = None
    if params.after is not None:
        ordered = ordered.where(_beyond(key, _decode(params.after, key)))
    else:
        total = await count_rows(session, statement)
        ordered = ordered.offset(params.offset)
    rows = list((await session.scalars(ordered.limit(params.size + 1))).all())
    more, rows = len(rows) > params.size, rows[:params.size]
    return rows, total, (_encode(key_of(rows[-1])) if more else None)
