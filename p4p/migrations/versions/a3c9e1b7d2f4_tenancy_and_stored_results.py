"""tenancy on every tenant row; scores stored at completion

Ratings and action history carry their organisation, so that tenancy limits them directly.
Completed assessments keep the stage reached and each section's points, computed here for the
assessments completed before this revision (with the stage rule and scoring of p4p 0.1, written
out below so that this migration never changes meaning when the application's code does).

Revision ID: a3c9e1b7d2f4
Revises: d4d224f0930f
Create Date: 2026-11-27 08:00:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "a3c9e1b7d2f4"
down_revision = "d4d224f0930f"
branch_labels = None
depends_on = None


def _add_organisation(table: str, parent: str, parent_key: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE {table} SET organisation_id = "
        f"(SELECT {parent}.organisation_id FROM {parent} WHERE {parent}.id = {table}.{parent_key})"
    )
    with op.batch_alter_table(table) as batch:
        batch.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(f"ix_{table}_organisation_id", ["organisation_id"])
        batch.create_foreign_key(
            f"fk_{table}_organisation_id_organisations",
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _backfill_results(connection) -> None:
    versions = {
        row.id: (_json(row.scale), _json(row.stages))
        for row in connection.execute(sa.text("SELECT id, scale, stages FROM checklist_versions"))
    }
    sections = {}
    for row in connection.execute(
        sa.text("SELECT id, version_id, key, position FROM sections ORDER BY position")
    ):
        sections.setdefault(row.version_id, []).append(row)
    statements = {}
    for row in connection.execute(
        sa.text("SELECT id, section_id, stage_key FROM statements ORDER BY position")
    ):
        statements.setdefault(row.section_id, []).append(row)
    completed = connection.execute(
        sa.text(
            "SELECT id, organisation_id, checklist_version_id FROM assessments "
            "WHERE status = 'completed'"
        )
    ).all()
    for assessment in completed:
        scale, stages = versions[assessment.checklist_version_id]
        points_for = {o["key"]: o["points"] for o in scale}
        top_key, top_points = scale[-1]["key"], scale[-1]["points"]
        ratings = dict(
            connection.execute(
                sa.text("SELECT statement_id, scale_key FROM ratings WHERE assessment_id = :a"),
                {"a": assessment.id},
            ).all()
        )
        at_top = {stage["key"]: True for stage in stages}
        total_points = total_possible = 0
        for section in sections.get(assessment.checklist_version_id, []):
            rows = statements.get(section.id, [])
            rated = [points_for[ratings[s.id]] for s in rows if ratings.get(s.id) in points_for]
            for s in rows:
                if s.stage_key in at_top and ratings.get(s.id) != top_key:
                    at_top[s.stage_key] = False
            points, possible = sum(rated), len(rows) * top_points
            total_points += points
            total_possible += possible
            connection.execute(
                sa.text(
                    "INSERT INTO section_results (organisation_id, assessment_id, section_key, "
                    "position, points, possible, rated, total) "
                    "VALUES (:o, :a, :k, :p, :pts, :pos, :r, :t)"
                ),
                {
                    "o": assessment.organisation_id,
                    "a": assessment.id,
                    "k": section.key,
                    "p": section.position,
                    "pts": points,
                    "pos": possible,
                    "r": len(rated),
                    "t": len(rows),
                },
            )
        reached = None
        for stage in stages:
            if not at_top[stage["key"]]:
                break
            reached = stage["key"]
        connection.execute(
            sa.text(
                "UPDATE assessments SET stage_key = :s, points = :p, possible = :q WHERE id = :a"
            ),
            {"s": reached, "p": total_points, "q": total_possible, "a": assessment.id},
        )


def upgrade():
    _add_organisation("ratings", "assessments", "assessment_id")
    _add_organisation("action_events", "actions", "action_id")
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("stage_key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("points", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("possible", sa.Integer(), nullable=True))
    op.create_table(
        "section_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("section_key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("possible", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_section_results_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_section_results_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_results")),
        sa.UniqueConstraint(
            "assessment_id", "section_key", name=op.f("uq_section_results_assessment_id")
        ),
    )
    with op.batch_alter_table("section_results") as batch:
        batch.create_index(
            batch.f("ix_section_results_organisation_id"), ["organisation_id"], unique=False
        )
    _backfill_results(op.get_bind())


def downgrade():
    with op.batch_alter_table("section_results") as batch:
        batch.drop_index(batch.f("ix_section_results_organisation_id"))
    op.drop_table("section_results")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("possible")
        batch.drop_column("points")
        batch.drop_column("stage_key")
    for table in ("action_events", "ratings"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_organisation_id_organisations", type_="foreignkey")
            batch.drop_index(f"ix_{table}_organisation_id")
            batch.drop_column("organisation_id")
