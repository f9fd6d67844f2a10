"""Dependencies of the funding API: sessions, the retrying transaction runner every ledger write goes
through, and who may call what."""

import asyncio
import contextlib
import logging
import os
import random
import weakref
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from funding.errors import LedgerBusy, ServiceNotAllowed
from funding.ledger.posting import RetryAfter
from servicekit.database import WRITE_INTENT, Database, is_sqlite
from servicekit.unit_of_work import ReadSession
from servicekit.identity import CurrentPrincipal, Principal, require_role

__all__ = ["AdminPrincipal", "CurrentPrincipal", "ReadSession", "SagaPrincipal", "Staff", "Transactions",
           "TransactionsDep"]

logger = logging.getLogger("funding.transactions")

T = TypeVar("T")

FAULT_HEADER = "X-Funding-Fault"
# Deadlock, serialization failure, lock timeout, and the ways a connection goes away (admin shutdown, crash).
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "08000", "08003", "08006"}
SAGA_SERVICE = "applications"


def is_retryable(exc: BaseException) -> bool:
    """An infrastructure failure after which the same request, run again, may simply succeed."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message or "database is busy" in message


_SQLITE_WRITERS: "weakref.WeakKeyDictionary[Database, asyncio.Lock]" = weakref.WeakKeyDictionary()


def _writer_turn(database: Database) -> contextlib.AbstractAsyncContextManager:
    """SQLite has one writer (and the embedded default runs one process): queue this process's writers on an
    asyncio lock instead of letting them poll SQLite's busy handler, which sleeps in steps of up to 100 ms and
    turned a 16-client burst into multi-second tails. PostgreSQL needs no such thing."""
    if not is_sqlite(database.url):
        return contextlib.nullcontext()
    lock = _SQLITE_WRITERS.get(database)
    if lock is None:
        lock = _SQLITE_WRITERS[database] = asyncio.Lock()
    return lock


class SimulatedCrash(RuntimeError):
    """Fault injection: the process "died" before COMMIT (in-process tests; a real worker calls os._exit)."""


class Transactions:
    """Runs a unit of work in one transaction and commits it, retrying the whole unit (a bounded number of
    times, with jittered backoff) after a retryable database error. A retry re-runs the request from scratch,
    so an infrastructure failure never turns into a business answer; when retries run out the caller gets
    503 `ledger_busy` and nothing was written."""

    def __init__(self, database: Database, max_attempts: int, fault: str | None = None,
                 single_statement: bool = False) -> None:
        self.database = database
        self.max_attempts = max_attempts
        self.fault = fault
        # May a plain transfer try the one-statement posting first? (PostgreSQL, and no fault to inject.)
        self.single_statement = single_statement and fault is None and not is_sqlite(database.url)

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        backoff = 0.002
        attempt = preludes = 0
        while True:
            attempt += 1
            try:
                async with _writer_turn(self.database), self.database.sessionmaker() as session:
                    await session.connection(execution_options={WRITE_INTENT: True})
                    result = await work(session)
                    await self._inject_fault(session, attempt)
                    await session.commit()
                    return result
            except RetryAfter as signal:
                preludes += 1
                if preludes > 3:
                    raise LedgerBusy() from signal
                await self.run(signal.first)
            except PoolTimeout as exc:
                raise LedgerBusy() from exc
            except DBAPIError as exc:
                if not is_retryable(exc):
                    raise
                if attempt >= self.max_attempts:
                    logger.warning("giving up after %s attempts: %s", attempt, exc.orig)
                    raise LedgerBusy() from exc
                await asyncio.sleep(random.uniform(0, backoff))
                backoff = min(backoff * 2, 0.25)

    async def _inject_fault(self, session: AsyncSession, attempt: int) -> None:
        """Test builds only (FUNDING_FAULT_INJECTION=1): `retryable:<n>` fails the first n attempts with a real
        40001 from PostgreSQL ("database is locked" on SQLite), `deadlock:<n>` with 40P01, `disconnect:<n>` kills
        the connection; `crash` fails the request before COMMIT, `crash-exit` kills the worker process there."""
        if not self.fault:
            return
        name, _, count = self.fault.partition(":")
        if name == "crash-exit":
            os._exit(17)
        if name == "crash":
            raise SimulatedCrash("injected crash before commit")
        if attempt > int(count or 1):
            return
        postgres = session.bind.dialect.name == "postgresql"
        if name in ("retryable", "deadlock") and postgres:
            state = "40001" if name == "retryable" else "40P01"
            await session.execute(text(f"DO $$ BEGIN RAISE EXCEPTION 'injected fault' USING ERRCODE = '{state}'; END $$"))
        elif name == "disconnect" and postgres:
            await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        elif name in ("retryable", "deadlock", "disconnect"):
            raise OperationalError("injected fault", {}, Exception("database is locked"))


async def _transactions(request: Request) -> Transactions:
    settings = request.app.state.settings
    fault = request.headers.get(FAULT_HEADER) if settings.fault_injection else None
    return Transactions(request.app.state.database, settings.max_transaction_attempts, fault,
                        settings.single_statement_transfers)


TransactionsDep = Annotated[Transactions, Depends(_transactions)]

AdminPrincipal = Annotated[Principal, Depends(require_role("admin"))]


async def _saga_principal(principal: Annotated[Principal, Depends(require_role("admin", "service"))]) -> Principal:
    if principal.role == "service" and principal.subject != SAGA_SERVICE:
        raise ServiceNotAllowed()
    return principal


SagaPrincipal = Annotated[Principal, Depends(_saga_principal)]

# Staff of the province and of agencies (object-level checks narrow agency staff to their own programs).
Staff = Annotated[Principal, Depends(require_role("admin", "service", "reviewer", "agency"))]
