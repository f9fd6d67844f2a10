"""Events and webhooks under report load: clients file progress reports and their lead agency returns them
(two events each, report.submitted and report.returned) on the agencies service for a while, with one webhook
endpoint (an admin's, every agency's events) pointing at a receiver in this process. Prints the events recorded
per second during the load, and the delivery latency (from the event's time to its arrival at the receiver)
p50/p99, once every event has arrived.

    .venv/bin/python bench/events.py [--seconds 10] [--clients 8] [--postgres]

The receiver verifies every signature (standardwebhooks) and counts each webhook-id once."""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import uvicorn
from standardwebhooks import Webhook

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR] + [str(BENCH_DIR)]

from devtools.processes import running_platform  # noqa: E402
from servicekit.testing import identity_headers  # noqa: E402

DELIVERABLE = "t05-doctors-postdocs"  # task 5: lead 省人力资源社会保障厅; responsible 各市 (every city)
LEAD = "prov-hrss-dept"
CITIES = ["city-shenyang", "city-dalian", "city-anshan", "city-fushun", "city-benxi", "city-dandong",
          "city-jinzhou", "city-yingkou", "city-fuxin", "city-liaoyang", "city-tieling", "city-chaoyang",
          "city-panjin", "city-huludao"]


class Receiver:
    """Verifies each delivery with the endpoint's secret (`verifier`, set once the endpoint is registered)."""

    def __init__(self) -> None:
        self.verifier = None
        self.latencies: dict[str, float] = {}
        self.arrivals: dict[tuple[str, str], float] = {}
        self.bad = 0

    async def __call__(self, scope: dict, receive, send) -> None:  # noqa: ANN001
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        arrived = time.time()
        try:
            event = self.verifier.verify(body, {k.decode(): v.decode() for k, v in scope["headers"]})
            self.latencies.setdefault(event["id"], arrived - datetime.fromisoformat(event["timestamp"]).timestamp())
            self.arrivals.setdefault((event["subject"], event["type"]), arrived)
        except Exception:  # noqa: BLE001 - a bad signature is counted, not raised
            self.bad += 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def count_events(api: httpx.AsyncClient) -> int:
    total, after = 0, {}
    while True:
        page = (await api.get("/events", headers=identity_headers(role="admin", subject="bench"),
                              params={"size": 100, **after})).json()
        total += len(page["items"])
        if not page["has_more"]:
            return total
        after = {"after": page["next"]}


async def run(agencies_url: str, seconds: float, clients: int) -> None:
    admin = identity_headers(role="admin", subject="bench")
    async with httpx.AsyncClient(base_url=agencies_url, timeout=60) as api:
        receiver = Receiver()
        server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=0, log_level="warning",
                                               lifespan="off", timeout_graceful_shutdown=1))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        endpoint = (await api.post("/webhooks/endpoints", headers=admin,
                                   json={"url": f"http://127.0.0.1:{port}/hooks"})).json()
        receiver.verifier = Webhook(endpoint["secret"])
        before = await count_events(api)

        lead = identity_headers(role="agency", subject="key:bench-lead", agency=LEAD, scopes=("reports:review",))
        filed = 0
        answered: dict[tuple[str, str], float] = {}  # when the client had the answer (the change committed)

        async def client(city: str) -> None:
            nonlocal filed
            key = identity_headers(role="agency", subject=f"key:bench-{city}", agency=city, scopes=("reports:write",))
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                report = await api.post(f"/deliverables/{DELIVERABLE}/reports", headers=key, json={
                    "period": "2019-Q1", "value": 1, "unit": "人", "narrative": "压测", "evidence": []})
                report.raise_for_status()
                subject = f"report/{report.json()['id']}"
                answered[(subject, "report.submitted")] = time.time()
                (await api.post(f"/reports/{report.json()['id']}/return", headers=lead,
                                json={"comment": "压测退回"})).raise_for_status()
                answered[(subject, "report.returned")] = time.time()
                filed += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(city) for city in (CITIES * (clients // len(CITIES) + 1))[:clients]))
        elapsed = time.perf_counter() - started
        recorded = await count_events(api) - before
        waited = time.perf_counter()
        while len(receiver.latencies) < recorded and time.perf_counter() - waited < 120:
            await asyncio.sleep(0.1)
        latencies = sorted(receiver.latencies.values())
        print(f"reports filed and returned: {filed} in {elapsed:.1f} s with {clients} clients")
        print(f"events recorded: {recorded} ({recorded / elapsed:.0f} events/s during the load)")
        print(f"deliveries arrived: {len(latencies)} of {recorded}, bad signatures: {receiver.bad}, "
              f"drained {time.perf_counter() - waited:.1f} s after the load")
        if latencies:
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            print(f"delivery latency: p50 {p50:.0f} ms, p99 {p99:.0f} ms (event time, the start of the request that "
                  "made it → arrival at the receiver)")
        after_answer = sorted(receiver.arrivals[k] - at for k, at in answered.items() if k in receiver.arrivals)
        if after_answer:
            p50 = statistics.median(after_answer) * 1000
            p99 = after_answer[min(len(after_answer) - 1, int(len(after_answer) * 0.99))] * 1000
            print(f"after the answer: p50 {p50:.0f} ms, p99 {p99:.0f} ms (the client has the 2xx, so the change is "
                  "committed → arrival; negative when the webhook came first)")
        server.should_exit = True
        await serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    backend = "postgresql" if args.postgres else "sqlite"
    os.environ["TPP_TEST_BACKEND"] = backend
    # The receiver is on loopback; everything else as `manage.py start` runs it.
    with running_platform(extra_env={"AGENCIES_WEBHOOK_ALLOW_PRIVATE_HOSTS": "true"}) as platform:
        print(f"\nbackend: {backend}, {os.cpu_count()} CPUs (load and receiver on the same machine)\n")
        asyncio.run(run(platform.service_url("agencies"), args.seconds, args.clients))


if __name__ == "__main__":
    main()
