"""organisations: region and size, for benchmark breakdowns

Revision ID: a8c2e6f0b4d7
Revises: f5b9d3e7a1c2
Create Date: 2026-11-27 11:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a8c2e6f0b4d7"
down_revision = "f5b9d3e7a1c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("region", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("size_band", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("size_band")
        batch.drop_column("region")
