"""One unit of work per request, the same in every service.

* The session dependency (`ReadSession`, `WriteSession`) owns the transaction: it commits when the handler
  returns and rolls back when it raises. Services and repositories only flush.
* A domain error whose `commit_before_answer` is true is the answer to a change that must stay (a stored
  ledger rejection, a revoked token family): the transaction commits, then the error is rendered.
* A retryable database failure (serialisation failure, deadlock, lost connection, SQLite busy) leaves no
  trace: `RetryTransactions` runs the whole request again from its buffered body, a bounded number of times
  with jittered backoff, and answers 503 `service_busy` with `Retry-After` when they run out. So an
  infrastructure failure never turns into a business answer.
* `RunFirst(step)`: abandon this transaction, commit `step` in one of its own, then run the request again
  (e.g. expire overdue reservations that stand in the way, even when the request itself is then refused).
* SQLite has one writer: write transactions of this process queue on an asyncio lock and begin with
  BEGIN IMMEDIATE, instead of polling SQLite's busy handler (which sleeps in steps of up to 100 ms).

The middleware also counts the request body as it streams and refuses it with 413 past the service's limit,
whatever the Content-Length says (a chunked body has none)."""

import asyncio
import contextlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.database import Database, is_sqlite
from servicekit.problems import DomainError, problem_for_status, send_problem, wants_english

logger = logging.getLogger("servicekit.unit_of_work")

# Deadlock, serialisation failure, lock timeout, the ways a connection goes away (admin shutdown, crash), and a
# server with no connection left to give (53300: every process of every service shares max_connections).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "08000", "08003", "08006",
                                 "53300"})
ATTEMPT_STATE = "transaction_attempt"
BeforeCommit = Callable[[AsyncSession, Request], Awaitable[None]]


def is_retryable(exc: BaseException) -> bool:
    """An infrastructure failure after which the same request, run again, may simply succeed."""
    if isinstance(exc, RetryRequest):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return any(text in message for text in ("database is locked", "database table is locked", "database is busy",
                                            "connection was closed", "connection is closed"))


class RetryRequest(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by the session dependency after a `RunFirst` step committed: run the request again."""


class RunFirst(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Abandon this transaction, commit `step` in a transaction of its own, then run the request again."""

    def __init__(self, step: Callable[[AsyncSession], Awaitable[Any]]) -> None:
        super().__init__("run a preliminary step, then the request again")
        self.step = step


class ServiceBusy(DomainError):
    status = 503
    code = "service_busy"
    message_zh = "服务繁忙（数据库冲突重试已用尽），请求未生效，请使用同一幂等键稍后重试。"
    message_en = "The service is busy (database retries ran out); nothing was written. Retry later with the same key."


_SQLITE_WRITERS: "weakref.WeakKeyDictionary[Any, asyncio.Lock]" = weakref.WeakKeyDictionary()


def writer_turn(database: Database) -> contextlib.AbstractAsyncContextManager:
    """The turn of one writer of this process on SQLite; nothing to wait for on PostgreSQL."""
    if not is_sqlite(database.url):
        return contextlib.nullcontext()
    lock = _SQLITE_WRITERS.get(database.engine.sync_engine)
    if lock is None:
        lock = _SQLITE_WRITERS[database.engine.sync_engine] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def transaction(database: Database, *, write: bool,
                      before_commit: Callable[[AsyncSession], Awaitable[None]] | None = None
                      ) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends, rolled back when it raises (except a domain error that
    asks for its change to stay). The session connects lazily, so a handler that never touches it holds no
    connection."""
    try:
        async with _one_transaction(database, write=write, before_commit=before_commit) as session:
            yield session
    except RunFirst as signal:
        # Outside the first transaction (and SQLite's writer turn): the step commits on its own.
        async with _one_transaction(database, write=True) as first:
            await signal.step(first)
        raise RetryRequest() from signal


@contextlib.asynccontextmanager
async def _one_transaction(database: Database, *, write: bool,
                           before_commit: Callable[[AsyncSession], Awaitable[None]] | None = None
                           ) -> AsyncIterator[AsyncSession]:
    async with contextlib.AsyncExitStack() as stack:
        if write:
            await stack.enter_async_context(writer_turn(database))
        session = await stack.enter_async_context(
            (database.write_sessionmaker if write else database.sessionmaker)())
        try:
            yield session
        except DomainError as error:
            if error.commit_before_answer:
                if before_commit is not None:
                    await before_commit(session)
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        if before_commit is not None:
            await before_commit(session)
        await session.commit()


async def run_in_transaction(database: Database, work: Callable[[AsyncSession], Awaitable[Any]], *,
                             attempts: int = 5) -> Any:
    """`work` in one write transaction, retried like a request: for work outside a request (workers,
    command-line tools, a shortcut that must not share the request's transaction)."""
    for attempt in range(1, attempts + 1):
        try:
            async with transaction(database, write=True) as session:
                return await work(session)
        except Exception as exc:
            if not is_retryable(exc) or attempt == attempts:
                raise
            await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise AssertionError("unreachable")


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with transaction(request.app.state.database, write=False) as session:
        yield session


def write_transaction(request: Request) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
    """The request's write transaction exactly as `WriteSession` gives it (the app's `before_commit` hook
    included), for a route that opens it only on the path that needs it."""
    hook: BeforeCommit | None = getattr(request.app.state, "before_commit", None)
    return transaction(request.app.state.database, write=True,
                       before_commit=(lambda session: hook(session, request)) if hook else None)


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with write_transaction(request) as session:
        yield session


# `async with` inside the dependency, scope="function": the commit happens before the response is sent, so a
# failed commit is a 5xx (or a retry), not a lie; and the handler's exception reaches the scope at once.
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]


def transaction_attempt(request: Request) -> int:
    """1 on the first run of this request, 2 on its first retry, …"""
    return request.scope.get("state", {}).get(ATTEMPT_STATE, 1)


class BodyTooLarge(Exception):
    """The request body went past the limit while it streamed."""


async def read_body_start(receive: Receive, limit: int, stop_after: int | None = None) -> tuple[bytes, bool]:
    """The request body counted as it arrives (a chunked body has no Content-Length to trust), read until it
    ends or passes `stop_after` bytes; and whether more of it is still to come."""
    chunks, seen = [], 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise asyncio.CancelledError("client disconnected")
        body = message.get("body", b"")
        seen += len(body)
        if seen > limit:
            raise BodyTooLarge()
        chunks.append(body)
        more = bool(message.get("more_body"))
        if not more or (stop_after is not None and seen > stop_after):
            return b"".join(chunks), more


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, counted as it arrives."""
    body, _ = await read_body_start(receive, limit)
    return body


class RetryTransactions:
    """Runs a request again after a retryable database failure (see the module's docstring), and refuses
    bodies over `max_body_bytes` as they stream."""

    def __init__(self, app: ASGIApp, *, max_attempts: int = 8, max_body_bytes: int = 10 * 1024 * 1024) -> None:
        self.app = app
        self.max_attempts = max_attempts
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        english = wants_english(dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1"))
        try:
            body = await read_body(receive, self.max_body_bytes)
        except BodyTooLarge:
            await send_problem(send, problem_for_status(413, english=english, instance=scope["path"]))
            return
        backoff = 0.002
        for attempt in range(1, self.max_attempts + 1):
            scope.setdefault("state", {})[ATTEMPT_STATE] = attempt
            started = False

            async def replay_body() -> Message:
                nonlocal delivered
                if delivered:
                    return await receive()  # only a disconnect can come after the body
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}

            async def tracking_send(message: Message) -> None:
                nonlocal started
                started = True
                await send(message)

            delivered = False
            try:
                await self.app(scope, replay_body, tracking_send)
                return
            except PoolTimeout:
                if started:
                    raise
                await send_problem(send, ServiceBusy().to_problem(english=english, instance=scope["path"]),
                                   headers=[(b"retry-after", b"1")])
                return
            except Exception as exc:
                if started or not is_retryable(exc):
                    raise
                if attempt == self.max_attempts:
                    logger.warning("giving up after %s attempts: %s", attempt, getattr(exc, "orig", exc))
                    await send_problem(send, ServiceBusy().to_problem(english=english, instance=scope["path"]),
                                       headers=[(b"retry-after", b"1")])
                    return
                await asyncio.sleep(random.uniform(0, backoff))
                backoff = min(backoff * 2, 0.25)
