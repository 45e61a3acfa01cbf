"""Assessments and ratings: the rules, kept apart from the web. Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from p4p import scoring
from p4p.access import current_organisation
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.auth.models import Organisation, User
from p4p.catalogue.models import ChecklistVersion, Section, Statement
from p4p.extensions import db
from p4p.timeutil import utcnow


class AssessmentLocked(Exception):
    """The assessment is completed: it is a snapshot and cannot change."""


def get_assessment(assessment_id: int) -> Assessment:
    """An assessment of the signed-in user's organisation, or 404 (never another's)."""
    assessment = db.session.scalar(
        select(Assessment)
        .where(
            Assessment.id == assessment_id,
            Assessment.organisation_id == current_organisation().id,
        )
        .options(
            selectinload(Assessment.version)
            .selectinload(ChecklistVersion.sections)
            .selectinload(Section.statements),
            selectinload(Assessment.version).selectinload(ChecklistVersion.checklist),
        )
    )
    if assessment is None:
        abort(404)
    return assessment


def list_assessments(organisation: Organisation) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == organisation.id)
            .options(selectinload(Assessment.version).selectinload(ChecklistVersion.checklist))
            .order_by(Assessment.created_dt.desc(), Assessment.id.desc())
        )
    )


def last_completed(organisation: Organisation, checklist_id: int) -> Assessment | None:
    """The organisation's most recently completed assessment of an edition (any version)."""
    return db.session.scalar(
        select(Assessment)
        .join(ChecklistVersion, Assessment.checklist_version_id == ChecklistVersion.id)
        .where(
            Assessment.organisation_id == organisation.id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
            ChecklistVersion.checklist_id == checklist_id,
        )
        .order_by(Assessment.completed_dt.desc(), Assessment.id.desc())
        .limit(1)
    )


def start(
    organisation: Organisation,
    version: ChecklistVersion,
    title: str,
    by: User,
    previous: Assessment | None = None,
) -> Assessment:
    """Start an assessment, blank or from a completed one (which is never modified): its
    ratings and notes are copied, marked as carried over until someone confirms or changes them.
    Statements are matched by key, or through a statement's `from` mapping marked equal."""
    assessment = Assessment(
        organisation=organisation,
        version=version,
        title=title.strip(),
        created_by=by,
        started_from=previous,
    )
    db.session.add(assessment)
    db.session.flush()
    if previous is None:
        return assessment
    earlier = {
        key: rating
        for key, rating in db.session.execute(
            select(Statement.key, Rating)
            .join(Rating, Rating.statement_id == Statement.id)
            .where(Rating.assessment_id == previous.id)
        ).all()
    }
    scale = set(version.scale_keys)
    now = utcnow()
    for section in version.sections:
        for statement in section.statements:
            source = earlier.get(statement.key) or next(
                (
                    earlier[o["key"]]
                    for o in statement.origins
                    if o["relation"] == "equal" and o["key"] in earlier
                ),
                None,
            )
            if source is None:
                continue
            db.session.add(
                Rating(
                    assessment_id=assessment.id,
                    statement_id=statement.id,
                    scale_key=source.scale_key if source.scale_key in scale else None,
                    note=source.note,
                    carried_over=True,
                    updated_by_id=by.id,
                    updated_dt=now,
                )
            )
    db.session.flush()
    return assessment


def ratings_by_statement(assessment: Assessment) -> dict[int, Rating]:
    rows = db.session.scalars(
        select(Rating)
        .where(Rating.assessment_id == assessment.id)
        .options(selectinload(Rating.updated_by))
    )
    return {rating.statement_id: rating for rating in rows}


def find_statement(assessment: Assessment, key: str) -> Statement | None:
    return next(
        (s for section in assessment.version.sections for s in section.statements if s.key == key),
        None,
    )


@dataclass(frozen=True)
class SaveOutcome:
    """`conflict` holds the colleague's newer rating when the save was refused."""

    rating: Rating | None
    changed: bool
    conflict: Rating | None = None


def save_rating(
    assessment: Assessment,
    statement: Statement,
    scale_key: str | None,
    note: str,
    base_revision: int,
    by: User,
    confirm: bool = False,
) -> SaveOutcome:
    """Save one rating, unless someone else saved a different one since `base_revision`.

    Saving a carried-over rating with a change, or with `confirm`, makes it this assessment's
    own: it is no longer marked as carried over.

    The update is conditional on the revision in the database, so two saves racing each other
    cannot both win: the later one is told of the conflict instead of overwriting.
    """
    if not assessment.is_draft:
        raise AssessmentLocked
    if scale_key is not None and scale_key not in assessment.version.scale_keys:
        raise ValueError(f"{scale_key!r} is not on this checklist's scale")
    note = note.strip()
    current = _current_rating(assessment, statement)

    if current is not None and (current.scale_key, current.note) == (scale_key, note):
        if not (confirm and current.carried_over):
            return SaveOutcome(rating=current, changed=False)
    if current is not None and current.revision != base_revision:
        return SaveOutcome(rating=None, changed=False, conflict=current)

    if current is None:
        if base_revision != 0:
            # Their page showed a rating that no longer exists; nothing to overwrite.
            base_revision = 0
        rating = Rating(
            assessment_id=assessment.id,
            statement_id=statement.id,
            scale_key=scale_key,
            note=note,
            revision=1,
            updated_by_id=by.id,
            updated_dt=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(rating)
        except IntegrityError:
            return SaveOutcome(
                rating=None, changed=False, conflict=_current_rating(assessment, statement)
            )
        return SaveOutcome(rating=rating, changed=True)

    result = db.session.execute(
        update(Rating)
        .where(Rating.id == current.id, Rating.revision == base_revision)
        .values(
            scale_key=scale_key,
            note=note,
            revision=base_revision + 1,
            carried_over=False,
            updated_by_id=by.id,
            updated_dt=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(current)
    if result.rowcount != 1:
        return SaveOutcome(rating=None, changed=False, conflict=current)
    return SaveOutcome(rating=current, changed=True)


def _current_rating(assessment: Assessment, statement: Statement) -> Rating | None:
    rating = db.session.scalar(
        select(Rating)
        .where(Rating.assessment_id == assessment.id, Rating.statement_id == statement.id)
        .execution_options(populate_existing=True)
    )
    return rating


def scoring_checklist(version: ChecklistVersion) -> scoring.Checklist:
    return scoring.Checklist(
        scale=tuple(scoring.ScaleOption(o["key"], o["label"], o["points"]) for o in version.scale),
        stages=tuple(scoring.StageDef(s["key"], s["label"]) for s in version.stages),
        sections=tuple(
            scoring.SectionRef(
                key=section.key,
                title=section.title,
                statements=tuple(
                    scoring.StatementRef(s.key, s.text, s.stage_key) for s in section.statements
                ),
            )
            for section in version.sections
        ),
    )


def scale_keys_by_statement_key(
    assessment: Assessment, ratings: dict[int, Rating]
) -> dict[str, str | None]:
    """Ratings as scoring wants them: statement key -> scale key (None when unrated)."""
    return {
        statement.key: ratings[statement.id].scale_key
        for section in assessment.version.sections
        for statement in section.statements
        if statement.id in ratings
    }


def result(assessment: Assessment, ratings: dict[int, Rating] | None = None) -> scoring.Result:
    ratings = ratings if ratings is not None else ratings_by_statement(assessment)
    by_key = scale_keys_by_statement_key(assessment, ratings)
    return scoring.score(scoring_checklist(assessment.version), by_key)


def unrated_statements(assessment: Assessment, ratings: dict[int, Rating]) -> list[Statement]:
    return [
        statement
        for section in assessment.version.sections
        for statement in section.statements
        if statement.id not in ratings or ratings[statement.id].scale_key is None
    ]


class Incomplete(Exception):
    def __init__(self, unrated: list[Statement]):
        super().__init__(f"{len(unrated)} statements are not rated")
        self.unrated = unrated


def complete(assessment: Assessment, by: User) -> None:
    if not assessment.is_draft:
        raise AssessmentLocked
    unrated = unrated_statements(assessment, ratings_by_statement(assessment))
    if unrated:
        raise Incomplete(unrated)
    assessment.status = AssessmentStatus.COMPLETED.value
    assessment.completed_dt = utcnow()
    assessment.completed_by = by
    db.session.flush()


def delete_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentLocked
    db.session.delete(assessment)
    db.session.flush()
