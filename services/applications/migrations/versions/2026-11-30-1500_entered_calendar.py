"""entered calendar: a year's public holidays and make-up working days, entered by an administrator for a year the
chinesecalendar package does not cover yet

Revision ID: applications_2026_11_30_calendar
Revises: applications_2026_11_30_merge
Create Date: 2026-11-30 15:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "applications_2026_11_30_calendar"
down_revision: str | None = "applications_2026_11_30_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("notice", sa.String(length=300), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["calendar_years.year"], name=op.f("fk_calendar_days_year_calendar_years"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_index(op.f("ix_calendar_days_year"), "calendar_days", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_days_year"), table_name="calendar_days")
    op.drop_table("calendar_days")
    op.drop_table("calendar_years")
