"""The gateway in front of the real services, all running as processes."""

import httpx
import pytest

from devtools.processes import SERVICES

pytestmark = pytest.mark.platform


def test_health_reports_every_service_up(platform):
    response = httpx.get(f"{platform.gateway_url}/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert [s["name"] for s in body["services"]] == ["gateway", *SERVICES]
    assert {s["status"] for s in body["services"]} == {"up"}


def test_routes_to_each_service_and_keeps_the_request_id(platform):
    for name in SERVICES:
        response = httpx.get(f"{platform.gateway_url}/api/{name}/healthz", headers={"X-Request-ID": f"rid-{name}"})
        assert response.status_code == 200
        assert response.json()["service"] == name
        assert response.headers["x-request-id"] == f"rid-{name}"
        assert response.headers.get_list("date") == [response.headers["date"]]


def test_service_errors_pass_through_as_problem_json(platform):
    response = httpx.get(f"{platform.gateway_url}/api/agencies/no-such-thing?x=1")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/no-such-thing"


def test_a_large_request_body_streams_through(platform):
    body = b"x" * (3 * 1024 * 1024)
    response = httpx.post(f"{platform.gateway_url}/api/funding/healthz", content=body)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


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
        assert f"/api/{name}/healthz" in document["paths"]
        assert document["paths"][f"/api/{name}/healthz"]["get"]["operationId"] == f"{name}-health-alive"
        assert f"{name.capitalize()}Problem" in document["components"]["schemas"]
    assert "/api/health" in document["paths"]
    assert httpx.get(f"{platform.gateway_url}/api/docs").status_code == 200
