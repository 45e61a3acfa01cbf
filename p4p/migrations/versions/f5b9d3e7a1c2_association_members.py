"""association members: providers in trade associations, with their benchmark setting

Revision ID: f5b9d3e7a1c2
Revises: e3a7c5b1d9f4
Create Date: 2026-11-27 11:10:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "f5b9d3e7a1c2"
down_revision = "e3a7c5b1d9f4"
branch_labels = None
depends_on = None

ACTIVE_ONLY = sa.text("ended_dt IS NULL")


def upgrade():
    op.create_table(
        "association_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("joined_dt", UTCDateTime(), nullable=False),
        sa.Column("joined_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_dt", UTCDateTime(), nullable=True),
        sa.Column("ended_how", sa.String(length=20), nullable=True),
        sa.Column(
            "benchmarks_allowed", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("benchmarks_changed_dt", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["association_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["joined_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_association_members_one_active_per_pair",
        "association_members",
        ["association_id", "provider_id"],
        unique=True,
        sqlite_where=ACTIVE_ONLY,
        postgresql_where=ACTIVE_ONLY,
    )
    op.create_index("ix_association_members_provider", "association_members", ["provider_id"])


def downgrade():
    op.drop_index("ix_association_members_provider", table_name="association_members")
    op.drop_index(
        "ix_association_members_one_active_per_pair", table_name="association_members"
    )
    op.drop_table("association_members")
