"""Annotated dependency aliases: sessions, callers by role, the clock, validated path and query values."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from agencies.catalog.cache import TaskCache
from agencies.catalog.pages import PageRequest, page_request
from agencies.errors import ServiceNotAllowed
from agencies.periods import local_date
from servicekit.unit_of_work import ReadSession, WriteSession
from servicekit.idempotency import Replay
from servicekit.identity import CurrentPrincipal, Principal, require_role

__all__ = [
    "AdminCaller", "ApplicationsCaller", "CurrentPrincipal", "code_query", "replayed", "Now", "PlanCode", "ReadSession", "ReportId",
    "Pages", "Reporter", "ReportReviewer", "SupervisionViewer", "Slug", "TaskCacheDep", "Today", "WriteSession",
]


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REPORT_WRITE_SCOPE = "reports:write"
REPORT_REVIEW_SCOPE = "reports:review"
MAX_ID = 2**31 - 1

Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
PlanCode = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80, description="The plan's code.")]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="The report's id.")]
# Text searched in Chinese or English; NUL is refused because PostgreSQL text cannot hold it.
SearchText = Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00]+$",
                                         description="Substring of the task's title or clause, e.g. 博士后.")]


def code_query(description: str):  # noqa: ANN201 - an Annotated alias for an optional code filter
    return Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=80, description=description)]


async def current_time() -> datetime:
    """Now, in UTC. Tests override this dependency to stand at a chosen day."""
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(current_time)]


async def task_cache(request: Request) -> TaskCache:
    return request.app.state.task_cache


TaskCacheDep = Annotated[TaskCache, Depends(task_cache)]
Pages = Annotated[PageRequest, Depends(page_request)]


async def current_day(now: Now) -> date:
    """Today where the plan runs (China Standard Time): progress and deadlines are counted in days."""
    return local_date(now)


Today = Annotated[date, Depends(current_day)]

Reporter = Annotated[Principal, Depends(require_role("agency", "reviewer", scope=REPORT_WRITE_SCOPE))]
ReportReviewer = Annotated[Principal, Depends(require_role("agency", "reviewer", scope=REPORT_REVIEW_SCOPE))]
AdminCaller = Annotated[Principal, Depends(require_role("admin"))]
SupervisionViewer = Annotated[Principal, Depends(require_role("admin", "reviewer", "agency"))]


async def _applications_service(
    principal: Annotated[Principal, Depends(require_role("service"))],
) -> Principal:
    if principal.subject != "applications":
        raise ServiceNotAllowed()
    return principal


ApplicationsCaller = Annotated[Principal, Depends(_applications_service)]


def replayed(result: BaseModel | Replay) -> BaseModel | JSONResponse:
    """A request retried with its Idempotency-Key gets the first one's response, as it was sent."""
    if isinstance(result, Replay):
        return JSONResponse(result.body, status_code=result.status_code)
    return result
