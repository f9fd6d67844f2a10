"""checkpoints: the journal sealed in signed checkpoints (with the counters of the accounts each stretch moved),
and full re-verification runs kept with their progress

Revision ID: funding_2026_11_30_checkpoints
Revises: funding_2026_11_26_lean_posting
Create Date: 2026-11-30 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.migrations import drop_append_only, make_append_only

revision: str = "funding_2026_11_30_checkpoints"
down_revision: str | None = "funding_2026_11_26_lean_posting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

timestamp = sa.DateTime(timezone=True)
big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_checkpoints",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("previous_seq", sa.BigInteger(), nullable=False),
        sa.Column("previous_head_hash", sa.String(64), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("segment_size", sa.Integer(), nullable=False),
        sa.Column("segment_root", sa.String(64), nullable=False),
        sa.Column("counters_digest", sa.String(64), nullable=False),
        sa.Column("sealed_at", timestamp, nullable=False),
        sa.Column("key_id", sa.String(100), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.CheckConstraint("seq > previous_seq AND segment_size = seq - previous_seq",
                           name=op.f("ck_ledger_checkpoints_segment")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_checkpoints")),
        sa.UniqueConstraint("previous_seq", name=op.f("uq_ledger_checkpoints_previous_seq")),
    )
    make_append_only("ledger_checkpoints")
    op.create_table(
        "ledger_checkpoint_counters",
        sa.Column("account_id", big_id, nullable=False),
        sa.Column("checkpoint_seq", sa.BigInteger(), nullable=False),
        *[sa.Column(counter, sa.BigInteger(), nullable=False)
          for counter in ("debits_posted", "credits_posted", "debits_pending", "credits_pending")],
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_ledger_checkpoint_counters_account_id_accounts")),
        sa.ForeignKeyConstraint(["checkpoint_seq"], ["ledger_checkpoints.seq"],
                                name=op.f("fk_ledger_checkpoint_counters_checkpoint_seq_ledger_checkpoints")),
        sa.PrimaryKeyConstraint("account_id", "checkpoint_seq", name=op.f("pk_ledger_checkpoint_counters")),
    )
    make_append_only("ledger_checkpoint_counters")
    op.create_table(
        "ledger_verification_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("started_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.Column("finished_at", timestamp, nullable=True),
        sa.Column("journal_length", sa.BigInteger(), nullable=False),
        sa.Column("checked", sa.BigInteger(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'passed', 'failed', 'error')",
                           name=op.f("ck_ledger_verification_runs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_verification_runs")),
    )


def downgrade() -> None:
    op.drop_table("ledger_verification_runs")
    drop_append_only("ledger_checkpoint_counters")
    op.drop_table("ledger_checkpoint_counters")
    drop_append_only("ledger_checkpoints")
    op.drop_table("ledger_checkpoints")
