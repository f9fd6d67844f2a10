"""Annotated dependency aliases of the funding API: sessions, callers by role and scope, the database the
one-statement posting may use, and the answer to a stored ledger outcome."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from funding.errors import REPLAY_HEADER, ServiceNotAllowed
from funding.faults import requested_fault
from funding.ledger.posting import Stored
from funding.models import IdempotencyRecord
from servicekit.database import Database, is_sqlite
from servicekit.identity import Principal, require_role
from servicekit.idempotency import IdempotentPost, idempotent_post
from servicekit.unit_of_work import ReadSession, WriteSession

__all__ = ["AdminCaller", "FundingReader", "Idempotent", "OneStatementDatabase", "ReadSession", "SagaCaller",
           "WriteSession", "answer_once", "stored_answer"]

SAGA_SERVICE = "applications"
# The scope an agency's API key needs to read funding data (awards name their grantees).
FUNDING_READ_SCOPE = "funding:read"

AdminCaller = Annotated[Principal, Depends(require_role("admin"))]


async def _saga_caller(principal: Annotated[Principal, Depends(require_role("admin", "service"))]) -> Principal:
    if principal.role == "service" and principal.subject != SAGA_SERVICE:
        raise ServiceNotAllowed()
    return principal


# The approval saga's reservation API: admins and the applications service.
SagaCaller = Annotated[Principal, Depends(_saga_caller)]
# Staff of the province and of agencies, and the services; object-level checks narrow agency staff to the
# programs their agency leads.
FundingReader = Annotated[Principal, Depends(require_role("admin", "service", "reviewer", "agency",
                                                          scope=FUNDING_READ_SCOPE))]


async def _one_statement_database(request: Request) -> Database | None:
    """The database when a plain transfer may first try the one-statement posting (PostgreSQL, switched on, and
    no fault to inject: faults are injected on the full path); None otherwise."""
    database: Database = request.app.state.database
    if (not request.app.state.settings.single_statement_transfers or is_sqlite(database.url)
            or requested_fault(request)):
        return None
    return database


OneStatementDatabase = Annotated[Database | None, Depends(_one_statement_database)]


# The request's Idempotency-Key on its write session (servicekit's one replay rule for creating POSTs).
Idempotent = Annotated[IdempotentPost, Depends(idempotent_post(IdempotencyRecord))]


def stored_answer(stored: Stored, status: int = 201) -> Response:
    """A stored ledger outcome as the client gets it: `status` each time, with `Idempotent-Replay: true` when the
    id already held it. Serialised by pydantic itself, not by FastAPI's generic encoder: this is the busiest
    answer of the service."""
    read = stored.read
    return Response(read.__pydantic_serializer__.to_json(read), status_code=status,
                    headers={REPLAY_HEADER: "true"} if stored.replay else None, media_type="application/json")


async def answer_once(idempotent: IdempotentPost, caller: Principal, payload: BaseModel | dict[str, Any] | None,
                      work: Callable[[], Awaitable[Stored]], status: int = 201) -> Response:
    """A ledger operation under the request's `Idempotency-Key` as well as its own id: the ledger's ids already
    make it idempotent, the key makes it so for a client that retries by key, as on every other creating POST
    (same key and body: the stored answer; same key, other body: 409 naming the fields)."""
    replayed_by_id = False

    async def read() -> BaseModel:
        nonlocal replayed_by_id
        stored = await work()
        replayed_by_id = stored.replay
        return stored.read

    result = await idempotent.run(caller.actor, payload, read, status_code=status)
    if isinstance(result, Response):  # the key's stored answer
        return result
    return stored_answer(Stored(read=result, replay=replayed_by_id), status)
