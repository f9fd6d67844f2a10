"""Idempotency-Key for creating POSTs: the first request's response is stored with the key in the same
transaction as its effects; a retry with the same body gets that response back, another body gets 409.

The key row is inserted *before* the work, so a concurrent duplicate waits on the unique index (PostgreSQL)
or on the write lock (SQLite) until the first commits, then replays its outcome.

A route makes its POST idempotent with the `idempotent_post(model)` dependency: the request's method, path and
body are the fingerprint, so the service layer that does the work knows nothing of HTTP. A replay answers the
stored status and body with the header `Idempotent-Replay: true`."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import JSON, Integer, String, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from servicekit.database import UTCDateTime
from servicekit.problems import Conflict, DomainError, FieldProblem, Unprocessable
from servicekit.unit_of_work import WriteSession

REPLAY_HEADER = "Idempotent-Replay"
Result = TypeVar("Result", bound=BaseModel)

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Client-chosen key (1–200 characters); a retry with the same key and body returns the "
        "first response (flagged `Idempotent-Replay: true`) instead of acting twice.",
    ),
]


class IdempotencyRecordMixin:
    """Each service declares `class IdempotencyRecord(IdempotencyRecordMixin, Base)`."""

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    @declared_attr
    def response_body(cls) -> Mapped[Any | None]:  # noqa: N805
        return mapped_column(JSON)

    @declared_attr
    def request_body(cls) -> Mapped[Any | None]:  # noqa: N805
        """The first request (method, path, body), to name what a reuse of the key changed."""
        return mapped_column(JSON)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:  # noqa: N805
        return (UniqueConstraint("scope", "key"),)


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message_zh = "该幂等键已用于另一个不同内容的请求。"
    message_en = "This Idempotency-Key was already used with a different request."


class InvalidIdempotencyKey(Unprocessable):
    code = "invalid_idempotency_key"
    message_zh = "幂等键须为 1–200 个字符。"
    message_en = "The Idempotency-Key must be 1 to 200 characters."


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Replay:
    def __init__(self, status_code: int, body: Any) -> None:
        self.status_code = status_code
        self.body = body


def differing_fields(first: Any, again: Any) -> list[FieldProblem]:
    """What a reuse of a key changed: the path, or the body's top-level fields (both as `[method, path, body]`)."""
    if not (isinstance(first, list) and isinstance(again, list) and len(first) == len(again) == 3):
        return []
    message = "与使用该幂等键的首次请求不同 / differs from the first request with this key"
    if first[:2] != again[:2]:
        return [FieldProblem(field="path", message=message, type="idempotency_mismatch")]
    before, after = first[2], again[2]
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return [FieldProblem(field="body", message=message, type="idempotency_mismatch")]
    return [FieldProblem(field=f"body.{name}", message=message, type="idempotency_mismatch")
            for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)]


async def claim_key(
    session: AsyncSession, model: type[IdempotencyRecordMixin], *, scope: str, key: str, request_fingerprint: str,
    request: Any = None,
) -> tuple[IdempotencyRecordMixin | None, Replay | None]:
    """Claim `key` for this request. Returns (record to complete, None) for a first request, or
    (None, replay) when the key already holds a stored response for the same request. `request` (method, path,
    body) is kept with the key, so that a reuse with another body is told which fields differ."""
    if not 1 <= len(key) <= 200:
        raise InvalidIdempotencyKey()
    existing = await _find(session, model, scope, key)
    if existing is None:
        record = model(scope=scope, key=key, fingerprint=request_fingerprint,  # type: ignore[call-arg]
                       request_body=request)
        try:
            async with session.begin_nested():
                session.add(record)
                await session.flush()
            return record, None
        except IntegrityError:
            existing = await _find(session, model, scope, key)
            if existing is None:
                raise
    if existing.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused(errors=differing_fields(existing.request_body, request))
    return None, Replay(existing.status_code or 200, existing.response_body)


async def complete_key(session: AsyncSession, record: IdempotencyRecordMixin, status_code: int, body: Any) -> None:
    record.status_code = status_code
    record.response_body = body
    await session.flush()


async def _find(session: AsyncSession, model: type[IdempotencyRecordMixin], scope: str, key: str):  # noqa: ANN202
    return await session.scalar(select(model).where(model.scope == scope, model.key == key))  # type: ignore[attr-defined]


def _as_is(body: Any) -> Any:
    return body


async def run_idempotent(
    session: AsyncSession, model: type[IdempotencyRecordMixin], *, scope: str, key: str | None, fingerprint: str,
    work: Callable[[], Awaitable[Result]], status_code: int,
    stored_as: Callable[[Any], Any] = _as_is, replayed_as: Callable[[Any], Any] = _as_is, request: Any = None,
) -> Result | Replay:
    """Run `work` once per (scope, key) and store its answer with its effects, in the caller's transaction.
    A retry with the same fingerprint gets a Replay of that answer; another fingerprint under the key is a 409.
    Without a key, `work` simply runs. A refused request (an error raised by `work`) stores nothing.
    `stored_as`/`replayed_as` let an answer carrying a secret be kept sealed and opened for the replay."""
    if key is None:
        return await work()
    record, replay = await claim_key(session, model, scope=scope, key=key, request_fingerprint=fingerprint,
                                     request=request)
    if replay is not None:
        return Replay(replay.status_code, replayed_as(replay.body))
    try:
        result = await work()
    except DomainError as error:
        if error.commit_before_answer:  # its change stays, its answer is an error: the key holds no answer, and
            await session.delete(record)  # a retry asks the work again (which answers from what it stored)
            await session.flush()
        raise
    await complete_key(session, record, status_code, stored_as(result.model_dump(mode="json")))
    return result


def replay_response(result: Result | Replay) -> Result | JSONResponse:
    """The result as the route returns it: a replay as it was first sent, flagged `Idempotent-Replay: true`."""
    if isinstance(result, Replay):
        return JSONResponse(result.body, status_code=result.status_code, headers={REPLAY_HEADER: "true"})
    return result


class IdempotentPost:
    """A creating POST made idempotent per caller: `await post.run(caller.actor, payload, work, status_code=201)`."""

    def __init__(self, request: Request, session: AsyncSession, model: type[IdempotencyRecordMixin],
                 key: str | None) -> None:
        self.request = request
        self.session = session
        self.model = model
        self.key = key

    async def run(self, scope: str, payload: BaseModel | dict | None, work: Callable[[], Awaitable[Result]], *,
                  status_code: int, stored_as: Callable[[Any], Any] = _as_is,
                  replayed_as: Callable[[Any], Any] = _as_is) -> Result | JSONResponse:
        """`scope` keeps callers' keys apart (usually the caller's actor), so two callers never collide; a POST
        without a body passes `payload=None`, one whose body holds a secret a dict with the secret blinded."""
        body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
        request_fingerprint = fingerprint(self.request.method, self.request.url.path, body)
        result = await run_idempotent(self.session, self.model, scope=scope, key=self.key,
                                      fingerprint=request_fingerprint, work=work, status_code=status_code,
                                      stored_as=stored_as, replayed_as=replayed_as,
                                      request=[self.request.method.upper(), self.request.url.path, body])
        return replay_response(result)


def idempotent_post(model: type[IdempotencyRecordMixin]) -> Callable[..., Awaitable[IdempotentPost]]:
    """A dependency giving the route an IdempotentPost on the request's own write session."""

    async def dependency(request: Request, session: WriteSession,
                         key: IdempotencyKeyHeader = None) -> IdempotentPost:
        return IdempotentPost(request, session, model, key)

    return dependency
