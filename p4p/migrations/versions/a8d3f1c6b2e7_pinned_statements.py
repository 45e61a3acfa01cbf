"""pinned statements: the statements a commissioner sees as columns of its providers table

Revision ID: a8d3f1c6b2e7
Revises: f5b8c2d4e6a1
Create Date: 2026-11-27 11:45:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "a8d3f1c6b2e7"
down_revision = "f5b8c2d4e6a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pinned_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("statement_key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["checklists.id"],
            name=op.f("fk_pinned_statements_checklist_id_checklists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_pinned_statements_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pinned_statements_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pinned_statements")),
        sa.UniqueConstraint(
            "organisation_id",
            "checklist_id",
            "statement_key",
            name=op.f("uq_pinned_statements_organisation_id"),
        ),
    )
    with op.batch_alter_table("pinned_statements") as batch:
        batch.create_index(
            batch.f("ix_pinned_statements_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("pinned_statements") as batch:
        batch.drop_index(batch.f("ix_pinned_statements_organisation_id"))
    op.drop_table("pinned_statements")
