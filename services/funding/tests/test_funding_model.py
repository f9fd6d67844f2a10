"""Model-based property test (LEDGER.md f5.1, the TigerBeetle auditor idea): Hypothesis drives random sequences
of transfers, reservations, posts, voids, expiries (a frozen clock), reversals, linked batches, account closes,
replays and id reuse through the HTTP API, while an in-memory oracle predicts every answer. Every status, result
code, posted amount and headroom, and every account's four counters, must equal the oracle's."""

import asyncio
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from funding_testkit import admin, fault_app, fresh_database, seed_for
from servicekit.pytest_fixtures import FrozenClock
from servicekit.testing import committing_app

FLOOR_REASON = {"budget": "budget_insufficient", "commitment": "commitment_insufficient"}
CEILING_REASON = {"commitment": "award_cap_exceeded", "paid": "award_cap_exceeded"}
COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


SEEN: Counter = Counter()


class Runner:
    """One event loop and one app for the whole property run (Hypothesis drives it synchronously)."""

    client: Any = None
    loop: asyncio.AbstractEventLoop | None = None
    clock: FrozenClock | None = None  # the service's clock: it moves only when the model says so

    @classmethod
    def call(cls, coroutine):  # noqa: ANN001, ANN206
        return cls.loop.run_until_complete(coroutine)


@dataclass
class Acct:
    id: int
    kind: str
    normal_side: str
    floor: int | None
    ceiling: int | None
    closed: bool = False
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))

    def bounds(self, deltas: dict[str, int] | None = None) -> tuple[int, int]:
        c = {k: self.counters[k] + (deltas or {}).get(k, 0) for k in COUNTERS}
        if self.normal_side == "credit":
            return (c["credits_posted"] - c["debits_posted"] - c["debits_pending"],
                    c["credits_posted"] + c["credits_pending"] - c["debits_posted"])
        return (c["debits_posted"] - c["credits_posted"] - c["credits_pending"],
                c["debits_posted"] + c["debits_pending"] - c["credits_posted"])

    def failure(self, deltas: dict[str, int], check_open: bool) -> tuple[str, int] | None:
        if check_open and self.closed:
            return "account_closed", 0
        low, high = self.bounds()
        new_low, new_high = self.bounds(deltas)
        if new_low < low and self.floor is not None and new_low < self.floor:
            return FLOOR_REASON.get(self.kind, "insufficient_funds"), max(low - self.floor, 0)
        if new_high > high and self.ceiling is not None and new_high > self.ceiling:
            return CEILING_REASON.get(self.kind, "ceiling_exceeded"), max(self.ceiling - high, 0)
        return None


@dataclass
class Stored:
    key: str
    identity: tuple
    kind: str
    debit: int
    credit: int
    amount: int
    outcome: str
    effective: int
    reason: str | None = None
    headroom: int | None = None
    expires_at: datetime | None = None
    resolution: str | None = None
    reversed: bool = False


@dataclass
class Answer:
    status: int
    code: str | None = None
    outcome: str | None = None
    effective: int | None = None
    headroom: int | None = None
    replay: bool = False


def legs(kind: str, debit: int, credit: int, amount: int, pending_amount: int = 0) -> list[tuple[int, dict, bool]]:
    if kind in ("single", "reversal"):
        return [(debit, {"debits_posted": amount}, True), (credit, {"credits_posted": amount}, True)]
    if kind == "pending":
        return [(debit, {"debits_pending": amount}, True), (credit, {"credits_pending": amount}, True)]
    if kind == "post":
        return [(debit, {"debits_pending": -pending_amount, "debits_posted": amount}, True),
                (credit, {"credits_pending": -pending_amount, "credits_posted": amount}, True)]
    return [(debit, {"debits_pending": -pending_amount}, False), (credit, {"credits_pending": -pending_amount}, False)]


class LedgerModel(RuleBasedStateMachine):
    """The oracle: what the ledger must answer, computed without a database."""

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[int, Acct] = {}
        self.stored: dict[str, Stored] = {}
        self.sent: list[tuple[str, str, dict]] = []
        self.prefix = uuid.uuid4().hex[:8]
        self.counter = 0

    # -- helpers ------------------------------------------------------------------------------------------------

    def _key(self) -> str:
        self.counter += 1
        return f"{self.prefix}-{self.counter}"

    def _open(self, kind: str, normal_side: str = "credit", floor: int | None = None, ceiling: int | None = None) -> int:
        body = {"code": f"{self.prefix}-{kind}-{len(self.accounts)}", "kind": kind, "normal_side": normal_side,
                "floor": floor, "ceiling": ceiling}
        response = Runner.call(Runner.client.post("/accounts", json=body, headers=admin()))
        assert response.status_code == 201, response.text
        account_id = response.json()["id"]
        self.accounts[account_id] = Acct(account_id, kind, normal_side, floor, ceiling)
        return account_id

    def _send(self, path: str, body: dict) -> Answer:
        response = Runner.call(Runner.client.post(path, json=body, headers=admin()))
        data = response.json()
        replay = response.headers.get("idempotent-replay") == "true"
        SEEN[(path.rsplit("/", 1)[-1] if path != "/transfers" else "transfer", response.status_code,
              data.get("code") if response.status_code >= 400 else data.get("outcome"))] += 1
        if response.status_code in (200, 201):
            return Answer(response.status_code, None, data["outcome"], data["effective_amount"], None, replay)
        return Answer(response.status_code, data.get("code"), None, None, data.get("headroom_fen"), replay)

    def _overdue(self, account: int | None = None) -> list[Stored]:
        return sorted((s for s in self.stored.values() if s.kind == "pending" and s.outcome == "pending"
                       and s.resolution is None and s.expires_at <= Runner.clock()
                       and (account is None or account in (s.debit, s.credit))), key=lambda s: int(s.key.split("-")[-1])
                      if s.key.split("-")[-1].isdigit() else 0)

    def _expire(self, pending: Stored) -> None:
        for account, deltas, _ in legs("expire", pending.debit, pending.credit, 0, pending.effective):
            for k, v in deltas.items():
                self.accounts[account].counters[k] += v
        pending.resolution = "expire"
        self.stored[f"expire:{pending.key}"] = Stored(f"expire:{pending.key}", ("expire", pending.key), "expire",
                                                      pending.debit, pending.credit, pending.effective, "expired",
                                                      pending.effective)

    def _apply(self, specs: list[dict]) -> tuple[int, str, int] | None:
        """Apply specs all-or-nothing; returns (index, reason, headroom) of the first failure."""
        snapshot = {a: dict(acct.counters) for a, acct in self.accounts.items()}
        for index, spec in enumerate(specs):
            for account, deltas, check_open in sorted(legs(spec["kind"], spec["debit"], spec["credit"],
                                                           spec["amount"], spec.get("pending_amount", 0)),
                                                      key=lambda leg: leg[0]):
                failure = self.accounts[account].failure(deltas, check_open)
                if failure is not None:
                    for a, counters in snapshot.items():
                        self.accounts[a].counters = counters
                    return index, failure[0], failure[1], account
                for k, v in deltas.items():
                    self.accounts[account].counters[k] += v
        return None

    def _post_specs(self, specs: list[dict]) -> list[Stored]:
        """The posting algorithm as the oracle sees it, with the release of overdue pendings on a shortfall."""
        for _ in range(4):
            failure = self._apply(specs)
            if failure is None:
                break
            index, reason, headroom, account = failure
            overdue = self._overdue(account) if reason != "account_closed" else []
            if not overdue:
                break
            for pending in overdue:
                self._expire(pending)
        results = []
        for i, spec in enumerate(specs):
            outcome = {"single": "posted", "reversal": "posted", "pending": "pending", "post": "posted",
                       "void": "voided"}[spec["kind"]]
            stored = Stored(spec["key"], spec["identity"], spec["kind"], spec["debit"], spec["credit"],
                            spec["amount"], outcome, spec["amount"] if spec["kind"] != "void" else spec["pending_amount"],
                            expires_at=spec.get("expires_at"))
            if failure is not None:
                stored.outcome, stored.effective = "rejected", 0
                stored.reason = failure[1] if failure[0] == i else "linked_transfer_failed"
                stored.headroom = failure[2] if failure[0] == i else None
            self.stored[spec["key"]] = stored
            results.append(stored)
        return results

    def _expect_stored(self, answer: Answer, stored: Stored, replay: bool) -> None:
        if stored.outcome == "rejected":
            assert (answer.status, answer.code, answer.replay) == (409, stored.reason, replay), (answer, stored)
            if stored.reason != "linked_transfer_failed":
                assert answer.headroom == stored.headroom, (answer, stored)
        else:
            assert (answer.status, answer.outcome, answer.effective, answer.replay) == (
                201, stored.outcome, stored.effective, replay), (answer, stored)

    def _transfer_body(self, key: str, debit: int, credit: int, amount: int, pending: bool, timeout: int | None) -> dict:
        return {"id": key, "debit_account_id": debit, "credit_account_id": credit, "amount": amount,
                "currency": "CNY", "code": "manual", "pending": pending, "timeout_seconds": timeout,
                "award_id": None, "metadata": {}}

    def _amount(self, data: st.DataObject, debit: int, credit: int) -> int:
        low = self.accounts[debit].bounds()[0] - (self.accounts[debit].floor or 0)
        acct = self.accounts[credit]
        room = (acct.ceiling - acct.bounds()[1]) if acct.ceiling is not None else 10_000
        edges = [v for v in (low - 1, low, low + 1, room - 1, room, room + 1) if v > 0]
        return data.draw(st.one_of(st.sampled_from(edges or [1]), st.integers(1, 800)), label="amount")

    # -- rules --------------------------------------------------------------------------------------------------

    @initialize()
    def open_accounts(self) -> None:
        self.treasury = self._open("treasury", "debit")
        self.budgets = [self._open("budget", floor=0) for _ in range(2)]
        self.commitments = [self._open("commitment", floor=0, ceiling=4000) for _ in range(2)]
        self.paid = [self._open("paid", floor=0, ceiling=2500) for _ in range(2)]
        self.closed_one = False
        funding = [(self.treasury, b, 5000) for b in self.budgets] + [(self.budgets[0], c, 1500) for c in self.commitments]
        for debit, credit, amount in funding:
            key = self._key()
            body = self._transfer_body(key, debit, credit, amount, False, None)
            answer = self._send("/transfers", body)
            [stored] = self._post_specs([{"key": key, "kind": "single", "debit": debit, "credit": credit,
                                          "amount": amount, "identity": ("transfer", debit, credit, amount, False, None)}])
            self._expect_stored(answer, stored, replay=False)

    def _pairs(self) -> list[tuple[int, int]]:
        pairs = [(self.treasury, b) for b in self.budgets]
        pairs += [(b, c) for b in self.budgets for c in self.commitments]
        pairs += list(zip(self.commitments, self.paid, strict=True)) + [(self.budgets[0], self.budgets[1])]
        return pairs

    def _new_transfer(self, data: st.DataObject) -> dict:
        debit, credit = data.draw(st.sampled_from(self._pairs()), label="pair")
        pending = data.draw(st.booleans(), label="pending") if debit != self.treasury else False
        timeout = data.draw(st.sampled_from([30, 60, 120]), label="timeout") if pending else None
        amount = self._amount(data, debit, credit)
        key = self._key()
        return {"key": key, "kind": "pending" if pending else "single", "debit": debit, "credit": credit,
                "amount": amount, "identity": ("transfer", debit, credit, amount, pending, timeout),
                "expires_at": Runner.clock() + timedelta(seconds=timeout) if pending else None,
                "body": self._transfer_body(key, debit, credit, amount, pending, timeout)}

    @rule(data=st.data())
    def post_transfer(self, data: st.DataObject) -> None:
        spec = self._new_transfer(data)
        answer = self._send("/transfers", spec["body"])
        self.sent.append((spec["key"], "/transfers", spec["body"]))
        [stored] = self._post_specs([spec])
        self._expect_stored(answer, stored, replay=False)

    @rule(data=st.data())
    def batch(self, data: st.DataObject) -> None:
        specs = [self._new_transfer(data) for _ in range(2)]
        response = Runner.call(Runner.client.post("/transfers/batch", json={"transfers": [s["body"] for s in specs]},
                                                  headers=admin()))
        results = self._post_specs(specs)
        for spec in specs:
            self.sent.append((spec["key"], "/transfers", spec["body"]))
        if all(r.outcome != "rejected" for r in results):
            assert response.status_code == 201, response.text
            assert [t["effective_amount"] for t in response.json()["transfers"]] == [r.effective for r in results]
        else:
            assert response.status_code == 409, response.text
            assert [t["rejection"]["code"] for t in response.json()["transfers"]] == [r.reason for r in results]

    def _answered_by_its_id(self, answer: Answer, key: str, identity: tuple, path: str, body: dict) -> bool:
        """An id that holds an outcome answers before anything about the target: its replay, or 409 when the
        request differs. Only requests whose outcome is stored under their id are kept for `replay`."""
        existing = self.stored.get(key)
        if existing is None:
            return False
        if existing.identity != identity:
            assert (answer.status, answer.code) == (409, "transfer_id_reused"), answer
        else:
            self._expect_stored(answer, existing, replay=True)
            self.sent.append((key, path, body))
        return True

    def _resolve(self, data: st.DataObject, verb: str) -> None:
        pendings = sorted((s for s in self.stored.values() if s.kind == "pending" and s.outcome == "pending"),
                          key=lambda s: s.key)
        others = sorted((s for s in self.stored.values() if s.kind != "pending" or s.outcome != "pending"),
                        key=lambda s: s.key)
        if not pendings and not others:
            return
        pool = pendings if pendings and (not others or data.draw(st.integers(0, 9), label="bias") < 8) else others
        target = data.draw(st.sampled_from(pool), label="target")
        amount = None
        if verb == "post" and target.kind == "pending" and data.draw(st.booleans(), label="partial"):
            amount = data.draw(st.sampled_from([max(target.effective, 1), max(target.effective - 1, 1),
                                                target.effective + 1]), label="post amount")
        custom = data.draw(st.booleans(), label="custom id")
        key = self._key() if custom else f"{verb}:{target.key}"
        body = {"id": key} if custom else {}
        if amount is not None:
            body["amount"] = amount
        path = f"/transfers/{target.key}/{verb}"
        answer = self._send(path, body)
        identity = (verb, target.key, amount if verb == "post" else None)
        if self._answered_by_its_id(answer, key, identity, path, body):
            return
        if target.kind != "pending" or target.outcome != "pending":
            assert (answer.status, answer.code) == (422, "not_pending"), answer
            return
        if amount is not None and amount > target.effective:
            assert (answer.status, answer.code) == (422, "post_amount_exceeds_pending"), answer
            return
        self.sent.append((key, path, body))
        if target.resolution is None and target.expires_at <= Runner.clock():
            self._expire(target)
        spec = {"key": key, "kind": verb, "debit": target.debit, "credit": target.credit,
                "amount": amount or target.effective, "pending_amount": target.effective, "identity": identity}
        if target.resolution is not None:
            reason = "pending_expired" if target.resolution == "expire" else "pending_already_resolved"
            stored = Stored(key, identity, verb, target.debit, target.credit, spec["amount"], "rejected", 0, reason)
            self.stored[key] = stored
        else:
            [stored] = self._post_specs([spec])
            if stored.outcome != "rejected":
                target.resolution = verb
        self._expect_stored(answer, stored, replay=False)

    @rule(data=st.data())
    def post_pending(self, data: st.DataObject) -> None:
        self._resolve(data, "post")

    @rule(data=st.data())
    def void_pending(self, data: st.DataObject) -> None:
        self._resolve(data, "void")

    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        if not self.stored:
            return
        target = data.draw(st.sampled_from(sorted(self.stored.values(), key=lambda s: s.key)), label="target")
        custom = data.draw(st.booleans(), label="custom id")
        key = self._key() if custom else f"reverse:{target.key}"
        body = {"id": key} if custom else {}
        path = f"/transfers/{target.key}/reverse"
        answer = self._send(path, body)
        identity = ("reverse", target.key)
        if self._answered_by_its_id(answer, key, identity, path, body):
            return
        if target.outcome != "posted" or target.kind not in ("single", "post"):
            assert (answer.status, answer.code) == (422, "cannot_reverse"), answer
            return
        self.sent.append((key, path, body))
        if target.reversed:
            stored = Stored(key, identity, "reversal", target.credit, target.debit, target.effective, "rejected", 0,
                            "already_reversed")
            self.stored[key] = stored
        else:
            spec = {"key": key, "kind": "reversal", "debit": target.credit, "credit": target.debit,
                    "amount": target.effective, "identity": identity}
            [stored] = self._post_specs([spec])
            target.reversed = stored.outcome == "posted"
        self._expect_stored(answer, stored, replay=False)

    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        stored_sends = [s for s in self.sent if s[0] in self.stored]
        if not stored_sends:
            return
        key, path, body = data.draw(st.sampled_from(stored_sends), label="replayed")
        answer = self._send(path, body)
        self._expect_stored(answer, self.stored[key], replay=True)

    @rule(data=st.data())
    def reuse_with_another_body(self, data: st.DataObject) -> None:
        sends = [s for s in self.sent if s[1] == "/transfers" and s[0] in self.stored]
        if not sends:
            return
        key, path, body = data.draw(st.sampled_from(sends), label="reused")
        answer = self._send(path, {**body, "amount": body["amount"] + 1})
        assert (answer.status, answer.code) == (409, "transfer_id_reused"), answer

    @rule(seconds=st.sampled_from([5, 31, 61, 125]))
    def advance_clock(self, seconds: int) -> None:
        Runner.clock.advance(seconds=seconds)

    @rule()
    def sweep(self) -> None:
        expected = [p.key for p in self._overdue()]
        response = Runner.call(Runner.client.post("/transfers/expire", params={"limit": 5000}, headers=admin()))
        assert response.status_code == 200, response.text
        # The database is shared by all examples: only this example's pendings are the oracle's business.
        mine = [key for key in response.json()["expired"] if key.startswith(f"{self.prefix}-")]
        assert sorted(mine) == sorted(expected)
        for pending in self._overdue():
            self._expire(pending)

    @precondition(lambda self: not self.closed_one)
    @rule(data=st.data())
    def close_account(self, data: st.DataObject) -> None:
        account = data.draw(st.sampled_from(self.budgets + self.commitments), label="closed")
        response = Runner.call(Runner.client.post(f"/accounts/{account}/close", headers=admin()))
        assert response.status_code == 200, response.text
        self.accounts[account].closed = True
        self.closed_one = True

    @invariant()
    def counters_match(self) -> None:
        if not self.accounts:
            return
        trial = Runner.call(Runner.client.get("/ledger/trial-balance", headers=admin())).json()
        assert trial["balanced"]
        lines = {line["account_id"]: line for line in trial["lines"]}
        for account_id, acct in self.accounts.items():
            assert {k: lines[account_id][k] for k in COUNTERS} == acct.counters, (account_id, acct)


def test_the_ledger_answers_like_its_model(frozen_clock):
    seed = seed_for("model")
    examples = int(os.environ.get("TPP_FUNDING_MODEL_EXAMPLES", "25"))
    with fresh_database("funding_model") as url:
        Runner.loop = asyncio.new_event_loop()
        context = committing_app(fault_app(url))
        Runner.client = Runner.call(context.__aenter__())
        Runner.clock = frozen_clock
        try:
            run_state_machine_as_test(
                hypothesis_seed(seed)(LedgerModel),
                settings=settings(max_examples=examples, stateful_step_count=30, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck)),
            )
            report = Runner.call(Runner.client.get("/ledger/verify", headers=admin())).json()
            assert report["ok"], report["problems"]
            print("  answers seen:", ", ".join(f"{k[0]} {k[1]} {k[2]}: {n}" for k, n in sorted(SEEN.items())))
        finally:
            Runner.call(context.__aexit__(None, None, None))
            Runner.loop.close()
