"""The one clock of every service: deadlines, journal timestamps, expiry and `as_of` reads all ask `now()`.
Tests move time with the `frozen_clock` fixture (servicekit.pytest_fixtures) instead of sleeping."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated

from fastapi import Depends

# China Standard Time: UTC+8 all year, no daylight saving. Deadlines and calls are days and hours here.
CHINA_TIME = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


async def _now() -> datetime:
    return now()


Now = Annotated[datetime, Depends(_now)]
