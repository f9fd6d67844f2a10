"""Queries of the event feed: pages by seq (per agency, or all), the pruning mark, and pruning."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select

from agencies.models import Event, EventAgency, EventFeedState, WebhookAttempt, WebhookDelivery
from servicekit.repository import RepositoryBase

FEED_STATE_ID = 1


class EventRepository(RepositoryBase[Event]):
    async def page(self, after: int, size: int, agency: str | None,  # type: ignore[override]
                   types: Sequence[str]) -> list[Event]:
        statement = select(Event).where(Event.seq > after)
        if agency is not None:
            statement = statement.join(EventAgency, EventAgency.event_seq == Event.seq).where(
                EventAgency.agency_code == agency)
        if types:
            statement = statement.where(Event.type.in_(types))
        return await self.all(statement.order_by(Event.seq).limit(size))

    async def pruned_through(self) -> int:
        return int(await self.session.scalar(
            select(EventFeedState.pruned_through).where(EventFeedState.id == FEED_STATE_ID)) or 0)

    async def prune(self, before: datetime) -> int:
        """Delete events recorded before `before` (and their deliveries); the number deleted."""
        last = await self.session.scalar(select(func.max(Event.seq)).where(Event.recorded_at < before))
        if last is None:
            return 0
        deliveries = select(WebhookDelivery.id).where(WebhookDelivery.event_seq <= last)
        await self.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
        await self.session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_seq <= last))
        await self.session.execute(delete(EventAgency).where(EventAgency.event_seq <= last))
        pruned = (await self.session.execute(delete(Event).where(Event.seq <= last))).rowcount
        state = await self.session.get(EventFeedState, FEED_STATE_ID, with_for_update=True)
        if state is None:
            self.session.add(EventFeedState(id=FEED_STATE_ID, pruned_through=last))
        else:
            state.pruned_through = max(state.pruned_through, last)
        await self.session.flush()
        return pruned
