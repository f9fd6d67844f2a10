"""English plan content: the English title of each task and the English indicator and unit of each target

The plan file gives them beside the Chinese. Rows loaded before this revision read '' until the plan is loaded
again (every start loads it), hence the server default.

Revision ID: agencies_2026_11_29_english
Revises: agencies_2026_11_26_progress
Create Date: 2026-11-29 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "agencies_2026_11_29_english"
down_revision: str | None = "agencies_2026_11_26_progress"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("tasks", "title_en", 300),
    ("plan_targets", "indicator_en", 300),
    ("plan_targets", "unit_en", 40),
    ("deliverables", "indicator_en", 300),
    ("deliverables", "unit_en", 40),
)


def upgrade() -> None:
    for table, column, length in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    for table, column, _ in reversed(COLUMNS):
        op.drop_column(table, column)
