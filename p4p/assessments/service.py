"""Assessments and ratings: the rules, kept apart from the web. Functions flush, never commit.

Whose assessments are reachable is decided by `p4p.tenancy`, not here: these functions take
the organisation and the person acting as plain ids, and work the same from a request, a
command or a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from p4p import scoring, tenancy
from p4p.assessments.models import (
    Assessment,
    AssessmentStatus,
    LensResult,
    Rating,
    SectionResult,
)
from p4p.catalogue import carrying, queries
from p4p.catalogue.content import ChecklistDef, StatementDef
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db
from p4p.timeutil import utcnow


class AssessmentLocked(Exception):
    """The assessment is completed: it is a snapshot and cannot change."""


class AssessmentGone(Exception):
    """The draft was deleted while someone was saving into it."""


def get_assessment(assessment_id: int, *, lock: str | None = None) -> Assessment:
    """An assessment within reach, with its version, or OutOfReach (404).

    `lock="share"` is for saving into a draft: completing or deleting it (which lock it for
    update) waits until the save is committed, and a save that comes after them sees that it is
    no longer a draft. `lock="update"` is for completing or deleting it. (SQLite, which
    serialises every write, ignores both.)"""
    options = joinedload(Assessment.version).joinedload(ChecklistVersion.checklist)
    statement = select(Assessment).where(Assessment.id == assessment_id).options(options)
    if lock is not None:
        statement = statement.with_for_update(read=lock == "share", of=Assessment)
    assessment = db.session.scalar(statement)
    if assessment is None:
        raise tenancy.OutOfReach()
    return assessment


def list_assessments(organisation_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == organisation_id)
            .options(joinedload(Assessment.version).joinedload(ChecklistVersion.checklist))
            .order_by(Assessment.created_dt.desc(), Assessment.id.desc())
        )
    )


def last_completed(organisation_id: int, checklist_id: int) -> Assessment | None:
    """The organisation's most recently completed assessment of an edition (any version)."""
    return db.session.scalar(
        select(Assessment)
        .join(ChecklistVersion, Assessment.checklist_version_id == ChecklistVersion.id)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
            ChecklistVersion.checklist_id == checklist_id,
        )
        .order_by(Assessment.completed_dt.desc(), Assessment.id.desc())
        .limit(1)
    )


def start(
    organisation_id: int,
    version: ChecklistVersion,
    title: str,
    by_user_id: int,
    previous: Assessment | None = None,
) -> Assessment:
    """Start an assessment, blank or from a completed one (which is never modified).

    From a completed one, its answers are carried along the `from` relations of every version
    between the two (`p4p.catalogue.carrying`): an equal statement takes the rating and note,
    marked as carried over until someone confirms or changes them; a narrower, broader or
    related one takes them into the review list, which must be cleared before completing."""
    assessment = Assessment(
        organisation_id=organisation_id,
        version=version,
        title=title.strip(),
        created_by_id=by_user_id,
        started_from=previous,
    )
    db.session.add(assessment)
    db.session.flush()
    if previous is None:
        return assessment
    chain = queries.chain(previous.version, version)
    answers = {key: answer_of(rating) for key, rating in ratings_by_key(previous).items()}
    checklist = version.content
    now = utcnow()
    for item in carrying.plan(chain, answers).carried:
        statement = checklist.statement(item.key)
        db.session.add(
            Rating(
                organisation_id=organisation_id,
                assessment_id=assessment.id,
                statement_id=statement.id,
                scale_key=item.answer.scale_key,
                note=item.answer.note,
                not_applicable_reason=item.answer.not_applicable_reason,
                carried_over=True,
                review_from_key=item.from_key if item.review else None,
                review_relation=item.relation if item.review else None,
                updated_by_id=by_user_id,
                updated_dt=now,
            )
        )
    db.session.flush()
    return assessment


@dataclass(frozen=True)
class LeftBehind:
    """A statement of the version an assessment was carried from that the new version no longer
    has: what it said, its last answer, and why it went."""

    key: str
    text: str
    rating: str  # the scale label, or "Does not apply here (...)", or "Not rated"
    reason: str
    version: str


def left_behind(assessment: Assessment) -> list[LeftBehind]:
    """The statements removed between the assessment this one started from and this one."""
    previous = assessment.started_from
    if previous is None or previous.checklist_version_id == assessment.checklist_version_id:
        return []
    chain = queries.chain(previous.version, assessment.version)
    gone = carrying.removed(chain)
    if not gone:
        return []
    ratings = ratings_by_key(previous)
    old = chain[0]
    return [
        LeftBehind(g.key, g.text, answer_label(old, ratings.get(g.key)), g.reason, g.version)
        for g in gone
    ]


def answer_label(checklist: ChecklistDef, rating: Rating | None) -> str:
    if rating is not None and rating.not_applicable_reason is not None:
        return f"Does not apply here ({rating.not_applicable_reason})"
    return checklist.label_of(rating.scale_key if rating else None)


def answer_of(rating: Rating) -> carrying.Answer:
    return carrying.Answer(rating.scale_key, rating.note, rating.not_applicable_reason)


def ratings_by_key(assessment: Assessment, *, fresh: bool = False) -> dict[str, Rating]:
    """The assessment's ratings by statement key, with who saved each, in one query; `fresh`
    reads them again even where this session has them already."""
    checklist = assessment.version.content
    rows = db.session.scalars(
        select(Rating)
        .where(Rating.assessment_id == assessment.id)
        .options(joinedload(Rating.updated_by))
        .execution_options(populate_existing=fresh)
    )
    found = {}
    for rating in rows:
        statement = checklist.statement_by_id(rating.statement_id)
        if statement is not None:
            found[statement.key] = rating
    return found


def confirm_carried_over(assessment: Assessment, section_key: str, by_user_id: int) -> int:
    """Confirm every carried-over rating of a section at once (each becomes this assessment's
    own, as confirming it one by one would); returns how many were confirmed."""
    if not assessment.is_draft:
        raise AssessmentLocked
    section = assessment.version.content.section(section_key)
    if section is None:
        return 0
    result = db.session.execute(
        update(Rating)
        .where(
            Rating.assessment_id == assessment.id,
            Rating.statement_id.in_([s.id for s in section.statements]),
            Rating.carried_over.is_(True),
            Rating.scale_key.is_not(None),
            # Review items are confirmed one by one, each beside the statement it came from.
            Rating.review_relation.is_(None),
        )
        .values(
            carried_over=False,
            revision=Rating.revision + 1,
            updated_by_id=by_user_id,
            updated_dt=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def rated_counts(assessment_ids: list[int]) -> dict[int, int]:
    """How many statements each assessment has rated (or answered "Does not apply here"), in
    one query."""
    if not assessment_ids:
        return {}
    answered = or_(Rating.scale_key.is_not(None), Rating.not_applicable_reason.is_not(None))
    return dict(
        db.session.execute(
            select(Rating.assessment_id, func.count(Rating.id))
            .where(Rating.assessment_id.in_(assessment_ids), answered)
            .group_by(Rating.assessment_id)
        ).all()
    )


def has_completed(organisation_id: int) -> bool:
    """Whether the organisation has completed any assessment (so one can start from it)."""
    return (
        db.session.scalar(
            select(Assessment.id)
            .where(
                Assessment.organisation_id == organisation_id,
                Assessment.status == AssessmentStatus.COMPLETED.value,
            )
            .limit(1)
        )
        is not None
    )


def scale_keys(ratings: dict[str, Rating]) -> dict[str, str | None]:
    """Ratings as scoring wants them: statement key -> scale key (None when unrated)."""
    return {key: rating.scale_key for key, rating in ratings.items()}


def not_applicable_keys(ratings: dict[str, Rating]) -> set[str]:
    """The statements answered "Does not apply here"."""
    return {key for key, rating in ratings.items() if rating.not_applicable_reason is not None}


def answered(rating: Rating | None) -> bool:
    """Rated on the scale, or answered "Does not apply here"."""
    return bool(rating and (rating.scale_key or rating.not_applicable_reason is not None))


def not_applicable_list(
    checklist: ChecklistDef, ratings: dict[str, Rating]
) -> list[tuple[StatementDef, str]]:
    """(statement, why) for each statement answered "Does not apply here", in checklist order."""
    return [
        (st, ratings[st.key].not_applicable_reason or "")
        for st in checklist.statements()
        if st.key in ratings and ratings[st.key].not_applicable_reason is not None
    ]


def in_review(rating: Rating | None) -> bool:
    """Carried from a statement that is not equal to this one, and not yet confirmed or
    changed."""
    return bool(rating and rating.carried_over and rating.review_relation)


def review_list(checklist: ChecklistDef, ratings: dict[str, Rating]) -> list[StatementDef]:
    return [st for st in checklist.statements() if in_review(ratings.get(st.key))]


@dataclass(frozen=True)
class SaveOutcome:
    """What became of a save. `conflict` holds the colleague's newer rating when the save was
    refused; otherwise `revision` and `saved_dt` describe the rating as it now stands."""

    changed: bool
    revision: int = 0
    carried_over: bool = False
    saved_dt: datetime | None = None
    conflict: Rating | None = None


def save_rating(
    assessment: Assessment,
    statement: StatementDef,
    scale_key: str | None,
    note: str,
    base_revision: int,
    by_user_id: int,
    confirm: bool = False,
    not_applicable_reason: str | None = None,
) -> SaveOutcome:
    """Save one rating, unless someone else saved a different one since `base_revision`.

    Saving a carried-over rating with a change, or with `confirm`, makes it this assessment's
    own: it is no longer marked as carried over. `not_applicable_reason` answers "Does not apply
    here" (with no scale key), only for a statement that may not apply.

    The usual case is one statement: an UPDATE conditional on the revision the page showed and
    on something having changed. Only when it changes nothing is the rating read, to tell an
    unchanged save from a colleague's conflicting one; two saves racing each other cannot both
    win.
    """
    if not assessment.is_draft:
        raise AssessmentLocked
    if scale_key is not None and scale_key not in assessment.version.content.scale_keys:
        raise ValueError(f"{scale_key!r} is not on this checklist's scale")
    if not_applicable_reason is not None:
        if not statement.may_not_apply:
            raise ValueError(f"{statement.key!r} always applies")
        not_applicable_reason = not_applicable_reason.strip()
        if not not_applicable_reason or scale_key is not None:
            raise ValueError("'Does not apply here' takes a reason and no rating")
    note = note.strip()
    now = utcnow()
    this_rating = and_(Rating.assessment_id == assessment.id, Rating.statement_id == statement.id)
    if base_revision > 0:
        changes = [
            Rating.scale_key.is_distinct_from(scale_key),
            Rating.note != note,
            Rating.not_applicable_reason.is_distinct_from(not_applicable_reason),
        ]
        if confirm:
            changes.append(Rating.carried_over.is_(True))
        result = db.session.execute(
            update(Rating)
            .where(this_rating, Rating.revision == base_revision, or_(*changes))
            .values(
                scale_key=scale_key,
                note=note,
                not_applicable_reason=not_applicable_reason,
                revision=base_revision + 1,
                carried_over=False,
                updated_by_id=by_user_id,
                updated_dt=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            return SaveOutcome(changed=True, revision=base_revision + 1, saved_dt=now)

    current = db.session.scalar(
        select(Rating).where(this_rating).execution_options(populate_existing=True)
    )
    if current is not None:
        mine = (scale_key, note, not_applicable_reason)
        if (current.scale_key, current.note, current.not_applicable_reason) == mine and not (
            confirm and current.carried_over
        ):
            return SaveOutcome(
                changed=False,
                revision=current.revision,
                carried_over=current.carried_over,
                saved_dt=current.updated_dt,
            )
        return SaveOutcome(changed=False, conflict=current)

    # No rating yet. If their page showed one, it no longer exists: nothing to overwrite.
    rating = Rating(
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        statement_id=statement.id,
        scale_key=scale_key,
        note=note,
        not_applicable_reason=not_applicable_reason,
        revision=1,
        updated_by_id=by_user_id,
        updated_dt=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:
        # A colleague's first save of this statement won the race, or the draft is gone.
        theirs = db.session.scalar(
            select(Rating).where(this_rating).execution_options(populate_existing=True)
        )
        if theirs is None:
            raise AssessmentGone from None
        return SaveOutcome(changed=False, conflict=theirs)
    return SaveOutcome(changed=True, revision=1, saved_dt=now)


def result(assessment: Assessment, ratings: dict[str, Rating] | None = None) -> scoring.Result:
    ratings = ratings if ratings is not None else ratings_by_key(assessment)
    return scoring.score(
        assessment.version.content, scale_keys(ratings), not_applicable_keys(ratings)
    )


def unrated_statements(checklist: ChecklistDef, ratings: dict[str, Rating]) -> list[StatementDef]:
    return [
        statement
        for statement in checklist.statements()
        if statement.key not in ratings
        or (
            ratings[statement.key].scale_key is None
            and ratings[statement.key].not_applicable_reason is None
        )
    ]


class Incomplete(Exception):
    def __init__(self, unrated: list[StatementDef], review: list[StatementDef] | None = None):
        review = review or []
        super().__init__(
            f"{len(unrated)} statements are not rated, {len(review)} carried ones not reviewed"
        )
        self.unrated = unrated
        self.review = review


def complete(
    assessment: Assessment, by_user_id: int, *, at: datetime | None = None
) -> scoring.Result:
    """Complete a draft whose every statement is rated, storing its scores and stage: a
    completed assessment never changes, so nothing needs to score it again. `at` backdates
    the completion (demo data)."""
    if not assessment.is_draft:
        raise AssessmentLocked
    with db.session.begin_nested():  # Incomplete undoes it all, whatever the caller does next
        return _complete(assessment, by_user_id, at or utcnow())


def _complete(assessment: Assessment, by_user_id: int, now: datetime) -> scoring.Result:
    checklist = assessment.version.content
    # Completed first, then scored: the conditional UPDATE waits for saves in flight (which
    # hold the row in share mode) and keeps later ones out, so the ratings read below are the
    # final ones.
    changed = db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT.value)
        .values(
            status=AssessmentStatus.COMPLETED.value,
            completed_dt=now,
            completed_by_id=by_user_id,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise AssessmentLocked  # a colleague completed or deleted it a moment ago
    ratings = ratings_by_key(assessment, fresh=True)
    unrated = unrated_statements(checklist, ratings)
    review = review_list(checklist, ratings)
    if unrated or review:
        raise Incomplete(unrated, review)
    outcome = scoring.score(checklist, scale_keys(ratings), not_applicable_keys(ratings))
    db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(
            stage_key=outcome.stage_reached.key if outcome.stage_reached else None,
            points=outcome.overall.points,
            possible=outcome.overall.possible,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.add_all(store_results(assessment, outcome))
    db.session.flush()
    db.session.refresh(assessment)
    return outcome


def store_results(
    assessment: Assessment, outcome: scoring.Result
) -> list[SectionResult | LensResult]:
    """The rows a completed assessment keeps: each section's score and each lens's."""
    sections: list[SectionResult | LensResult] = [
        SectionResult(
            organisation_id=assessment.organisation_id,
            assessment_id=assessment.id,
            section_key=section.key,
            position=position,
            points=section.points,
            possible=section.possible,
            rated=section.rated,
            total=section.total,
            not_applicable=section.not_applicable,
        )
        for position, section in enumerate(outcome.sections)
    ]
    return sections + [
        LensResult(
            organisation_id=assessment.organisation_id,
            assessment_id=assessment.id,
            scheme=lens.scheme,
            tag=lens.tag,
            points=lens.points,
            possible=lens.possible,
            rated=lens.rated,
            total=lens.total,
        )
        for lens in outcome.lenses
    ]


def delete_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentLocked
    db.session.delete(assessment)
    db.session.flush()
