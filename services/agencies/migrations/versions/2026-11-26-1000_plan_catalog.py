"""plan catalog: plans, targets, sections, groups, tasks, agencies, group members, task owners, deliverables

Revision ID: agencies_2026_11_26_plan_catalog
Revises: agencies_2026_11_26_initial
Create Date: 2026-11-26 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "agencies_2026_11_26_plan_catalog"
down_revision: str | None = "agencies_2026_11_26_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("document_number", sa.String(length=100), nullable=False),
        sa.Column("issuers", sa.JSON(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name=op.f("uq_agencies_code")),
    )
    op.create_index(op.f("ix_agencies_kind"), "agencies", ["kind"])
    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("comparator", sa.String(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_targets_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_plan_targets_plan_id_code")),
    )
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("numeral", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_sections_plan_id_plans"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_sections_plan_id_number")),
    )
    op.create_table(
        "task_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("numeral", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_task_groups_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_task_groups_section_id_sections"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_groups")),
        sa.UniqueConstraint("section_id", "number", name=op.f("uq_task_groups_section_id_number")),
    )
    op.create_index(op.f("ix_task_groups_plan_id"), "task_groups", ["plan_id"])
    op.create_table(
        "plan_agencies",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_plan_agencies_agency_id_agencies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_agencies_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "agency_id", name=op.f("pk_plan_agencies")),
    )
    op.create_table(
        "group_members",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["agencies.id"], name=op.f("fk_group_members_group_id_agencies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["agencies.id"], name=op.f("fk_group_members_member_id_agencies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_group_members_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "group_id", "member_id", name=op.f("pk_group_members")),
    )
    op.create_index("ix_group_members_member_id", "group_members", ["member_id"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("clause", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["task_groups.id"], name=op.f("fk_tasks_group_id_task_groups")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_tasks_plan_id_plans"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_tasks_section_id_sections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_tasks_plan_id_number")),
    )
    op.create_index(op.f("ix_tasks_group_id"), "tasks", ["group_id"])
    op.create_index(op.f("ix_tasks_section_id"), "tasks", ["section_id"])
    op.create_table(
        "task_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_task_owners_agency_id_agencies")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_owners_task_id_tasks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_owners")),
        sa.UniqueConstraint("task_id", "role", "agency_id", name=op.f("uq_task_owners_task_id_role_agency_id")),
    )
    op.create_index("ix_task_owners_agency_id_role", "task_owners", ["agency_id", "role"])
    op.create_table(
        "deliverables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("comparator", sa.String(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("recurrence", sa.String(length=20), nullable=False),
        sa.Column("reporting", sa.String(length=20), nullable=False),
        sa.Column("derived_from_program", sa.String(length=80), nullable=True),
        sa.Column("part_of_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["part_of_id"], ["deliverables.id"],
                                name=op.f("fk_deliverables_part_of_id_deliverables")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_deliverables_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverables")),
        sa.UniqueConstraint("code", name=op.f("uq_deliverables_code")),
    )
    op.create_index(op.f("ix_deliverables_derived_from_program"), "deliverables", ["derived_from_program"])
    op.create_index(op.f("ix_deliverables_task_id"), "deliverables", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_deliverables_task_id"), table_name="deliverables")
    op.drop_index(op.f("ix_deliverables_derived_from_program"), table_name="deliverables")
    op.drop_table("deliverables")
    op.drop_index("ix_task_owners_agency_id_role", table_name="task_owners")
    op.drop_table("task_owners")
    op.drop_index(op.f("ix_tasks_section_id"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_group_id"), table_name="tasks")
    op.drop_table("tasks")
    op.drop_index("ix_group_members_member_id", table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("plan_agencies")
    op.drop_index(op.f("ix_task_groups_plan_id"), table_name="task_groups")
    op.drop_table("task_groups")
    op.drop_table("sections")
    op.drop_table("plan_targets")
    op.drop_index(op.f("ix_agencies_kind"), table_name="agencies")
    op.drop_table("agencies")
    op.drop_table("plans")
