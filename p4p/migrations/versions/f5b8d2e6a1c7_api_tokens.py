"""api tokens: personal access tokens for the read-only JSON API, stored hashed

Revision ID: f5b8d2e6a1c7
Revises: b3d7f1a5c9e8
Create Date: 2026-11-27 11:30:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "f5b8d2e6a1c7"
down_revision = "b3d7f1a5c9e8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("hint", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_dt", UTCDateTime(), nullable=False),
        sa.Column("last_used_dt", UTCDateTime(), nullable=True),
        sa.Column("expires_dt", UTCDateTime(), nullable=True),
        sa.Column("revoked_dt", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def downgrade():
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
