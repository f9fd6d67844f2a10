"""The reconciler: settles what the saga left half-way, periodically (every replica's worker, now and then)
and on demand (POST /reconciler/runs, `python -m applications.decisions.reconcile_cli`). Every fix is one of
the saga's idempotent steps or a guarded write, so two reconcilers at once do no harm. What it fixed is kept
as a report (GET /reconciler/report)."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from applications.decisions.repository import DecisionRepository
from applications.decisions.saga import (
    COUNT,
    MONEY_SETTLED,
    UNCOUNT,
    Saga,
    confirm,
    fail,
    money_after_reconcile,
)
from applications.filings.repository import FilingRepository
from applications.models import Approval, ReconcilerReport
from servicekit import clock
from servicekit.unit_of_work import run_in_transaction

BATCH = 500
# Funding answers a page of at most this many awards; the reconciler reads this many pages per program.
AWARD_PAGES = 20


class Reconciler:
    def __init__(self, saga: Saga, stale_seconds: float) -> None:
        self.saga = saga
        self.stale_seconds = stale_seconds

    async def _tx(self, work):  # noqa: ANN001, ANN202 - a unit of work and its result
        return await run_in_transaction(self.saga.database, work)

    async def run(self, trigger: str, actor: str) -> ReconcilerReport:
        started = clock.now()
        fixed: list[dict] = []
        summary: dict = {"funding_unavailable": False, "agencies_resent": 0}
        approvals = await self._tx(lambda s: DecisionRepository(s).unsettled(BATCH))
        summary["checked"] = len(approvals)
        pending = {step.approval_id for step in await self._tx(lambda s: DecisionRepository(s).pending_steps())}
        await self._stale_reservations(approvals, pending, started, fixed, summary)
        await self._money(approvals, pending, fixed, summary)
        await self._counts(approvals, pending, fixed, summary)
        await self._orphans(fixed, summary)
        await self._quota_counters(fixed)
        summary["steps_taken"] = await self.saga.drain(rounds=50)
        summary["fixed"] = len(fixed)

        async def save(session: AsyncSession) -> ReconcilerReport:
            return await DecisionRepository(session).add(ReconcilerReport(
                trigger=trigger, actor=actor, started_at=started, finished_at=clock.now(), fixed=fixed,
                summary=summary))

        return await self._tx(save)

    async def _stale_reservations(self, approvals: list[Approval], pending: set[str], now: datetime,
                                  fixed: list[dict], summary: dict) -> None:
        """An approval still reserving its money long after it started. If its step waits for a retry, it is
        tried now (funding may be back). If its step is gone, funding is asked what it holds: the approval is
        confirmed, or its quota place is given back."""
        cutoff = now - timedelta(seconds=self.stale_seconds)
        for approval in approvals:
            if approval.status != "reserving" or approval.created_at > cutoff:
                continue
            if approval.id in pending:
                async def kick(session: AsyncSession, approval_id: str = approval.id) -> bool:
                    return await DecisionRepository(session).retry_now(approval_id, clock.now())

                if await self._tx(kick):
                    fixed.append({"approval_id": approval.id, "action": "reservation_retried", "detail": ""})
                continue
            answer = await self.saga.funding.read(approval.id)
            if answer.outcome == "unavailable":
                summary["funding_unavailable"] = True
                continue
            status = (answer.body.get("award") or {}).get("status") if answer.done else None

            async def work(session: AsyncSession, approval_id: str = approval.id, status: str | None = status,
                           ) -> str | None:
                repo = DecisionRepository(session)
                first = await repo.approval(approval_id)
                application = await FilingRepository(session).by_id(first.application_id, lock=True)
                locked = await repo.approval(approval_id, lock=True)
                if locked.status != "reserving" or await repo.has_pending(approval_id):
                    return None
                if status in ("reserved", "committed"):
                    await confirm(session, repo, application, locked, "posted" if status == "committed"
                                  else "reserved", clock.now())
                    return "confirmed_stale_reservation"
                await fail(session, repo, application, locked, held="reserved", code="reservation_stale",
                           zh="资金预留长时间未完成，已释放名额，请重新审批。",
                           en="The money was not reserved in time; the place was released. Decide again.",
                           detail={}, now=clock.now())
                return "released_stale_reservation"

            if (action := await self._tx(work)) is not None:
                fixed.append({"approval_id": approval.id, "action": action, "detail": status or "no reservation"})

    async def _money(self, approvals: list[Approval], pending: set[str], fixed: list[dict], summary: dict) -> None:
        """Post the money of approvals that hold it; release the money of those not (or no longer) approved."""
        approved = [a.id for a in approvals if a.status == "approved" and a.money != "posted" and a.id not in pending]
        not_approved = [a.id for a in approvals if a.status in ("failed", "revoked")
                        and a.money not in MONEY_SETTLED and a.id not in pending]
        if not approved and not not_approved:
            return
        answer = await self.saga.funding.reconcile(approved, not_approved)
        if answer.outcome == "unavailable":
            summary["funding_unavailable"] = True
            return
        if not answer.done:
            fixed.append({"approval_id": None, "action": "funding_refused", "detail": answer.message_en})
            return
        lines = defaultdict(list)
        for line in answer.body.get("lines", []):
            lines[line["id"]].append(line)
        for approval_id, its_lines in lines.items():
            async def work(session: AsyncSession, approval_id: str = approval_id, its_lines: list = its_lines,
                           ) -> tuple[str, str, str | None]:
                locked = await DecisionRepository(session).approval(approval_id, lock=True)
                before = locked.money
                locked.money, error = money_after_reconcile(locked, its_lines)
                return before, locked.money, error

            before, after, error = await self._tx(work)
            if before != after or error:
                fixed.append({"approval_id": approval_id, "action": f"money_{after}",
                              "detail": error or f"{before} → {after}"})

    async def _counts(self, approvals: list[Approval], pending: set[str], fixed: list[dict], summary: dict) -> None:
        """Send again the approvals the agencies service has not counted; uncount the ones no longer approved."""
        async def work(session: AsyncSession) -> list[tuple[str, str]]:
            repo, queued = DecisionRepository(session), []
            for approval in approvals:
                if approval.id in pending:
                    continue
                if approval.status == "approved" and not approval.counted:
                    repo.add_step(approval.id, COUNT, clock.now())
                    queued.append((approval.id, "count_resent"))
                elif approval.status in ("failed", "revoked") and approval.counted:
                    repo.add_step(approval.id, UNCOUNT, clock.now())
                    queued.append((approval.id, "uncount_resent"))
            return queued

        for approval_id, action in await self._tx(work):
            summary["agencies_resent"] += 1
            fixed.append({"approval_id": approval_id, "action": action, "detail": ""})

    async def _orphans(self, fixed: list[dict], summary: dict) -> None:
        """Reservations funding holds with no approval behind them (an id this service does not know, or an
        approval that failed or was revoked): released."""
        programs = await self._tx(lambda s: DecisionRepository(s).rule_codes())
        for program in programs:
            for page in range(1, AWARD_PAGES + 1):
                answer = await self.saga.funding.awards(program, page)
                if not answer.done:
                    summary["funding_unavailable"] = summary["funding_unavailable"] or answer.outcome == "unavailable"
                    break
                items = answer.body.get("items", [])
                held = [a["id"] for a in items if a.get("status") == "reserved" and a["id"].startswith("approval-")]
                holding = await self._tx(lambda s, held=held: DecisionRepository(s).holding_ids(held))
                orphans = [i for i in held if i not in holding]
                if orphans:
                    result = await self.saga.funding.reconcile([], orphans)
                    for line in result.body.get("lines", []) if result.done else []:
                        fixed.append({"approval_id": line["id"], "action": f"orphan_{line['action']}",
                                      "detail": "no approval"})
                if len(items) < 100:
                    break

    async def _quota_counters(self, fixed: list[dict]) -> None:
        """The call and allocation counters must equal the approvals holding slots; set them if not."""
        async def work(session: AsyncSession) -> list[dict]:
            repo = DecisionRepository(session)
            quotas, allocations = await repo.quotas(), await repo.allocations()
            want_call: dict[int, dict[str, int]] = defaultdict(lambda: {"reserving": 0, "approved": 0})
            want_allocation: dict[int, dict[str, int]] = defaultdict(lambda: {"reserving": 0, "approved": 0})
            for call_id, allocation_id, status, count in await repo.held_slots():
                want_call[call_id][status] += count
                if allocation_id is not None:
                    want_allocation[allocation_id][status] += count
            changes = []
            for row, want, kind in ([(q, want_call[q.call_id], "call") for q in quotas]
                                    + [(a, want_allocation[a.id], "allocation") for a in allocations]):
                if (row.reserved, row.approved) != (want["reserving"], want["approved"]):
                    changes.append({"approval_id": None, "action": f"{kind}_counters_fixed",
                                    "detail": f"{kind} {getattr(row, 'call_id', None) or row.id}: reserved "
                                              f"{row.reserved}→{want['reserving']}, approved {row.approved}→"
                                              f"{want['approved']}"})
                    row.reserved, row.approved = want["reserving"], want["approved"]
            await session.flush()
            return changes

        fixed.extend(await self._tx(work))


async def last_report(session: AsyncSession) -> ReconcilerReport | None:
    return await DecisionRepository(session).last_report()

