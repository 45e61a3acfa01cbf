"""ratings: 'does not apply here' with its reason, review of carried ratings; section results
count statements that do not apply

Revision ID: e6b2c8d4f1a7
Revises: a8d3f1c6b2e7
Create Date: 2026-11-27 11:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e6b2c8d4f1a7"
down_revision = "a8d3f1c6b2e7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("not_applicable_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("review_from_key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("review_relation", sa.String(length=20), nullable=True))
    with op.batch_alter_table("section_results") as batch:
        batch.add_column(
            sa.Column("not_applicable", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("section_results") as batch:
        batch.drop_column("not_applicable")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("review_relation")
        batch.drop_column("review_from_key")
        batch.drop_column("not_applicable_reason")
