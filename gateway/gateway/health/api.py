"""The platform's health: the gateway and every service behind it."""

from fastapi import APIRouter

from gateway.deps import State
from gateway.health.schemas import PlatformHealth
from gateway.health.service import platform_health

router = APIRouter(tags=["platform"])


@router.get("/api/health", response_model=PlatformHealth, summary="Platform health")
async def get_platform_health(state: State) -> PlatformHealth:
    """The gateway and each service: up, down (unreachable) or not ready (database not migrated)."""
    return await platform_health(state.upstreams, state.settings.health_timeout)
