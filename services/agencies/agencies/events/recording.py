"""Writing events: in the transaction of the change they tell of, with one delivery per webhook endpoint that
wants them. On PostgreSQL event writers take turns (a transaction-level advisory lock held to the commit), so
events commit in the order of their `seq` and a feed reader past seq N never misses a later-committed N-1."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from agencies.models import Event, EventAgency, WebhookDelivery, WebhookEndpoint

# Any fixed number: the advisory lock that orders event writers.
EVENT_WRITERS_LOCK = 7_314_001


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


async def record_event(session: AsyncSession, *, type: str, subject: str, agencies: Iterable[str],
                       payload: dict[str, Any], occurred_at: datetime, now: datetime, source: str = "agencies",
                       event_id: str | None = None) -> Event | None:
    """Store one event and queue it for the endpoints that want it; None when an event with this id is stored
    already (a relayed event sent again)."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_WRITERS_LOCK})
    codes = sorted(set(agencies))
    insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(Event)
    seq = await session.scalar(
        insert.values(id=event_id or new_event_id(), type=type, source=source, subject=subject, agencies=codes,
                      payload=payload, occurred_at=occurred_at, recorded_at=now)
        .on_conflict_do_nothing(index_elements=["id"]).returning(Event.seq))
    if seq is None:
        return None
    session.add_all([EventAgency(agency_code=code, event_seq=seq) for code in codes])
    endpoints = await session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.status == "active",
        or_(WebhookEndpoint.agency_code.is_(None), WebhookEndpoint.agency_code.in_(codes))))
    session.add_all([WebhookDelivery(endpoint_id=endpoint.id, event_seq=seq, subject=subject, status="pending",
                                     attempts=0, next_attempt_at=now, created_at=now)
                     for endpoint in endpoints if not endpoint.event_types or type in endpoint.event_types])
    await session.flush()
    return await session.get(Event, seq)
