"""event outbox: events for the agencies' feed, relayed in order

The table is the one every service's outbox has (servicekit.outbox).

Revision ID: applications_2026_11_30_outbox
Revises: applications_2026_11_30_saga
Create Date: 2026-11-30 09:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from servicekit.outbox import create_outbox_table

revision: str = "applications_2026_11_30_outbox"
down_revision: str | None = "applications_2026_11_30_saga"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_table()


def downgrade() -> None:
    op.drop_table("event_outbox")
