"""The one clock of every service: deadlines, journal timestamps, expiry and `as_of` reads all ask `now()`.
Tests move time with the `frozen_clock` fixture (servicekit.pytest_fixtures) instead of sleeping."""

from datetime import UTC, date, datetime, timedelta, timezone
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


async def _today() -> date:
    return now().astimezone(CHINA_TIME).date()


Today = Annotated[date, Depends(_today)]
"""The calendar day it is in China Standard Time, where plans, periods and deadlines are counted in days."""
