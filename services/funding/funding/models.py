"""The funding ledger's tables. Money is integer fen (BIGINT) everywhere; never floats, never NUMERIC.

accounts   the only rows ever updated: four counters (TigerBeetle's shape) and closed_at, guarded by CHECKs
transfers  the requests, insert-only; `key` is the client-chosen id, `pending_id`/`reverses_id`/`once_key`
           are set only when the transfer took effect, so each is UNIQUE: a pending resolves once, a transfer
           is reversed once, a business fact (installment n of award a) is paid once
entries    the effects, insert-only: one row per counter a transfer moved
journal    the outcome of every transfer, insert-only, in commit order, hash-chained
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.audit import AuditLogMixin
from servicekit.database import UTCDateTime, new_metadata
from servicekit.idempotency import IdempotencyRecordMixin
from servicekit.outbox import OutboxEventMixin

# Largest amount of one transfer (JSON-safe integer, well inside BIGINT).
MAX_AMOUNT = 9_000_000_000_000_000
# Counters stay below 2**61 so that every balance expression (a sum of three counters and an amount) fits in
# a signed 64-bit integer on PostgreSQL and never silently turns into a REAL on SQLite.
MAX_COUNTER = 2**61
CURRENCY = "CNY"

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = new_metadata()


class AuditLog(AuditLogMixin, Base):
    __tablename__ = "audit_log"


class OutboxEvent(OutboxEventMixin, Base):
    """Events for the agencies' feed (an award paid), written with the posting and relayed in order."""

    __tablename__ = "event_outbox"


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    pass


# The normal balance seen pessimistically: what it could fall to if every outgoing pending posts (checked
# against the floor) and what it could rise to if every incoming pending posts (checked against the ceiling).
LOW_BALANCE_SQL = (
    "CASE WHEN normal_side = 'credit' THEN credits_posted - debits_posted - debits_pending "
    "ELSE debits_posted - credits_posted - credits_pending END"
)
HIGH_BALANCE_SQL = (
    "CASE WHEN normal_side = 'credit' THEN credits_posted + credits_pending - debits_posted "
    "ELSE debits_posted + debits_pending - credits_posted END"
)
COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    normal_side: Mapped[str] = mapped_column(String(6))
    plan_code: Mapped[str | None] = mapped_column(String(80))
    program_code: Mapped[str | None] = mapped_column(String(80))
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    agency_code: Mapped[str | None] = mapped_column(String(80))
    city_code: Mapped[str | None] = mapped_column(String(80))
    award_id: Mapped[str | None] = mapped_column(String(200))
    floor: Mapped[int | None] = mapped_column(BigInteger)
    ceiling: Mapped[int | None] = mapped_column(BigInteger)
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    debits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("normal_side IN ('debit', 'credit')", name="normal_side"),
        CheckConstraint(
            " AND ".join(f"{c} >= 0 AND {c} < {MAX_COUNTER}" for c in COUNTERS), name="counters_in_range"
        ),
        CheckConstraint(f"floor IS NULL OR ({LOW_BALANCE_SQL}) >= floor", name="floor"),
        CheckConstraint(f"ceiling IS NULL OR ({HIGH_BALANCE_SQL}) <= ceiling", name="ceiling"),
        CheckConstraint("floor IS NULL OR ceiling IS NULL OR floor <= ceiling", name="floor_below_ceiling"),
        Index("ix_accounts_program_year", "program_code", "fiscal_year"),
        Index("ix_accounts_award_id", "award_id"),
    )


class Transfer(Base):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(64))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    pending_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
    once_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    award_id: Mapped[str | None] = mapped_column(String(200), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('single', 'pending', 'post', 'void', 'expire', 'reversal')", name="kind"),
        CheckConstraint(f"amount > 0 AND amount <= {MAX_AMOUNT}", name="amount_in_range"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
        Index("ix_transfers_debit_account", "debit_account_id", "id"),
        Index("ix_transfers_credit_account", "credit_account_id", "id"),
        Index("ix_transfers_pending_expiry", "kind", "expires_at"),
    )


class Entry(Base):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    side: Mapped[str] = mapped_column(String(6))
    layer: Mapped[str] = mapped_column(String(7))
    # What the entry added to the account's `<side>s_<layer>` counter; negative only when a pending is
    # released (posted, voided or expired), which is the one way a pending counter comes down.
    amount: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint("side IN ('debit', 'credit')", name="side"),
        CheckConstraint("layer IN ('posted', 'pending')", name="layer"),
        CheckConstraint("amount <> 0 AND (layer = 'pending' OR amount > 0)", name="amount_sign"),
        Index("ix_entries_account", "account_id", "id"),
    )


class JournalRecord(Base):
    __tablename__ = "journal"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    headroom: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))  # never looked up: no index to grow (see its migration)

    __table_args__ = (
        CheckConstraint("outcome IN ('posted', 'pending', 'voided', 'expired', 'rejected')", name="outcome"),
        CheckConstraint("(outcome = 'rejected') = (reason IS NOT NULL)", name="reason_iff_rejected"),
    )


class FundingRuleVersion(Base):
    """One version of a plan's funding rule; a re-import that changes a rule adds a version, never edits one."""

    __tablename__ = "funding_rules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    plan_code: Mapped[str] = mapped_column(String(80))
    task_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str] = mapped_column(Text)
    payer: Mapped[str] = mapped_column(String(40))
    per: Mapped[str] = mapped_column(String(20))
    quota: Mapped[int | None] = mapped_column(Integer)
    quota_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    lead_agencies: Mapped[list[str]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("code", "version"),)


class Award(Base):
    """An award asked for by the approval saga: created with its reservation, committed when that posts.
    Its status is read from the ledger, so the row itself is never updated."""

    __tablename__ = "awards"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    application_id: Mapped[str | None] = mapped_column(String(200), index=True)
    program_code: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[int] = mapped_column(Integer)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    grantee_ref: Mapped[str | None] = mapped_column(String(200))
    grantee_name: Mapped[str | None] = mapped_column(String(200))
    agency_code: Mapped[str | None] = mapped_column(String(80))
    city_code: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[int] = mapped_column(BigInteger)
    installments: Mapped[list[int]] = mapped_column(JSON)
    computation: Mapped[dict[str, Any]] = mapped_column(JSON)
    budget_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    commitment_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    paid_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reservation_transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_awards_program_year", "program_code", "fiscal_year"),)


class LedgerCheckpoint(Base):
    """A sealed stretch of the journal: its last position, the chain hash there, the Merkle root of the stretch's
    journal hashes and a digest of the counters it sealed (`ledger_checkpoint_counters`), signed with the
    service's key. Each follows exactly one predecessor (`previous_seq` is unique): the checkpoints form a chain."""

    __tablename__ = "ledger_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    previous_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    previous_head_hash: Mapped[str] = mapped_column(String(64))
    head_hash: Mapped[str] = mapped_column(String(64))
    segment_size: Mapped[int] = mapped_column(Integer)
    segment_root: Mapped[str] = mapped_column(String(64))
    counters_digest: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(100))
    signature: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint("seq > previous_seq AND segment_size = seq - previous_seq", name="segment"),
    )


class LedgerCheckpointCounters(Base):
    """The counters, as the entries up to the checkpoint add up, of each account the checkpoint's stretch moved.
    An account's counters at any checkpoint are its row of the latest checkpoint at or before it, so a
    checkpoint costs rows for what moved, not for every account."""

    __tablename__ = "ledger_checkpoint_counters"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    checkpoint_seq: Mapped[int] = mapped_column(ForeignKey("ledger_checkpoints.seq"), primary_key=True)
    debits_posted: Mapped[int] = mapped_column(BigInteger)
    credits_posted: Mapped[int] = mapped_column(BigInteger)
    debits_pending: Mapped[int] = mapped_column(BigInteger)
    credits_pending: Mapped[int] = mapped_column(BigInteger)


class LedgerVerificationRun(Base):
    """A full re-verification from the first transfer, run in the background; its progress and its result."""

    __tablename__ = "ledger_verification_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    requested_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    journal_length: Mapped[int] = mapped_column(BigInteger, default=0)
    checked: Mapped[int] = mapped_column(BigInteger, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        CheckConstraint("status IN ('running', 'passed', 'failed', 'error')", name="status"),
    )
