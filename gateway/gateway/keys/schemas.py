from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gateway.types import KNOWN_SCOPES, AgencyCode, KeyName, Scope


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency_code: AgencyCode
    name: KeyName
    scopes: list[Scope] = Field(min_length=1, max_length=len(KNOWN_SCOPES))


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    agency_code: str
    name: str
    prefix: str
    scopes: list[str]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    replaced_by_id: int | None


class ApiKeyCreated(ApiKeyRead):
    secret: str = Field(description="The whole key. Shown once: store it now, it cannot be shown again.")


class ApiKeyPage(BaseModel):
    items: list[ApiKeyRead]
    total: int
    page: int
    size: int
