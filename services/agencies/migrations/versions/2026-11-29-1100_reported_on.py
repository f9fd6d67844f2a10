"""progress_reports.reported_on: the day an agency reported a value

The day it was filed (in China Standard Time), or for a report back-filled into the record of a plan that has
ended, the day the agency states. Existing reports get the day they were filed.

Revision ID: agencies_2026_11_29_reported_on
Revises: agencies_2026_11_29_english
Create Date: 2026-11-29 11:00:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "agencies_2026_11_29_reported_on"
down_revision: str | None = "agencies_2026_11_29_english"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHINA_TIME = timezone(timedelta(hours=8))

reports = sa.table("progress_reports", sa.column("id", sa.Integer()),
                   sa.column("submitted_at", sa.DateTime(timezone=True)), sa.column("reported_on", sa.Date()))


def upgrade() -> None:
    op.add_column("progress_reports", sa.Column("reported_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    for report_id, submitted_at in connection.execute(sa.select(reports.c.id, reports.c.submitted_at)).all():
        if submitted_at.tzinfo is None:  # SQLite keeps no zone; every stored timestamp is UTC
            submitted_at = submitted_at.replace(tzinfo=UTC)
        connection.execute(reports.update().where(reports.c.id == report_id)
                           .values(reported_on=submitted_at.astimezone(CHINA_TIME).date()))
    with op.batch_alter_table("progress_reports") as batch:
        batch.alter_column("reported_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("reported_on")
