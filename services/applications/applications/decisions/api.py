"""The decision (审批): approve or reject applications ready for it, one or a batch; revoke an approval (撤销);
run the reconciler and read its last report. Administrators only."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from applications import errors
from applications.decisions import service
from applications.decisions.reconciler import Reconciler, last_report
from applications.decisions.schemas import (
    ApprovalRead,
    BatchDecisionCreate,
    DecisionCreate,
    DecisionOutcome,
    ReconcilerReportRead,
    RevocationCreate,
)
from applications.deps import AdminCaller, Now, ReadSession, SagaDep
from applications.types import ApplicationId, ApprovalId
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.unit_of_work import run_in_transaction

router = APIRouter(tags=["decisions"], responses=PROBLEM_RESPONSES)


@router.post("/applications/{application_id}/decision", response_model=DecisionOutcome,
             responses={202: {"model": DecisionOutcome, "description": "The place is reserved; funding is retried."}},
             summary="Decide on an application")
async def decide(application_id: ApplicationId, body: DecisionCreate, caller: AdminCaller, saga: SagaDep,
                 now: Now) -> DecisionOutcome | JSONResponse:
    """As an administrator, on an application ready for decision: reject it, or approve it — a quota place and
    the money secured together. 409 `quota_exhausted` / `allocation_exhausted` when no place is left; 409 with
    funding's code (e.g. `budget_insufficient`, with the amounts) when the money could not be reserved (the place
    is released); 202 when funding is unavailable (the place stays reserved and funding is retried)."""
    if body.decision == "reject":
        [outcome] = await service.decide_many(saga, caller, [application_id], "reject", body.comment, now)
    else:
        outcome = await service.approve(saga, caller, application_id, body.comment, now)
    if outcome.outcome == "refused":
        raise errors.ApprovalRefused(outcome.code or "refused", outcome.message.zh, outcome.message.en,
                                     outcome.detail)
    if outcome.outcome == "failed":
        raise errors.ApprovalRefused(outcome.code or "approval_failed", outcome.message.zh, outcome.message.en,
                                     {**outcome.detail, "approval_id": outcome.approval_id})
    if outcome.outcome == "pending":
        return JSONResponse(outcome.model_dump(mode="json"), status_code=202)
    return outcome


@router.post("/decisions", response_model=list[DecisionOutcome], summary="Decide on several applications")
async def decide_many(body: BatchDecisionCreate, caller: AdminCaller, saga: SagaDep,
                      now: Now) -> list[DecisionOutcome]:
    """As an administrator: approve (or reject) a list, e.g. a recommended list; each application gets its own
    outcome (approved, pending, failed with the reason, refused), in the order given."""
    return await service.decide_many(saga, caller, body.application_ids, body.decision, body.comment, now)


@router.get("/applications/{application_id}/approvals", response_model=list[ApprovalRead],
            summary="List an application's approvals")
async def list_approvals(application_id: ApplicationId, caller: AdminCaller, session: ReadSession,
                         ) -> list[ApprovalRead]:
    """Every attempt to approve it, oldest first: status, money, counted, and why one failed."""
    return await service.approvals_of(session, application_id)


@router.get("/approvals/{approval_id}", response_model=ApprovalRead, summary="Read an approval")
async def read_approval(approval_id: ApprovalId, caller: AdminCaller, session: ReadSession) -> ApprovalRead:
    """One approval: status, what funding holds for it, whether the derived deliverable counts it."""
    return await service.read_approval(session, approval_id)


@router.post("/approvals/{approval_id}/revoke", response_model=ApprovalRead, summary="Revoke an approval")
async def revoke_approval(approval_id: ApprovalId, body: RevocationCreate, caller: AdminCaller, saga: SagaDep,
                          now: Now) -> ApprovalRead:
    """As an administrator (撤销, e.g. after fraud): the quota place goes back, the money is released (a
    reservation voided, a commitment reversed) and the derived deliverable stops counting it; audited."""
    approval = await run_in_transaction(
        saga.database, lambda session: service.revoke(session, caller, approval_id, body.reason, now))
    await saga.drain(approval.id)
    return await run_in_transaction(saga.database, lambda session: service.read_approval(session, approval_id))


@router.post("/reconciler/runs", response_model=ReconcilerReportRead, summary="Run the reconciler")
async def run_reconciler(caller: AdminCaller, request: Request) -> ReconcilerReportRead:
    """As an administrator: settle now what the saga left half-way; the report of what was fixed."""
    reconciler: Reconciler = request.app.state.reconciler
    return ReconcilerReportRead.model_validate(await reconciler.run("admin", caller.actor), from_attributes=True)


@router.get("/reconciler/report", response_model=ReconcilerReportRead | None,
            summary="Read the reconciler's last report")
async def read_reconciler_report(caller: AdminCaller, session: ReadSession) -> ReconcilerReportRead | None:
    """The last run's report (periodic, by an administrator or from the command line), or null before any."""
    report = await last_report(session)
    return ReconcilerReportRead.model_validate(report, from_attributes=True) if report else None
