"""checklist drafts: an association's next version of an edition, written in the browser

Revision ID: c4e8a2f6d0b3
Revises: c3f9a7d2e5b8
Create Date: 2026-11-27 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "c4e8a2f6d0b3"
down_revision = "c3f9a7d2e5b8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checklist_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=True),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_dt", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_checklist_drafts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["checklists.id"],
            name=op.f("fk_checklist_drafts_checklist_id_checklists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["checklist_versions.id"],
            name=op.f("fk_checklist_drafts_base_version_id_checklist_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_checklist_drafts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_checklist_drafts_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_drafts")),
        sa.UniqueConstraint(
            "organisation_id", "checklist_id", name=op.f("uq_checklist_drafts_organisation_id")
        ),
    )
    with op.batch_alter_table("checklist_drafts") as batch:
        batch.create_index(
            batch.f("ix_checklist_drafts_organisation_id"), ["organisation_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_checklist_drafts_checklist_id"), ["checklist_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_checklist_drafts_base_version_id"), ["base_version_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("checklist_drafts") as batch:
        batch.drop_index(batch.f("ix_checklist_drafts_base_version_id"))
        batch.drop_index(batch.f("ix_checklist_drafts_checklist_id"))
        batch.drop_index(batch.f("ix_checklist_drafts_organisation_id"))
    op.drop_table("checklist_drafts")
