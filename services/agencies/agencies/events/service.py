"""The feed's rules: who reads which events, cursors and their expiry, and relayed events stored once."""

import base64
import binascii
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.events.catalog import EVENT_TYPE_NAMES, EVENT_TYPES
from agencies.events.recording import record_events
from agencies.events.repository import EventRepository
from agencies.events.schemas import EventBatchCreate, EventBatchResult, EventPage, EventRead, EventTypeRead
from servicekit.identity import Principal
from servicekit.pagination import InvalidCursor

SOURCES = {t.name: t.source for t in EVENT_TYPES}


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"e{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("e") or not text[1:].isdigit():
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc


def visible_agency(principal: Principal) -> str | None:
    """The agency whose events the caller reads; None for an admin (every event)."""
    if principal.role == "admin":
        return None
    if principal.role in ("agency", "reviewer") and principal.agency:
        return principal.agency
    raise errors.EventsNotVisible()


def check_types(types: list[str]) -> list[str]:
    unknown = sorted(set(types) - EVENT_TYPE_NAMES)
    if unknown:
        raise errors.EventTypeUnknown(f"未知的事件类型：{', '.join(unknown)}。", f"Unknown event types: {', '.join(unknown)}.")
    return types


async def read_feed(session: AsyncSession, principal: Principal, after: str | None, types: list[str],
                    size: int) -> EventPage:
    """Events after the cursor in the order they were recorded, those of the caller's agency only."""
    agency = visible_agency(principal)
    check_types(types)
    repo = EventRepository(session)
    pruned_through = await repo.pruned_through()
    after_seq = decode_cursor(after) if after is not None else pruned_through
    if after_seq < pruned_through:
        raise errors.CursorExpired()
    events = await repo.page(after_seq, size + 1, agency, types)
    more, events = len(events) > size, events[:size]
    last = events[-1].seq if events else after_seq
    return EventPage(items=[EventRead.model_validate(e) for e in events], next=encode_cursor(last), has_more=more)


def event_types() -> list[EventTypeRead]:
    return [EventTypeRead(name=t.name, source=t.source, summary_zh=t.summary_zh, summary_en=t.summary_en,
                          example=t.payload) for t in EVENT_TYPES]


async def record_relayed(session: AsyncSession, principal: Principal, batch: EventBatchCreate,
                         now: datetime) -> EventBatchResult:
    """Events another service recorded, stored in the order given, each once by its id."""
    for event in batch.events:
        if SOURCES.get(event.type) != principal.subject:
            raise errors.EventTypeUnknown(f"{principal.subject} 服务不记录事件类型 {event.type}。",
                                          f"The {principal.subject} service does not record {event.type} events.")
    recorded = await record_events(session, [dict(id=e.id, type=e.type, subject=e.subject, agencies=e.agencies,
                                                  payload=e.payload, occurred_at=e.occurred_at)
                                             for e in batch.events], now, source=principal.subject)
    return EventBatchResult(recorded=recorded, duplicates=len(batch.events) - recorded)


async def prune(session: AsyncSession, now: datetime, retention_days: float) -> int:
    return await EventRepository(session).prune(now - timedelta(days=retention_days))
