"""checklist format additions: removed statements, 'started' guidance, may-not-apply

Revision ID: d1e5a3c7b9f2
Revises: b7e2f4a9c1d3
Create Date: 2026-11-27 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d1e5a3c7b9f2"
down_revision = "b7e2f4a9c1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checklist_versions") as batch:
        batch.add_column(sa.Column("removed", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("statements") as batch:
        batch.add_column(sa.Column("started", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("may_not_apply", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("may_not_apply")
        batch.drop_column("started")
    with op.batch_alter_table("checklist_versions") as batch:
        batch.drop_column("removed")
