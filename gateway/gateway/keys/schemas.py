from datetime import datetime

from typing import Literal

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


class ApiKeyIdentity(BaseModel):
    """Who an API key is: what `GET /api/v1/auth/me` answers for a key."""

    kind: Literal["api_key"] = "api_key"
    role: Literal["agency"] = "agency"
    key_id: int
    name: str
    prefix: str
    agency_code: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = Field(default=None, description="Keys do not expire (always null): one ends "
                                        "when it is rotated or revoked.")
