from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from funding.ledger.schemas import VerificationProblem


class CheckpointStatement(BaseModel):
    """What the signature covers, as canonical JSON (sorted keys, no spaces, UTF-8)."""

    ledger: str = Field(description="Which ledger: always `talent-plan-funding`.")
    seq: int = Field(description="The last journal position the checkpoint seals.")
    previous_seq: int = Field(description="The previous checkpoint's position (0 for the first).")
    previous_head_hash: str
    head_hash: str = Field(description="The journal's chain hash at `seq`.")
    segment_size: int = Field(description="Journal rows sealed: seq − previous_seq.")
    segment_root: str = Field(description="RFC 9162 Merkle tree hash over those rows' journal hashes.")
    counters_digest: str = Field(description="SHA-256 of the canonical JSON of `counters`.")
    sealed_at: datetime


class CheckpointRead(BaseModel):
    statement: CheckpointStatement
    key_id: str
    algorithm: Literal["Ed25519"] = "Ed25519"
    signature: str = Field(description="Base64 of the Ed25519 signature over the statement's canonical JSON.")
    counters: dict[str, list[int]] | None = Field(
        default=None, description="Per account id the checkpoint's stretch moved: debits_posted, credits_posted, "
        "debits_pending, credits_pending as the entries up to `seq` add up (only on a single checkpoint's page).")


class SealResult(BaseModel):
    sealed: list[CheckpointRead]
    unsealed: int = Field(description="Journal rows after the newest checkpoint.")
    problems: list[VerificationProblem] = Field(description="Why nothing more was sealed, if the rows to seal "
                                                            "do not verify.")


class SigningKey(BaseModel):
    key_id: str
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key_pem: str


class JournalLine(BaseModel):
    seq: int
    prev_hash: str
    body: str = Field(description="The canonical JSON the row's hash covers: hash = SHA-256(prev_hash ‖ body).")
    hash: str


class InclusionProof(BaseModel):
    """Everything an auditor needs, with the service's public key, to check offline that this transfer is in
    the signed checkpoint (services/funding/funding/proof_check.py)."""

    transfer: str
    journal: JournalLine
    leaf_index: int = Field(description="0-based place of the row among the checkpoint's rows.")
    audit_path: list[str] = Field(description="RFC 9162 audit path, hex, from the leaf up.")
    checkpoint: CheckpointRead


class VerificationRunRead(BaseModel):
    id: int
    status: Literal["running", "passed", "failed", "error", "abandoned"] = Field(
        description="abandoned: its process stopped before it finished (start another).")
    requested_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    journal_length: int = Field(description="Journal rows when the run started.")
    checked: int = Field(description="Journal rows re-hashed so far.")
    problems: list[VerificationProblem]
    checkpoints_checked: int | None = None
    head_hash: str | None = None
