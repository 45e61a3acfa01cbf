"""checklist versions: the version a local variant adapts (its attribution)

Revision ID: c4e9a2f7b1d3
Revises: e6b2c8d4f1a7
Create Date: 2026-11-27 13:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c4e9a2f7b1d3"
down_revision = "e6b2c8d4f1a7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checklist_versions") as batch:
        batch.add_column(sa.Column("based_on", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("checklist_versions") as batch:
        batch.drop_column("based_on")
