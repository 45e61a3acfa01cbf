"""Scores and stage are stored when an assessment is completed (it never changes afterwards),
and the migration that introduced them back-filled the assessments completed before it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, func, insert, select

from p4p import create_app, scoring, tenancy
from p4p.assessments import service
from p4p.assessments.models import Assessment, SectionResult
from p4p.extensions import db
from tests.conftest import make_config, separate_database
from tests.helpers import sign_in, submit


def rate_all(client, assessment, version, pick):
    for index, section in enumerate(version.content.sections):
        data = {}
        for number, statement in enumerate(section.statements):
            data[f"{statement.key}-scale"] = pick(index, number)
            data[f"{statement.key}-note"] = ""
            data[f"{statement.key}-revision"] = "0"
        url = f"/assessments/{assessment.id}/sections/{section.key}"
        assert submit(client, url, data).status_code == 302


def test_completing_stores_each_sections_points_and_the_stage(client, world, homecare):
    owner = world.provider("Stored Homecare")
    sign_in(client, owner)
    submit(client, "/assessments/new", {"edition": str(homecare.id), "title": "Stored"})
    assessment = db.session.scalar(select(Assessment))
    scale = homecare.content.scale_keys
    rate_all(client, assessment, homecare, lambda s, n: scale[-1] if s < 3 else scale[n % 3])
    live = service.result(assessment)
    completed = submit(client, f"/assessments/{assessment.id}/complete")
    assert completed.status_code == 302

    db.session.expire_all()
    stored = db.session.scalars(
        select(SectionResult)
        .where(SectionResult.assessment_id == assessment.id)
        .order_by(SectionResult.position)
    ).all()
    assert [(r.section_key, r.points, r.possible, r.rated, r.total) for r in stored] == [
        (s.key, s.points, s.possible, s.rated, s.total) for s in live.sections
    ]
    again = db.session.get(Assessment, assessment.id)
    assert again.stage_key == (live.stage_reached.key if live.stage_reached else None)
    assert (again.points, again.possible) == (live.overall.points, live.overall.possible)
    assert again.organisation_id == owner.organisation.id
    assert all(r.organisation_id == owner.organisation.id for r in stored)


def test_completing_twice_is_refused_and_stores_nothing_twice(client, world, homecare):
    owner = world.provider("Twice Homecare")
    sign_in(client, owner)
    submit(client, "/assessments/new", {"edition": str(homecare.id), "title": "Twice"})
    assessment = db.session.scalar(select(Assessment))
    rate_all(client, assessment, homecare, lambda s, n: "doing")
    assessment = db.session.get(Assessment, assessment.id)
    service.complete(assessment, owner.id)
    db.session.commit()
    stale = Assessment(id=assessment.id, organisation_id=assessment.organisation_id)
    stale.status = "draft"  # a copy read before a colleague completed it
    stale.version = assessment.version
    try:
        service.complete(stale, owner.id)
    except service.AssessmentLocked:
        pass
    else:
        raise AssertionError("a completed assessment was completed again")
    db.session.rollback()
    count = db.session.scalar(
        select(func.count(SectionResult.id)).where(SectionResult.assessment_id == assessment.id)
    )
    assert count == len(homecare.content.sections)


def test_progress_reads_stored_scores_not_ratings(client, world, homecare, count_queries):
    from tests.helpers import completed_assessment

    owner = world.provider("History Homecare")
    for n in range(8):
        completed_assessment(owner, homecare, f"Round {n}", lambda i, _: ("doing", ""), 100 - n)
    sign_in(client, owner)
    client.get("/progress/homecare")  # content of the version read once for the process
    with count_queries() as queries:
        page = client.get("/progress/homecare")
    assert page.status_code == 200
    assert "Round 7" in page.get_data(as_text=True)
    statements = [q for q in queries if "FROM ratings" in q]
    # Two assessments' ratings at most (what changed since last time), never all eight.
    assert len(statements) <= 1, statements
    assert len(queries) <= 10, queries


# --- the migration's back-fill ---------------------------------------------------------------


def test_the_migration_back_fills_completed_assessments(tmp_path):
    with separate_database(tmp_path, "p4p_backfill_check") as url:
        app = create_app(make_config(url))
        with app.app_context():
            upgrade(revision="d4d224f0930f")
            ids = _old_world(db.engine)
            upgrade()
            tenancy.enter(tenancy.everything("checking the back-fill"))
            assessment = db.session.get(Assessment, ids["completed"])
            draft = db.session.get(Assessment, ids["draft"])
            expected = scoring.score(
                assessment.version.content, {"s1": "top", "s2": "mid", "s3": "top"}
            )
            rows = [
                (r.section_key, r.points, r.possible, r.rated, r.total)
                for r in assessment.section_results
            ]
            assert rows == [
                (s.key, s.points, s.possible, s.rated, s.total) for s in expected.sections
            ]
            assert rows == [("a", 3, 4, 2, 2), ("b", 2, 2, 1, 1)]
            assert assessment.stage_key == expected.stage_reached.key == "first"
            assert (assessment.points, assessment.possible) == (5, 6)
            assert draft.section_results == [] and draft.stage_key is None
            ratings = db.session.execute(
                Table("ratings", MetaData(), autoload_with=db.engine).select()
            ).all()
            assert {r.organisation_id for r in ratings} == {ids["organisation"]}
            events = db.session.execute(
                Table("action_events", MetaData(), autoload_with=db.engine).select()
            ).all()
            assert [e.organisation_id for e in events] == [ids["organisation"]]
            db.session.remove()
            db.engine.dispose()


def _old_world(engine) -> dict[str, int]:
    """Rows as p4p 0.1 wrote them, before scores were stored."""
    meta = MetaData()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:

        def table(name):
            return Table(name, meta, autoload_with=connection)

        def add(table_name, **values):
            row = insert(table(table_name)).values(**values)
            return connection.execute(row).inserted_primary_key[0]

        organisation = add(
            "organisations", name="Old", kind="provider", is_demo=False, created_dt=now
        )
        checklist = add("checklists", key="old", title="Old")
        scale = [
            {"key": "low", "label": "Low", "points": 0, "description": None},
            {"key": "mid", "label": "Mid", "points": 1, "description": None},
            {"key": "top", "label": "Top", "points": 2, "description": None},
        ]
        stages = [
            {"key": "first", "label": "First", "description": None},
            {"key": "second", "label": "Second", "description": None},
        ]
        version = add(
            "checklist_versions",
            checklist_id=checklist,
            version="1.0.0",
            sort_key="000001.000000.000000",
            title="Old",
            summary="s",
            publisher="p",
            licence="CC-BY-4.0",
            language="en-GB",
            published=date(2026, 1, 1),
            content_hash="h" * 64,
            scale=json.loads(json.dumps(scale)),
            stages=stages,
            source_path="old/1.0.0.yaml",
            loaded_dt=now,
        )
        statement_ids = {}
        for position, (key, statements) in enumerate(
            [("a", [("s1", "first"), ("s2", "second")]), ("b", [("s3", "first")])]
        ):
            section = add(
                "sections",
                version_id=version,
                key=key,
                title=key.upper(),
                summary=None,
                position=position,
            )
            for index, (statement, stage) in enumerate(statements):
                statement_ids[statement] = add(
                    "statements",
                    version_id=version,
                    section_id=section,
                    key=statement,
                    text=statement,
                    stage_key=stage,
                    guidance="g",
                    evidence=[],
                    tags={},
                    origins=[],
                    position=index,
                )
        ids = {"organisation": organisation}
        for status, name in (("completed", "completed"), ("draft", "draft")):
            ids[name] = add(
                "assessments",
                organisation_id=organisation,
                checklist_version_id=version,
                title=name,
                status=status,
                created_dt=now,
                completed_dt=now if status == "completed" else None,
            )
        for statement, scale_key in (("s1", "top"), ("s2", "mid"), ("s3", "top")):
            for assessment in (ids["completed"], ids["draft"]):
                add(
                    "ratings",
                    assessment_id=assessment,
                    statement_id=statement_ids[statement],
                    scale_key=scale_key,
                    note="",
                    revision=1,
                    carried_over=False,
                    updated_dt=now,
                )
        action = add(
            "actions",
            organisation_id=organisation,
            checklist_id=checklist,
            statement_key="s2",
            statement_text="s2",
            section_key="a",
            section_title="A",
            assessment_id=ids["completed"],
            what="w",
            lead="l",
            due_on=date(2026, 2, 1),
            involvement="",
            status="planned",
            drop_reason="",
            created_dt=now,
            updated_dt=now,
        )
        add("action_events", action_id=action, at_dt=now, summary="Planned.")
    return ids


def test_the_lens_migration_back_fills_completed_assessments(tmp_path):
    from sqlalchemy import update

    from p4p.assessments.models import LensResult

    with separate_database(tmp_path, "p4p_lens_backfill_check") as url:
        app = create_app(make_config(url))
        with app.app_context():
            upgrade(revision="d4d224f0930f")
            ids = _old_world(db.engine)
            statements = Table("statements", MetaData(), autoload_with=db.engine)
            with db.engine.begin() as connection:
                for key, tags in (
                    ("s1", {"cqc": ["safe", "caring"]}),
                    ("s2", {"cqc": ["safe"], "pamms": ["quality-of-management"]}),
                    ("s3", {}),
                ):
                    connection.execute(
                        update(statements).where(statements.c.key == key).values(tags=tags)
                    )
            upgrade()
            tenancy.enter(tenancy.everything("checking the back-fill"))
            from p4p.catalogue.queries import _content

            _content.cache_clear()  # the other back-fill test read this same fake version
            assessment = db.session.get(Assessment, ids["completed"])
            expected = scoring.score(
                assessment.version.content, {"s1": "top", "s2": "mid", "s3": "top"}
            )
            stored = db.session.scalars(
                select(LensResult).where(LensResult.assessment_id == assessment.id)
            ).all()
            as_rows = sorted(
                (r.scheme, r.tag, r.points, r.possible, r.rated, r.total) for r in stored
            )
            assert as_rows == sorted(
                (s.scheme, s.tag, s.points, s.possible, s.rated, s.total) for s in expected.lenses
            )
            assert ("cqc", "safe", 3, 4, 2, 2) in as_rows
            assert (
                db.session.scalar(
                    select(func.count(LensResult.id)).where(
                        LensResult.assessment_id == ids["draft"]
                    )
                )
                == 0
            )
            db.session.remove()
            db.engine.dispose()
