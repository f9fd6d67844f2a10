"""The approval saga's driver. A decision writes its first step to the outbox (`saga_steps`) in the same
transaction as the quota slot and the application's new state; this module takes the steps to the other
services and writes what they answered, each answer in one transaction with the state it changes:

    reserve_money   funding POST /reservations (keyed by the approval id)
                    → done: the slot becomes an approval (reserved -1, approved +1), the application `approved`;
                      post_money and count_approval follow
                    → refused (budget short, no budget, a rule's refusal): the slot is released, the application
                      is ready for a decision again, the approval `failed` with funding's reason
    post_money      funding POST /reservations/{id}/post: the award is committed
    count_approval  agencies POST /internal/approvals: the derived deliverable counts it
    release_money   funding POST /reconcile (not approved): a reservation is voided, a commitment reversed
    uncount         agencies POST /internal/approvals/{id}/revoke

A step another service cannot take now (it is down, times out, answers 5xx) stays in the outbox and is tried
again later with a growing pause; nothing is ever dropped. Workers lease steps (SKIP LOCKED on PostgreSQL), so
every replica runs one; the request that made a step also drains it at once, so a decider usually gets the
outcome in the answer."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications.clients.agencies import AgenciesClient, count_body
from applications.clients.funding import FundingSaga, SagaAnswer
from applications.decisions.repository import DEAD, DONE, PENDING, DecisionRepository
from applications.filings.repository import FilingRepository
from applications.filings.service import release_nomination
from applications.filings.transitions import record_event
from applications.models import Application, Approval, SagaStep
from applications.workflow import State
from servicekit import clock
from servicekit.clock import CHINA_TIME
from servicekit.database import Database
from servicekit.identity import Principal
from servicekit.unit_of_work import run_in_transaction

logger = logging.getLogger(__name__)

RESERVE, POST, COUNT, RELEASE, UNCOUNT = "reserve_money", "post_money", "count_approval", "release_money", "uncount"
# What funding's reconcile says of an award, as the approval's `money`.
MONEY_OF_AWARD = {"reserved": "reserved", "committed": "posted", "released": "posted", "voided": "voided",
                  "expired": "expired", "reversed": "reversed", "rejected": "refused"}
MONEY_OF_ACTION = {"posted": "posted", "voided": "voided", "reversed": "reversed", "not_found": "absent"}
# Money no longer held: nothing left to settle at funding.
MONEY_SETTLED = frozenset({"voided", "expired", "reversed", "refused", "absent"})
SAGA = Principal(subject="approval-saga", role="service")


@dataclass
class Saga:
    # Where the database is found (the app's state, or any object with `.database`): read at each use, since
    # tests point the app at another one after it starts.
    home: Any
    funding: FundingSaga
    agencies: AgenciesClient
    lease_seconds: float = 30.0
    max_pause_seconds: float = 60.0
    # Steps a worker leases at once: taken to each service in one request per kind of step.
    batch_size: int = 100

    @property
    def database(self) -> Database:
        return self.home.database

    # --- leasing and running steps ---------------------------------------------------------------------

    async def lease(self, approval_id: str | None = None, limit: int = 20, due_for: float = 0.0) -> list[SagaStep]:
        async def work(session: AsyncSession) -> list[SagaStep]:
            return await DecisionRepository(session).lease(clock.now(), self.lease_seconds,
                                                          approval_id=approval_id, limit=limit, due_for=due_for)

        return await run_in_transaction(self.database, work)

    async def drain(self, approval_id: str | None = None, *, rounds: int = 10, due_for: float = 0.0,
                    limit: int | None = None) -> int:
        """Take the due steps (of one approval, or all) until none is left or one must wait; the number taken."""
        taken = 0
        for _ in range(rounds):
            steps = await self.lease(approval_id, limit=limit or self.batch_size, due_for=due_for)
            if not steps:
                break
            finished = await self.run_many(steps)
            taken += len(steps)
            if approval_id is not None and not all(finished.values()):
                break
        return taken

    async def run(self, step: SagaStep) -> bool:
        """One leased step: call the other service, then write its answer. True when the step is finished."""
        return (await self.run_many([step]))[step.id]

    async def run_many(self, steps: list[SagaStep]) -> dict[int, bool]:
        """Leased steps (each the first unfinished one of its approval): one request per kind of step to each
        service (funding reserves, posts; agencies counts), then every answer written in one transaction.
        {step id: finished}; a step whose service could not be reached waits with a growing pause."""
        approvals = await self._read_many([s.approval_id for s in steps])
        answers = await self.call_many(steps, approvals)
        await self.settle_many(steps, approvals, answers)
        return {s.id: answers[s.id].outcome != "unavailable" for s in steps}

    async def call_many(self, steps: list[SagaStep], approvals: dict[str, Approval]) -> dict[int, SagaAnswer]:
        """What the other services answered each step (never raises for an answer)."""
        by_kind: dict[str, list[SagaStep]] = {}
        for step in steps:
            by_kind.setdefault(step.step, []).append(step)
        answers: dict[int, SagaAnswer] = {}

        async def reserve(group: list[SagaStep]) -> None:
            bodies = await self._reservation_bodies([approvals[s.approval_id] for s in group])
            found = await self.funding.reserve_many(bodies)
            answers.update({s.id: found[s.approval_id] for s in group})

        async def post(group: list[SagaStep]) -> None:
            found = await self.funding.post_many([s.approval_id for s in group])
            answers.update({s.id: found[s.approval_id] for s in group})

        async def count(group: list[SagaStep]) -> None:
            bodies = [count_body(a.id, a.program_code, a.application_id, a.city_code, counts_from(a))
                      for a in (approvals[s.approval_id] for s in group)]
            found = await self.agencies.count_many(bodies)
            answers.update({s.id: found[s.approval_id] for s in group})

        async def one_by_one(group: list[SagaStep]) -> None:
            for step in group:
                answers[step.id] = await CALLS[step.step](self, approvals[step.approval_id])

        batched = {RESERVE: reserve, POST: post, COUNT: count}
        await asyncio.gather(*(batched.get(kind, one_by_one)(group) for kind, group in by_kind.items()))
        return answers

    async def settle_many(self, steps: list[SagaStep], approvals: dict[str, Approval],
                          answers: dict[int, SagaAnswer],
                          then: Callable[[AsyncSession], Awaitable[Any]] | None = None) -> Any:
        """Every answer written in one transaction: the approvals' rows locked in the order of their
        applications, the quota counters moved once per call at the end (so a hot quota row is held only for
        the commit). A step another service could not take waits with a growing pause. `then` runs last in the
        same transaction (its result is returned)."""
        now = clock.now()
        ordered = sorted(steps, key=lambda s: (approvals[s.approval_id].application_id, s.id))

        async def work(session: AsyncSession) -> Any:
            repo = DecisionRepository(session, defer_slot_moves=True)
            # Every row the answers change, locked in three queries (steps, then applications and approvals in
            # id order, as every writer of an application and its approval takes them), then written together.
            current = await repo.steps_by_ids([s.id for s in ordered], lock=True)
            live = [s for s in ordered if answers[s.id].outcome != "unavailable"]
            applications = await FilingRepository(session).by_ids(
                sorted({approvals[s.approval_id].application_id for s in live}), lock=True)
            locked = await repo.approvals_by_ids(sorted({s.approval_id for s in live}), lock=True)
            with session.no_autoflush:
                for step in ordered:
                    answer = answers[step.id]
                    if answer.outcome == "unavailable":
                        self._pause(current.get(step.id), step, answer, now)
                    else:
                        approval = locked[step.approval_id]
                        await self._settle(session, repo, current.get(step.id), step,
                                           applications[approval.application_id], approval, answer, now)
            await session.flush()
            await repo.apply_slot_moves()
            return await then(session) if then is not None else None

        return await run_in_transaction(self.database, work)

    async def _settle(self, session: AsyncSession, repo: DecisionRepository, current: SagaStep | None,
                      step: SagaStep, application: Application, approval: Approval, answer: SagaAnswer,
                      now: datetime) -> None:
        settled_meanwhile = current is None or current.status != PENDING
        if settled_meanwhile and not answer.done:
            return
        # What another service did is written even when the reconciler settled the step meanwhile (money
        # reserved for an approval given up is then released): nothing it holds goes unrecorded.
        error = await APPLY[step.step](session, repo, application, approval, answer, now)
        if settled_meanwhile:
            return
        current.status = DEAD if error else DONE
        current.last_error = error
        current.done_at = now
        current.locked_until = None

    async def _read_many(self, approval_ids: list[str]) -> dict[str, Approval]:
        async def work(session: AsyncSession) -> dict[str, Approval]:
            return await DecisionRepository(session).approvals_by_ids(sorted(set(approval_ids)))

        return await run_in_transaction(self.database, work)

    async def _reservation_bodies(self, approvals: list[Approval]) -> list[dict[str, Any]]:
        async def work(session: AsyncSession) -> dict[int, str]:
            return await FilingRepository(session).applicant_names([a.application_id for a in approvals])

        names = await run_in_transaction(self.database, work)
        return [reservation_body(a, names.get(a.application_id)) for a in approvals]

    def _pause(self, current: SagaStep | None, step: SagaStep, answer: SagaAnswer, now: datetime) -> None:
        """The step waits (0.5 s doubling with each attempt, at most `max_pause_seconds`) and is leased no more."""
        pause = min(self.max_pause_seconds, 0.5 * 2 ** min(step.attempts, 10))
        if current is not None and current.status == PENDING:
            current.locked_until = None
            current.run_after = now + timedelta(seconds=pause)
            current.last_error = f"unavailable: {answer.status or answer.message_en}"

    # --- the worker ----------------------------------------------------------------------------------------

    async def work_forever(self, interval: float, reconcile: Callable[[], Awaitable[object]] | None = None,
                           reconcile_every: float = 300.0) -> None:
        """The background worker of one process: drains due steps in batches, and reconciles now and then."""
        next_reconcile = asyncio.get_running_loop().time() + reconcile_every
        while True:
            try:
                while await self.drain(rounds=1):
                    pass
                if reconcile is not None and asyncio.get_running_loop().time() >= next_reconcile:
                    next_reconcile = asyncio.get_running_loop().time() + reconcile_every
                    await reconcile()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database or network hiccup: the steps stay in the outbox for the next round
                logger.exception("approval saga worker round failed")
            await asyncio.sleep(interval)


def reservation_body(approval: Approval, grantee_name: str | None) -> dict[str, Any]:
    """What funding is asked to reserve for an approval (keyed by its id)."""
    return {"approval_id": approval.id, "application_id": str(approval.application_id),
            "program_code": approval.rule_code, "fiscal_year": approval.fiscal_year, "city_code": approval.city_code,
            "grantee_ref": f"application:{approval.application_id}", "grantee_name": grantee_name,
            "amount_fen": approval.amount_fen}


# --- calls to the other services -------------------------------------------------------------------------


async def _reserve_call(saga: Saga, approval: Approval) -> SagaAnswer:
    [body] = await saga._reservation_bodies([approval])
    return await saga.funding.reserve(body)


async def _post_call(saga: Saga, approval: Approval) -> SagaAnswer:
    return await saga.funding.post(approval.id)


def counts_from(approval: Approval) -> datetime:
    """A call's results belong to its year: an approval decided after that year (a plan that has ended) counts
    from the year's last moment, so the plan's final result includes it; otherwise from now."""
    year_end = datetime(approval.fiscal_year + 1, 1, 1, tzinfo=CHINA_TIME) - timedelta(microseconds=1)
    return min(clock.now(), year_end)


async def _count_call(saga: Saga, approval: Approval) -> SagaAnswer:
    return await saga.agencies.count(approval.id, approval.program_code, approval.application_id, approval.city_code,
                                     counts_from(approval))


async def _release_call(saga: Saga, approval: Approval) -> SagaAnswer:
    return await saga.funding.reconcile([], [approval.id])


async def _uncount_call(saga: Saga, approval: Approval) -> SagaAnswer:
    return await saga.agencies.uncount(approval.id, counts_from(approval))


# --- writing what they answered --------------------------------------------------------------------------


async def confirm(session: AsyncSession, repo: DecisionRepository, application: Application, approval: Approval,
                  money: str, now: datetime) -> None:
    """The money is reserved: the slot becomes an approval, and the award is posted and counted next."""
    await repo.move_slot(approval.call_id, approval.allocation_id, reserved=-1, approved=+1)
    approval.status, approval.money, approval.updated_at = "approved", money, now
    before = application.state
    application.state, application.updated_at = State.approved.value, now
    await record_event(session, application, action="approve", from_state=before, principal=SAGA,
                       comment=f"名额与资金已落实 / place and money secured ({approval.id})", now=now, flush=False)
    if money != "posted":
        repo.add_step(approval.id, POST, now)
    repo.add_step(approval.id, COUNT, now)


async def fail(session: AsyncSession, repo: DecisionRepository, application: Application, approval: Approval,
               *, held: str, code: str, zh: str, en: str, detail: dict | None, now: datetime) -> None:
    """The approval did not go through: its slot (`held`: reserved or approved) goes back, the application is
    ready for a decision again, and the reason is kept for the decider."""
    await repo.move_slot(approval.call_id, approval.allocation_id, reserved=-1 if held == "reserved" else 0,
                         approved=-1 if held == "approved" else 0)
    approval.status, approval.updated_at = "failed", now
    approval.failure_code, approval.failure_zh, approval.failure_en, approval.failure_detail = code, zh, en, detail
    before = application.state
    application.state, application.approval_id, application.updated_at = (State.ready_for_decision.value, None,
                                                                           now)
    await record_event(session, application, action="approval_failed", from_state=before, principal=SAGA,
                       comment=f"{zh} / {en}", now=now, flush=False)
    if approval.money in ("reserved", "posted", "none"):
        repo.add_step(approval.id, RELEASE, now)
    if approval.counted:
        repo.add_step(approval.id, UNCOUNT, now)


def _money_from_reservation(answer: SagaAnswer) -> str:
    status = ((answer.body.get("award") or {}).get("status")) or "reserved"
    return MONEY_OF_AWARD.get(status, "reserved")


async def _reserve_apply(session: AsyncSession, repo: DecisionRepository, application: Application,
                         approval: Approval, answer: SagaAnswer, now: datetime) -> str | None:
    if answer.done:
        money = _money_from_reservation(answer)
        if approval.status == "reserving" and money in ("reserved", "posted"):
            await confirm(session, repo, application, approval, money, now)
        elif approval.status != "approved":
            # Reserved after the approval was given up (released as stale meanwhile): the money goes back.
            approval.money = money
            repo.add_step(approval.id, RELEASE, now)
        return None
    if approval.status == "reserving":
        approval.money = "refused"
        detail = {k: v for k, v in answer.body.items() if k in ("headroom_fen", "amount_fen", "account",
                                                                "fiscal_year", "program_code", "city_code")}
        await fail(session, repo, application, approval, held="reserved", code=answer.code or "funding_refused",
                   zh=answer.message_zh or "资金台账服务拒绝预留资金。",
                   en=answer.message_en or "The funding service refused to reserve the money.", detail=detail,
                   now=now)
    return None


async def _post_apply(session: AsyncSession, repo: DecisionRepository, application: Application,
                      approval: Approval, answer: SagaAnswer, now: datetime) -> str | None:
    if answer.done:
        if approval.money in ("none", "reserved"):
            approval.money = "posted"
        return None
    if approval.status == "approved":
        # The reservation is gone (it expired or was voided): no approval without money.
        approval.money = "voided"
        await fail(session, repo, application, approval, held="approved", code="reservation_lost",
                   zh="资金预留已失效（过期或已撤销），本次批准未能完成。",
                   en="The money's reservation is gone (expired or voided), so the approval did not complete.",
                   detail={"funding_code": answer.code}, now=now)
    return None


async def _count_apply(session: AsyncSession, repo: DecisionRepository, application: Application,
                       approval: Approval, answer: SagaAnswer, now: datetime) -> str | None:
    if answer.done:
        approval.counted, approval.updated_at = True, now
        return None
    return f"{answer.code}: {answer.message_en}"


async def _uncount_apply(session: AsyncSession, repo: DecisionRepository, application: Application,
                         approval: Approval, answer: SagaAnswer, now: datetime) -> str | None:
    if answer.done or answer.status == 404:
        approval.counted, approval.updated_at = False, now
        return None
    return f"{answer.code}: {answer.message_en}"


def money_after_reconcile(approval: Approval, lines: list[dict]) -> tuple[str, str | None]:
    """The approval's money as funding's reconcile left it, and an error when funding could not settle it."""
    money, error = approval.money, None
    for line in lines:
        action = line.get("action")
        if action == "failed":
            error = f"{line.get('status')}: {line.get('detail')}"
        elif action in MONEY_OF_ACTION:
            money = MONEY_OF_ACTION[action]
        elif action == "unchanged":
            money = MONEY_OF_AWARD.get(line.get("status") or "", money)
    return money, error


async def _release_apply(session: AsyncSession, repo: DecisionRepository, application: Application,
                         approval: Approval, answer: SagaAnswer, now: datetime) -> str | None:
    if not answer.done:
        return f"{answer.code}: {answer.message_en}"
    approval.money, error = money_after_reconcile(approval, answer.body.get("lines", []))
    approval.updated_at = now
    return error


CALLS = {RESERVE: _reserve_call, POST: _post_call, COUNT: _count_call, RELEASE: _release_call,
         UNCOUNT: _uncount_call}
APPLY = {RESERVE: _reserve_apply, POST: _post_apply, COUNT: _count_apply, RELEASE: _release_apply,
         UNCOUNT: _uncount_apply}


async def give_back_nomination(session: AsyncSession, application: Application) -> None:
    """A revoked application leaves the running: its nomination place goes back too."""
    await release_nomination(session, application)
