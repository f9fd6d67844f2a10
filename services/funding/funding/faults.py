"""Fault injection for test builds (FUNDING_FAULT_INJECTION=1): the `X-Funding-Fault` header makes a write
request fail just before its COMMIT, so tests can prove that an infrastructure failure is retried and never
turns into a business answer, and that a crash leaves no trace.

* `retryable:<n>` fails the first n attempts of the request with a real 40001 from PostgreSQL ("database is
  locked" on SQLite), `deadlock:<n>` with 40P01, `disconnect:<n>` by killing the session's own connection;
* `crash` fails the request before COMMIT (an in-process stand-in for a dying worker), `crash-exit` kills the
  worker process there.

Installed as the unit of work's `before_commit` hook (see funding.main), so it runs inside every write
transaction of the request, whichever route it is."""

import os

from fastapi import Request
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.unit_of_work import transaction_attempt

FAULT_HEADER = "X-Funding-Fault"
CRASH_EXIT_STATUS = 17


class SimulatedCrash(RuntimeError):
    """The process "died" before COMMIT (in-process tests; a real worker calls os._exit)."""


def requested_fault(request: Request) -> str | None:
    """The fault this request asks for, when the build honours faults at all."""
    if not request.app.state.settings.fault_injection:
        return None
    return request.headers.get(FAULT_HEADER)


async def inject_fault(session: AsyncSession, request: Request) -> None:
    fault = requested_fault(request)
    if not fault:
        return
    name, _, count = fault.partition(":")
    if name == "crash-exit":
        os._exit(CRASH_EXIT_STATUS)
    if name == "crash":
        raise SimulatedCrash("injected crash before commit")
    if name not in ("retryable", "deadlock", "disconnect") or transaction_attempt(request) > int(count or 1):
        return
    if session.bind.dialect.name != "postgresql":
        raise OperationalError("injected fault", {}, Exception("database is locked"))
    if name == "disconnect":
        await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return
    state = "40001" if name == "retryable" else "40P01"
    await session.execute(text(f"DO $$ BEGIN RAISE EXCEPTION 'injected fault' USING ERRCODE = '{state}'; END $$"))
