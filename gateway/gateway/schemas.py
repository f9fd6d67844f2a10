from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from servicekit.validation import StorableText

KNOWN_SCOPES = ("reports:write", "reports:review", "applications:review", "applications:read", "funding:read")
# reports:write — post progress reports; reports:review — accept or return them (lead agencies);
# applications:* — review and read applications; funding:read — the agency's funding reports.
Scope = Literal["reports:write", "reports:review", "applications:review", "applications:read", "funding:read"]
Username = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
Password = Field(min_length=10, max_length=128, description="At least 10 characters.")


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Username
    password: StorableText = Password
    display_name: StorableText = Field(min_length=1, max_length=100)
    email: EmailStr | None = None


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: StorableText = Field(min_length=1, max_length=64)
    password: StorableText = Field(min_length=1, max_length=128)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: StorableText = Field(min_length=1, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    email: str | None
    role: Literal["applicant", "reviewer", "admin"]
    agency_code: str | None
    is_agency_admin: bool
    is_active: bool
    is_demo: bool
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Username
    display_name: StorableText = Field(min_length=1, max_length=100)
    email: EmailStr | None = None
    role: Literal["applicant", "reviewer", "admin"]
    agency_code: StorableText | None = Field(default=None, max_length=64)
    is_agency_admin: bool = False
    password: StorableText | None = Field(default=None, min_length=10, max_length=128,
                                 description="Leave out to have one generated and shown once.")


class UserCreated(UserRead):
    initial_password: str | None = Field(description="Shown once, only when the password was generated.")


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: StorableText | None = Field(default=None, min_length=1, max_length=100)
    is_active: bool | None = None
    is_agency_admin: bool | None = None


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
    page: int
    size: int


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency_code: StorableText = Field(min_length=1, max_length=64)
    name: StorableText = Field(min_length=1, max_length=100)
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
