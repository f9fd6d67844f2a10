"""What every service promises whatever its resources: health, readiness, problem+json, request ids,
OpenAPI, and migrations that go down and up again on this run's backend."""

import importlib

import pytest

from servicekit.migrations import downgrade, upgrade
from servicekit.testing import migrated_database, no_background_workers, rolled_back_app, scratch_database

SERVICES = ["agencies", "applications", "funding"]


def build_app(name: str, database_url: str):
    config = importlib.import_module(f"{name}.config")
    settings_class = next(v for k, v in vars(config).items() if k.endswith("Settings") and k != "ServiceSettings")
    return importlib.import_module(f"{name}.main").create_app(
        settings_class(database_url=database_url, **no_background_workers(settings_class)))


@pytest.fixture(scope="module", params=SERVICES)
def service(request):
    name = request.param
    service_dir = importlib.import_module(f"{name}.config").SERVICE_DIR
    with migrated_database(service_dir, name) as url:
        yield name, service_dir, url


@pytest.fixture
async def client(service):
    name, _, url = service
    async with rolled_back_app(build_app(name, url), url) as test_client:
        yield test_client


async def test_healthz_says_alive(service, client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": service[0], "version": "0.1.0"}


async def test_readyz_is_ok_on_a_migrated_database(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_readyz_is_503_on_a_database_without_migrations(service):
    name = service[0]
    with scratch_database(f"{name}_empty") as url:
        async with rolled_back_app(build_app(name, url), url) as empty_client:
            response = await empty_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "not_migrated"


async def test_unknown_route_is_problem_json_with_request_id(client):
    response = await client.get("/no-such-route", headers={"X-Request-ID": "test-req-1"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "test-req-1"
    body = response.json()
    assert body["code"] == "not_found"
    assert body["request_id"] == "test-req-1"
    assert body["messages"]["en"] == "The requested resource was not found."
    assert body["detail"] == "未找到请求的资源。"


async def test_english_is_chosen_by_accept_language(client):
    response = await client.get("/no-such-route", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.json()["detail"] == "The requested resource was not found."


async def test_a_request_id_is_made_when_none_is_sent(client):
    response = await client.get("/healthz")
    assert len(response.headers["x-request-id"]) == 32


async def test_openapi_documents_errors_as_problem_json(client):
    document = (await client.get("/openapi.json")).json()
    alive = document["paths"]["/healthz"]["get"]
    assert alive["operationId"] == "health-alive"
    assert "application/problem+json" in alive["responses"]["5XX"]["content"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_migrations_go_down_and_up_again(service):
    name, service_dir, url = service
    downgrade(service_dir, url, "base")
    upgrade(service_dir, url, "head")
