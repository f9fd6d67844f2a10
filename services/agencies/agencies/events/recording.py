"""Writing events: in the transaction of the change they tell of, with one delivery per webhook endpoint that
wants them. On PostgreSQL event writers take turns (a transaction-level advisory lock held to the commit), so
events commit in the order of their `seq` and a feed reader past seq N never misses a later-committed N-1."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from agencies.models import Event, EventAgency, WebhookDelivery, WebhookEndpoint

# Any fixed number: the advisory lock that orders event writers.
EVENT_WRITERS_LOCK = 7_314_001


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


async def record_event(session: AsyncSession, *, type: str, subject: str, agencies: Iterable[str],
                       payload: dict[str, Any], occurred_at: datetime, now: datetime, source: str = "agencies",
                       event_id: str | None = None) -> bool:
    """Store one event and queue it for the endpoints that want it; False when an event with this id is stored
    already (a relayed event sent again)."""
    return await record_events(session, [dict(id=event_id, type=type, subject=subject, agencies=agencies,
                                              payload=payload, occurred_at=occurred_at)], now, source=source) == 1


async def record_events(session: AsyncSession, events: list[dict[str, Any]], now: datetime, *,
                        source: str = "agencies") -> int:
    """Store events (each: id or None, type, subject, agencies, payload, occurred_at) in the order given, in one
    INSERT, and queue each for the endpoints that want it; the number stored (an event whose id is stored already,
    a relayed event sent again, is left out)."""
    if not events:
        return 0
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_WRITERS_LOCK})
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        row = dict(id=event["id"] or new_event_id(), type=event["type"], source=source, subject=event["subject"],
                   agencies=sorted(set(event["agencies"])), payload=event["payload"],
                   occurred_at=event["occurred_at"], recorded_at=now)
        rows.setdefault(row["id"], row)  # the same id twice in one call: stored once, as the first says
    insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(Event)
    stored = dict((await session.execute(
        insert.values(list(rows.values())).on_conflict_do_nothing(index_elements=["id"])
        .returning(Event.id, Event.seq))).all())
    if not stored:
        return 0
    endpoints = list(await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.status == "active")))
    for event_id, seq in sorted(stored.items(), key=lambda item: item[1]):
        row = rows[event_id]
        codes = row["agencies"]
        session.add_all([EventAgency(agency_code=code, event_seq=seq) for code in codes])
        session.add_all([WebhookDelivery(endpoint_id=endpoint.id, event_seq=seq, subject=row["subject"],
                                         status="pending", attempts=0, next_attempt_at=now, created_at=now)
                         for endpoint in endpoints
                         if (endpoint.agency_code is None or endpoint.agency_code in codes)
                         and (not endpoint.event_types or row["type"] in endpoint.event_types)])
    await session.flush()
    return len(stored)
