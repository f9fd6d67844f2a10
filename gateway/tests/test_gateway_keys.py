"""Agency API keys and the gateway's limits, headers and CORS. The services behind this gateway are
absent on purpose: a request that passes authentication gets 502 from the proxy, one that fails gets 401."""

import os
import uuid

import pytest
import redis

from gateway_factories import create_api_key, signed_in_as


@pytest.fixture
async def gateway(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("spa")
    return await make_client(settings_for(tmp_path, login_rate_limit="1000/minute", api_key_rate_limit="5/minute"))


async def create_key(client, headers, agency="prov-hrss-dept", scopes=("reports:write",)):
    # Creating a key asks the agencies service whether the agency exists; it is absent in these tests,
    # so keys are made in the service layer here and the HTTP path is covered with the real platform.
    return await client.post("/api/admin/api-keys", headers=headers,
                             json={"agency_code": agency, "name": "对接", "scopes": list(scopes)})


async def test_key_creation_needs_the_agency_service_to_confirm_the_agency(gateway, gateway_database_url):
    headers = await signed_in_as(gateway, gateway_database_url, role="admin")
    response = await create_key(gateway, headers)
    assert response.status_code == 503
    assert response.json()["code"] == "agency_check_unavailable"


async def test_a_key_works_until_revoked_and_rotation_replaces_it_at_once(gateway, gateway_database_url):
    headers = await signed_in_as(gateway, gateway_database_url, role="admin")
    key, secret = await create_api_key(gateway_database_url, "prov-hrss-dept")
    assert (await gateway.get("/api/agencies/tasks", headers={"X-API-Key": secret})).status_code == 502
    assert (await gateway.get("/api/agencies/tasks", headers={"Authorization": f"Bearer {secret}"})).status_code == 502

    listed = await gateway.get("/api/admin/api-keys", headers=headers, params={"agency_code": "prov-hrss-dept"})
    assert key.id in [k["id"] for k in listed.json()["items"]]
    assert secret not in listed.text and "secret" not in listed.text

    rotated = await gateway.post(f"/api/admin/api-keys/{key.id}/rotate", headers=headers)
    assert rotated.status_code == 201
    new_secret = rotated.json()["secret"]
    refused = await gateway.get("/api/agencies/tasks", headers={"X-API-Key": secret})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_api_key"
    assert (await gateway.get("/api/agencies/tasks", headers={"X-API-Key": new_secret})).status_code == 502

    revoked = await gateway.post(f"/api/admin/api-keys/{rotated.json()['id']}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert (await gateway.get("/api/agencies/tasks", headers={"X-API-Key": new_secret})).status_code == 401
    again = await gateway.post(f"/api/admin/api-keys/{rotated.json()['id']}/revoke", headers=headers)
    assert again.status_code == 409


async def test_a_key_beside_another_credential_is_refused(gateway, gateway_database_url):
    _, secret = await create_api_key(gateway_database_url, "prov-hrss-dept")
    for authorization in ("Bearer not-a-token", "Basic eDp5", f"Bearer {secret}x"):
        response = await gateway.get("/api/agencies/tasks", headers={"X-API-Key": secret, "Authorization": authorization})
        assert response.status_code == 401 and response.json()["code"] == "two_credentials", authorization
    admin = await signed_in_as(gateway, gateway_database_url, role="admin")
    beside_a_token = await gateway.get("/api/agencies/tasks", headers={**admin, "X-API-Key": ""})
    assert beside_a_token.status_code == 401 and beside_a_token.json()["code"] == "two_credentials"
    same = await gateway.get("/api/agencies/tasks", headers={"X-API-Key": secret, "Authorization": f"Bearer {secret}"})
    assert same.status_code == 502  # one credential, sent both ways: passes (no service behind this gateway)


async def test_made_up_and_tampered_keys_are_refused(gateway, gateway_database_url):
    _, secret = await create_api_key(gateway_database_url, "city-dalian")
    for presented in ["tpp_000000000000_nothing", secret[:-2] + "xx", "not-a-key"]:
        response = await gateway.get("/api/funding/accounts", headers={"X-API-Key": presented})
        assert response.status_code == 401, presented


async def test_each_api_key_is_rate_limited(gateway, gateway_database_url):
    _, secret = await create_api_key(gateway_database_url, "city-dalian")
    statuses = [(await gateway.get("/api/agencies/tasks", headers={"X-API-Key": secret})).status_code
                for _ in range(7)]
    assert statuses == [502] * 5 + [429] * 2


async def test_an_agency_admin_manages_only_their_own_agency_keys(gateway, gateway_database_url):
    own = await signed_in_as(gateway, gateway_database_url, role="reviewer",
                                                    agency_code="city-dalian", is_agency_admin=True)
    plain = await signed_in_as(gateway, gateway_database_url, role="reviewer",
                                                      agency_code="city-dalian")
    other = await create_key(gateway, own, agency="city-shenyang")
    assert other.status_code == 403 and other.json()["code"] == "not_your_agency"
    assert (await gateway.get("/api/admin/api-keys", headers=plain)).status_code == 403
    listed = await gateway.get("/api/admin/api-keys", headers=own, params={"agency_code": "city-shenyang"})
    assert {k["agency_code"] for k in listed.json()["items"]} <= {"city-dalian"}


async def test_oversized_bodies_are_refused_before_reaching_a_service(tmp_path, make_client, settings_for):
    client = await make_client(settings_for(tmp_path, max_body_bytes=1000))
    response = await client.post("/api/agencies/reports", content=b"x" * 2000,
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_security_headers_and_request_id_on_every_response(gateway):
    for path in ["/", "/api/health", "/api/agencies/tasks", "/api/nothing"]:
        response = await gateway.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert len(response.headers["x-request-id"]) == 32


async def test_cors_only_for_configured_origins(tmp_path, make_client, settings_for):
    client = await make_client(settings_for(tmp_path, cors_origins=["https://portal.example.gov.cn"]))
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-API-Key"}
    allowed = await client.options("/api/agencies/tasks", headers={"Origin": "https://portal.example.gov.cn",
                                                                   **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.gov.cn"
    other = await client.options("/api/agencies/tasks", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers


def redis_url() -> str | None:
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
        return "async+redis://127.0.0.1:6379/7"
    except redis.RedisError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        return None


async def test_gateway_replicas_share_the_login_limit_in_redis(tmp_path, make_client, settings_for):
    url = redis_url()
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    # The SQLite and PostgreSQL passes run at once against one Redis: each run signs in from its own
    # address as its own user, so neither counts the other's attempts.
    run = uuid.uuid4().hex
    address, username = f"2001:db8::{run[:4]}:{run[4:8]}", f"nobody-{run[:12]}"
    first = await make_client(settings_for(tmp_path, rate_limit_storage=url, login_rate_limit="4/minute"), address)
    second = await make_client(settings_for(tmp_path, rate_limit_storage=url, login_rate_limit="4/minute"), address)
    statuses = []
    for attempt in range(6):
        client = first if attempt % 2 == 0 else second
        response = await client.post("/api/auth/login", json={"username": username, "password": "x" * 12})
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 401, 429, 429]
