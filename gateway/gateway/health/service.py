"""/api/health: the gateway and every service (each of its replicas), as the status page shows them."""

import asyncio
import time
from datetime import UTC, datetime

import aiohttp

from gateway import __version__
from gateway.health.schemas import PlatformHealth, ServiceHealth
from gateway.proxy.upstreams import Upstream


async def check_replica(session: aiohttp.ClientSession, name: str, base_url: str, timeout: float) -> ServiceHealth:
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


async def check_service(upstream: Upstream, timeout: float) -> ServiceHealth:
    """Up when any replica is up (the others are left out of rotation); the best replica's answer otherwise."""
    assert upstream.session is not None
    checks = await asyncio.gather(*(check_replica(upstream.session, upstream.name, replica.url, timeout)
                                    for replica in upstream.replicas))
    up = [check for check in checks if check.status == "up"]
    best = up[0] if up else next((c for c in checks if c.status == "not_ready"), checks[0])
    detail = best.detail
    if up and len(up) < len(checks):
        detail = f"{len(checks) - len(up)} of {len(checks)} replicas not up"
    return best.model_copy(update={"replicas": len(checks), "replicas_up": len(up), "detail": detail})


async def platform_health(upstreams: dict[str, Upstream], timeout: float) -> PlatformHealth:
    checks = await asyncio.gather(*(check_service(upstream, timeout) for upstream in upstreams.values()))
    services = [ServiceHealth(name="gateway", status="up", latency_ms=0.0, version=__version__), *checks]
    overall = "ok" if all(s.status == "up" for s in services) else "degraded"
    return PlatformHealth(status=overall, checked_at=datetime.now(UTC), services=services)
