from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devtools.processes import free_port
from gateway.config import GatewaySettings
from gateway.main import create_app
from servicekit.testing import asgi_lifespan, migrated_database

GATEWAY_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def gateway_database_url() -> Iterator[str]:
    """The gateway's own database (users, refresh tokens, API keys), built by its migrations."""
    with migrated_database(GATEWAY_DIR, "gateway") as url:
        yield url


@pytest.fixture
def settings_for(gateway_database_url):
    def make(tmp_path, **overrides) -> GatewaySettings:
        closed = f"http://127.0.0.1:{free_port()}"
        values = {"agencies_url": closed, "applications_url": closed, "funding_url": closed, "spa_dir": tmp_path,
                  "log_format": "text", "database_url": gateway_database_url,
                  # The services are absent on purpose: each request finds them so (502), no pause between.
                  "upstream_failure_threshold": 1000, **overrides}
        return GatewaySettings(**values)

    return make



@pytest.fixture
async def make_client():
    stack = []

    async def _make(settings: GatewaySettings, address: str = "127.0.0.1") -> httpx.AsyncClient:
        app = create_app(settings)
        lifespan = asgi_lifespan(app)
        await lifespan.__aenter__()
        transport = httpx.ASGITransport(app=app, client=(address, 123))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        stack.append((lifespan, client))
        return client

    yield _make
    for lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
