"""The decision (审批): approve or reject applications ready for it, one or a batch; revoke an approval (撤销);
run the reconciler and read its last report. Administrators only."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

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
from applications.deps import AdminCaller, JoinedApprovalsDep, Now, ReadSession, SagaDep
from applications.types import ApplicationId, ApprovalId
from servicekit.idempotency import REPLAY_HEADER, IdempotencyKeyHeader, Replay, fingerprint
from servicekit.identity import Principal
from servicekit.problems import PROBLEM_RESPONSES, wants_english
from servicekit.unit_of_work import run_in_transaction

router = APIRouter(tags=["decisions"], responses=PROBLEM_RESPONSES)


def _single_answer(outcome: DecisionOutcome, english: bool) -> tuple[int, Any]:
    """The answer to one decision: 200 approved or rejected, 202 pending, 409 problem+json for a refusal or a
    failure (with funding's reason and amounts)."""
    if outcome.outcome in ("refused", "failed"):
        detail = outcome.detail if outcome.outcome == "refused" else {**outcome.detail,
                                                                      "approval_id": outcome.approval_id}
        error = errors.ApprovalRefused(outcome.code or ("refused" if outcome.outcome == "refused"
                                                        else "approval_failed"),
                                       outcome.message.zh, outcome.message.en, detail)
        error.status = outcome._status if outcome.outcome == "refused" else error.status
        return error.status, error.to_problem(english=english, instance=None)
    return (202 if outcome.outcome == "pending" else 200), outcome.model_dump(mode="json")


def _batch_answer(outcomes: list[DecisionOutcome]) -> tuple[int, Any]:
    return 200, [o.model_dump(mode="json") for o in outcomes]


def _key(request: Request, caller: Principal, key: str | None, body: BaseModel,
         render: Callable[[list[DecisionOutcome]], tuple[int, Any]]) -> service.DecisionKey | None:
    if key is None:
        return None
    request_body = body.model_dump(mode="json")
    return service.DecisionKey(scope=caller.actor, key=key, render=render,
                               fingerprint=fingerprint(request.method, request.url.path, request_body),
                               request=[request.method.upper(), request.url.path, request_body])


def _respond(status: int, body: Any, *, replay: bool) -> JSONResponse:
    media = "application/problem+json" if status >= 400 else "application/json"
    return JSONResponse(body, status_code=status, media_type=media,
                        headers={REPLAY_HEADER: "true"} if replay else None)


@router.post("/applications/{application_id}/decision", response_model=DecisionOutcome,
             responses={202: {"model": DecisionOutcome,
                              "description": "The place is reserved; the money is not secured yet (funding is "
                                             "retried)."}},
             summary="Decide on an application")
async def decide(application_id: ApplicationId, body: DecisionCreate, caller: AdminCaller, saga: SagaDep,
                 joined: JoinedApprovalsDep, now: Now, request: Request,
                 idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    """As an administrator, on an application ready for decision: reject it, or approve it — answered once the
    quota place and the money are both secured (committing the money and counting the approval follow in the
    background). 409 `quota_exhausted` / `allocation_exhausted` when no place is left; 409 with funding's code
    (e.g. `budget_insufficient`, with the amounts) when the money could not be reserved (the place is
    released); 202 when funding is unavailable (the place stays reserved and funding is retried).
    `Idempotency-Key`: a retry gets the first answer."""
    english = wants_english(request.headers.get("accept-language"))

    def render(outcomes: list[DecisionOutcome]) -> tuple[int, Any]:
        return _single_answer(outcomes[0], english)

    if body.decision == "approve" and idempotency_key is None:  # joined with approvals arriving alongside
        return _respond(*render([await joined.approve(caller, application_id, body.comment, now)]), replay=False)
    result = await service.decide(saga, caller, [application_id], body.decision, body.comment, now,
                                  _key(request, caller, idempotency_key, body, render))
    if isinstance(result, Replay):
        return _respond(result.status_code, result.body, replay=True)
    return _respond(*render(result), replay=False)


@router.post("/decisions", response_model=list[DecisionOutcome], summary="Decide on several applications")
async def decide_many(body: BatchDecisionCreate, caller: AdminCaller, saga: SagaDep, now: Now, request: Request,
                      idempotency_key: IdempotencyKeyHeader = None) -> JSONResponse:
    """As an administrator: approve (or reject) a list, e.g. a recommended list; each application gets its own
    outcome (approved, pending, failed with the reason, refused), in the order given. The whole list costs one
    request to the funding service. `Idempotency-Key`: a retry gets the first answer."""
    result = await service.decide(saga, caller, body.application_ids, body.decision, body.comment, now,
                                  _key(request, caller, idempotency_key, body, _batch_answer))
    if isinstance(result, Replay):
        return _respond(result.status_code, result.body, replay=True)
    return _respond(*_batch_answer(result), replay=False)


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
