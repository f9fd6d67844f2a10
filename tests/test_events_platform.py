"""Events and webhooks on the running platform, through the gateway: an agency's key admin registers an endpoint
(the gateway forwards that right), a report's steps reach a receiver on loopback signed, the applications
service's workflow steps reach the agencies' feed through its outbox relay, and no personal data is in them."""

import asyncio
import json

import httpx
import pytest
import uvicorn
from standardwebhooks import Webhook

from applications_flow import PERSONAL, application_on_notice

pytestmark = pytest.mark.platform

HRSS, DALIAN = "prov-hrss-dept", "city-dalian"
T5 = "t05-doctors-postdocs"


async def until(check, seconds: float = 20.0):  # noqa: ANN001, ANN201
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = await check()
        if result:
            return result
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_webhooks_and_the_feed_through_the_gateway(platform, platform_admin):
    received: list[tuple[dict[str, str], bytes]] = []

    async def receiver(scope, receive, send) -> None:  # noqa: ANN001
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        received.append(({k.decode(): v.decode() for k, v in scope["headers"]}, body))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=1))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    hook_url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/hooks"
    try:
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as gateway:
            async def login(username: str, password: str) -> dict[str, str]:
                token = (await gateway.post("/api/v1/auth/login", json={"username": username, "password": password}))
                return {"Authorization": f"Bearer {token.json()['access_token']}"}

            admin = await login(*platform_admin)
            made = (await gateway.post("/api/v1/admin/users", headers=admin, json={
                "username": "events-keyadmin", "display_name": "事件对接员", "role": "reviewer",
                "agency_code": HRSS, "is_agency_admin": True})).json()
            key_admin = await login(made["username"], made["initial_password"])
            keys = {}
            for agency, scopes in ((HRSS, ["reports:review"]), (DALIAN, ["reports:write"])):
                created = await gateway.post("/api/v1/admin/api-keys", headers=admin,
                                             json={"agency_code": agency, "name": "事件测试", "scopes": scopes})
                keys[agency] = {"X-API-Key": created.json()["secret"]}

            endpoint = await gateway.post("/api/v1/agencies/webhooks/endpoints", headers=key_admin,
                                          json={"url": hook_url, "event_types": ["report.submitted",
                                                                                 "report.returned"]})
            assert endpoint.status_code == 201, endpoint.text
            assert endpoint.json()["agency_code"] == HRSS
            secret = endpoint.json()["secret"]

            report = await gateway.post(f"/api/v1/agencies/deliverables/{T5}/reports", headers=keys[DALIAN], json={
                "period": "2020-Q2", "value": 10, "unit": "人", "narrative": "事件测试", "evidence": []})
            assert report.status_code == 201, report.text
            returned = await gateway.post(f"/api/v1/agencies/reports/{report.json()['id']}/return",
                                          headers=keys[HRSS], json={"comment": "请补充"})
            assert returned.status_code == 200, returned.text

            verifier = Webhook(secret)

            async def both() -> list[str]:
                messages = [verifier.verify(body, headers) for headers, body in received]
                found = [m["type"] for m in messages if m["subject"] == f"report/{report.json()['id']}"]
                return found if len(found) >= 2 else []

            assert await until(both) == ["report.submitted", "report.returned"]
            gone = await gateway.delete(f"/api/v1/agencies/webhooks/endpoints/{endpoint.json()['id']}", headers=key_admin)
            assert gone.status_code == 204

            # The applications service's steps, relayed by its own process, in the reviewing agency's feed.
            application = application_on_notice(platform.service_url("applications"))

            async def relayed() -> list[dict]:
                found, after = [], {}
                while True:
                    page = await gateway.get("/api/v1/agencies/events", headers=keys[HRSS], params={
                        "type": ["application.submitted", "application.objection_filed"], "size": 100, **after})
                    assert page.status_code == 200, page.text
                    found += [e for e in page.json()["items"]
                              if e["subject"] == f"application/{application['application_id']}"]
                    if not page.json()["has_more"]:
                        return found if len(found) == 2 else []
                    after = {"after": page.json()["next"]}

            events = await until(relayed)
            assert [e["type"] for e in events] == ["application.submitted", "application.objection_filed"]
            text = json.dumps(events, ensure_ascii=False)
            assert all(value not in text for value in PERSONAL.values())
            theirs = await gateway.get("/api/v1/agencies/events", headers=keys[DALIAN],
                                       params={"type": "application.submitted", "size": 100})
            assert all(e["subject"] != f"application/{application['application_id']}" for e in theirs.json()["items"])
            assert (await gateway.get("/api/v1/agencies/webhooks/endpoints", headers=keys[HRSS])).status_code == 403
            # What receivers are sent is documented: every event type in the merged document's `webhooks`.
            documented = (await gateway.get("/api/openapi.json")).json()["webhooks"]
            types = (await gateway.get("/api/v1/agencies/events/types")).json()
            assert sorted(documented) == sorted(t["name"] for t in types)
    finally:
        server.should_exit = True
        await serving
