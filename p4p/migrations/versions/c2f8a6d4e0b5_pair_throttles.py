"""sign-in throttling per (client address, e-mail address) pair

Throttling counts per pair of client address and e-mail address, and per client address,
instead of per e-mail address, so the subject column grows; the per-e-mail rows mean nothing
now and are dropped (their counts start again, which is the worst this costs).

Revision ID: c2f8a6d4e0b5
Revises: b7e4d2a9c1f3
Create Date: 2026-11-27 08:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c2f8a6d4e0b5"
down_revision = "b7e4d2a9c1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM signin_throttles WHERE scope = 'email'")
    with op.batch_alter_table("signin_throttles", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sa.String(length=254),
            type_=sa.String(length=320),
            existing_nullable=False,
        )


def downgrade():
    op.execute("DELETE FROM signin_throttles WHERE scope = 'pair'")
    with op.batch_alter_table("signin_throttles", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sa.String(length=320),
            type_=sa.String(length=254),
            existing_nullable=False,
        )
