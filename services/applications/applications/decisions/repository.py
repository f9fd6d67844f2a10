"""Queries of the decision: quota slots taken and given back by guarded UPDATEs, approvals, the saga's outbox
(steps leased with SKIP LOCKED, so several replicas drive it at once) and the reconciler's reports."""

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from applications.models import Approval, CallQuota, QuotaAllocation, ReconcilerReport, SagaStep
from servicekit.repository import RepositoryBase

PENDING, DONE, DEAD = "pending", "done", "dead"


class DecisionRepository(RepositoryBase[Approval]):
    def __init__(self, session: AsyncSession, *, defer_slot_moves: bool = False) -> None:
        super().__init__(session)
        # (call, allocation) → [reserved, approved] to move at `apply_slot_moves`, when deferred.
        self._slot_moves: dict[tuple[int, int | None], list[int]] | None = {} if defer_slot_moves else None

    # --- quota slots -----------------------------------------------------------------------------------

    async def reserve_slot(self, call_id: int, allocation_id: int | None) -> tuple[bool, bool]:
        """One slot of the call (and of the allocation), if `approved + reserved` stays within it: guarded
        UPDATEs, so concurrent deciders on any replica never take more slots than there are. Returns
        (call slot taken, allocation slot taken); the caller rolls back when either is False."""
        call = await self.session.execute(
            update(CallQuota).where(CallQuota.call_id == call_id,
                                    CallQuota.approved + CallQuota.reserved < CallQuota.total)
            .values(reserved=CallQuota.reserved + 1))
        if call.rowcount != 1:
            return False, True
        if allocation_id is None:
            return True, True
        allocation = await self.session.execute(
            update(QuotaAllocation).where(QuotaAllocation.id == allocation_id,
                                          QuotaAllocation.approved + QuotaAllocation.reserved < QuotaAllocation.size)
            .values(reserved=QuotaAllocation.reserved + 1))
        return True, allocation.rowcount == 1

    async def reserve_slots(self, call_id: int, wanted: int) -> int:
        """Up to `wanted` slots of the call at once (for applications with no allocation): its row locked, then
        one UPDATE guarded as reserve_slot's. Returns how many were taken."""
        quota = await self.one_or_none(select(CallQuota).where(CallQuota.call_id == call_id).with_for_update()
                                       .execution_options(populate_existing=True))
        taken = min(wanted, max(0, quota.total - quota.approved - quota.reserved))
        if taken:
            assert await self.take_slots(call_id, taken), "the row is locked: nothing can have taken its slots"
        return taken

    async def take_slots(self, call_id: int, count: int) -> bool:
        """`count` slots of the call, all or none: one UPDATE guarded as reserve_slot's."""
        moved = await self.session.execute(
            update(CallQuota).where(CallQuota.call_id == call_id,
                                    CallQuota.approved + CallQuota.reserved + count <= CallQuota.total)
            .values(reserved=CallQuota.reserved + count))
        return moved.rowcount == 1

    async def free_slots(self, call_ids: list[int]) -> dict[int, int]:
        """Each call's slots not taken, as last committed: read without a lock, so only a guess that
        `take_slots` then checks."""
        rows = await self.session.execute(select(CallQuota.call_id,
                                                 CallQuota.total - CallQuota.approved - CallQuota.reserved)
                                          .where(CallQuota.call_id.in_(call_ids)))
        return {call_id: free for call_id, free in rows}

    async def move_slot(self, call_id: int, allocation_id: int | None, *, reserved: int, approved: int) -> None:
        """Change the held slots: confirm (reserved -1, approved +1), release (reserved -1), return (approved
        -1). The database's CHECKs refuse anything that would go negative. A repository made with
        `defer_slot_moves` adds them up and moves them at `apply_slot_moves` (one UPDATE per call)."""
        if self._slot_moves is not None:
            moves = self._slot_moves.setdefault((call_id, allocation_id), [0, 0])
            moves[0] += reserved
            moves[1] += approved
            return
        await self.session.execute(update(CallQuota).where(CallQuota.call_id == call_id).values(
            reserved=CallQuota.reserved + reserved, approved=CallQuota.approved + approved))
        if allocation_id is not None:
            await self.session.execute(update(QuotaAllocation).where(QuotaAllocation.id == allocation_id).values(
                reserved=QuotaAllocation.reserved + reserved, approved=QuotaAllocation.approved + approved))

    async def apply_slot_moves(self) -> None:
        """The deferred moves, calls then allocations in ascending id (the order every writer takes them), as
        late in the transaction as possible: a hot quota row is locked only from here to the commit."""
        moves, self._slot_moves = self._slot_moves or {}, {}
        by_call: dict[int, list[int]] = {}
        by_allocation: dict[int, list[int]] = {}
        for (call_id, allocation_id), (reserved, approved) in moves.items():
            for key, target in ((call_id, by_call), (allocation_id, by_allocation)):
                if key is not None:
                    total = target.setdefault(key, [0, 0])
                    total[0] += reserved
                    total[1] += approved
        for call_id, (reserved, approved) in sorted(by_call.items()):
            if reserved or approved:
                await self.session.execute(update(CallQuota).where(CallQuota.call_id == call_id).values(
                    reserved=CallQuota.reserved + reserved, approved=CallQuota.approved + approved))
        for allocation_id, (reserved, approved) in sorted(by_allocation.items()):
            if reserved or approved:
                await self.session.execute(update(QuotaAllocation).where(QuotaAllocation.id == allocation_id).values(
                    reserved=QuotaAllocation.reserved + reserved, approved=QuotaAllocation.approved + approved))

    async def quota(self, call_id: int) -> CallQuota:
        return await self.one_or_none(select(CallQuota).where(CallQuota.call_id == call_id)
                                      .execution_options(populate_existing=True))

    async def allocation(self, allocation_id: int) -> QuotaAllocation:
        return await self.one_or_none(select(QuotaAllocation).where(QuotaAllocation.id == allocation_id)
                                      .execution_options(populate_existing=True))

    async def held_slots(self) -> list[tuple[int, int | None, str, int]]:
        """(call, allocation, status, count) of the approvals that hold a slot: what the counters must say."""
        statement = (select(Approval.call_id, Approval.allocation_id, Approval.status, func.count())
                     .where(Approval.status.in_(("reserving", "approved")))
                     .group_by(Approval.call_id, Approval.allocation_id, Approval.status))
        return [tuple(row) for row in (await self.session.execute(statement)).all()]

    async def quotas(self) -> list[CallQuota]:
        return await self.all(select(CallQuota).order_by(CallQuota.call_id).with_for_update())

    async def allocations(self) -> list[QuotaAllocation]:
        return await self.all(select(QuotaAllocation).order_by(QuotaAllocation.id).with_for_update())

    # --- approvals -------------------------------------------------------------------------------------

    async def approval(self, approval_id: str, *, lock: bool = False) -> Approval | None:
        statement = select(Approval).where(Approval.id == approval_id)
        if lock:
            statement = statement.with_for_update()
        return await self.one_or_none(statement.execution_options(populate_existing=True))

    async def approvals_of(self, application_id: int) -> list[Approval]:
        return await self.all(select(Approval).where(Approval.application_id == application_id)
                              .order_by(Approval.created_at))

    async def unsettled(self, limit: int) -> list[Approval]:
        """Approvals whose money or count may disagree with their status: what the reconciler looks at."""
        statement = select(Approval).where(
            ((Approval.status == "approved") & ((Approval.money != "posted") | ~Approval.counted))
            | ((Approval.status.in_(("failed", "revoked")))
               & (Approval.money.in_(("none", "reserved", "posted")) | Approval.counted))
            | (Approval.status == "reserving"))
        return await self.all(statement.order_by(Approval.created_at).limit(limit))

    # --- the outbox ------------------------------------------------------------------------------------

    def add_step(self, approval_id: str, step: str, now: datetime, *, leased_until: datetime | None = None) -> SagaStep:
        """A step of the outbox; `leased_until`: already leased (one attempt) by the request that writes it, which
        takes it at once after the commit; a worker takes it only if that lease runs out (the request died)."""
        row = SagaStep(approval_id=approval_id, step=step, status=PENDING, attempts=1 if leased_until else 0,
                       run_after=now, created_at=now, locked_until=leased_until)
        self.session.add(row)
        return row

    async def has_pending(self, approval_id: str, steps: tuple[str, ...] | None = None) -> bool:
        statement = select(SagaStep.id).where(SagaStep.approval_id == approval_id, SagaStep.status == PENDING)
        if steps:
            statement = statement.where(SagaStep.step.in_(steps))
        return await self.one_or_none(statement) is not None

    async def lease(self, now: datetime, lease_seconds: float, *, approval_id: str | None = None,
                    limit: int = 20, due_for: float = 0.0) -> list[SagaStep]:
        """Due steps (for `due_for` seconds at least), each the first unfinished one of its approval (steps of
        one approval run in order), leased for `lease_seconds`: a worker that dies holding one lets another take
        it when the lease ends. Rows another worker is leasing are skipped, not waited for."""
        earlier = aliased(SagaStep)
        first_of_its_approval = ~exists().where(earlier.approval_id == SagaStep.approval_id,
                                                earlier.status == PENDING, earlier.id < SagaStep.id)
        candidates = (select(SagaStep.id).where(SagaStep.status == PENDING,
                                                SagaStep.run_after <= now - timedelta(seconds=due_for),
                                                (SagaStep.locked_until.is_(None)) | (SagaStep.locked_until < now),
                                                first_of_its_approval)
                      .order_by(SagaStep.id).limit(limit).with_for_update(skip_locked=True))
        if approval_id is not None:
            candidates = candidates.where(SagaStep.approval_id == approval_id)
        ids = list((await self.session.scalars(candidates)).all())
        if not ids:
            return []
        await self.session.execute(update(SagaStep).where(SagaStep.id.in_(ids)).values(
            locked_until=now + timedelta(seconds=lease_seconds), attempts=SagaStep.attempts + 1))
        return await self.all(select(SagaStep).where(SagaStep.id.in_(ids)).order_by(SagaStep.id)
                              .execution_options(populate_existing=True))

    async def step(self, step_id: int, *, lock: bool = False) -> SagaStep | None:
        statement = select(SagaStep).where(SagaStep.id == step_id)
        if lock:
            statement = statement.with_for_update()
        return await self.one_or_none(statement.execution_options(populate_existing=True))

    async def pending_steps(self) -> list[SagaStep]:
        return await self.all(select(SagaStep).where(SagaStep.status == PENDING).order_by(SagaStep.id))

    async def approvals_by_ids(self, ids: list[str], *, lock: bool = False) -> dict[str, Approval]:
        """{id: approval}; locked in id order when asked."""
        statement = select(Approval).where(Approval.id.in_(ids)).order_by(Approval.id)
        if lock:
            statement = statement.with_for_update()
        return {a.id: a for a in await self.all(statement.execution_options(populate_existing=True))}

    async def steps_by_ids(self, ids: list[int], *, lock: bool = False) -> dict[int, SagaStep]:
        """{id: step}; locked in id order when asked."""
        statement = select(SagaStep).where(SagaStep.id.in_(ids)).order_by(SagaStep.id)
        if lock:
            statement = statement.with_for_update()
        return {s.id: s for s in await self.all(statement.execution_options(populate_existing=True))}

    async def steps_of(self, approval_id: str) -> list[SagaStep]:
        return await self.all(select(SagaStep).where(SagaStep.approval_id == approval_id).order_by(SagaStep.id))

    # --- reports ---------------------------------------------------------------------------------------

    async def last_report(self) -> ReconcilerReport | None:
        return await self.one_or_none(select(ReconcilerReport).order_by(ReconcilerReport.id.desc()))

    async def rule_codes(self) -> list[str]:
        return list((await self.session.scalars(select(Approval.rule_code).distinct())).all())

    async def holding_ids(self, ids: list[str]) -> set[str]:
        """Of these approval ids, those that may hold money: being approved, or approved."""
        if not ids:
            return set()
        return set((await self.session.scalars(select(Approval.id).where(
            Approval.id.in_(ids), Approval.status.in_(("reserving", "approved"))))).all())

    async def retry_now(self, approval_id: str, now: datetime) -> bool:
        """The approval's waiting steps are due now (not those a worker holds); whether any was waiting."""
        result = await self.session.execute(update(SagaStep).where(
            SagaStep.approval_id == approval_id, SagaStep.status == PENDING, SagaStep.run_after > now,
            (SagaStep.locked_until.is_(None)) | (SagaStep.locked_until < now)).values(run_after=now))
        return result.rowcount > 0
