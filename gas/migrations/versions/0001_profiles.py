"""Create the profiles table.

Revision ID: 0001_profiles
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_profiles"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create `profiles` (identity_id primary key; role free_user | premium_user)."""
    op.create_table(
        "profiles",
        sa.Column("identity_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255)),
        sa.Column("email", sa.String(320)),
        sa.Column("institution", sa.String(255)),
        sa.Column("role", sa.String(32), nullable=False, server_default="free_user"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('free_user', 'premium_user')", name="profiles_role_check"),
    )
    op.create_index("profiles_email_idx", "profiles", ["email"])


def downgrade() -> None:
    """Drop `profiles`."""
    op.drop_index("profiles_email_idx", table_name="profiles")
    op.drop_table("profiles")
