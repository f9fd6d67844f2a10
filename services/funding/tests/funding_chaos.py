"""The concurrent chaos driver (LEDGER.md f5.2), shared by the chaos tests and the control run.

Many workers post random transfers on one or three budgets: commitments, reservations that others post or void,
payments, reversals. They lose responses and retry, replay other workers' requests, reuse others' ids with
another body, and make the server die before COMMIT. Every answer is recorded; `check` then asserts the
ledger's invariants and that every observation of an id agrees with what the ledger stored."""

import asyncio
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from funding_testkit import admin, unique

FAULT = "X-Funding-Fault"
RETRYABLE_TRANSPORT = (httpx.TransportError,)


@dataclass
class Request:
    key: str
    path: str
    body: dict[str, Any]


@dataclass
class Chaos:
    client: httpx.AsyncClient
    seed: int
    budgets: int = 3
    workers: int = 16
    operations: int = 30
    crash_rate: float = 0.05
    lost_rate: float = 0.30
    replay_rate: float = 0.20
    reuse_rate: float = 0.03
    remote: bool = False
    # Crashes that kill a worker process for real (remote only; each costs a worker restart of ~1-2 s).
    process_kills: int = 2
    observations: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    sent: list[Request] = field(default_factory=list)
    stored_outcomes: list[Request] = field(default_factory=list)
    reuse_answers: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    crashes: int = 0
    accounts: dict[str, list[int]] = field(default_factory=dict)
    appropriated: int = 0

    async def setup(self) -> None:
        treasury = await self._account(kind="treasury", normal_side="debit")
        budgets = [await self._account(kind="budget", floor=0) for _ in range(self.budgets)]
        commitments = [await self._account(kind="commitment", floor=0, ceiling=40_000) for _ in range(6)]
        paid = [await self._account(kind="paid", floor=0, ceiling=25_000) for _ in range(6)]
        self.appropriated = 50_000 // self.budgets
        for budget in budgets:
            request = Request(unique("fund"), "/transfers", {"id": None, "debit_account_id": treasury,
                                                             "credit_account_id": budget, "amount": self.appropriated})
            request.body["id"] = request.key
            await self._record(request, await self._send(request))
        self.accounts = {"treasury": [treasury], "budgets": budgets, "commitments": commitments, "paid": paid}

    async def _account(self, **fields: Any) -> int:
        response = await self.client.post("/accounts", json={"code": unique("chaos"), **fields}, headers=admin())
        assert response.status_code == 201, response.text
        return response.json()["id"]

    async def run(self) -> None:
        await self.setup()
        await asyncio.gather(*(self._worker(random.Random(self.seed * 1000 + n)) for n in range(self.workers)))

    def _new_request(self, rng: random.Random) -> Request:
        budgets, commitments, paid = self.accounts["budgets"], self.accounts["commitments"], self.accounts["paid"]
        posted = [r for r in self.stored_outcomes if r.path == "/transfers" and not r.body.get("pending")]
        pendings = [r for r in self.stored_outcomes if r.body.get("pending")]
        choice = rng.random()
        key = unique("k")
        if choice < 0.15 and pendings:
            target = rng.choice(pendings).key
            verb = rng.choice(["post", "void"])
            body = {"id": key} if rng.random() < 0.5 else {}
            return Request(key if body else f"{verb}:{target}", f"/transfers/{target}/{verb}", body)
        if choice < 0.22 and posted:
            target = rng.choice(posted).key
            body = {"id": key} if rng.random() < 0.5 else {}
            return Request(key if body else f"reverse:{target}", f"/transfers/{target}/reverse", body)
        index = rng.randrange(len(commitments))
        if choice < 0.40:
            debit, credit = commitments[index], paid[index]
        else:
            debit, credit = rng.choice(budgets), commitments[index]
        body = {"id": key, "debit_account_id": debit, "credit_account_id": credit,
                "amount": rng.choice([rng.randint(1, 3000), rng.randint(1, 300), 1])}
        if choice > 0.75:
            body |= {"pending": True, "timeout_seconds": 300}
        return Request(key, "/transfers", body)

    async def _worker(self, rng: random.Random) -> None:
        for _ in range(self.operations):
            roll = rng.random()
            if roll < self.reuse_rate and self.stored_outcomes:
                await self._reuse(rng.choice(self.stored_outcomes))
                continue
            if roll < self.reuse_rate + self.replay_rate and self.sent:
                request = rng.choice(self.sent)
            else:
                request = self._new_request(rng)
                self.sent.append(request)
            if rng.random() < self.crash_rate:
                self.crashes += 1
                kill = self.remote and self.crashes <= self.process_kills
                await self._send(request, fault="crash-exit" if kill else "crash")
            if rng.random() < self.lost_rate:
                await self._send(request, lose=rng.uniform(0.001, 0.02))
            await self._record(request, await self._send(request))

    async def _reuse(self, original: Request) -> None:
        if original.path != "/transfers":
            return
        body = {**original.body, "amount": original.body["amount"] + 1}
        response = await self._send(Request(original.key, original.path, body))
        self.reuse_answers[(response.status_code, response.json().get("code"))] += 1
        if (response.status_code, response.json().get("code")) != (409, "transfer_id_reused"):
            self.unexpected.append(f"reuse of {original.key} with another body answered {response.status_code} "
                                   f"{response.text[:200]}")

    async def _send(self, request: Request, fault: str | None = None, lose: float | None = None) -> httpx.Response | None:
        """One attempt (fault or lost response: the answer is dropped) or, by default, until an answer comes."""
        headers = {**admin(), **({FAULT: fault} if fault else {})}
        if fault or lose:
            try:
                timeout = httpx.Timeout(lose) if (lose and self.remote) else None
                response = await self.client.post(request.path, json=request.body, headers=headers,
                                                  **({"timeout": timeout} if timeout else {}))
                # A request refused before it wrote anything (422) never reaches the crash at COMMIT.
                if fault and response.status_code not in (500, 422):
                    self.unexpected.append(f"injected crash answered {response.status_code}")
            except RETRYABLE_TRANSPORT:
                pass
            return None
        for attempt in range(200):
            started = time.perf_counter()
            try:
                response = await self.client.post(request.path, json=request.body, headers=headers)
            except RETRYABLE_TRANSPORT:
                await asyncio.sleep(min(0.05 * (attempt + 1), 0.5))
                continue
            self.latencies.append(time.perf_counter() - started)
            return response
        raise AssertionError(f"no answer for {request.key}")

    async def _record(self, request: Request, response: httpx.Response) -> None:
        status = response.status_code
        body = response.json()
        if status >= 500:
            self.unexpected.append(f"{request.key}: {status} {response.text[:300]}")
        elif status in (200, 201):
            self.observations[request.key].append(("ok", body["outcome"], body["effective_amount"]))
            self.stored_outcomes.append(request)
        elif status == 409 and "transfer" in body:
            self.observations[request.key].append(("rejected", body["code"]))
            self.stored_outcomes.append(request)
        elif status == 409 and body["code"] == "transfer_id_reused":
            # Our id was taken by another worker's different request (a reuse); nothing to observe.
            pass
        elif status != 422:
            self.unexpected.append(f"{request.key}: {status} {response.text[:300]}")

    async def check(self, client: httpx.AsyncClient) -> list[str]:
        """Every broken invariant, as readable lines (empty when all hold)."""
        problems = list(self.unexpected)
        stored: dict[str, dict] = {}
        for key, seen in self.observations.items():
            response = await client.get(f"/transfers/{key}", headers=admin())
            if response.status_code != 200:
                problems.append(f"{key} was answered {seen} but is not stored ({response.status_code})")
                continue
            stored[key] = read = response.json()
            truth = (("ok", read["outcome"], read["effective_amount"]) if read["outcome"] != "rejected"
                     else ("rejected", read["rejection"]["code"]))
            problems += [f"{key}: answered {o}, stored {truth}" for o in seen if o != truth]
        report = (await client.get("/ledger/verify", headers=admin())).json()
        problems += [f"verifier: [{p['check']}] {p['message']}" for p in report["problems"]]
        trial = (await client.get("/ledger/trial-balance", headers=admin())).json()
        if not trial["balanced"]:
            problems.append(f"trial balance does not sum to zero: net {trial['net']}")
        lines = {line["account_id"]: line for line in trial["lines"]}
        expected: dict[int, Counter] = defaultdict(Counter)
        for read in stored.values():
            if read["outcome"] in ("posted",):
                expected[read["debit_account_id"]]["debits_posted"] += read["effective_amount"]
                expected[read["credit_account_id"]]["credits_posted"] += read["effective_amount"]
        watched = [a for group in self.accounts.values() for a in group]
        for account in watched:
            for counter in ("debits_posted", "credits_posted"):
                if lines[account][counter] != expected[account][counter]:
                    problems.append(f"account {account}: {counter} is {lines[account][counter]}, the answers "
                                    f"clients got add up to {expected[account][counter]}")
        for budget in self.accounts["budgets"]:
            line = lines[budget]
            if line["credits_posted"] - line["debits_posted"] - line["debits_pending"] < 0:
                problems.append(f"budget {budget} is overspent: {line}")
        return problems

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if ordered else 0.0
