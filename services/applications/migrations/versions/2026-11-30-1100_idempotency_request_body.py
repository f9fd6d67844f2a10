"""idempotency_records.request_body: the first request under a key, so a reuse with another body can be told
which fields differ

Revision ID: applications_2026_11_30_idem
Revises: applications_2026_11_30_saga
Create Date: 2026-11-30 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "applications_2026_11_30_idem"
down_revision: str | None = "applications_2026_11_30_saga"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_records") as batch:
        batch.add_column(sa.Column("request_body", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records") as batch:
        batch.drop_column("request_body")
