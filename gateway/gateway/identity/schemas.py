from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool

from gateway.types import AgencyCode, DisplayName, Password, Username, UserRole
from servicekit.validation import StorableText


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Password
    display_name: DisplayName
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
    role: UserRole
    agency_code: str | None
    is_agency_admin: bool
    is_active: bool
    is_demo: bool
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    display_name: DisplayName
    email: EmailStr | None = None
    role: UserRole
    agency_code: AgencyCode | None = Field(default=None, description="Required for a reviewer: their agency.")
    is_agency_admin: StrictBool = False
    password: Password | None = Field(default=None, description="Leave out to have one generated and shown once.")


class UserCreated(UserRead):
    initial_password: str | None = Field(description="Shown once, only when the password was generated.")


class UserUpdate(BaseModel):
    """Fields left out stay as they are; none of them may be set to null."""

    model_config = ConfigDict(extra="forbid")
    # Not Optional: an explicit null is a 422, while a field left out keeps its value (the None default).
    display_name: DisplayName = None  # type: ignore[assignment]
    is_active: StrictBool = None  # type: ignore[assignment]
    is_agency_admin: StrictBool = None  # type: ignore[assignment]


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
    page: int
    size: int
