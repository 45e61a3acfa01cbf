"""sign-ins as rows

Each signed-in browser is a row of `sign_ins` (the session and remember cookie carry its id and
a secret whose SHA-256 is stored), so signing out, a password reset or removal from a team ends
it for good. Sessions from before this revision name no sign-in and end: everyone signs in once.

Revision ID: b7e4d2a9c1f3
Revises: a3c9e1b7d2f4
Create Date: 2026-11-27 08:10:00

"""

import sqlalchemy as sa
from alembic import op

import p4p.timeutil

revision = "b7e4d2a9c1f3"
down_revision = "a3c9e1b7d2f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_dt", p4p.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_dt", p4p.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("expires_dt", p4p.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_dt", p4p.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_ins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_ins_token_hash")),
    )
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_ins_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_ins_user_id"))
    op.drop_table("sign_ins")
