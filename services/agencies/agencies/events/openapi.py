"""Each event type as an entry of the OpenAPI document's `webhooks` section: what a receiver is sent."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from agencies.events.catalog import EVENT_TYPES, EventType


class WebhookMessage(BaseModel):
    """The body of every delivery; headers `webhook-id` (= `id`), `webhook-timestamp` and `webhook-signature`
    sign it as Standard Webhooks says."""

    id: str
    type: str
    timestamp: datetime = Field(description="When it happened.")
    subject: str
    agencies: list[str]
    data: dict[str, Any]


def _receiver(event_type: EventType):  # noqa: ANN202 - a route function FastAPI documents
    example = {"id": "evt_0b7e…", "type": event_type.name, "timestamp": "2026-11-30T09:00:00+00:00",
               "subject": "…", "agencies": ["city-dalian"], "data": event_type.payload}

    async def receive(message: WebhookMessage = Body(examples=[example])) -> None:
        """Answer 2xx once stored; anything else is retried. 410 Gone disables the endpoint."""

    return receive


def install_webhooks(webhooks: APIRouter) -> None:
    for event_type in EVENT_TYPES:
        webhooks.add_api_route(event_type.name, _receiver(event_type), methods=["POST"], tags=["events"],
                               summary=f"{event_type.summary_en} ({event_type.summary_zh})",
                               name=event_type.name.replace(".", "_"))
