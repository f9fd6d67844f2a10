"""the decision: approvals, the saga's outbox of steps, the reconciler's reports

Revision ID: applications_2026_11_30_saga
Revises: applications_2026_11_29_programs
Create Date: 2026-11-30 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "applications_2026_11_30_saga"
down_revision: str | None = "applications_2026_11_29_programs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('approvals',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=True),
    sa.Column('program_code', sa.String(length=80), nullable=False),
    sa.Column('rule_code', sa.String(length=80), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=80), nullable=True),
    sa.Column('amount_fen', MONEY, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('money', sa.String(length=20), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_zh', sa.Text(), nullable=True),
    sa.Column('failure_en', sa.Text(), nullable=True),
    sa.Column('failure_detail', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=200), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['allocation_id'], ['quota_allocations.id'],
                            name=op.f('fk_approvals_allocation_id_quota_allocations')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_approvals_application_id_applications')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_approvals_call_id_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals'))
    )
    op.create_index(op.f('ix_approvals_application_id'), 'approvals', ['application_id'], unique=False)
    op.create_index(op.f('ix_approvals_call_id'), 'approvals', ['call_id'], unique=False)
    op.create_index(op.f('ix_approvals_status'), 'approvals', ['status'], unique=False)
    op.create_table('saga_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('approval_id', sa.String(length=100), nullable=False),
    sa.Column('step', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('run_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approval_id'], ['approvals.id'], name=op.f('fk_saga_steps_approval_id_approvals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saga_steps'))
    )
    op.create_index(op.f('ix_saga_steps_approval_id'), 'saga_steps', ['approval_id'], unique=False)
    op.create_index(op.f('ix_saga_steps_run_after'), 'saga_steps', ['run_after'], unique=False)
    op.create_index(op.f('ix_saga_steps_status'), 'saga_steps', ['status'], unique=False)
    op.create_table('reconciler_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fixed', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciler_reports'))
    )


def downgrade() -> None:
    op.drop_table('reconciler_reports')
    op.drop_index(op.f('ix_saga_steps_status'), table_name='saga_steps')
    op.drop_index(op.f('ix_saga_steps_run_after'), table_name='saga_steps')
    op.drop_index(op.f('ix_saga_steps_approval_id'), table_name='saga_steps')
    op.drop_table('saga_steps')
    op.drop_index(op.f('ix_approvals_status'), table_name='approvals')
    op.drop_index(op.f('ix_approvals_call_id'), table_name='approvals')
    op.drop_index(op.f('ix_approvals_application_id'), table_name='approvals')
    op.drop_table('approvals')
