"""/api/health: the gateway and every service, as the status page shows them."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Literal

import aiohttp
from pydantic import BaseModel

from gateway import __version__


class ServiceHealth(BaseModel):
    name: str
    status: Literal["up", "down", "not_ready"]
    latency_ms: float | None = None
    version: str | None = None
    detail: str | None = None


class PlatformHealth(BaseModel):
    status: Literal["ok", "degraded"]
    checked_at: datetime
    services: list[ServiceHealth]


async def check_service(session: aiohttp.ClientSession, name: str, base_url: str, timeout: float) -> ServiceHealth:
    started = time.perf_counter()
    try:
        async with session.get(f"{base_url}/readyz", timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            body = await response.json(content_type=None)
            latency = round((time.perf_counter() - started) * 1000, 2)
            if response.status == 200:
                return ServiceHealth(name=name, status="up", latency_ms=latency, version=body.get("version"))
            if response.status == 503 and isinstance(body, dict) and body.get("status") == "not_ready":
                return ServiceHealth(name=name, status="not_ready", latency_ms=latency, version=body.get("version"),
                                     detail=f"database: {body.get('database')} {body.get('detail') or ''}".strip())
            return ServiceHealth(name=name, status="down", latency_ms=latency, detail=f"HTTP {response.status}")
    except (TimeoutError, asyncio.TimeoutError):
        return ServiceHealth(name=name, status="down", detail=f"no answer within {timeout:g} s")
    except (aiohttp.ClientError, ValueError) as exc:
        return ServiceHealth(name=name, status="down", detail=type(exc).__name__)


async def platform_health(session: aiohttp.ClientSession, service_urls: dict[str, str], timeout: float) -> PlatformHealth:
    checks = await asyncio.gather(*(check_service(session, name, url, timeout) for name, url in service_urls.items()))
    services = [ServiceHealth(name="gateway", status="up", latency_ms=0.0, version=__version__), *checks]
    overall = "ok" if all(s.status == "up" for s in services) else "degraded"
    return PlatformHealth(status=overall, checked_at=datetime.now(UTC), services=services)
