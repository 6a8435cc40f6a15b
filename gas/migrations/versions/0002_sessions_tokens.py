"""Server-side web sessions and personal API tokens.

Revision ID: 0002_sessions_tokens
Revises: 0001_profiles
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sessions_tokens"
down_revision = "0001_profiles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create `web_sessions` and `api_tokens` (both keyed by a SHA-256 of the secret)."""
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("identity_id", sa.String(64)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("web_sessions_expires_idx", "web_sessions", ["expires"])
    op.create_index("web_sessions_identity_idx", "web_sessions", ["identity_id"])
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("identity_id", sa.String(64),
                  sa.ForeignKey("profiles.identity_id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True)),
    )
    op.create_index("api_tokens_identity_idx", "api_tokens", ["identity_id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index("api_tokens_identity_idx", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("web_sessions_identity_idx", table_name="web_sessions")
    op.drop_index("web_sessions_expires_idx", table_name="web_sessions")
    op.drop_table("web_sessions")
