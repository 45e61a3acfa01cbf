"""render jobs: PDFs made outside the web requests

One row per document asked for and not in the cache, named by its fingerprint (unique, so two
requests share one render). A partial unique index keeps each organisation to one running
render.

Revision ID: b7e2f4a9c1d3
Revises: c2f8a6d4e0b5
Create Date: 2026-11-27 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from p4p.timeutil import UTCDateTime

revision = "b7e2f4a9c1d3"
down_revision = "c2f8a6d4e0b5"
branch_labels = None
depends_on = None

RUNNING_ONLY = sa.text("status = 'running'")


def upgrade():
    op.create_table(
        "render_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_dt", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_dt", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_dt", UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_render_jobs_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_render_jobs_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_render_jobs"),
        sa.UniqueConstraint("fingerprint", name="uq_render_jobs_fingerprint"),
    )
    with op.batch_alter_table("render_jobs") as batch:
        batch.create_index("ix_render_jobs_assessment_id", ["assessment_id"])
        batch.create_index("ix_render_jobs_organisation_id", ["organisation_id"])
        batch.create_index("ix_render_jobs_status", ["status"])
        batch.create_index(
            "ix_render_jobs_one_running_per_organisation",
            ["organisation_id"],
            unique=True,
            sqlite_where=RUNNING_ONLY,
            postgresql_where=RUNNING_ONLY,
        )


def downgrade():
    op.drop_table("render_jobs")
