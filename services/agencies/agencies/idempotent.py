"""Idempotency-Key for this service's POSTs, on servicekit.idempotency: the first request's response is stored
with its effects; a retry with the same key and body gets it back, another body with the key gets a 409."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from agencies.models import IdempotencyRecord
from servicekit.idempotency import Replay, claim_key, complete_key, fingerprint
from servicekit.identity import Principal

M = TypeVar("M", bound=BaseModel)


async def run_once(session: AsyncSession, principal: Principal, key: str | None, *, path: str, body: Any,
                   status_code: int, work: Callable[[], Awaitable[M]]) -> M | Replay:
    """Do `work` once per (caller, key): keys are the caller's own, so two callers never collide."""
    if key is None:
        return await work()
    record, replay = await claim_key(session, IdempotencyRecord, scope=principal.actor, key=key,
                                     request_fingerprint=fingerprint("POST", path, body))
    if replay is not None:
        return replay
    result = await work()
    await complete_key(session, record, status_code, result.model_dump(mode="json"))
    return result
