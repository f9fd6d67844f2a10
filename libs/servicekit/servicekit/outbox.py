"""A transactional outbox of domain events for the agencies' event feed: a service adds an event in the
transaction of the change it tells of, and its relay (a background loop in every process) sends unsent events in
order to the agencies service, which stores each once by id. A crash between sending and marking them sent only
sends them again.

Order: one relay at a time sends (on PostgreSQL a transaction-level advisory lock held while it sends and marks;
on SQLite a service runs in one process, with one relay), oldest first.

A commit that added events wakes the relays of its process at once; otherwise a relay looks every interval (for
events it could not send, or left by a process that died)."""

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import JSON, BigInteger, Integer, String, event, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from servicekit.database import Database, UTCDateTime, is_sqlite
from servicekit.unit_of_work import transaction

logger = logging.getLogger("servicekit.outbox")

RELAY_LOCK = 7_314_002
# The outbox models a session's transaction added events to (in Session.info), and the wake-up calls of the
# relays of this process per model.
EVENTS_ADDED = "outbox_events_added"
_RELAY_WAKERS: dict[type, set[asyncio.Event]] = defaultdict(set)


class OutboxEventMixin:
    """Each service declares `class OutboxEvent(OutboxEventMixin, Base): __tablename__ = "event_outbox"`."""

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @declared_attr
    def agencies(cls) -> Mapped[list[str]]:  # noqa: N805
        return mapped_column(JSON)

    @declared_attr
    def payload(cls) -> Mapped[dict[str, Any]]:  # noqa: N805
        return mapped_column(JSON)


def create_outbox_table() -> None:
    """The `event_outbox` table, in a service's migration (the columns of OutboxEventMixin)."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "event_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_outbox_event_id")),
    )
    op.create_index(op.f("ix_event_outbox_sent_at"), "event_outbox", ["sent_at"])


def add_outbox_event(session: AsyncSession, model: type[OutboxEventMixin], *, type: str, subject: str,
                     agencies: Iterable[str], payload: dict[str, Any], occurred_at: datetime) -> None:
    """Queue an event in the caller's transaction (written with its next flush)."""
    session.add(model(event_id=f"evt_{uuid.uuid4().hex}", type=type, subject=subject,
                      agencies=sorted({a for a in agencies if a}), payload=payload, occurred_at=occurred_at))
    session.info.setdefault(EVENTS_ADDED, set()).add(model)


@event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    for model in session.info.pop(EVENTS_ADDED, ()):
        for woken in _RELAY_WAKERS.get(model, ()):
            woken.set()


@event.listens_for(Session, "after_soft_rollback")
def _forget_events(session: Session, previous_transaction: object) -> None:
    session.info.pop(EVENTS_ADDED, None)


def outbox_body(event: OutboxEventMixin) -> dict[str, Any]:
    return {"id": event.event_id, "type": event.type, "subject": event.subject, "agencies": event.agencies,
            "payload": event.payload, "occurred_at": event.occurred_at.isoformat()}


EVENT_BATCH_PATH = "/internal/events/batch"


async def post_event_batch(http: httpx.AsyncClient, headers: dict[str, str], events: list[dict[str, Any]]) -> None:
    """Events to the agencies service (stored once by id there); raises when they were not taken."""
    response = await http.post(EVENT_BATCH_PATH, json={"events": events}, headers=headers)
    response.raise_for_status()


class OutboxRelay:
    """Sends unsent events in batches with `send(bodies)` (which raises when they were not taken)."""

    def __init__(self, home: Any, model: type[OutboxEventMixin],
                 send: Callable[[list[dict[str, Any]]], Awaitable[None]], *, batch_size: int = 200) -> None:
        # `home.database` is read at each use: tests point an app at another database after it starts.
        self.home = home
        self.model = model
        self.send = send
        self.batch_size = batch_size

    @property
    def database(self) -> Database:
        return self.home.database

    async def relay_once(self, now: Callable[[], datetime]) -> int:
        """One batch sent and marked; the number sent (0 when none waits or another relay is sending)."""
        model = self.model
        async with transaction(self.database, write=not is_sqlite(self.database.url)) as session:
            if not is_sqlite(self.database.url):
                if not await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RELAY_LOCK}):
                    return 0
            events = list((await session.scalars(select(model).where(model.sent_at.is_(None))
                                                 .order_by(model.id).limit(self.batch_size))).all())
            if not events:
                return 0
            await self.send([outbox_body(e) for e in events])
            if not is_sqlite(self.database.url):
                await self._mark(session, [e.id for e in events], now())
                return len(events)
        async with transaction(self.database, write=True) as session:
            await self._mark(session, [e.id for e in events], now())
        return len(events)

    async def _mark(self, session: AsyncSession, ids: list[int], at: datetime) -> None:
        await session.execute(update(self.model).where(self.model.id.in_(ids)).values(sent_at=at))

    async def work_forever(self, interval: float, now: Callable[[], datetime]) -> None:
        woken = asyncio.Event()
        _RELAY_WAKERS[self.model].add(woken)
        try:
            while True:
                try:
                    while await self.relay_once(now):
                        pass
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the agencies service is down or busy: the events wait for a later round
                    logger.warning("event relay round failed: %s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), interval)
                woken.clear()
        finally:
            _RELAY_WAKERS[self.model].discard(woken)
