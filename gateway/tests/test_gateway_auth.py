"""Sign-up, sign-in, tokens and agency API keys at the gateway, on its real database."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.identity.tokens import AccessTokens
from gateway_factories import bearer, create_user, sign_in, unique
from servicekit.identity import Principal
from servicekit.settings import keys_dir


@pytest.fixture
async def gateway(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("spa")
    return await make_client(settings_for(tmp_path, login_rate_limit="1000/minute"))


@pytest.fixture
async def admin(gateway_database_url):
    """An admin account made the way the first start makes one; returns (username, password)."""
    _, username, password = await create_user(gateway_database_url, role="admin", display_name="管理员")
    return username, password


async def test_register_then_sign_in_and_read_me(gateway):
    username = unique("applicant")
    created = await gateway.post("/api/auth/register", json={
        "username": username, "password": "a-long-password", "display_name": "王五", "email": "wang@example.com"})
    assert created.status_code == 201
    assert created.json()["role"] == "applicant"
    assert "password" not in created.text and "hash" not in created.text
    tokens = await sign_in(gateway, username, "a-long-password")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
    me = await gateway.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["username"] == username and me.json()["display_name"] == "王五"


async def test_registration_validates_and_refuses_a_taken_name(gateway):
    short = await gateway.post("/api/auth/register", json={"username": "ab", "password": "short", "display_name": ""})
    assert short.status_code == 422
    assert {e["field"] for e in short.json()["errors"]} == {"body.username", "body.password", "body.display_name"}
    username = unique("dup")
    body = {"username": username, "password": "a-long-password", "display_name": "甲"}
    assert (await gateway.post("/api/auth/register", json=body)).status_code == 201
    again = await gateway.post("/api/auth/register", json=body)
    assert again.status_code == 409 and again.json()["code"] == "username_taken"


async def test_wrong_password_and_unknown_user_look_the_same(gateway, admin):
    wrong = await gateway.post("/api/auth/login", json={"username": admin[0], "password": "not-the-password"})
    nobody = await gateway.post("/api/auth/login", json={"username": unique("ghost"), "password": "whatever-123"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["code"] == nobody.json()["code"] == "invalid_credentials"


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(gateway, admin):
    first = await sign_in(gateway, *admin)
    second = (await gateway.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    replay = await gateway.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "invalid_refresh_token"
    # The theft response: the legitimate holder's newer token is revoked too.
    after = await gateway.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(gateway, admin):
    tokens = await sign_in(gateway, *admin)
    assert (await gateway.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    again = await gateway.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


async def test_login_is_rate_limited_per_ip(tmp_path, make_client, settings_for, admin):
    client = await make_client(settings_for(tmp_path, login_rate_limit="3/minute"))
    statuses = []
    for _ in range(5):
        response = await client.post("/api/auth/login", json={"username": admin[0], "password": "guess-guess"})
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429, 429]
    assert int(response.headers["retry-after"]) >= 1
    assert (response.headers["ratelimit-limit"], response.headers["ratelimit-remaining"]) == ("3", "0")
    assert response.headers["ratelimit-reset"] == response.headers["retry-after"]
    assert response.json()["code"] == "rate_limited"
    # Even the right password waits: the limit is on attempts, not failures.
    right = await client.post("/api/auth/login", json={"username": admin[0], "password": admin[1]})
    assert right.status_code == 429


def forged_tokens() -> dict[str, str]:
    """Access tokens that must all be refused: another key, expired, alg none, an HMAC with the public key."""
    principal = Principal(subject="user:1", role="admin")
    stranger = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = (keys_dir() / "gateway.pub").read_bytes()
    real = AccessTokens((keys_dir() / "gateway.pem").read_bytes(), public, timedelta(seconds=-30))
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(json.dumps({"sub": "user:1", "role": "admin", "aud": "tpp-clients",
                                                  "iss": "tpp-gateway", "exp": 9999999999}).encode()).rstrip(b"=")
    return {
        "other key": AccessTokens(stranger, public, timedelta(minutes=5)).issue(principal, session="s", version=0),
        "expired": real.issue(principal, session="s", version=0),
        "alg none": f"{header}.{claims.decode()}.",
        "hmac with public key": jwt.encode({"sub": "user:1", "role": "admin", "aud": "tpp-clients",
                                            "iss": "tpp-gateway", "exp": 9999999999},
                                           "not-the-key-material-but-long-enough-1234567890", algorithm="HS256"),
        "garbage": "not.a.token",
    }


@pytest.mark.parametrize("kind",
                         ["other key", "expired", "alg none", "hmac with public key", "garbage"])
async def test_forged_expired_and_unsigned_tokens_are_refused(gateway, kind):
    token = forged_tokens()[kind]
    me = await gateway.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert me.json()["code"] == "invalid_access_token"
    proxied = await gateway.get("/api/agencies/tasks", headers={"Authorization": f"Bearer {token}"})
    assert proxied.status_code == 401


async def test_admin_creates_users_with_a_generated_password_shown_once(gateway, admin):
    headers = bearer(await sign_in(gateway, *admin))
    username = unique("staff")
    created = await gateway.post("/api/admin/users", headers=headers, json={
        "username": username, "display_name": "管理员乙", "role": "admin"})
    assert created.status_code == 201
    password = created.json()["initial_password"]
    assert len(password) >= 16
    tokens = await sign_in(gateway, username, password)
    listed = await gateway.get("/api/admin/users", headers=headers, params={"role": "admin", "size": 100})
    assert username in [u["username"] for u in listed.json()["items"]]
    assert "initial_password" not in listed.text
    reviewer = await gateway.post("/api/admin/users", headers=headers, json={
        "username": unique("rev"), "display_name": "审核员", "role": "reviewer"})
    assert reviewer.status_code == 422 and reviewer.json()["code"] == "agency_required"
    deactivated = await gateway.patch(f"/api/admin/users/{created.json()['id']}", headers=headers,
                                      json={"is_active": False})
    assert deactivated.json()["is_active"] is False
    assert (await gateway.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401


async def test_admin_routes_refuse_anonymous_and_applicants(gateway):
    assert (await gateway.get("/api/admin/users")).status_code == 401
    username = unique("app")
    await gateway.post("/api/auth/register", json={"username": username, "password": "a-long-password",
                                                   "display_name": "丙"})
    headers = bearer(await sign_in(gateway, username, "a-long-password"))
    forbidden = await gateway.get("/api/admin/users", headers=headers)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "role_not_allowed"
    assert (await gateway.get("/api/admin/api-keys", headers=headers)).status_code == 403


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \udb8d surrogate"])
async def test_text_a_database_cannot_store_is_422_not_500(gateway, text):
    for path, body in [("/api/auth/login", {"username": text, "password": "x" * 12}),
                       ("/api/auth/login", {"username": "someone", "password": text}),
                       ("/api/auth/register", {"username": "valid-name", "password": "a-long-password",
                                               "display_name": text})]:
        response = await gateway.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (path, response.text)


async def test_admins_create_experts_who_sign_in_as_experts(gateway, admin):
    headers = bearer(await sign_in(gateway, *admin))
    username = unique("expert")
    created = await gateway.post("/api/admin/users", headers=headers, json={
        "username": username, "display_name": "评审专家甲", "role": "expert"})
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "expert" and created.json()["agency_code"] is None
    listed = await gateway.get("/api/admin/users", headers=headers, params={"role": "expert", "size": 100})
    assert listed.status_code == 200
    assert username in [u["username"] for u in listed.json()["items"]]
    assert {u["role"] for u in listed.json()["items"]} == {"expert"}
    me = await gateway.get("/api/auth/me", headers=bearer(await sign_in(gateway, username,
                                                                         created.json()["initial_password"])))
    assert me.json()["role"] == "expert"
