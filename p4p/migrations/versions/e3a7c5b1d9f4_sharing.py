"""sharing: organisations' codes (commissioners' sharing codes, associations' joining codes), providers' shares and the record of views

Revision ID: e3a7c5b1d9f4
Revises: d1e5a3c7b9f2
Create Date: 2026-11-27 11:20:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "e3a7c5b1d9f4"
down_revision = "d1e5a3c7b9f2"
branch_labels = None
depends_on = None

ACTIVE_ONLY = sa.text("revoked_dt IS NULL")


def upgrade():
    op.create_table(
        "organisation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("created_dt", UTCDateTime(), nullable=False),
        sa.Column("replaced_dt", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(
        "ix_organisation_codes_owner", "organisation_codes", ["organisation_id", "purpose"]
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("created_dt", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("scope_changed_dt", UTCDateTime(), nullable=True),
        sa.Column("revoked_dt", UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commissioner_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shares_provider_id", "shares", ["provider_id"])
    op.create_index("ix_shares_commissioner_active", "shares", ["commissioner_id", "revoked_dt"])
    op.create_index(
        "ix_shares_one_active_per_pair",
        "shares",
        ["provider_id", "commissioner_id"],
        unique=True,
        sqlite_where=ACTIVE_ONLY,
        postgresql_where=ACTIVE_ONLY,
    )
    op.create_table(
        "share_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("viewer_name", sa.String(length=200), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("viewed_dt", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commissioner_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_share_views_provider_dt", "share_views", ["provider_id", "viewed_dt"])


def downgrade():
    op.drop_index("ix_share_views_provider_dt", table_name="share_views")
    op.drop_table("share_views")
    op.drop_index("ix_shares_one_active_per_pair", table_name="shares")
    op.drop_index("ix_shares_commissioner_active", table_name="shares")
    op.drop_index("ix_shares_provider_id", table_name="shares")
    op.drop_table("shares")
    op.drop_index("ix_organisation_codes_owner", table_name="organisation_codes")
    op.drop_table("organisation_codes")
