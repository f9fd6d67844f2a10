from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ServiceHealth(BaseModel):
    name: str
    status: Literal["up", "down", "not_ready"]
    latency_ms: float | None = None
    version: str | None = None
    detail: str | None = None
    replicas: int = 1
    replicas_up: int | None = None


class PlatformHealth(BaseModel):
    status: Literal["ok", "degraded"]
    checked_at: datetime
    services: list[ServiceHealth]
