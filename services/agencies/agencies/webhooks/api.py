"""Webhook endpoints (`/webhooks/endpoints`): registered by an admin or an agency's key admin, with the delivery
log and redelivery."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from agencies.config import AgenciesSettings
from agencies.deps import Idempotent, Now, ReadSession, WebhookManager, WriteSession
from agencies.webhooks import service
from agencies.webhooks.schemas import (
    DeliveryPage,
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointRead,
    EndpointUpdate,
)
from servicekit.pagination import MAX_PAGE_SIZE
from servicekit.validation import id_path

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

EndpointId = id_path("The webhook endpoint's id.")
DeliveryId = id_path("The delivery's id.")


def _settings(request: Request) -> AgenciesSettings:
    return request.app.state.settings


@router.post("/endpoints", response_model=EndpointCreated, status_code=201, summary="Register a webhook endpoint")
async def create_endpoint(payload: EndpointCreate, caller: WebhookManager, session: WriteSession, now: Now,
                          request: Request, idempotent: Idempotent) -> EndpointCreated | JSONResponse:
    """Events of the agency (of the types chosen) are posted to the URL, signed; the secret is in this answer
    only (and in its replay under the same `Idempotency-Key`)."""
    return await idempotent.run(caller.actor, payload, lambda: service.create_endpoint(
        session, caller, payload, now, _settings(request).webhook_allow_private_hosts), status_code=201)


@router.get("/endpoints", response_model=EndpointPage, summary="List webhook endpoints")
async def list_endpoints(caller: WebhookManager, session: ReadSession) -> EndpointPage:
    """Your agency's endpoints (an admin: all), without their secrets."""
    return EndpointPage(items=await service.list_endpoints(session, caller))


@router.get("/endpoints/{endpoint_id}", response_model=EndpointRead, summary="Get a webhook endpoint")
async def get_endpoint(endpoint_id: EndpointId, caller: WebhookManager, session: ReadSession) -> EndpointRead:
    """One endpoint, its status and why it was disabled, if it was."""
    return await service.get_endpoint(session, caller, endpoint_id)


@router.patch("/endpoints/{endpoint_id}", response_model=EndpointRead, summary="Change a webhook endpoint")
async def update_endpoint(endpoint_id: EndpointId, payload: EndpointUpdate, caller: WebhookManager,
                          session: WriteSession, now: Now, request: Request) -> EndpointRead:
    """Change the URL, the event types or the description, or turn it off or on again."""
    return await service.update_endpoint(session, caller, endpoint_id, payload, now,
                                         _settings(request).webhook_allow_private_hosts)


@router.delete("/endpoints/{endpoint_id}", status_code=204, summary="Delete a webhook endpoint")
async def delete_endpoint(endpoint_id: EndpointId, caller: WebhookManager, session: WriteSession) -> Response:
    """The endpoint and its delivery log are gone; nothing more is sent to it."""
    await service.delete_endpoint(session, caller, endpoint_id)
    return Response(status_code=204)


@router.post("/endpoints/{endpoint_id}/rotate-secret", response_model=EndpointCreated, status_code=201,
             summary="Rotate a webhook endpoint's secret")
async def rotate_secret(endpoint_id: EndpointId, caller: WebhookManager, session: WriteSession, now: Now,
                        request: Request, idempotent: Idempotent) -> EndpointCreated | JSONResponse:
    """A new secret, shown once (and in a replay under the same `Idempotency-Key`, which rotates nothing more);
    deliveries are signed with both until the old one's grace period ends."""
    return await idempotent.run(caller.actor, None, lambda: service.rotate_secret(
        session, caller, endpoint_id, now, _settings(request).webhook_secret_grace_hours), status_code=201)


@router.get("/endpoints/{endpoint_id}/deliveries", response_model=DeliveryPage, summary="List deliveries")
async def list_deliveries(endpoint_id: EndpointId, caller: WebhookManager, session: ReadSession,
                          after: Annotated[int | None, Query(ge=1, description="The `next` of the previous page.")]
                          = None,
                          size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20) -> DeliveryPage:
    """The endpoint's delivery log, newest first: status, attempts with their answers and latency."""
    return await service.list_deliveries(session, caller, endpoint_id, after, size)


@router.post("/endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver", status_code=204,
             summary="Redeliver an event")
async def redeliver(endpoint_id: EndpointId, delivery_id: DeliveryId, caller: WebhookManager,
                    session: WriteSession, now: Now) -> Response:
    """Send the delivery again now, with a fresh retry schedule."""
    await service.redeliver(session, caller, endpoint_id, delivery_id, now)
    return Response(status_code=204)
