"""Idempotency-Key for this service's creating POSTs, on servicekit.idempotency: the first request's response is
stored with its effects; a retry with the same key and body gets it back, another body with the key a 409.
(The same helper as the agencies service's; one call to swap for servicekit's shared one when it lands.)"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from applications.models import IdempotencyRecord
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


def replayed(result: BaseModel | Replay) -> BaseModel | JSONResponse:
    """A request retried with its Idempotency-Key gets the first one's response, as it was sent."""
    if isinstance(result, Replay):
        return JSONResponse(result.body, status_code=result.status_code)
    return result
