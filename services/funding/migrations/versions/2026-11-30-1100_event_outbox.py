"""event outbox: events for the agencies' feed (an award paid), relayed in order

The table is the one every service's outbox has (servicekit.outbox).

Revision ID: funding_2026_11_30_outbox
Revises: funding_2026_11_30_journal_hash
Create Date: 2026-11-30 11:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from servicekit.outbox import create_outbox_table

revision: str = "funding_2026_11_30_outbox"
down_revision: str | None = "funding_2026_11_30_journal_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_table()


def downgrade() -> None:
    op.drop_table("event_outbox")
