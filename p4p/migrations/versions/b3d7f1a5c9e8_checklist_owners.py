"""checklists: the publishing association and audience; a version's summary of changes

Revision ID: b3d7f1a5c9e8
Revises: a8c2e6f0b4d7
Create Date: 2026-11-27 11:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b3d7f1a5c9e8"
down_revision = "a8c2e6f0b4d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checklists") as batch:
        batch.add_column(sa.Column("owner_organisation_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "audience", sa.String(length=20), server_default="everyone", nullable=False
            )
        )
        batch.create_index("ix_checklists_owner_organisation_id", ["owner_organisation_id"])
        batch.create_foreign_key(
            "fk_checklists_owner_organisation_id_organisations",
            "organisations",
            ["owner_organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("checklist_versions") as batch:
        batch.add_column(sa.Column("changes_summary", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("checklist_versions") as batch:
        batch.drop_column("changes_summary")
    with op.batch_alter_table("checklists") as batch:
        batch.drop_constraint(
            "fk_checklists_owner_organisation_id_organisations", type_="foreignkey"
        )
        batch.drop_index("ix_checklists_owner_organisation_id")
        batch.drop_column("audience")
        batch.drop_column("owner_organisation_id")
