"""What an adversarial pass found at the gateway, each answered: sign-in changes take effect on the next
request, edge input is a 4xx, streamed bodies are counted, per-account sign-in back-off, HSTS over TLS, the
embedded database readable by its owner only, a missing asset is a 404. The services are absent here."""

import asyncio
import stat

import pytest
import redis

from gateway.config import GatewaySettings
from gateway_factories import bearer, create_user, sign_in, unique
from servicekit.migrations import upgrade

from conftest import GATEWAY_DIR


@pytest.fixture
async def gateway(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("spa")
    return await make_client(settings_for(tmp_path, login_rate_limit="1000/minute",
                                          login_failure_limit="1000/minute"))


# --- a change to a user or a sign-in takes effect on the next request --------------------------------------


async def test_a_deactivated_admin_loses_every_power_with_the_next_request(gateway, gateway_database_url):
    boss_id, *boss = await create_user(gateway_database_url, role="admin")
    admin_id, *admin = await create_user(gateway_database_url, role="admin")
    boss_headers, headers = bearer(await sign_in(gateway, *boss)), bearer(await sign_in(gateway, *admin))
    assert (await gateway.get("/api/admin/users", headers=headers)).status_code == 200
    off = await gateway.patch(f"/api/admin/users/{admin_id}", headers=boss_headers, json={"is_active": False})
    assert off.status_code == 200
    # The deactivated admin's access token is refused at once: no re-activating itself, no new admin.
    again = await gateway.patch(f"/api/admin/users/{admin_id}", headers=headers, json={"is_active": True})
    assert again.status_code == 401 and again.json()["code"] == "invalid_access_token"
    created = await gateway.post("/api/admin/users", headers=headers,
                                 json={"username": unique("sneaky"), "display_name": "x", "role": "admin"})
    assert created.status_code == 401
    assert (await gateway.get("/api/agencies/tasks", headers=headers)).status_code == 401
    # Re-activated by another admin, the old token stays dead: its version has passed.
    assert (await gateway.patch(f"/api/admin/users/{admin_id}", headers=boss_headers,
                                json={"is_active": True})).status_code == 200
    assert (await gateway.get("/api/admin/users", headers=headers)).status_code == 401
    assert (await gateway.get("/api/admin/users", headers=bearer(await sign_in(gateway, *admin)))).status_code == 200


async def test_a_deactivated_agency_key_admin_cannot_make_keys(gateway, gateway_database_url):
    _, *boss = await create_user(gateway_database_url, role="admin")
    manager_id, *manager = await create_user(gateway_database_url, role="reviewer", agency_code="city-dalian",
                                           is_agency_admin=True)
    headers = bearer(await sign_in(gateway, *manager))
    assert (await gateway.get("/api/admin/api-keys", headers=headers)).status_code == 200
    await gateway.patch(f"/api/admin/users/{manager_id}", headers=bearer(await sign_in(gateway, *boss)),
                        json={"is_active": False})
    created = await gateway.post("/api/admin/api-keys", headers=headers, json={
        "agency_code": "city-dalian", "name": "x", "scopes": ["funding:read"]})
    assert created.status_code == 401


async def test_a_role_change_retires_tokens_issued_before_it(gateway, gateway_database_url):
    _, *boss = await create_user(gateway_database_url, role="admin")
    user_id, *reviewer = await create_user(gateway_database_url, role="reviewer", agency_code="city-dalian",
                                         is_agency_admin=True)
    tokens = await sign_in(gateway, *reviewer)
    assert (await gateway.get("/api/admin/api-keys", headers=bearer(tokens))).status_code == 200
    changed = await gateway.patch(f"/api/admin/users/{user_id}", headers=bearer(await sign_in(gateway, *boss)),
                                  json={"is_agency_admin": False})
    assert changed.status_code == 200
    assert (await gateway.get("/api/admin/api-keys", headers=bearer(tokens))).status_code == 401
    # Refreshing gives a token that says what is true now.
    fresh = (await gateway.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).json()
    assert (await gateway.get("/api/admin/api-keys", headers=bearer(fresh))).status_code == 403
    assert (await gateway.get("/api/auth/me", headers=bearer(fresh))).status_code == 200


async def test_signing_out_ends_that_sign_in_only(gateway, gateway_database_url):
    _, *user = await create_user(gateway_database_url, role="applicant")
    phone, laptop = await sign_in(gateway, *user), await sign_in(gateway, *user)
    assert (await gateway.post("/api/auth/logout", json={"refresh_token": phone["refresh_token"]})).status_code == 204
    assert (await gateway.get("/api/auth/me", headers=bearer(phone))).status_code == 401
    assert (await gateway.get("/api/agencies/tasks", headers=bearer(phone))).status_code == 401
    assert (await gateway.get("/api/auth/me", headers=bearer(laptop))).status_code == 200


async def test_a_reused_refresh_token_ends_the_access_tokens_of_its_sign_in(gateway, gateway_database_url):
    _, *user = await create_user(gateway_database_url, role="applicant")
    first = await sign_in(gateway, *user)
    second = (await gateway.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert (await gateway.get("/api/auth/me", headers=bearer(second))).status_code == 200
    stolen = await gateway.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert stolen.status_code == 401
    assert (await gateway.get("/api/auth/me", headers=bearer(second))).status_code == 401


def redis_available() -> bool:
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
        return True
    except redis.RedisError:
        return False


async def test_replicas_sharing_redis_see_a_deactivation_on_the_next_request(tmp_path, make_client, settings_for,
                                                                            gateway_database_url):
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    # A long local memory: without the shared state, replica B would go on admitting the old token.
    options = {"redis_url": "redis://127.0.0.1:6379/6", "session_check_seconds": 300,
               "login_rate_limit": "1000/minute"}
    replica_a = await make_client(settings_for(tmp_path, **options))
    replica_b = await make_client(settings_for(tmp_path, **options))
    _, *boss = await create_user(gateway_database_url, role="admin")
    user_id, *admin = await create_user(gateway_database_url, role="admin")
    headers = bearer(await sign_in(replica_a, *admin))
    assert (await replica_b.get("/api/admin/users", headers=headers)).status_code == 200
    off = await replica_a.patch(f"/api/admin/users/{user_id}", headers=bearer(await sign_in(replica_a, *boss)),
                                json={"is_active": False})
    assert off.status_code == 200
    assert (await replica_b.get("/api/admin/users", headers=headers)).status_code == 401


# --- edge input is a 4xx with a clear message ------------------------------------------------------------


async def test_edge_input_at_the_admin_routes_is_422_not_500(gateway, gateway_database_url):
    _, *admin = await create_user(gateway_database_url, role="admin")
    user_id, *_ = await create_user(gateway_database_url, role="applicant")
    headers = bearer(await sign_in(gateway, *admin))
    for method, path, body in [
        ("PATCH", "/api/admin/users/9223372036854775808", {"display_name": "x"}),
        ("PATCH", "/api/admin/users/99999999999999999999", {"display_name": "x"}),
        ("PATCH", "/api/admin/users/0", {"display_name": "x"}),
        ("POST", "/api/admin/api-keys/9223372036854775808/revoke", None),
        ("POST", "/api/admin/api-keys/9223372036854775808/rotate", None),
        ("PATCH", f"/api/admin/users/{user_id}", {"display_name": None}),
        ("PATCH", f"/api/admin/users/{user_id}", {"is_active": None}),
        ("POST", "/api/admin/api-keys", {"agency_code": "' OR 1=1--", "name": "x", "scopes": ["funding:read"]}),
        ("GET", "/api/admin/users?role=superuser", None),
        ("GET", "/api/admin/api-keys?agency_code=%27%20OR%201%3D1--", None),
    ]:
        response = await gateway.request(method, path, headers=headers, json=body)
        assert response.status_code == 422, (method, path, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"], response.text
    assert (await gateway.patch("/api/admin/users/2147483647", headers=headers, json={})).status_code == 404


# --- bodies are counted as they stream -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/agencies/reports"])
async def test_a_chunked_body_past_the_limit_is_413_without_being_read_whole(tmp_path, make_client,
                                                                            settings_for, path):
    async def swallow(reader, writer):  # a service that reads whatever it is sent and never answers
        while await reader.read(65536):
            pass

    service = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = service.sockets[0].getsockname()[1]
    client = await make_client(settings_for(tmp_path, max_body_bytes=64 * 1024,
                                            agencies_url=f"http://127.0.0.1:{port}"))
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(1000):  # 64 MiB offered in 64 KiB chunks, with no Content-Length
            sent += 64 * 1024
            yield b"x" * (64 * 1024)

    try:
        response = await client.post(path, content=chunks(), headers={"Content-Type": "application/json"})
    finally:
        service.close()
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    assert sent <= 3 * 64 * 1024


# --- sign-in limits --------------------------------------------------------------------------------------


async def test_repeated_failures_hold_back_the_account_from_any_address(tmp_path, make_client, settings_for,
                                                                      gateway_database_url):
    client = await make_client(settings_for(tmp_path, login_rate_limit="1000/minute", login_failure_limit="3/minute"))
    _, username, password = await create_user(gateway_database_url, role="applicant")
    statuses = [(await client.post("/api/auth/login", json={"username": username, "password": "wrong-guess"},
                                   headers={"X-Forwarded-For": f"198.51.100.{n}"})).status_code for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    right = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    # Another account is not held back.
    _, other, other_password = await create_user(gateway_database_url, role="applicant")
    assert (await client.post("/api/auth/login", json={"username": other, "password": other_password})).status_code == 200


# --- headers, files and the SPA --------------------------------------------------------------------------


async def test_hsts_is_sent_over_tls_only_and_can_be_turned_off(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("spa")
    client = await make_client(settings_for(tmp_path))
    over_tls = await client.get("https://testserver/")
    assert over_tls.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "strict-transport-security" not in (await client.get("http://testserver/")).headers
    off = await make_client(settings_for(tmp_path, hsts_max_age=0))
    assert "strict-transport-security" not in (await off.get("https://testserver/")).headers


async def test_a_missing_asset_is_404_not_the_spa(gateway):
    for path in ["/assets/none.js", "/assets/app-123.css", "/favicon-missing.png"]:
        response = await gateway.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    route = await gateway.get("/applications/12")
    assert route.status_code == 200 and route.text == "spa"


def test_the_embedded_database_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("TPP_DATA_DIR", str(tmp_path))
    url = GatewaySettings(database_url="").resolved_database_url()
    upgrade(GATEWAY_DIR, url)
    for name in ("gateway.sqlite3",):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600, oct(mode)


async def test_a_configured_proxy_is_believed_about_the_caller_and_the_scheme(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("spa")
    # The test client connects from 127.0.0.1: here that is the trusted reverse proxy.
    client = await make_client(settings_for(tmp_path, trusted_proxies=["127.0.0.1"], login_rate_limit="2/minute",
                                            login_failure_limit="1000/minute"))
    statuses = [(await client.post("/api/auth/login", json={"username": "nobody-here", "password": "a-wrong-guess"},
                                   headers={"X-Forwarded-For": f"203.0.113.{n % 2}"})).status_code for n in range(4)]
    assert statuses == [401, 401, 401, 401]  # two callers, two tries each: neither is over its limit
    assert (await client.post("/api/auth/login", json={"username": "nobody-here", "password": "a-wrong-guess"},
                              headers={"X-Forwarded-For": "203.0.113.0"})).status_code == 429
    behind_tls = await client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in behind_tls.headers
