"""Webhook rules: who manages which endpoints, secrets shown once and rotated with a grace period, the
delivery log and redelivery."""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agencies import errors
from agencies.catalog.repository import CatalogRepository
from agencies.events.service import check_types
from agencies.models import AuditLog, WebhookEndpoint
from agencies.webhooks.addresses import check_webhook_url
from agencies.webhooks.repository import FAILED, PENDING, SUCCEEDED, WebhookRepository
from agencies.webhooks.schemas import (
    AttemptRead,
    DeliveryPage,
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointUpdate,
)
from agencies.webhooks.signing import new_secret
from servicekit.audit import record_change
from servicekit.identity import Principal


def managed_agency(principal: Principal) -> str | None:
    """The agency whose endpoints the caller manages; None for an admin (every endpoint)."""
    return None if principal.role == "admin" else principal.agency


def _snapshot(endpoint: WebhookEndpoint) -> dict:
    return {"url": endpoint.url, "agency_code": endpoint.agency_code, "event_types": endpoint.event_types,
            "status": endpoint.status, "description": endpoint.description}


async def _endpoint(repo: WebhookRepository, principal: Principal, endpoint_id: int,
                    for_update: bool = False) -> WebhookEndpoint:
    endpoint = await repo.get_endpoint(endpoint_id, for_update=for_update)
    agency = managed_agency(principal)
    if endpoint is None or (agency is not None and endpoint.agency_code != agency):
        raise errors.WebhookEndpointNotFound()
    return endpoint


async def create_endpoint(session: AsyncSession, principal: Principal, payload: EndpointCreate, now: datetime,
                          allow_private: bool) -> EndpointCreated:
    agency = managed_agency(principal)
    if agency is not None and payload.agency_code not in (None, agency):
        raise errors.NotWebhookManager()
    agency = agency or payload.agency_code
    if agency is not None and await CatalogRepository(session).get_agency(agency) is None:
        raise errors.AgencyNotFound()
    await check_webhook_url(str(payload.url), allow_private=allow_private)
    endpoint = WebhookEndpoint(agency_code=agency, url=str(payload.url), description=payload.description,
                               event_types=sorted(set(check_types(payload.event_types))), status="active",
                               secret=new_secret(), created_by=principal.actor, created_at=now, updated_at=now)
    session.add(endpoint)
    await session.flush()
    await record_change(session, AuditLog, actor=principal.actor, action="webhook_endpoint.create",
                        entity_type="webhook_endpoint", entity_id=endpoint.id, after=_snapshot(endpoint))
    return EndpointCreated(**EndpointRead.model_validate(endpoint).model_dump(), secret=endpoint.secret)


async def list_endpoints(session: AsyncSession, principal: Principal) -> list[EndpointRead]:
    endpoints = await WebhookRepository(session).endpoints(managed_agency(principal))
    return [EndpointRead.model_validate(e) for e in endpoints]


async def get_endpoint(session: AsyncSession, principal: Principal, endpoint_id: int) -> EndpointRead:
    return EndpointRead.model_validate(await _endpoint(WebhookRepository(session), principal, endpoint_id))


async def update_endpoint(session: AsyncSession, principal: Principal, endpoint_id: int, payload: EndpointUpdate,
                          now: datetime, allow_private: bool) -> EndpointRead:
    endpoint = await _endpoint(WebhookRepository(session), principal, endpoint_id, for_update=True)
    before = _snapshot(endpoint)
    if payload.url is not None:
        await check_webhook_url(str(payload.url), allow_private=allow_private)
        endpoint.url = str(payload.url)
    if payload.event_types is not None:
        endpoint.event_types = sorted(set(check_types(payload.event_types)))
    if payload.description is not None:
        endpoint.description = payload.description
    if payload.status is not None and payload.status != endpoint.status:
        endpoint.status = payload.status
        endpoint.disabled_reason = "manual" if payload.status == "disabled" else None
    endpoint.updated_at = now
    await session.flush()
    await record_change(session, AuditLog, actor=principal.actor, action="webhook_endpoint.update",
                        entity_type="webhook_endpoint", entity_id=endpoint.id, before=before,
                        after=_snapshot(endpoint))
    return EndpointRead.model_validate(endpoint)


async def delete_endpoint(session: AsyncSession, principal: Principal, endpoint_id: int) -> None:
    endpoint = await _endpoint(WebhookRepository(session), principal, endpoint_id, for_update=True)
    await record_change(session, AuditLog, actor=principal.actor, action="webhook_endpoint.delete",
                        entity_type="webhook_endpoint", entity_id=endpoint.id, before=_snapshot(endpoint))
    await session.delete(endpoint)
    await session.flush()


async def rotate_secret(session: AsyncSession, principal: Principal, endpoint_id: int, now: datetime,
                        grace_hours: float) -> EndpointCreated:
    """A new secret, shown once; the current one keeps signing beside it for the grace period."""
    endpoint = await _endpoint(WebhookRepository(session), principal, endpoint_id, for_update=True)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + timedelta(hours=grace_hours)
    endpoint.secret = new_secret()
    endpoint.updated_at = now
    await session.flush()
    await record_change(session, AuditLog, actor=principal.actor, action="webhook_endpoint.rotate_secret",
                        entity_type="webhook_endpoint", entity_id=endpoint.id)
    return EndpointCreated(**EndpointRead.model_validate(endpoint).model_dump(), secret=endpoint.secret)


async def list_deliveries(session: AsyncSession, principal: Principal, endpoint_id: int, before: int | None,
                          size: int) -> DeliveryPage:
    """The endpoint's deliveries, newest first, each with its attempts."""
    repo = WebhookRepository(session)
    await _endpoint(repo, principal, endpoint_id)
    deliveries = await repo.deliveries(endpoint_id, before, size + 1)
    more, deliveries = len(deliveries) > size, deliveries[:size]
    attempts: dict[int, list[AttemptRead]] = {d.id: [] for d in deliveries}
    for attempt in await repo.attempts(list(attempts)):
        attempts[attempt.delivery_id].append(AttemptRead.model_validate(attempt))
    items = [DeliveryRead(
        id=d.id, event_id=d.event.id, event_type=d.event.type, subject=d.subject, status=d.status,
        attempts=d.attempts, next_attempt_at=d.next_attempt_at if d.status == PENDING else None,
        last_status_code=d.last_status_code, last_latency_ms=d.last_latency_ms, last_error=d.last_error,
        created_at=d.created_at, finished_at=d.finished_at, attempt_log=attempts[d.id]) for d in deliveries]
    return DeliveryPage(items=items, next=str(deliveries[-1].id) if more else None)


async def redeliver(session: AsyncSession, principal: Principal, endpoint_id: int, delivery_id: int,
                    now: datetime) -> None:
    """Send a delivery again now, with a fresh retry schedule (its attempt log is kept)."""
    repo = WebhookRepository(session)
    await _endpoint(repo, principal, endpoint_id)
    delivery = await repo.get_delivery(endpoint_id, delivery_id)
    if delivery is None:
        raise errors.WebhookDeliveryNotFound()
    if delivery.status in (SUCCEEDED, FAILED):
        delivery.attempts = 0
    delivery.status = PENDING
    delivery.next_attempt_at = now
    delivery.finished_at = None
    await session.flush()
    await record_change(session, AuditLog, actor=principal.actor, action="webhook_delivery.redeliver",
                        entity_type="webhook_delivery", entity_id=delivery.id)
