"""Events and webhooks, through the service's API with its real worker and a receiver listening on loopback: the
feed per caller, signed deliveries in order per subject, retries, disabling, secret rotation, SSRF refusals,
relayed events stored once, cursors past retention, and two workers delivering each attempt once."""

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from standardwebhooks import Webhook

from agencies.config import SERVICE_DIR, AgenciesSettings
from agencies.events.service import prune
from agencies.main import create_app
from agencies.plan_cli import load_plan_files
from agencies.webhooks.delivery import RETRY_SCHEDULE, WebhookWorker
from agencies_factories import HRSS, LIAONING, POSTDOCS, admin, agency_key, applications_service, reviewer
from planfile import load_plan_file
from servicekit import clock
from servicekit.database import Database
from servicekit.testing import committing_app, identity_headers, migrated_database
from servicekit.unit_of_work import run_in_transaction

DALIAN, STATISTICS = "city-dalian", "prov-statistics-bureau"


def key_admin(agency: str = HRSS) -> dict[str, str]:
    """A reviewer who is the agency's key admin, as the gateway forwards one."""
    return identity_headers(role="reviewer", subject="u-keyadmin", agency=agency, scopes=("webhooks:manage",))


@pytest.fixture(scope="module")
def events_database() -> Iterator[str]:
    """A database of this module's own (its deliveries must not meet other tests' events), with the plan."""
    with migrated_database(SERVICE_DIR, "events") as url:
        asyncio.run(load_plan_files(url, [load_plan_file(LIAONING)]))
        yield url


def settings_for(url: str, **changes: Any) -> AgenciesSettings:
    return AgenciesSettings(**{"database_url": url, "catalog_revision_check_seconds": 0, "catalog_page_seconds": 0,
                               "webhook_worker_interval_seconds": 0.02, "webhook_retry_scale": 5e-6,
                               "webhook_allow_private_hosts": True, **changes})


@pytest.fixture
async def api(events_database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service with its webhook worker running, on the module's database."""
    async with committing_app(create_app(settings_for(events_database))) as client:
        yield client


@dataclass
class Receiver:
    """An HTTP server on loopback that answers each request as `answer(n)` says (n counts from 1)."""

    answer: Callable[[int], tuple[int, dict[str, str]]] = lambda n: (204, {})
    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    url: str = ""

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, headers = self.answer(len(self.requests) + 1)
        self.requests.append(({k.decode(): v.decode() for k, v in scope["headers"]}, body, status))
        self.arrived.append(asyncio.get_running_loop().time())
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
        await send({"type": "http.response.body", "body": b""})

    def acknowledged(self) -> list[tuple[dict[str, str], dict]]:
        return [(headers, json.loads(body)) for headers, body, status in self.requests if 200 <= status < 300]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = uvicorn.Server(uvicorn.Config(found, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=1))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    found.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/hooks"
    yield found
    server.should_exit = True
    await serving


async def until(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Poll `check` (sync or async) until it returns something true."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def register(api: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None,
                   **body: Any) -> dict[str, Any]:
    response = await api.post("/webhooks/endpoints", headers=headers or key_admin(), json={"url": url, **body})
    assert response.status_code == 201, response.text
    return response.json()


async def feed(api: httpx.AsyncClient, headers: dict[str, str], after: str | None = None,
               **params: Any) -> tuple[list[dict], str]:
    """Every event the caller can read after `after`, page by page; and the cursor to read on from."""
    events: list[dict] = []
    while True:
        response = await api.get("/events", headers=headers,
                                 params={**params, **({"after": after} if after else {}), "size": 3})
        assert response.status_code == 200, response.text
        page = response.json()
        events += page["items"]
        after = page["next"]
        if not page["has_more"]:
            return events, after


async def report_flow(api: httpx.AsyncClient, period: str, value: float) -> list[int]:
    """大连市 reports on task 5; 省人力资源社会保障厅 (its lead) returns it; it reports again and is accepted."""
    ids = []
    for decision in ("return", "accept"):
        filed = await api.post(f"/deliverables/{POSTDOCS}/reports", headers=agency_key(DALIAN),
                               json={"period": period, "value": value, "unit": "人", "narrative": "进展",
                                     "evidence": []})
        assert filed.status_code == 201, filed.text
        ids.append(filed.json()["id"])
        decided = await api.post(f"/reports/{ids[-1]}/{decision}", headers=reviewer(HRSS, "u-lead"),
                                 json={"comment": "请补充" if decision == "return" else "同意"})
        assert decided.status_code == 200, decided.text
    return ids


async def test_a_flow_reaches_the_receiver_signed_in_order_once_each_through_retries(api, receiver):
    # The receiver fails its first three requests (500, the third asking for a second's pause), then takes all.
    receiver.answer = lambda n: (500, {"Retry-After": "1"} if n == 3 else {}) if n <= 3 else (200, {})
    _, start = await feed(api, admin())
    endpoint = await register(api, receiver.url, description="省厅对接")
    assert endpoint["secret"].startswith("whsec_")
    assert "secret" not in (await api.get(f"/webhooks/endpoints/{endpoint['id']}", headers=key_admin())).json()

    first, second = await report_flow(api, "2019-Q1", 50)
    events, _ = await feed(api, agency_key(HRSS, "applications:read"), start)
    types_by_subject = defaultdict(list)
    for event in events:
        types_by_subject[event["subject"]].append(event["type"])
    assert types_by_subject[f"report/{first}"] == ["report.submitted", "report.returned"]
    assert types_by_subject[f"report/{second}"] == ["report.submitted", "report.accepted"]
    assert [e for e in events if e["type"] == "report.returned"][0]["data"] == {
        "report_id": first, "deliverable_code": POSTDOCS, "agency": DALIAN, "period": "2019-Q1", "value": 50.0,
        "unit": "人", "status": "returned"}

    await until(lambda: len(receiver.acknowledged()) == len(events))
    verifier = Webhook(endpoint["secret"])
    acknowledged = receiver.acknowledged()
    for headers, body in acknowledged:
        raw = next(b for h, b, _ in receiver.requests if h is headers)
        assert verifier.verify(raw, headers)["id"] == headers["webhook-id"] == body["id"]
    assert sorted(h["webhook-id"] for h, _ in acknowledged) == sorted(e["id"] for e in events)  # each once
    for subject, types in types_by_subject.items():
        assert [b["type"] for _, b in acknowledged if b["subject"] == subject] == types
    assert sum(1 for _, _, status in receiver.requests if status == 500) == 3
    paused = receiver.requests[2][0]["webhook-id"]
    again = next(n for n in range(3, len(receiver.requests)) if receiver.requests[n][0]["webhook-id"] == paused)
    assert receiver.arrived[again] - receiver.arrived[2] >= 1.0  # Retry-After honoured

    async def settled() -> list[dict] | None:  # the receiver has answered; the worker may not have written it yet
        log = (await api.get(f"/webhooks/endpoints/{endpoint['id']}/deliveries", headers=key_admin())).json()
        return log["items"] if {d["status"] for d in log["items"]} == {"succeeded"} else None

    log = await until(settled)
    retried = [d for d in log if d["attempts"] > 1]
    assert retried and [a["status_code"] for a in retried[0]["attempt_log"]][-1] == 200
    assert all(a["latency_ms"] >= 0 for d in log for a in d["attempt_log"])

    # Redelivered on request, with the same webhook-id.
    redo = await api.post(f"/webhooks/endpoints/{endpoint['id']}/deliveries/{log[0]['id']}/redeliver",
                          headers=key_admin())
    assert redo.status_code == 204
    await until(lambda: len(receiver.acknowledged()) == len(events) + 1)
    assert receiver.acknowledged()[-1][0]["webhook-id"] == log[0]["event_id"]

    # Rotation: the new secret is shown once; both secrets sign during the grace period.
    rotated = await api.post(f"/webhooks/endpoints/{endpoint['id']}/rotate-secret", headers=key_admin())
    assert rotated.status_code == 201 and rotated.json()["secret"] != endpoint["secret"]
    await report_flow(api, "2019-Q2", 60)
    await until(lambda: len(receiver.acknowledged()) >= len(events) + 1 + 4)
    headers, raw, _ = receiver.requests[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], rotated.json()["secret"]):
        Webhook(secret).verify(raw, headers)
    assert (await api.delete(f"/webhooks/endpoints/{endpoint['id']}", headers=key_admin())).status_code == 204


async def test_an_agency_reads_only_its_own_events_and_manages_only_its_own_endpoints(api, receiver):
    _, start = await feed(api, admin())
    await report_flow(api, "2019-Q3", 70)
    mine, _ = await feed(api, agency_key(DALIAN), start)
    lead, _ = await feed(api, reviewer(HRSS), start)
    theirs, _ = await feed(api, agency_key(STATISTICS), start)
    everything, _ = await feed(api, admin(), start)
    assert len(mine) >= 4 and theirs == []
    assert all(DALIAN in e["agencies"] for e in mine) and all(HRSS in e["agencies"] for e in lead)
    assert {e["id"] for e in mine} <= {e["id"] for e in everything}
    only_returns, _ = await feed(api, agency_key(DALIAN), start, type="report.returned")
    assert [e["type"] for e in only_returns] == ["report.returned"]

    assert (await api.get("/events", headers=identity_headers(role="applicant", subject="a1"))).status_code == 403
    assert (await api.get("/events")).status_code == 401
    bad = await api.get("/events", headers=admin(), params={"type": "no.such"})
    assert bad.status_code == 422 and bad.json()["code"] == "event_type_unknown"

    ours = await register(api, receiver.url)
    other = await register(api, receiver.url, headers=admin(), agency_code=STATISTICS)
    assert (await api.get(f"/webhooks/endpoints/{other['id']}", headers=key_admin())).status_code == 404
    listed = (await api.get("/webhooks/endpoints", headers=key_admin())).json()["items"]
    assert [e["id"] for e in listed] == [ours["id"]]
    foreign = await api.post("/webhooks/endpoints", headers=key_admin(), json={"url": receiver.url,
                                                                               "agency_code": STATISTICS})
    assert foreign.status_code == 403
    for who in (reviewer(HRSS), agency_key(HRSS)):
        assert (await api.get("/webhooks/endpoints", headers=who)).status_code == 403
    for endpoint in (ours, other):
        assert (await api.delete(f"/webhooks/endpoints/{endpoint['id']}", headers=admin())).status_code == 204


async def test_endpoints_that_fail_are_disabled_and_the_feed_keeps_every_event(api, receiver):
    receiver.answer = lambda n: (410, {})
    _, start = await feed(api, admin())
    down = await register(api, "http://127.0.0.1:9/hooks", event_types=["report.submitted"])  # nothing listens
    gone = await register(api, receiver.url, event_types=["report.submitted"])
    await report_flow(api, "2019-Q4", 80)

    async def disabled(endpoint: dict) -> dict | None:
        found = (await api.get(f"/webhooks/endpoints/{endpoint['id']}", headers=key_admin())).json()
        return found if found["status"] == "disabled" else None

    assert (await until(lambda: disabled(gone)))["disabled_reason"] == "gone"
    assert len(receiver.requests) <= 2  # both submissions may have left together; none after the 410
    assert (await until(lambda: disabled(down)))["disabled_reason"] == "retries_exhausted"
    log = (await api.get(f"/webhooks/endpoints/{down['id']}/deliveries", headers=key_admin())).json()["items"]
    assert log[-1]["status"] == "failed" and log[-1]["attempts"] == len(RETRY_SCHEDULE)
    assert len(log[-1]["attempt_log"]) == len(RETRY_SCHEDULE) and log[-1]["last_error"]

    events, _ = await feed(api, agency_key(HRSS), start)
    assert [e["type"] for e in events].count("report.submitted") == 2
    told = [e for e in events if e["type"] == "webhook.endpoint_disabled"]
    assert {(e["data"]["endpoint_id"], e["data"]["reason"]) for e in told} == {
        (gone["id"], "gone"), (down["id"], "retries_exhausted")}
    for endpoint in (down, gone):
        await api.delete(f"/webhooks/endpoints/{endpoint['id']}", headers=key_admin())


async def test_relayed_events_are_stored_once_and_only_from_their_service(api):
    event = {"id": "evt_relay_0001", "type": "application.nominated", "occurred_at": "2026-11-30T08:00:00+00:00",
             "subject": "application/42", "agencies": [HRSS, DALIAN],
             "payload": {"application_id": 42, "program_code": "p-x", "status": "nominated"}}
    for recorded in (1, 0):
        answer = await api.post("/internal/events/batch", headers=applications_service(), json={"events": [event]})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"recorded": recorded, "duplicates": 1 - recorded}
    events, _ = await feed(api, agency_key(DALIAN), type="application.nominated")
    assert [e["id"] for e in events].count("evt_relay_0001") == 1
    # Several in one batch: stored in the order given, an id given twice (or stored before) once.
    later = [{**event, "id": f"evt_relay_01{n:02d}", "subject": f"application/{n}"} for n in range(3)]
    answer = await api.post("/internal/events/batch", headers=applications_service(),
                            json={"events": [later[0], event, later[1], later[0], later[2]]})
    assert answer.json() == {"recorded": 3, "duplicates": 2}
    events, _ = await feed(api, agency_key(DALIAN), type="application.nominated")
    assert [e["id"] for e in events if e["id"].startswith("evt_relay_01")] == [e["id"] for e in later]
    wrong = await api.post("/internal/events/batch", headers=applications_service(),
                           json={"events": [{**event, "id": "evt_relay_0002", "type": "award.disbursed"}]})
    assert wrong.status_code == 422
    assert (await api.post("/internal/events/batch", headers=admin(), json={"events": [event]})).status_code == 403


async def test_webhook_urls_must_be_public_http(events_database):
    async with committing_app(create_app(settings_for(events_database, webhook_allow_private_hosts=False,
                                                      webhook_worker=False))) as api:
        for url in ("http://127.0.0.1:8000/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x",
                    "http://169.254.169.254/latest", "http://192.168.0.10/", "ftp://example.org/x",
                    "http://user:pw@93.184.216.34/x"):
            refused = await api.post("/webhooks/endpoints", headers=admin(), json={"url": url, "agency_code": HRSS})
            assert refused.status_code == 422, url
            assert refused.json()["code"] in ("webhook_url_not_allowed", "validation_failed"), url
        accepted = await register(api, "https://93.184.216.34/hooks", headers=admin(), agency_code=HRSS)
        await api.delete(f"/webhooks/endpoints/{accepted['id']}", headers=admin())


async def test_two_workers_deliver_each_attempt_once_and_a_dead_worker_loses_nothing(events_database, receiver):
    """Run on PostgreSQL, this is the replicas' proof: two workers with their own connections lease at once."""
    async with committing_app(create_app(settings_for(events_database, webhook_worker=False,
                                                      webhook_lease_seconds=0.3))) as api:
        endpoint = await register(api, receiver.url)
        batch = [{"id": f"evt_pair_{n:04d}", "type": "application.submitted", "occurred_at": "2026-11-30T08:00:00Z",
                  "subject": f"application/{n}", "agencies": [HRSS], "payload": {"application_id": n}}
                 for n in range(40)]
        assert (await api.post("/internal/events/batch", headers=applications_service(),
                               json={"events": batch})).status_code == 200

        @dataclass
        class Home:
            database: Database

        homes = [Home(Database(events_database)) for _ in range(2)]
        # Leases far longer than a round: a lease that ends mid-attempt (a stalled worker) is sent again, rightly.
        settings = settings_for(events_database, webhook_batch_size=7, webhook_lease_seconds=30)
        workers = [WebhookWorker(home, settings) for home in homes]

        # A worker that dies after the receiver got its delivery, before it wrote so; its lease is short.
        dying_worker = WebhookWorker(homes[0], settings_for(events_database, webhook_batch_size=1,
                                                            webhook_lease_seconds=0.3))
        [dying] = await dying_worker.lease()
        await dying_worker.post(dying.endpoint, dying.event)
        await dying_worker.close()

        async def drain(worker: WebhookWorker) -> None:
            idle_rounds = 0
            while idle_rounds < 20:
                idle_rounds = 0 if await worker.deliver_due() else idle_rounds + 1
                await asyncio.sleep(0.02)

        await asyncio.gather(*(drain(w) for w in workers))
        received = [h["webhook-id"] for h, _, _ in receiver.requests]
        expected = sorted(e["id"] for e in batch)
        duplicates = {i for i in received if received.count(i) > 1}
        assert sorted(set(received)) == expected
        # Only what the dead worker had sent is sent again (same webhook-id); everything else exactly once.
        assert duplicates <= {dying.event.id}
        log = (await api.get(f"/webhooks/endpoints/{endpoint['id']}/deliveries", headers=admin(),
                             params={"size": 100})).json()["items"]
        assert len(log) == 40 and {d["status"] for d in log} == {"succeeded"}
        assert sum(d["attempts"] for d in log) == 40  # one recorded attempt each: none made twice at once
        for worker, home in zip(workers, homes, strict=True):
            await worker.close()
            await home.database.dispose()
        await api.delete(f"/webhooks/endpoints/{endpoint['id']}", headers=admin())


async def test_a_cursor_past_retention_is_expired(events_database):
    app = create_app(settings_for(events_database, webhook_worker=False))
    async with committing_app(app) as api:
        _, before = await feed(api, admin())
        await report_flow(api, "2020-Q1", 90)
        pruned = await run_in_transaction(app.state.database,
                                          lambda session: prune(session, clock.now() + timedelta(days=31), 30))
        assert pruned > 0
        expired = await api.get("/events", headers=admin(), params={"after": before})
        assert expired.status_code == 410 and expired.json()["code"] == "cursor_expired"
        fresh = await api.get("/events", headers=admin())
        assert fresh.status_code == 200 and fresh.json()["items"] == []
        assert (await api.get("/events", headers=admin(), params={"after": fresh.json()["next"]})).status_code == 200
