"""render_jobs: documents of a checklist version as well as of an assessment (the blank
checklist, an association's benchmark briefing); one job per document per asking organisation

Revision ID: c3f9a7d2e5b8
Revises: c4e9a2f7b1d3
Create Date: 2026-11-27 13:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c3f9a7d2e5b8"
down_revision = "c4e9a2f7b1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("render_jobs") as batch:
        batch.alter_column("assessment_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("version_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("params", sa.String(length=200), nullable=False, server_default="")
        )
        batch.create_foreign_key(
            "fk_render_jobs_version_id_checklist_versions",
            "checklist_versions",
            ["version_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_render_jobs_version_id", ["version_id"])
        batch.drop_constraint("uq_render_jobs_fingerprint", type_="unique")
        batch.create_index("ix_render_jobs_fingerprint", ["fingerprint"])
        batch.create_unique_constraint(
            "uq_render_jobs_organisation_id_fingerprint", ["organisation_id", "fingerprint"]
        )


def downgrade():
    # Jobs of other subjects cannot be kept without an assessment; they are made again.
    op.execute("DELETE FROM render_jobs WHERE assessment_id IS NULL")
    with op.batch_alter_table("render_jobs") as batch:
        batch.drop_constraint("uq_render_jobs_organisation_id_fingerprint", type_="unique")
        batch.drop_index("ix_render_jobs_fingerprint")
        batch.create_unique_constraint("uq_render_jobs_fingerprint", ["fingerprint"])
        batch.drop_index("ix_render_jobs_version_id")
        batch.drop_constraint("fk_render_jobs_version_id_checklist_versions", type_="foreignkey")
        batch.drop_column("params")
        batch.drop_column("version_id")
        batch.alter_column("assessment_id", existing_type=sa.Integer(), nullable=False)
