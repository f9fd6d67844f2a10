"""Queries of webhooks: endpoints, the delivery log, and leasing due deliveries to a worker."""

from datetime import datetime, timedelta

from sqlalchemy import case, exists, func, or_, select, type_coerce, update
from sqlalchemy.orm import aliased, selectinload

from agencies.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from servicekit.database import UTCDateTime
from servicekit.repository import RepositoryBase

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


class WebhookRepository(RepositoryBase[WebhookEndpoint]):
    async def get_endpoint(self, endpoint_id: int, *, for_update: bool = False) -> WebhookEndpoint | None:
        statement = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.one_or_none(statement)

    async def endpoints(self, agency: str | None) -> list[WebhookEndpoint]:
        statement = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
        if agency is not None:
            statement = statement.where(WebhookEndpoint.agency_code == agency)
        return await self.all(statement)

    async def deliveries(self, endpoint_id: int, before: int | None, size: int) -> list[WebhookDelivery]:
        """The endpoint's deliveries, newest first, with their events."""
        statement = (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
                     .options(selectinload(WebhookDelivery.event)).order_by(WebhookDelivery.id.desc()).limit(size))
        if before is not None:
            statement = statement.where(WebhookDelivery.id < before)
        return await self.all(statement)

    async def attempts(self, delivery_ids: list[int]) -> list[WebhookAttempt]:
        return await self.all(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                              .order_by(WebhookAttempt.id))

    async def get_delivery(self, endpoint_id: int, delivery_id: int) -> WebhookDelivery | None:
        return await self.one_or_none(select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id).with_for_update())

    @staticmethod
    def _deliverable() -> list:
        """Waiting deliveries to active endpoints, each the first unfinished one of its subject at its endpoint
        (so a subject's events arrive in order)."""
        earlier = aliased(WebhookDelivery)
        first_of_subject = ~exists().where(earlier.endpoint_id == WebhookDelivery.endpoint_id,
                                           earlier.subject == WebhookDelivery.subject, earlier.status == PENDING,
                                           earlier.event_seq < WebhookDelivery.event_seq)
        return [WebhookDelivery.status == PENDING, WebhookEndpoint.status == "active", first_of_subject]

    async def lease(self, now: datetime, lease_seconds: float, limit: int) -> list[WebhookDelivery]:
        """Due deliveries (see `_deliverable`), leased for one attempt. SKIP LOCKED passes over rows another
        worker is leasing on PostgreSQL; the guarded UPDATE takes only rows whose lease has ended, so two workers
        never hold one delivery at once."""
        free = or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until < now)
        candidates = (select(WebhookDelivery.id)
                      .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                      .where(*self._deliverable(), WebhookDelivery.next_attempt_at <= now, free)
                      .order_by(WebhookDelivery.event_seq).limit(limit)
                      .with_for_update(skip_locked=True, of=WebhookDelivery))
        ids = list((await self.session.scalars(candidates)).all())
        if not ids:
            return []
        leased = list((await self.session.scalars(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids), free)
            .values(leased_until=now + timedelta(seconds=lease_seconds))
            .returning(WebhookDelivery.id))).all())
        return await self.all(select(WebhookDelivery).where(WebhookDelivery.id.in_(leased))
                              .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.endpoint))
                              .order_by(WebhookDelivery.event_seq).execution_options(populate_existing=True))

    async def next_due(self, now: datetime) -> datetime | None:
        """When a delivery next becomes due: its next attempt, or the end of the lease a worker holds on it."""
        due = case((WebhookDelivery.leased_until > now, WebhookDelivery.leased_until),
                   else_=WebhookDelivery.next_attempt_at)
        return await self.session.scalar(
            select(type_coerce(func.min(due), UTCDateTime))
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id).where(*self._deliverable()))

    async def event(self, seq: int) -> Event | None:
        return await self.session.get(Event, seq)
