"""The webhook worker: leases due deliveries, posts them signed, and writes what happened.

Delivery is at least once: a worker that dies after the receiver got an event but before the answer was written
leaves the delivery leased; when the lease ends another worker sends it again with the same `webhook-id` (the
event's id), by which receivers drop the duplicate. Two workers never hold one delivery at once (see
`WebhookRepository.lease`), so each attempt is made once.

A failed attempt is retried on the Standard Webhooks schedule (scaled by a setting), never sooner than the
receiver's `Retry-After`; 410 Gone disables the endpoint at once, and so does the last attempt of the schedule
failing, which is told to the endpoint's agency as a `webhook.endpoint_disabled` event."""

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from agencies.config import AgenciesSettings
from agencies.events.recording import record_event
from agencies.events.service import prune
from agencies.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from agencies.webhooks.addresses import check_webhook_url
from agencies.webhooks.repository import FAILED, PENDING, SUCCEEDED, WebhookRepository
from agencies.webhooks.signing import signed_headers
from servicekit import clock
from servicekit.app import stop_task
from servicekit.database import Database
from servicekit.http_client import async_client
from servicekit.problems import DomainError
from servicekit.unit_of_work import run_in_transaction, transaction

logger = logging.getLogger(__name__)

# Seconds to wait before each attempt: the Standard Webhooks schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 14 h, 20 h, 24 h).
RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
MAX_RETRY_AFTER = 86400.0


@dataclass
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str | None = None
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_body(event: Event) -> bytes:
    return json.dumps({"id": event.id, "type": event.type, "timestamp": event.occurred_at.isoformat(),
                       "subject": event.subject, "agencies": event.agencies, "data": event.payload},
                      ensure_ascii=False, separators=(",", ":")).encode()


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class WebhookWorker:
    def __init__(self, home: Any, settings: AgenciesSettings, transport: httpx.AsyncBaseTransport | None = None,
                 ) -> None:
        # `home.database` is read at each use: tests point the app at another database after it starts.
        self.home = home
        self.settings = settings
        self.http = async_client(timeout=settings.webhook_timeout_seconds, follow_redirects=False,
                                      transport=transport)
        self._next_prune = 0.0
        self._woken = asyncio.Event()
        self._stopping = False

    @property
    def database(self) -> Database:
        return self.home.database

    def wake(self) -> None:
        """A write was committed in this process: look for due deliveries now rather than at the next round."""
        self._woken.set()

    async def finish(self, task: "asyncio.Task | None", timeout: float = 10.0) -> None:
        """Let the worker end its round and stop (cancelling it inside a database call can leave it waiting on
        the driver); cancelled only if the round takes longer than `timeout`."""
        self._stopping = True
        self._woken.set()
        if task is not None:
            await asyncio.wait({task}, timeout=timeout)
            await stop_task(task)

    async def close(self) -> None:
        await self.http.aclose()

    async def lease(self) -> list[WebhookDelivery]:
        async def work(session: AsyncSession) -> list[WebhookDelivery]:
            return await WebhookRepository(session).lease(clock.now(), self.settings.webhook_lease_seconds,
                                                         self.settings.webhook_batch_size)

        return await run_in_transaction(self.database, work)

    async def deliver_due(self) -> int:
        """One round: every delivery due now, attempted concurrently, the outcomes written in one transaction (a
        writer's turn is what a busy SQLite database makes scarce); the number attempted."""
        deliveries = await self.lease()
        if not deliveries:
            return 0
        outcomes = await asyncio.gather(*(self.post(d.endpoint, d.event) for d in deliveries))

        async def settle_all(session: AsyncSession) -> None:
            for delivery, outcome in zip(deliveries, outcomes, strict=True):
                await self.settle(session, delivery, outcome)

        await run_in_transaction(self.database, settle_all)
        return len(deliveries)

    async def post(self, endpoint: WebhookEndpoint, event: Event) -> Outcome:
        started = time.perf_counter()

        def elapsed() -> int:
            return round((time.perf_counter() - started) * 1000)

        try:
            await check_webhook_url(endpoint.url, allow_private=self.settings.webhook_allow_private_hosts)
        except DomainError as error:
            return Outcome(None, elapsed(), error.message_en)
        body = webhook_body(event)
        now = clock.now()
        secrets = [endpoint.secret]
        grace_until = endpoint.previous_secret_expires_at
        if endpoint.previous_secret and grace_until and grace_until > now:
            secrets.append(endpoint.previous_secret)
        # The signed timestamp is the real time of sending: receivers check it against their own clocks.
        headers = signed_headers(secrets, event.id, int(time.time()), body)
        try:
            response = await self.http.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(None, elapsed(), f"{type(exc).__name__}: {exc}"[:500])
        return Outcome(response.status_code, elapsed(),
                       retry_after=retry_after_seconds(response.headers.get("retry-after"), now))

    async def settle(self, session: AsyncSession, delivery: WebhookDelivery, outcome: Outcome) -> None:
        """Write one attempt's outcome: the log, the delivery's state, and the endpoint disabled when it must be."""
        now = clock.now()
        current = await session.get(WebhookDelivery, delivery.id, with_for_update=True, populate_existing=True)
        if current is None:  # the endpoint was deleted meanwhile
            return
        session.add(WebhookAttempt(delivery_id=current.id, attempted_at=now, status_code=outcome.status_code,
                                   latency_ms=outcome.latency_ms, error=outcome.error))
        current.attempts += 1
        current.leased_until = None
        current.last_status_code = outcome.status_code
        current.last_latency_ms = outcome.latency_ms
        current.last_error = outcome.error
        if outcome.succeeded:
            current.status, current.finished_at = SUCCEEDED, now
        elif outcome.status_code == 410:
            current.status, current.finished_at = FAILED, now
            await self.disable(session, current.endpoint_id, "gone", now)
        elif current.attempts >= len(RETRY_SCHEDULE):
            current.status, current.finished_at = FAILED, now
            await self.disable(session, current.endpoint_id, "retries_exhausted", now)
        else:
            wait = RETRY_SCHEDULE[current.attempts] * self.settings.webhook_retry_scale
            current.status = PENDING
            current.next_attempt_at = now + timedelta(seconds=max(wait, outcome.retry_after or 0.0))
        await session.flush()

    async def disable(self, session: AsyncSession, endpoint_id: int, reason: str, now: datetime) -> None:
        endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
        if endpoint is None or endpoint.status != "active":
            return
        endpoint.status, endpoint.disabled_reason, endpoint.updated_at = "disabled", reason, now
        await session.flush()
        await record_event(session, type="webhook.endpoint_disabled", subject=f"webhook_endpoint/{endpoint.id}",
                           agencies=[endpoint.agency_code] if endpoint.agency_code else [],
                           payload={"endpoint_id": endpoint.id, "url": endpoint.url, "reason": reason},
                           occurred_at=now, now=now)

    async def prune_if_due(self) -> None:
        loop_time = asyncio.get_running_loop().time()
        if loop_time < self._next_prune:
            return
        self._next_prune = loop_time + self.settings.events_prune_every_seconds
        pruned = await run_in_transaction(
            self.database, lambda session: prune(session, clock.now(), self.settings.events_retention_days))
        if pruned:
            logger.info("pruned %s events past retention", pruned)

    async def seconds_until_due(self) -> float:
        """How long nothing is due, at most the worker's interval (which bounds how late it sees deliveries made
        by another process; a write in this one wakes it at once)."""
        async with transaction(self.database, write=False) as session:
            due = await WebhookRepository(session).next_due(clock.now())
        interval = self.settings.webhook_worker_interval_seconds
        return interval if due is None else min(interval, max((due - clock.now()).total_seconds(), 0.01))

    async def work_forever(self) -> None:
        """The background worker of one process: delivers what is due, round after round, sleeps until the next
        delivery is due or a write wakes it, and prunes now and then."""
        while not self._stopping:
            wait = self.settings.webhook_worker_interval_seconds
            try:
                await self.prune_if_due()
                while not self._stopping and await self.deliver_due():
                    pass
                wait = await self.seconds_until_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup: the deliveries stay pending for the next round
                logger.exception("webhook worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), wait)
            self._woken.clear()
