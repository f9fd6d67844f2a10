"""HTTP semantics at the gateway, against the running platform: versioned paths, ETags and 304, compression,
HEAD, 415/405/406, problem type pages and public `instance` paths, the offline docs page, key introspection."""

import gzip
import re
from pathlib import Path

import brotli
import httpx
import pytest

pytestmark = pytest.mark.platform

ROOT = Path(__file__).resolve().parents[2]
TASKS = "/api/v1/agencies/tasks"


@pytest.fixture(scope="module")
def api(platform):
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin_headers(platform_admin_headers) -> dict[str, str]:
    return platform_admin_headers


def test_v1_is_the_documented_path_and_the_unversioned_one_a_deprecated_alias(api):
    versioned, alias = api.get(TASKS), api.get("/api/agencies/tasks")
    assert versioned.status_code == alias.status_code == 200
    assert versioned.json() == alias.json() and versioned.json()["total"] > 0
    assert "deprecation" not in versioned.headers
    assert alias.headers["deprecation"].startswith("@")
    assert alias.headers["link"] == '</api/v1/agencies/tasks>; rel="successor-version"'
    # The gateway's own routes too.
    assert api.get("/api/v1/health").json()["status"] == "ok"
    assert api.get("/api/health").headers["link"] == '</api/v1/health>; rel="successor-version"'


def test_a_public_read_has_an_etag_and_answers_304_when_unchanged(api, admin_headers):
    first = api.get(TASKS)
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    again = api.get(TASKS, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert api.get(TASKS, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    assert api.get(TASKS, params={"size": 1}, headers={"If-None-Match": etag}).status_code == 200
    signed_in = api.get("/api/v1/admin/users", headers=admin_headers)
    assert signed_in.headers["cache-control"] == "private, no-cache" and "etag" in signed_in.headers


def test_json_and_spa_assets_are_compressed_when_asked(api):
    plain = api.get(TASKS, params={"size": 100}, headers={"Accept-Encoding": "identity"})
    with api.stream("GET", TASKS, params={"size": 100}, headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
    assert zipped.headers["content-encoding"] == "gzip" and "accept-encoding" in zipped.headers["vary"].lower()
    assert int(zipped.headers["content-length"]) == len(raw) < len(plain.content) // 3
    assert gzip.decompress(raw) == plain.content
    assert zipped.headers["etag"] == plain.headers["etag"]
    script = re.search(r'src="(/assets/[^"]+\.js)"', api.get("/").text).group(1)
    asset_plain = api.get(script, headers={"Accept-Encoding": "identity"})
    with api.stream("GET", script, headers={"Accept-Encoding": "gzip"}) as asset:
        asset_raw = b"".join(asset.iter_raw())
    assert asset.headers["content-encoding"] == "gzip" and "content-length" not in asset.headers
    assert gzip.decompress(asset_raw) == asset_plain.content
    with api.stream("GET", script, headers={"Accept-Encoding": "br, gzip"}) as asset_br:
        br_raw = b"".join(asset_br.iter_raw())
    assert asset_br.headers["content-encoding"] == "br"
    assert brotli.decompress(br_raw) == asset_plain.content and len(br_raw) < len(asset_raw)
    with api.stream("GET", TASKS, params={"size": 100}, headers={"Accept-Encoding": "gzip, br"}) as json_br:
        assert brotli.decompress(b"".join(json_br.iter_raw())) == plain.content
    print(f"\ntask list (100): {len(plain.content)} B plain, {len(raw)} B gzip; "
          f"{script}: {len(asset_plain.content)} B plain, {len(asset_raw)} B gzip, {len(br_raw)} B brotli")


@pytest.mark.parametrize("path", [TASKS, "/api/v1/health", "/api/v1/openapi.json", "/"])
def test_head_answers_every_get_route_with_its_headers_and_no_body(api, path):
    got, head = api.get(path), api.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == got.headers["content-type"]
    if path != "/api/v1/health":  # its body says how long each service took to answer
        assert head.headers["content-length"] == got.headers["content-length"]


@pytest.mark.parametrize("path", ["/api/v1/admin/api-keys", "/api/v1/agencies/deliverables/t05-doctors-postdocs/reports",
                                  "/api/v1/applications/programs"])
def test_a_body_of_the_wrong_media_type_is_415(api, admin_headers, path):
    response = api.post(path, content=b"agency_code=x", headers={**admin_headers, "Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["accept-post"] == "application/json"
    assert (response.json()["code"], response.json()["instance"]) == ("unsupported_media_type", path)
    # The same body as JSON goes on to be judged (on its content, or on who may post it).
    assert api.post(path, json={}, headers=admin_headers).status_code in (403, 422)


def test_a_known_gateway_path_with_another_method_is_405_with_allow(api):
    for path, allowed in (("/api/v1/health", "GET"), ("/api/v1/auth/login", "POST"), ("/api/health", "GET")):
        response = api.delete(path)
        assert (response.status_code, response.headers["allow"]) == (405, allowed)
        assert response.json()["code"] == "method_not_allowed"
    assert api.delete("/api/v1/no-such-route").status_code == 404


def test_an_accept_that_admits_nothing_the_route_produces_is_406(api):
    for accept in ("text/csv", "application/json;q=0, text/html", "image/*"):
        refused = api.get(TASKS, headers={"Accept": accept})
        assert refused.status_code == 406, accept
        assert refused.json()["code"] == "not_acceptable" and refused.json()["instance"] == TASKS
    for accept in ("application/json", "application/*;q=0.5", "*/*", "text/html, */*;q=0.1"):
        assert api.get(TASKS, headers={"Accept": accept}).status_code == 200, accept
    posted = api.post("/api/v1/auth/login", json={"username": "x", "password": "y"}, headers={"Accept": "text/html"})
    assert posted.status_code == 406


def _codes_in_source() -> set[str]:
    codes = set()
    for folder in (ROOT / "services", ROOT / "gateway" / "gateway", ROOT / "libs" / "servicekit" / "servicekit"):
        for source in folder.rglob("*.py"):
            if "tests" not in source.parts and "migrations" not in source.parts:
                text = source.read_text()
                codes |= set(re.findall(r'^\s+code = "(\w+)"\s*$', text, re.MULTILINE))
                codes |= set(re.findall(r'^\s+\d{3}: \("(\w+)"', text, re.MULTILINE))
    return codes


def test_every_problem_code_has_a_page_and_problems_name_the_public_path(api):
    codes = _codes_in_source()
    assert len(codes) > 100
    missing = []
    for code in sorted(codes):
        page = api.get(f"/api/v1/problems/{code}", headers={"Accept": "text/html"})
        if page.status_code != 200 or f"<code>{code}</code>" not in page.text:
            missing.append(code)
    assert missing == []
    described = api.get("/api/v1/problems/scope_missing", headers={"Accept": "application/json"}).json()
    assert described["status"] == 403 and described["services"] == ["gateway", "agencies", "applications", "funding"]
    assert described["zh-CN"] and described["en"]
    assert api.get("/api/v1/problems/no_such_code").status_code == 404
    # A service's problem names the path the client asked for, and its type leads to its page.
    problem = api.get("/api/v1/agencies/tasks/no-such-plan/1?x=1").json()
    assert problem["instance"] == "/api/v1/agencies/tasks/no-such-plan/1"
    assert api.get(problem["type"]).status_code == 200
    assert api.get("/api/agencies/no-such-thing").json()["instance"] == "/api/agencies/no-such-thing"


def test_the_docs_page_loads_nothing_from_another_host(api):
    page = api.get("/api/docs")
    assert page.status_code == 200
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
    assert "cdn" not in page.headers["content-security-policy"]
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
        assert api.get(asset).status_code == 200, asset
    assert "/swagger-ui/swagger-ui-bundle.js" in page.text
    assert api.get("/api/v1/docs").status_code == 200


def test_an_api_key_can_ask_who_it_is(api, admin_headers):
    created = api.post("/api/v1/admin/api-keys", headers=admin_headers, json={
        "agency_code": "prov-hrss-dept", "name": "自省测试", "scopes": ["reports:write", "funding:read"]})
    created.raise_for_status()
    me = api.get("/api/v1/auth/me", headers={"X-API-Key": created.json()["secret"]})
    assert me.status_code == 200
    assert {k: me.json()[k] for k in ("kind", "role", "key_id", "agency_code", "scopes", "expires_at")} == {
        "kind": "api_key", "role": "agency", "key_id": created.json()["id"], "agency_code": "prov-hrss-dept",
        "scopes": ["funding:read", "reports:write"], "expires_at": None}
    assert api.get("/api/v1/auth/me", headers=admin_headers).json()["role"] == "admin"
    assert api.get("/api/v1/auth/me").status_code == 401
