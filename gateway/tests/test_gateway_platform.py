"""The gateway in front of the real services, all running as processes."""

import asyncio
import http.client
import json
import os
import signal
import time

import httpx
import pytest

from devtools.processes import SERVICES, Platform, free_port

pytestmark = pytest.mark.platform


def test_health_reports_every_service_up(platform):
    response = httpx.get(f"{platform.gateway_url}/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert [s["name"] for s in body["services"]] == ["gateway", *SERVICES]
    assert {s["status"] for s in body["services"]} == {"up"}


@pytest.mark.database_agnostic
def test_routes_to_each_service_and_keeps_the_request_id(platform):
    for name in SERVICES:
        response = httpx.get(f"{platform.gateway_url}/api/{name}/healthz", headers={"X-Request-ID": f"rid-{name}"})
        assert response.status_code == 200
        assert response.json()["service"] == name
        assert response.headers["x-request-id"] == f"rid-{name}"
        assert response.headers.get_list("date") == [response.headers["date"]]


@pytest.mark.database_agnostic
def test_service_errors_pass_through_as_problem_json(platform):
    response = httpx.get(f"{platform.gateway_url}/api/agencies/no-such-thing?x=1")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/api/agencies/no-such-thing"


@pytest.mark.database_agnostic
def test_a_large_request_body_streams_through(platform):
    body = b"x" * (3 * 1024 * 1024)
    response = httpx.post(f"{platform.gateway_url}/api/funding/healthz", content=body)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.database_agnostic
def test_a_stopped_service_is_502_and_health_says_down(platform):
    platform.stop(("funding",))
    try:
        response = httpx.get(f"{platform.gateway_url}/api/funding/healthz")
        assert response.status_code == 502
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "bad_gateway"
        assert response.json()["service"] == "funding"
        health = httpx.get(f"{platform.gateway_url}/api/health").json()
        assert health["status"] == "degraded"
        states = {s["name"]: s["status"] for s in health["services"]}
        assert states == {"gateway": "up", "agencies": "up", "applications": "up", "funding": "down"}
        assert httpx.get(f"{platform.gateway_url}/api/agencies/healthz").status_code == 200
    finally:
        platform.start(("funding",))
        platform.wait_ready(names=("funding",))
    assert httpx.get(f"{platform.gateway_url}/api/funding/healthz").status_code == 200


def test_merged_openapi_has_every_service_under_its_prefix(platform):
    document = httpx.get(f"{platform.gateway_url}/api/openapi.json").json()
    for name in SERVICES:
        assert f"/api/v1/{name}/healthz" in document["paths"]
        assert document["paths"][f"/api/v1/{name}/healthz"]["get"]["operationId"] == f"{name}-health-alive"
        assert f"{name.capitalize()}Problem" not in document["components"]["schemas"]  # one shared Problem
    assert "/api/v1/health" in document["paths"]
    # The gateway's own liveness and readiness stay at its root, like every service's.
    assert [path for path in document["paths"] if not path.startswith("/api/v1/")] == ["/healthz", "/readyz"]
    assert httpx.get(f"{platform.gateway_url}/api/docs").status_code == 200


AMBIGUOUS_PATHS = [
    "/api/agencies/x/../internal/approvals",
    "/api/agencies/./internal/approvals",
    "/api/agencies/%2e/internal/approvals",
    "/api/agencies/%2E%2E/agencies/internal/approvals",
    "/api/agencies/%252e%252e/internal/approvals",
    "/api/agencies/x/..%2finternal/approvals",
    "/api/agencies/x%5c..%5cinternal/approvals",
    "/api/agencies//internal/approvals",
    "/api/x/../agencies/internal/approvals",
]


@pytest.mark.database_agnostic
@pytest.mark.parametrize("path", AMBIGUOUS_PATHS)
def test_ambiguous_paths_are_refused_before_routing(platform, path):
    # http.client sends the path as written (httpx would resolve the dot segments itself).
    connection = http.client.HTTPConnection("127.0.0.1", platform.ports["gateway"], timeout=10)
    try:
        connection.request("POST", path, body=b"{}", headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 400, body
    assert body["code"] == "ambiguous_path"


@pytest.mark.database_agnostic
def test_a_hung_service_does_not_stall_the_others(platform):
    """agencies stopped (SIGSTOP) with 250 requests to it in flight: funding still answers at once, and the
    requests past agencies' share are refused at once with 503 and Retry-After."""
    agencies = platform.processes["agencies"].popen
    os.kill(agencies.pid, signal.SIGSTOP)

    async def load() -> tuple[float, list]:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=6, limits=limits) as client:
            hung = [asyncio.create_task(client.get("/api/agencies/plans")) for _ in range(250)]
            await asyncio.sleep(1.5)
            times = []
            for _ in range(3):  # three in a row, so one scheduling hiccup of this shared machine is not the verdict
                started = time.perf_counter()
                other = await client.get("/api/funding/rules")
                times.append(time.perf_counter() - started)
                assert other.status_code == 200
            return sorted(times)[1], await asyncio.gather(*hung, return_exceptions=True)

    try:
        elapsed, answers = asyncio.run(load())
    finally:
        os.kill(agencies.pid, signal.SIGCONT)
    refused = [a for a in answers if isinstance(a, httpx.Response) and a.status_code == 503]
    print(f"funding answered in {elapsed * 1000:.0f} ms (median of 3) while agencies was stopped; "
          f"{len(refused)} of 250 agencies requests refused at once")
    assert elapsed < 1.0
    assert len(refused) >= 100
    assert all(r.json()["code"] == "upstream_busy" and int(r.headers["retry-after"]) >= 1 for r in refused)
    # Resumed, agencies answers again once the requests it held are done.
    deadline = time.monotonic() + 30
    while httpx.get(f"{platform.gateway_url}/api/agencies/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)


@pytest.mark.database_agnostic
def test_forwarded_for_is_believed_only_from_a_configured_proxy(platform, tmp_path):
    """A second gateway in front of the same services, with a strict sign-in limit: a different
    X-Forwarded-For per try does not dodge it."""
    strict = Platform(ports={**platform.ports, "gateway": free_port()}, database_urls=platform.database_urls,
                      extra_env={**platform.extra_env, "GATEWAY_LOGIN_RATE_LIMIT": "3/minute"}, log_dir=tmp_path,
                      keys_root=platform.keys_root)
    strict.start(("gateway",))
    try:
        strict.wait_ready(names=("gateway",))
        statuses = [httpx.post(f"{strict.gateway_url}/api/auth/login", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                               json={"username": f"nobody-{n}", "password": "a-wrong-guess"}).status_code
                    for n in range(5)]
    finally:
        strict.stop()
    assert statuses == [401, 401, 401, 429, 429]


def test_an_expert_made_at_the_gateway_reaches_the_experts_routes(platform, platform_admin):
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        admin = client.post("/api/auth/login", json={"username": platform_admin[0], "password": platform_admin[1]})
        created = client.post("/api/admin/users", headers={"Authorization": f"Bearer {admin.json()['access_token']}"},
                              json={"username": f"expert-{time.time_ns()}", "display_name": "专家", "role": "expert"})
        assert created.status_code == 201
        token = client.post("/api/auth/login", json={"username": created.json()["username"],
                                                      "password": created.json()["initial_password"]})
        mine = client.get("/api/applications/reviews/assignments",
                          headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert mine.status_code == 200 and mine.json() == []
