"""journal hash unindexed: the journal's hash column loses its unique index

Revision ID: funding_2026_11_30_journal_hash
Revises: funding_2026_11_30_checkpoints
Create Date: 2026-11-30 10:00:00+00:00

Nothing looks a row up by its hash: the chain is followed by position (seq) and checked by re-hashing. The
index only cost every posting an insert at a random place of a B-tree that grows with the ledger (a SHA-256 in
hex has no order), which, once it outgrows the buffer cache, means a page read and after each database
checkpoint a full-page write in the WAL for nearly every posting: posting slowed as the ledger grew.

PostgreSQL only: SQLite (the embedded default, one process, not a province's ledger) drops a constraint only by
rebuilding the table, which would also drop its append-only triggers and CHECKs; its index stays.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "funding_2026_11_30_journal_hash"
down_revision: str | None = "funding_2026_11_30_checkpoints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("uq_journal_hash", "journal", type_="unique")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_unique_constraint("uq_journal_hash", "journal", ["hash"])
