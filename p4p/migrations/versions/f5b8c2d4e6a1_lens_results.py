"""lens results: each completed assessment's score per tag of every scheme, stored

The commissioner's lenses (CQC key questions, Making it Real themes, PAMMS domains, and any
scheme a checklist tags its statements with) read these rows instead of re-scoring ratings.
Assessments completed before this revision are scored here, with the rule written out below
(the points of the statements tagged with a tag, out of the points possible) so that this
migration never changes meaning when the application's code does.

Revision ID: f5b8c2d4e6a1
Revises: f5b8d2e6a1c7
Create Date: 2026-11-27 11:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "f5b8c2d4e6a1"
down_revision = "f5b8d2e6a1c7"
branch_labels = None
depends_on = None


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _backfill(connection) -> None:
    scales = {
        row.id: _json(row.scale)
        for row in connection.execute(sa.text("SELECT id, scale FROM checklist_versions"))
    }
    tagged_by_version: dict[int, dict[tuple[str, str], list[int]]] = {}
    for row in connection.execute(
        sa.text(
            "SELECT statements.id, statements.version_id, statements.tags FROM statements "
            "JOIN sections ON sections.id = statements.section_id "
            "ORDER BY sections.position, statements.position"
        )
    ):
        tagged = tagged_by_version.setdefault(row.version_id, {})
        for scheme, tags in (_json(row.tags) or {}).items():
            for tag in tags:
                tagged.setdefault((scheme, tag), []).append(row.id)
    completed = connection.execute(
        sa.text(
            "SELECT id, organisation_id, checklist_version_id FROM assessments "
            "WHERE status = 'completed'"
        )
    ).all()
    insert = sa.text(
        "INSERT INTO lens_results (organisation_id, assessment_id, scheme, tag, points, "
        "possible, rated, total) VALUES (:o, :a, :s, :t, :pts, :pos, :r, :n)"
    )
    for assessment in completed:
        scale = scales[assessment.checklist_version_id]
        points_for = {option["key"]: option["points"] for option in scale}
        top_points = scale[-1]["points"]
        ratings = dict(
            connection.execute(
                sa.text("SELECT statement_id, scale_key FROM ratings WHERE assessment_id = :a"),
                {"a": assessment.id},
            ).all()
        )
        rows = []
        for (scheme, tag), ids in tagged_by_version.get(assessment.checklist_version_id, {}).items():
            rated = [points_for[ratings[i]] for i in ids if ratings.get(i) in points_for]
            rows.append(
                {
                    "o": assessment.organisation_id,
                    "a": assessment.id,
                    "s": scheme,
                    "t": tag,
                    "pts": sum(rated),
                    "pos": len(ids) * top_points,
                    "r": len(rated),
                    "n": len(ids),
                }
            )
        if rows:
            connection.execute(insert, rows)


def upgrade():
    op.create_table(
        "lens_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("possible", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_lens_results_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_lens_results_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lens_results")),
        sa.UniqueConstraint(
            "assessment_id", "scheme", "tag", name=op.f("uq_lens_results_assessment_id")
        ),
    )
    with op.batch_alter_table("lens_results") as batch:
        batch.create_index(
            batch.f("ix_lens_results_organisation_id"), ["organisation_id"], unique=False
        )
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("lens_results") as batch:
        batch.drop_index(batch.f("ix_lens_results_organisation_id"))
    op.drop_table("lens_results")
