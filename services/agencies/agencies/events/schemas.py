"""The feed's and the relay's event shapes."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from servicekit.validation import Slug, StorableJSON


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="Stable id; a webhook delivery carries it as `webhook-id`.")
    type: str = Field(examples=["report.returned"])
    source: str = Field(description="The service that recorded it.")
    subject: str = Field(examples=["report/17"], description="What it is about; events of one subject are in order.")
    agencies: list[str] = Field(description="The agencies it concerns (their codes).")
    occurred_at: datetime
    data: dict[str, Any] = Field(validation_alias="payload")


class EventPage(BaseModel):
    items: list[EventRead]
    next: str = Field(description="Pass as `after` to read on; given also on the last page, to poll with later.")
    has_more: bool = Field(description="More events are already waiting after this page.")


class EventTypeRead(BaseModel):
    name: str
    source: str
    summary_zh: str
    summary_en: str
    example: dict[str, Any]


class EventCreate(BaseModel):
    """An event another service recorded in its outbox, relayed here in order."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{8,64}$")
    type: str = Field(max_length=80)
    occurred_at: datetime
    subject: str = Field(min_length=1, max_length=200)
    agencies: list[Slug] = Field(max_length=50)
    payload: StorableJSON


class EventBatchCreate(BaseModel):
    events: list[EventCreate] = Field(min_length=1, max_length=500)


class EventBatchResult(BaseModel):
    recorded: int = Field(description="Events stored now.")
    duplicates: int = Field(description="Events stored before (a resend); nothing changed for them.")
