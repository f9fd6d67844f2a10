"""programs, forms, calls and quotas, applications and their timeline, attachments, expert reviews, notices

Revision ID: applications_2026_11_29_programs
Revises: applications_2026_11_26_initial
Create Date: 2026-11-29 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.migrations import drop_append_only, make_append_only


revision: str = "applications_2026_11_29_programs"
down_revision: str | None = "applications_2026_11_26_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('json_schema', sa.JSON(), nullable=False),
    sa.Column('ui_schema', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forms')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_forms_code_version'))
    )
    op.create_table('plans',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_plans'))
    )
    op.create_table('plan_agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_code', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['plan_code'], ['plans.code'], name=op.f('fk_plan_agencies_plan_code_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_agencies')),
    sa.UniqueConstraint('plan_code', 'code', name=op.f('uq_plan_agencies_plan_code_code'))
    )
    op.create_table('plan_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_code', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('lead', sa.JSON(), nullable=False),
    sa.Column('responsible', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_code'], ['plans.code'], name=op.f('fk_plan_tasks_plan_code_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_tasks')),
    sa.UniqueConstraint('plan_code', 'number', name=op.f('uq_plan_tasks_plan_code_number'))
    )
    op.create_table('programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('plan_code', sa.String(length=80), nullable=False),
    sa.Column('task_number', sa.Integer(), nullable=False),
    sa.Column('task_title', sa.String(length=300), nullable=False),
    sa.Column('rule_code', sa.String(length=80), nullable=False),
    sa.Column('rule_kind', sa.String(length=40), nullable=False),
    sa.Column('tier_code', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('payer', sa.String(length=40), nullable=False),
    sa.Column('applicant_type', sa.String(length=20), nullable=False),
    sa.Column('reviewing_agency', sa.String(length=80), nullable=False),
    sa.Column('nominators', sa.JSON(), nullable=False),
    sa.Column('plan_quota', sa.Integer(), nullable=True),
    sa.Column('plan_quota_approximate', sa.Boolean(), nullable=False),
    sa.Column('form_code', sa.String(length=80), nullable=False),
    sa.Column('form_version', sa.Integer(), nullable=False),
    sa.Column('score_sheet', sa.JSON(), nullable=False),
    sa.Column('min_experts', sa.Integer(), nullable=False),
    sa.Column('award_kind', sa.String(length=80), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('decided_amount_fen', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_code'], ['plans.code'], name=op.f('fk_programs_plan_code_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs')),
    sa.UniqueConstraint('code', name=op.f('uq_programs_code'))
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programs_reviewing_agency'), ['reviewing_agency'], unique=False)
        batch_op.create_index(batch_op.f('ix_programs_rule_code'), ['rule_code'], unique=False)

    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('plan_code', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('notice_working_days', sa.Integer(), nullable=False),
    sa.Column('objection_working_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_calls_window_is_ordered')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_calls_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('program_id', 'year', name=op.f('uq_calls_program_id_year'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_program_id'), ['program_id'], unique=False)

    op.create_table('call_quotas',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('nominated', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved + reserved <= total', name=op.f('ck_call_quotas_within_total')),
    sa.CheckConstraint('total >= 0 AND nominated >= 0 AND reserved >= 0 AND approved >= 0', name=op.f('ck_call_quotas_not_negative')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_quotas_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', name=op.f('pk_call_quotas'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_notices_call_id_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_call_id'), ['call_id'], unique=False)

    op.create_table('quota_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('nominated', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved + reserved <= size', name=op.f('ck_quota_allocations_awards_within_size')),
    sa.CheckConstraint('nominated <= size', name=op.f('ck_quota_allocations_nominated_within_size')),
    sa.CheckConstraint('size >= 0 AND nominated >= 0 AND reserved >= 0 AND approved >= 0', name=op.f('ck_quota_allocations_not_negative')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_quota_allocations_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_allocations')),
    sa.UniqueConstraint('call_id', 'agency_code', name=op.f('uq_quota_allocations_call_id_agency_code'))
    )
    op.create_table('quota_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=80), nullable=True),
    sa.Column('before', sa.Integer(), nullable=True),
    sa.Column('after', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_quota_changes_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_changes'))
    )
    with op.batch_alter_table('quota_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_changes_call_id'), ['call_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('applicant_subject', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('nominating_agency', sa.String(length=80), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=True),
    sa.Column('counts_as_nominated', sa.Boolean(), nullable=False),
    sa.Column('form_code', sa.String(length=80), nullable=False),
    sa.Column('form_version', sa.Integer(), nullable=False),
    sa.Column('form_data', sa.JSON(), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=300), nullable=False),
    sa.Column('personal_ciphertext', sa.Text(), nullable=True),
    sa.Column('identity_digest', sa.String(length=64), nullable=True),
    sa.Column('amount_fen', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rule_version', sa.Integer(), nullable=True),
    sa.Column('approval_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nominated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['allocation_id'], ['quota_allocations.id'], name=op.f('fk_applications_allocation_id_quota_allocations')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_applications_call_id_calls')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_applications_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('approval_id', name=op.f('uq_applications_approval_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_applicant_subject'), ['applicant_subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_identity_digest'), ['identity_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_nominating_agency'), ['nominating_agency'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_state'), ['state'], unique=False)

    op.create_table('application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_events_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_events_application_id'), ['application_id'], unique=False)
    # The timeline is history: the database itself refuses to change or delete it.
    make_append_only("application_events")

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_attachments_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_application_id'), ['application_id'], unique=False)

    op.create_table('expert_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('expert_subject', sa.String(length=200), nullable=False),
    sa.Column('expert_name', sa.String(length=200), nullable=False),
    sa.Column('assigned_by', sa.String(length=200), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declaration', sa.String(length=20), nullable=True),
    sa.Column('declaration_note', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_expert_assignments_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_assignments')),
    sa.UniqueConstraint('application_id', 'expert_subject', name=op.f('uq_expert_assignments_application_id_expert_subject'))
    )
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_assignments_expert_subject'), ['expert_subject'], unique=False)

    op.create_table('notice_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=300), nullable=False),
    sa.Column('program_name', sa.String(length=300), nullable=False),
    sa.Column('amount_fen', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notice_entries_application_id_applications')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_entries_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_entries')),
    sa.UniqueConstraint('notice_id', 'application_id', name=op.f('uq_notice_entries_notice_id_application_id'))
    )
    with op.batch_alter_table('notice_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_entries_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_entries_notice_id'), ['notice_id'], unique=False)

    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('filer_name', sa.String(length=100), nullable=False),
    sa.Column('filer_contact_ciphertext', sa.Text(), nullable=False),
    sa.Column('filer_unit', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolve_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_objections_application_id_applications')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_objections_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objections_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objections_status'), ['status'], unique=False)

    op.create_table('score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['expert_assignments.id'], name=op.f('fk_score_sheets_assignment_id_expert_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheets')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_score_sheets_assignment_id'))
    )


def downgrade() -> None:
    op.drop_table('score_sheets')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_status'))
        batch_op.drop_index(batch_op.f('ix_objections_notice_id'))
        batch_op.drop_index(batch_op.f('ix_objections_application_id'))

    op.drop_table('objections')
    with op.batch_alter_table('notice_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_entries_notice_id'))
        batch_op.drop_index(batch_op.f('ix_notice_entries_application_id'))

    op.drop_table('notice_entries')
    with op.batch_alter_table('expert_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_assignments_expert_subject'))
        batch_op.drop_index(batch_op.f('ix_expert_assignments_application_id'))

    op.drop_table('expert_assignments')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_application_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_events_application_id'))

    drop_append_only("application_events")
    op.drop_table('application_events')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_state'))
        batch_op.drop_index(batch_op.f('ix_applications_program_id'))
        batch_op.drop_index(batch_op.f('ix_applications_nominating_agency'))
        batch_op.drop_index(batch_op.f('ix_applications_identity_digest'))
        batch_op.drop_index(batch_op.f('ix_applications_call_id'))
        batch_op.drop_index(batch_op.f('ix_applications_applicant_subject'))

    op.drop_table('applications')
    with op.batch_alter_table('quota_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_changes_call_id'))

    op.drop_table('quota_changes')
    op.drop_table('quota_allocations')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_call_id'))

    op.drop_table('notices')
    op.drop_table('call_quotas')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_program_id'))
        batch_op.drop_index(batch_op.f('ix_calls_closes_at'))

    op.drop_table('calls')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programs_rule_code'))
        batch_op.drop_index(batch_op.f('ix_programs_reviewing_agency'))

    op.drop_table('programs')
    op.drop_table('plan_tasks')
    op.drop_table('plan_agencies')
    op.drop_table('plans')
    op.drop_table('forms')
