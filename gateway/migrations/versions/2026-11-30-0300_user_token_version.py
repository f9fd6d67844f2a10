"""users.token_version (access tokens issued before a user's change are refused) and the expert role

Revision ID: gateway_2026_11_30_token_version
Revises: gateway_2026_11_26_identity
Create Date: 2026-11-30 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "gateway_2026_11_30_token_version"
down_revision: str | None = "gateway_2026_11_26_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ROLES_BEFORE = "role IN ('applicant', 'reviewer', 'admin')"
ROLES_AFTER = "role IN ('applicant', 'reviewer', 'expert', 'admin')"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), ROLES_AFTER)


def downgrade() -> None:
    op.execute("UPDATE users SET is_active = false, role = 'applicant' WHERE role = 'expert'")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), ROLES_BEFORE)
        batch.drop_column("token_version")
