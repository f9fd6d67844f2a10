"""progress and supervision: progress reports, report reviews, derived approvals, escalations

Report reviews and escalations are records of decisions: the database refuses UPDATE and DELETE on them.

Revision ID: agencies_2026_11_26_progress
Revises: agencies_2026_11_26_plan_catalog
Create Date: 2026-11-26 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.migrations import drop_append_only, make_append_only

revision: str = "agencies_2026_11_26_progress"
down_revision: str | None = "agencies_2026_11_26_plan_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_progress_reports_agency_id_agencies")),
        sa.ForeignKeyConstraint(["deliverable_id"], ["deliverables.id"],
                                name=op.f("fk_progress_reports_deliverable_id_deliverables")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
    )
    op.create_index(op.f("ix_progress_reports_agency_id"), "progress_reports", ["agency_id"])
    op.create_index(op.f("ix_progress_reports_status"), "progress_reports", ["status"])
    op.create_index("ix_progress_reports_deliverable_id_agency_id", "progress_reports",
                    ["deliverable_id", "agency_id"])
    op.create_table(
        "report_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_agency_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["progress_reports.id"],
                                name=op.f("fk_report_reviews_report_id_progress_reports")),
        sa.ForeignKeyConstraint(["reviewer_agency_id"], ["agencies.id"],
                                name=op.f("fk_report_reviews_reviewer_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reviews")),
    )
    op.create_index(op.f("ix_report_reviews_report_id"), "report_reviews", ["report_id"])
    make_append_only("report_reviews")
    op.create_table(
        "derived_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approval_id", sa.String(length=100), nullable=False),
        sa.Column("program_code", sa.String(length=80), nullable=False),
        sa.Column("application_id", sa.String(length=100), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["agencies.id"], name=op.f("fk_derived_approvals_city_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derived_approvals")),
        sa.UniqueConstraint("approval_id", name=op.f("uq_derived_approvals_approval_id")),
    )
    op.create_index(op.f("ix_derived_approvals_program_code"), "derived_approvals", ["program_code"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_escalations_agency_id_agencies")),
        sa.ForeignKeyConstraint(["deliverable_id"], ["deliverables.id"],
                                name=op.f("fk_escalations_deliverable_id_deliverables")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("deliverable_id", "agency_id", "period", "step",
                            name=op.f("uq_escalations_deliverable_id_agency_id_period_step")),
    )
    op.create_index(op.f("ix_escalations_agency_id"), "escalations", ["agency_id"])
    make_append_only("escalations")


def downgrade() -> None:
    drop_append_only("escalations")
    op.drop_index(op.f("ix_escalations_agency_id"), table_name="escalations")
    op.drop_table("escalations")
    op.drop_index(op.f("ix_derived_approvals_program_code"), table_name="derived_approvals")
    op.drop_table("derived_approvals")
    drop_append_only("report_reviews")
    op.drop_index(op.f("ix_report_reviews_report_id"), table_name="report_reviews")
    op.drop_table("report_reviews")
    op.drop_index("ix_progress_reports_deliverable_id_agency_id", table_name="progress_reports")
    op.drop_index(op.f("ix_progress_reports_status"), table_name="progress_reports")
    op.drop_index(op.f("ix_progress_reports_agency_id"), table_name="progress_reports")
    op.drop_table("progress_reports")
