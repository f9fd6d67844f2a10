"""Verification of the ledger: the fast check from the newest checkpoint, the checkpoints themselves (signed,
for auditors), a transfer's inclusion proof, and full re-verifications run in the background. Admin only."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from funding.deps import AdminCaller, ReadSession, WriteSession
from funding.errors import (
    NotSealedYet,
    SigningKeyMissing,
    TransferNotFound,
    VerificationRunNotFound,
)
from funding.ledger.schemas import VerificationReport
from funding.types import BeforeSeqQuery, JournalSeqPath, TransferKeyPath, VerificationRunPath
from funding.verification import service
from funding.verification.background import app_checkpoint_key, begin_run, run_read, start_run_task
from funding.verification.repository import VerificationRepository
from funding.verification.schemas import (
    CheckpointRead,
    InclusionProof,
    SealResult,
    SigningKey,
    VerificationRunRead,
)
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["ledger"], responses=PROBLEM_RESPONSES)


def _key(request: Request) -> service.CheckpointKey:
    key = app_checkpoint_key(request.app)
    if key is None:
        raise SigningKeyMissing()
    return key


@router.get("/ledger/verify", response_model=VerificationReport, summary="Verify the ledger")
async def verify(request: Request, session: ReadSession, _: AdminCaller) -> VerificationReport:
    """Every account's counters rebuilt (the newest checkpoint's plus the entries since), floors, ceilings and the
    zero sum; the newest checkpoint's signature and head hash; and the journal re-hashed from there to the head.
    Lists every discrepancy. Rows before the checkpoint are re-checked by a full verification run."""
    return await service.verify_since_checkpoint(session, app_checkpoint_key(request.app))


@router.post("/ledger/checkpoints", response_model=SealResult, summary="Seal the journal now")
async def seal(request: Request, session: WriteSession, _: AdminCaller) -> SealResult:
    """Seal every journal row after the newest checkpoint (the sealer otherwise does it every few seconds):
    re-hashed and checked, then signed. Rows that do not verify are not sealed; the problems say why."""
    return await service.seal_now(session, _key(request), request.app.state.settings.checkpoint_max_rows)


@router.get("/ledger/checkpoints", response_model=list[CheckpointRead], summary="List checkpoints")
async def list_checkpoints(session: ReadSession, _: AdminCaller, before: BeforeSeqQuery = None) -> list[CheckpointRead]:
    """Newest first, 100 at a time (without their counters)."""
    rows = await VerificationRepository(session).checkpoints_before(before, 100)
    return [service.checkpoint_read(row) for row in rows]


@router.get("/ledger/checkpoints/{seq}", response_model=CheckpointRead, summary="Read a checkpoint")
async def read_checkpoint(seq: JournalSeqPath, session: ReadSession, _: AdminCaller) -> CheckpointRead:
    """The signed statement and the counters it sealed (of the accounts its stretch moved)."""
    return await service.read_checkpoint(session, seq)


@router.get("/ledger/signing-key", response_model=SigningKey, summary="The checkpoints' public key")
async def signing_key(request: Request, _: AdminCaller) -> SigningKey:
    """The public half of the key that signs checkpoints, to check them offline."""
    key = _key(request)
    return SigningKey(key_id=key.key_id, public_key_pem=key.public_pem())


@router.get("/transfers/{transfer_id}/proof", response_model=InclusionProof, summary="Prove a transfer is sealed")
async def prove(request: Request, transfer_id: TransferKeyPath, session: ReadSession, _: AdminCaller) -> InclusionProof:
    """The transfer's journal row, its Merkle audit path and the signed checkpoint that seals it; check offline
    with `python services/funding/funding/proof_check.py proof.json key.pem`."""
    proof = await service.inclusion_proof(session, transfer_id)
    if proof is None:
        raise TransferNotFound(transfer_id)
    if isinstance(proof, int):
        interval = request.app.state.settings.checkpoint_interval_seconds
        raise NotSealedYet(transfer_id, proof, retry_after=max(1, round(interval)))
    return proof


@router.post("/ledger/verifications", response_model=VerificationRunRead, status_code=202,
             summary="Start a full verification",
             responses={200: {"description": "One is already running: that one."}})
async def start_verification(request: Request, caller: AdminCaller) -> JSONResponse:
    """Re-verify everything from the first transfer in the background (every row, every checkpoint); watch it
    with GET /ledger/verifications/{id}."""
    run, new = await begin_run(request.app.state.database, caller.actor)
    if new:
        start_run_task(request.app, run.id)
    return JSONResponse(run_read(run).model_dump(mode="json"), status_code=202 if new else 200,
                        headers={"Location": f"/ledger/verifications/{run.id}"})


@router.get("/ledger/verifications/latest", response_model=VerificationRunRead, summary="The latest full verification")
async def latest_verification(session: ReadSession, _: AdminCaller) -> VerificationRunRead:
    """The newest full re-reading of the ledger, finished or still running."""
    run = await VerificationRepository(session).latest_run()
    if run is None:
        raise VerificationRunNotFound(None)
    return run_read(run)


@router.get("/ledger/verifications/{run_id}", response_model=VerificationRunRead, summary="Read a full verification")
async def read_verification(run_id: VerificationRunPath, session: ReadSession, _: AdminCaller) -> VerificationRunRead:
    """One full re-reading of the ledger: its state and what it found."""
    run = await VerificationRepository(session).run(run_id)
    if run is None:
        raise VerificationRunNotFound(run_id)
    return run_read(run)
