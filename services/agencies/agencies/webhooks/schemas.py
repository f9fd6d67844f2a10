"""Webhook endpoints, their deliveries and attempts, as the API shows them (a secret only when it is made)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, UrlConstraints

from servicekit.validation import Slug, StorableText

WebhookUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=2000)]
Description = Annotated[StorableText, StringConstraints(strip_whitespace=True, max_length=500)]
EventTypes = Annotated[list[Annotated[str, StringConstraints(max_length=80)]], Field(
    max_length=50, description="The event types wanted; empty for every type.")]


class EndpointCreate(BaseModel):
    url: WebhookUrl = Field(description="http(s) URL the events are posted to.")
    event_types: EventTypes = []
    description: Description = ""
    agency_code: Slug | None = Field(default=None, description=(
        "Admins only: the agency whose events it receives (none: every agency's). An agency's key admin always "
        "registers for its own agency."))


class EndpointUpdate(BaseModel):
    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    status: Literal["active", "disabled"] | None = Field(
        default=None, description="`active` turns a disabled endpoint on again; its waiting deliveries resume.")


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    agency_code: str | None
    url: str
    description: str
    event_types: list[str]
    status: Literal["active", "disabled"]
    disabled_reason: str | None = Field(description="`gone` (the endpoint answered 410), `retries_exhausted`, or "
                                                    "`manual`.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation still signs too.")
    created_by: str
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointRead):
    secret: str = Field(description="The signing secret (`whsec_…`): shown in this answer only.")


class EndpointPage(BaseModel):
    items: list[EndpointRead]


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryRead(BaseModel):
    id: int
    event_id: str
    event_type: str
    subject: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    attempt_log: list[AttemptRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    next: str | None = Field(description="Pass as `after` for older deliveries (null on the last page).")
