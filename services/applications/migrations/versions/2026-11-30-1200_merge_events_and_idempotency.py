"""merge: the event outbox and the idempotency request bodies, made side by side, joined into one history
(no schema change of its own)

Revision ID: applications_2026_11_30_merge
Revises: applications_2026_11_30_outbox, applications_2026_11_30_idem
Create Date: 2026-11-30 12:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "applications_2026_11_30_merge"
down_revision: str | Sequence[str] | None = ("applications_2026_11_30_outbox", "applications_2026_11_30_idem")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
