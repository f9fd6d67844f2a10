"""The approval saga across real processes: the applications service as separate replicas (two on PostgreSQL,
one on SQLite), the funding service with two workers (one on SQLite) and the agencies service, each a uvicorn
process on its own migrated database with the plan loaded. Applications are brought to "ready for decision"
through the applications API in this process (its clock frozen in the 2019 call's window and moved past the
public notice); the decisions then go to the replicas at once.

Proved: many concurrent approvals against a quota approve exactly the quota, the others are told "quota
exhausted"; the ledger holds exactly that many commitments of the right amount and nothing stays reserved; the
derived deliverable counts exactly that many (per city when the call has allocations). And with funding killed
(kill -9) in the middle of approvals and the agencies service stopped, once they are back and the reconciler
has run, approvals, quota counters, ledger and deliverable agree exactly."""

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from approvals_flow import YEAR, admin, ok, ready_for_decision
from devtools.platform import load_plan_data
from devtools.processes import ROOT, Process, free_port
from servicekit.testing import backend_under_test, migrated_database

POSTGRES = backend_under_test() == "postgresql"
REPLICAS = 2 if POSTGRES else 1
FUNDING_WORKERS = 2 if POSTGRES else 1
YUAN = 100


# --- the processes -----------------------------------------------------------------------------------------


@dataclass
class SagaPlatform:
    database_urls: dict[str, str]
    folder: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def replicas(self) -> list[str]:
        return [self.url(f"applications-{i}") for i in range(REPLICAS)]

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "TPP_DATA_DIR": str(self.folder),
               "APPLICATIONS_FUNDING_URL": self.url("funding"), "APPLICATIONS_AGENCIES_URL": self.url("agencies"),
               "APPLICATIONS_SAGA_WORKER_INTERVAL_SECONDS": "0.2", "APPLICATIONS_RECONCILE_EVERY_SECONDS": "3600",
               "APPLICATIONS_STALE_RESERVATION_SECONDS": "2", "APPLICATIONS_FUNDING_TIMEOUT_SECONDS": "3",
               "APPLICATIONS_AGENCIES_TIMEOUT_SECONDS": "3",
               # Five processes and the other tests of the run share the server's max_connections.
               **{f"{name.upper()}_DATABASE_POOL_SIZE": "5" for name in ("agencies", "applications", "funding")}}
        for name, url in self.database_urls.items():
            env[f"{name.upper()}_DATABASE_URL"] = url
        return env

    def start(self, name: str) -> None:
        service = name.split("-")[0]
        command = [sys.executable, "-m", "uvicorn", f"{service}.main:app", "--host", "127.0.0.1", "--port",
                   str(self.ports[name]), "--no-access-log", "--timeout-graceful-shutdown", "3"]
        if service == "funding" and FUNDING_WORKERS > 1:
            command += ["--workers", str(FUNDING_WORKERS)]
        process = Process(name, command, self.environment(), log_path=self.folder / f"{name}.log")
        process.start()
        self.processes[name] = process

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.processes[name].alive():
                raise RuntimeError(f"{name} exited; see {self.folder / (name + '.log')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url(name)}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"{name} not ready")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """The whole process group (uvicorn's supervisor and its workers), as a crash would take them."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)
        process.popen.wait(15)


@pytest.fixture(scope="module")
def saga_platform() -> Iterator[SagaPlatform]:
    with tempfile.TemporaryDirectory(prefix="tpp-saga-") as folder, contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(migrated_database(ROOT / "services" / name, name))
                for name in ("agencies", "applications", "funding")}
        load_plan_data(urls)
        platform = SagaPlatform(urls, Path(folder))
        names = ["agencies", "funding", *(f"applications-{i}" for i in range(REPLICAS))]
        platform.ports = {name: free_port() for name in names}
        try:
            for name in names:
                platform.start(name)
            for name in names:
                platform.wait_ready(name)
            yield platform
        except BaseException:
            for log in Path(folder).glob("*.log"):
                print(f"--- {log.name}\n{log.read_text()[-3000:]}")
            raise
        finally:
            # Shown with a failing test's teardown: what went wrong inside the services.
            for log in Path(folder).glob("*.log"):
                text = log.read_text()
                if "Traceback" in text:
                    start = max(0, text.index("Traceback") - 300)
                    print(f"--- {log.name}\n{text[start:start + 6000]}")
            for process in platform.processes.values():
                if process.alive():
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.popen.pid, signal.SIGTERM)
            for process in platform.processes.values():
                with contextlib.suppress(Exception):
                    process.popen.wait(10)


def set_budget(saga_platform: SagaPlatform, program: str, amount_fen: int) -> None:
    ok(httpx.put(f"{saga_platform.url('funding')}/budgets/{program}/{YEAR}", headers=admin(), timeout=30,
                 json={"amount_fen": amount_fen, "reason": "测试预算", "id": f"test-budget-{program}-{time.time_ns()}"}))


async def decide_all(saga_platform: SagaPlatform, ids: list[int]) -> list[httpx.Response]:
    """Every decision at once, spread over the replicas in turn."""
    replicas = saga_platform.replicas
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=400)) as client:
        return list(await asyncio.gather(*(
            client.post(f"{replicas[i % len(replicas)]}/applications/{application_id}/decision", headers=admin(),
                        json={"decision": "approve", "comment": "经研究同意"})
            for i, application_id in enumerate(ids))))


# --- what every service says, checked together -----------------------------------------------------------------


def agreement(saga_platform: SagaPlatform, call: dict, rule: str, amount: int, deliverable: str,
              counted_before: float) -> dict[str, Any]:
    """What the applications, funding and agencies services each say of the call's approvals."""
    replica = saga_platform.replicas[0]
    quota = ok(httpx.get(f"{replica}/calls/{call['id']}/quota", timeout=30))
    approved = ok(httpx.get(f"{replica}/applications", headers=admin(), timeout=30, params={
        "call_id": call["id"], "state": "approved", "size": 100}))["total"]
    awards = ok(httpx.get(f"{saga_platform.url('funding')}/awards", headers=admin(), timeout=30, params={
        "program_code": rule, "fiscal_year": YEAR, "size": 100}))["items"]
    budget = ok(httpx.get(f"{saga_platform.url('funding')}/budgets/{rule}/{YEAR}", headers=admin(), timeout=30))
    verify = ok(httpx.get(f"{saga_platform.url('funding')}/ledger/verify", headers=admin(), timeout=60))
    progress = ok(httpx.get(f"{saga_platform.url('agencies')}/deliverables/{deliverable}", timeout=30))
    committed = [a for a in awards if a["committed_fen"] > 0]
    return {
        "quota": (quota["approved"], quota["reserved"]), "approved_applications": approved,
        "commitments": len(committed), "commitment_amounts": {a["committed_fen"] for a in committed} or {amount},
        "budget_reserved": budget["figures"]["reserved"], "budget_committed": budget["figures"]["committed"],
        "ledger_ok": verify.get("ok", verify.get("consistent")),
        "deliverable": progress["progress"]["value"] - counted_before, "by_agency": progress["by_agency"],
    }


def settle(saga_platform: SagaPlatform, expect: int, check, timeout: float = 60) -> dict[str, Any]:  # noqa: ANN001
    """The figures once the saga's workers have finished (what another service answered late lands a little
    after the decisions' answers)."""
    deadline = time.monotonic() + timeout
    while True:
        figures = check()
        if (figures["quota"] == (expect, 0) and figures["commitments"] == expect and figures["budget_reserved"] == 0
                and figures["deliverable"] == expect) or time.monotonic() > deadline:
            return figures
        time.sleep(0.5)


def counted(saga_platform: SagaPlatform, deliverable: str) -> float:
    return ok(httpx.get(f"{saga_platform.url('agencies')}/deliverables/{deliverable}", timeout=30))["progress"]["value"]


# --- the proofs ----------------------------------------------------------------------------------------------

postgres_only = pytest.mark.skipif(not POSTGRES, reason="several replicas run on PostgreSQL only")


@postgres_only
async def test_200_concurrent_approvals_against_a_quota_of_10_approve_exactly_10(saga_platform, frozen_clock):
    rule, amount, deliverable = "t01-outstanding", 3_000_000 * YUAN, "t01-outstanding-talent"
    cities = ["city-shenyang", "city-dalian", "city-anshan", "city-fushun"]
    call, ids = await ready_for_decision(saga_platform.database_urls["applications"], saga_platform.url("funding"),
                                         frozen_clock, rule, "prov-science-tech-dept",
                                         [cities[i % 4] for i in range(200)], total=10)
    set_budget(saga_platform, rule, 10 * amount)
    before = counted(saga_platform, deliverable)

    answers = await decide_all(saga_platform, ids)
    outcomes = Counter((r.status_code, r.json().get("outcome") or r.json().get("code")) for r in answers)
    # The 10 that got a place are approved in the answer, or (funding busy under the burst: 202, retried by
    # the saga's workers) shortly after; the other 190 are told the quota is exhausted.
    assert outcomes[(409, "quota_exhausted")] == 190, outcomes
    assert outcomes[(200, "approved")] + outcomes[(202, "pending")] == 10, outcomes
    print("decision answers:", dict(outcomes))
    for response in answers:
        if response.status_code == 202:
            print(ok(httpx.get(f"{saga_platform.replicas[0]}/approvals/{response.json()['approval_id']}",
                               headers=admin()))["steps"])
            break
    figures = settle(saga_platform, 10, lambda: agreement(saga_platform, call, rule, amount, deliverable, before))
    assert figures["quota"] == (10, 0)
    assert figures["approved_applications"] == 10
    assert (figures["commitments"], figures["commitment_amounts"]) == (10, {amount})
    assert (figures["budget_reserved"], figures["budget_committed"]) == (0, 10 * amount)
    assert figures["ledger_ok"] is True
    assert figures["deliverable"] == 10


async def decide_in_batches(saga_platform: SagaPlatform, ids: list[int], size: int) -> list[dict]:
    """Lists of `size` at once (`POST /decisions`), spread over the replicas in turn; every outcome."""
    replicas = saga_platform.replicas
    lists = [ids[i:i + size] for i in range(0, len(ids), size)]
    async with httpx.AsyncClient(timeout=120) as client:
        answers = await asyncio.gather(*(
            client.post(f"{replicas[i % len(replicas)]}/decisions", headers=admin(),
                        json={"decision": "approve", "application_ids": chosen, "comment": "批量审批"})
            for i, chosen in enumerate(lists)))
    return [outcome for response in answers for outcome in ok(response)]


@postgres_only
async def test_100_approvals_in_concurrent_batches_against_a_quota_of_10_approve_exactly_10(saga_platform,
                                                                                          frozen_clock):
    """Five lists of 20 at once over the two replicas (the 200 single decisions above cover the burst; making
    200 more applications ready took this test most of its time in the test command)."""
    rule, amount, deliverable = "t01-tech-innovation-leader", 1_000_000 * YUAN, "t01-tech-innovation-leaders"
    call, ids = await ready_for_decision(saga_platform.database_urls["applications"], saga_platform.url("funding"),
                                         frozen_clock, rule, "prov-science-tech-dept",
                                         ["city-shenyang", "city-dalian"] * 50, total=10)
    set_budget(saga_platform, rule, 10 * amount)
    before = counted(saga_platform, deliverable)

    outcomes = await decide_in_batches(saga_platform, ids, 20)
    tally = Counter((o["outcome"], o["code"]) for o in outcomes)
    assert tally[("refused", "quota_exhausted")] == 90, tally
    assert tally[("approved", None)] + tally[("pending", None)] == 10, tally
    print("batch outcomes:", dict(tally))
    figures = settle(saga_platform, 10, lambda: agreement(saga_platform, call, rule, amount, deliverable, before))
    assert (figures["quota"], figures["approved_applications"]) == ((10, 0), 10)
    assert (figures["commitments"], figures["commitment_amounts"]) == (10, {amount})
    assert (figures["budget_reserved"], figures["budget_committed"]) == (0, 10 * amount)
    assert figures["ledger_ok"] is True
    assert figures["deliverable"] == 10


@postgres_only
async def test_concurrent_approvals_with_city_allocations_hold_each_citys_cap(saga_platform, frozen_clock):
    rule, amount, deliverable = "t02-young-top", 500_000 * YUAN, "t02-young-top-talent"
    allocations = {"city-shenyang": 6, "city-dalian": 4}
    call, ids = await ready_for_decision(saga_platform.database_urls["applications"], saga_platform.url("funding"),
                                         frozen_clock, rule, "prov-hrss-dept",
                                         ["city-shenyang"] * 6 + ["city-dalian"] * 4, total=10,
                                         allocations=allocations)
    set_budget(saga_platform, rule, 10 * amount)
    before = {s["agency"]["code"]: s["value"] for s in ok(httpx.get(
        f"{saga_platform.url('agencies')}/deliverables/{deliverable}"))["by_agency"] if s["agency"]}
    before_total = counted(saga_platform, deliverable)

    # 200 decisions at once: each of the 10 applications asked to be approved 20 times, on both replicas.
    answers = await decide_all(saga_platform, [ids[i % 10] for i in range(200)])
    outcomes = Counter((r.status_code, r.json().get("outcome") or r.json().get("code")) for r in answers)
    assert outcomes[(409, "transition_not_allowed")] == 190, outcomes
    assert outcomes[(200, "approved")] + outcomes[(202, "pending")] == 10, outcomes
    print("decision answers:", dict(outcomes))
    figures = settle(saga_platform, 10,
                     lambda: agreement(saga_platform, call, rule, amount, deliverable, before_total))
    assert (figures["quota"], figures["commitments"], figures["commitment_amounts"]) == ((10, 0), 10, {amount})
    assert (figures["budget_reserved"], figures["deliverable"]) == (0, 10)
    quota = ok(httpx.get(f"{saga_platform.replicas[-1]}/calls/{call['id']}/quota"))
    assert {a["agency"]["code"]: (a["approved"], a["reserved"]) for a in quota["allocations"]} == {
        "city-shenyang": (6, 0), "city-dalian": (4, 0)}
    after = {s["agency"]["code"]: s["value"] for s in figures["by_agency"] if s["agency"]}
    assert {city: after.get(city, 0) - before.get(city, 0) for city in allocations} == {"city-shenyang": 6,
                                                                                       "city-dalian": 4}
    budget_short = await decide_all(saga_platform, ids[:1])
    assert budget_short[0].status_code == 409


async def test_funding_killed_and_agencies_stopped_mid_approvals_then_reconciled(saga_platform, frozen_clock):
    rule, amount, deliverable = "t02-outstanding", 3_000_000 * YUAN, "t02-outstanding-talent"
    call, ids = await ready_for_decision(saga_platform.database_urls["applications"], saga_platform.url("funding"),
                                         frozen_clock, rule, "prov-hrss-dept",
                                         ["city-shenyang", "city-dalian"] * 12, total=10)
    set_budget(saga_platform, rule, 10 * amount)
    before = counted(saga_platform, deliverable)

    saga_platform.kill("agencies", signal.SIGTERM)
    decisions = asyncio.ensure_future(decide_all(saga_platform, ids))
    await asyncio.sleep(0.3)
    saga_platform.kill("funding")  # kill -9, in the middle of the approvals
    answers = await decisions
    assert all(r.status_code in (200, 202, 409) for r in answers), [r.text for r in answers if r.status_code >= 500]
    assert Counter(r.status_code for r in answers)[409] >= len(ids) - 10

    for name in ("funding", "agencies"):
        saga_platform.start(name)
        saga_platform.wait_ready(name)
    # After they return: the workers retry what waited, the reconciler settles what was left half-way.
    deadline = time.monotonic() + 90
    while True:
        report = ok(httpx.post(f"{saga_platform.replicas[0]}/reconciler/runs", headers=admin(), timeout=120))
        figures = agreement(saga_platform, call, rule, amount, deliverable, before)
        settled = figures["quota"][1] == 0 and figures["budget_reserved"] == 0 and (
            figures["commitments"] == figures["quota"][0] == figures["approved_applications"]
            == figures["deliverable"])
        if settled or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert report["summary"]["funding_unavailable"] is False
    assert figures["quota"] == (10, 0), figures
    assert figures["approved_applications"] == 10
    assert (figures["commitments"], figures["commitment_amounts"]) == (10, {amount})
    assert (figures["budget_reserved"], figures["budget_committed"]) == (0, 10 * amount)
    assert figures["ledger_ok"] is True
    assert figures["deliverable"] == 10
    last = ok(httpx.get(f"{saga_platform.replicas[-1]}/reconciler/report", headers=admin()))
    assert last["id"] == report["id"]
