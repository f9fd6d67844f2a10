"""The event feed (`/events`), its types, and the internal endpoint other services relay their events to."""

from typing import Annotated

from fastapi import APIRouter, Query

from agencies.deps import EventReader, EventRelay, Now, ReadSession, WriteSession
from agencies.events import service
from agencies.events.schemas import EventBatchCreate, EventBatchResult, EventPage, EventTypeRead
from servicekit.pagination import MAX_PAGE_SIZE, CursorQuery

router = APIRouter(tags=["events"])
internal_router = APIRouter(prefix="/internal", tags=["internal"])


@router.get("/events", response_model=EventPage, summary="Read the event feed",
            responses={410: {"description": "The cursor is past the retention period (`cursor_expired`)."}})
async def read_events(caller: EventReader, session: ReadSession, after: CursorQuery = None,
                      type: Annotated[list[str] | None, Query(  # noqa: A002 - the query parameter's name
                          max_length=20, description="Only events of these types (repeat for several).")] = None,
                      size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50) -> EventPage:
    """Events after `after`, oldest first: an agency's key or staff reads its agency's, an admin all. Keep `next`
    and pass it as `after` to read on, now or after an outage."""
    return await service.read_feed(session, caller, after, type or [], size)


@router.get("/events/types", response_model=list[EventTypeRead], summary="List event types")
async def list_event_types() -> list[EventTypeRead]:
    """Every event type, with the service that records it and an example of its data."""
    return service.event_types()


@internal_router.post("/events/batch", response_model=EventBatchResult, summary="Relay events")
async def relay_events(payload: EventBatchCreate, caller: EventRelay, session: WriteSession,
                       now: Now) -> EventBatchResult:
    """From the applications and funding services' outbox relays: store events in order, each once by id."""
    return await service.record_relayed(session, caller, payload, now)
