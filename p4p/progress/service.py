"""Progress over time: completed assessments of an edition as plain snapshots, and what changed
between any two. Plain data in and out, so pages, charts and PDFs share it.

A snapshot is read from the scores stored at completion (a completed assessment never
changes), so a long history costs a few rows per assessment, never a re-scoring; statement by
statement ratings are read only for the two assessments being compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from p4p import scoring
from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.catalogue.content import ChecklistDef, Stage, StatementDef
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db

# The most assessments a history shows (the newest ones); pages say when some are left out.
HISTORY_LIMIT = 24


@dataclass(frozen=True)
class Snapshot:
    """One completed assessment, reduced to what progress needs."""

    id: int
    title: str
    completed_on: date
    version: str
    checklist: ChecklistDef
    overall: scoring.Score
    section_scores: tuple[scoring.SectionScore, ...]
    stage_reached: Stage | None

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of each section of this assessment's version, in order."""
        return [(s.key, s.title) for s in self.checklist.sections]

    @property
    def stage_label(self) -> str:
        return self.stage_reached.label if self.stage_reached else "No stage yet"

    def section_percent(self, section_key: str) -> int | None:
        return next((s.percent for s in self.section_scores if s.key == section_key), None)


def in_edition(statement: Select, organisation_id: int, checklist_id: int) -> Select:
    """Limit a statement to an organisation's completed assessments of one edition."""
    return statement.join(
        ChecklistVersion, Assessment.checklist_version_id == ChecklistVersion.id
    ).where(
        Assessment.organisation_id == organisation_id,
        Assessment.status == AssessmentStatus.COMPLETED.value,
        ChecklistVersion.checklist_id == checklist_id,
    )


def snapshot(assessment: Assessment, outcome: scoring.Result | None = None) -> Snapshot:
    """A snapshot from the stored scores, or from `outcome` (a draft scored as it stands)."""
    checklist = assessment.version.content
    if outcome is None:
        titles = {s.key: s.title for s in checklist.sections}
        sections = tuple(
            scoring.SectionScore(
                key=r.section_key,
                title=titles.get(r.section_key, r.section_key),
                points=r.points,
                possible=r.possible,
                rated=r.rated,
                total=r.total,
                not_applicable=r.not_applicable,
            )
            for r in assessment.section_results
        )
        overall = scoring.Score(
            points=sum(s.points for s in sections),
            possible=sum(s.possible for s in sections),
            rated=sum(s.rated for s in sections),
            total=sum(s.total for s in sections),
            not_applicable=sum(s.not_applicable for s in sections),
        )
        stage = checklist.stage(assessment.stage_key)
    else:
        sections, overall, stage = outcome.sections, outcome.overall, outcome.stage_reached
    return Snapshot(
        id=assessment.id,
        title=assessment.title,
        completed_on=assessment.completed_dt.date() if assessment.completed_dt else date.min,
        version=assessment.version.version,
        checklist=checklist,
        overall=overall,
        section_scores=sections,
        stage_reached=stage,
    )


def completed(
    organisation_id: int,
    checklist_id: int,
    *,
    limit: int | None = HISTORY_LIMIT,
    up_to: Assessment | None = None,
) -> list[Assessment]:
    """The edition's completed assessments, newest last; at most `limit` of the newest, none
    completed after `up_to` (in completion order, so the same day's later ones are left out)."""
    statement = (
        in_edition(select(Assessment), organisation_id, checklist_id)
        .options(
            joinedload(Assessment.version).joinedload(ChecklistVersion.checklist),
            selectinload(Assessment.section_results),
        )
        .order_by(Assessment.completed_dt.desc(), Assessment.id.desc())
    )
    if up_to is not None and up_to.completed_dt is not None:
        statement = statement.where(
            or_(
                Assessment.completed_dt < up_to.completed_dt,
                and_(Assessment.completed_dt == up_to.completed_dt, Assessment.id <= up_to.id),
            )
        )
    if limit is not None:
        statement = statement.limit(limit)
    return list(reversed(db.session.scalars(statement).all()))


def history(
    organisation_id: int, checklist: Checklist, *, limit: int | None = HISTORY_LIMIT
) -> list[Snapshot]:
    """The newest completed assessments of the edition, oldest first, in three queries."""
    return [snapshot(a) for a in completed(organisation_id, checklist.id, limit=limit)]


def count_completed(organisation_id: int, checklist_id: int) -> int:
    statement = in_edition(select(func.count(Assessment.id)), organisation_id, checklist_id)
    return db.session.scalar(statement) or 0


@dataclass(frozen=True)
class Choice:
    """A completed assessment as a menu shows it."""

    id: int
    title: str
    completed_on: date


def choices(organisation_id: int, checklist_id: int) -> list[Choice]:
    """Every completed assessment of the edition, oldest first: ids, titles and dates only."""
    rows = db.session.execute(
        in_edition(
            select(Assessment.id, Assessment.title, Assessment.completed_dt),
            organisation_id,
            checklist_id,
        ).order_by(Assessment.completed_dt, Assessment.id)
    )
    return [Choice(row.id, row.title, row.completed_dt.date()) for row in rows]


def snapshots(organisation_id: int, assessment_ids: list[int]) -> list[Snapshot]:
    """Snapshots of the given completed assessments only."""
    rows = db.session.scalars(
        select(Assessment)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
            Assessment.id.in_(assessment_ids),
        )
        .options(
            joinedload(Assessment.version).joinedload(ChecklistVersion.checklist),
            selectinload(Assessment.section_results),
        )
    )
    return [snapshot(a) for a in rows]


def ratings_of(assessment_ids: list[int]) -> dict[int, dict[int, str | None]]:
    """Statement id -> scale key for each of a few assessments, in one query."""
    found: dict[int, dict[int, str | None]] = {i: {} for i in assessment_ids}
    if assessment_ids:
        rows = db.session.execute(
            select(Rating.assessment_id, Rating.statement_id, Rating.scale_key).where(
                Rating.assessment_id.in_(assessment_ids)
            )
        )
        for assessment_id, statement_id, scale_key in rows:
            found[assessment_id][statement_id] = scale_key
    return found


@dataclass(frozen=True)
class StatementChange:
    statement: StatementDef
    section_title: str
    before: str  # scale label
    after: str
    direction: str  # improved | slipped | stayed | new


@dataclass
class Changes:
    before: Snapshot
    after: Snapshot
    improved: list[StatementChange] = field(default_factory=list)
    slipped: list[StatementChange] = field(default_factory=list)
    stayed: list[StatementChange] = field(default_factory=list)
    new: list[StatementChange] = field(default_factory=list)
    actions_completed: list[Action] = field(default_factory=list)


def _by_key(snapshot: Snapshot, by_statement_id: dict[int, str | None]) -> dict[str, str | None]:
    result = {}
    for statement_id, scale_key in by_statement_id.items():
        statement = snapshot.checklist.statement_by_id(statement_id)
        if statement is not None:
            result[statement.key] = scale_key
    return result


def compare(
    before: Snapshot,
    after: Snapshot,
    before_ratings: dict[str, str | None] | None = None,
    after_ratings: dict[str, str | None] | None = None,
) -> Changes:
    """Statement by statement (by key) from one completed assessment to a later one. Only
    these two assessments' ratings are read (unless given, for a draft)."""
    if before_ratings is None or after_ratings is None:
        loaded = ratings_of([s.id for s in (before, after)])
        if before_ratings is None:
            before_ratings = _by_key(before, loaded[before.id])
        if after_ratings is None:
            after_ratings = _by_key(after, loaded[after.id])
    changes = Changes(before=before, after=after)
    for section in after.checklist.sections:
        for statement in section.statements:
            new_key = after_ratings.get(statement.key)
            new_label = after.checklist.label_of(new_key)
            if statement.key not in before_ratings:
                changes.new.append(StatementChange(statement, section.title, "–", new_label, "new"))
                continue
            old_key = before_ratings[statement.key]
            old_share = _share(before.checklist.points_of(old_key), before.checklist)
            new_share = _share(after.checklist.points_of(new_key), after.checklist)
            direction = (
                "improved"
                if new_share > old_share
                else "slipped"
                if new_share < old_share
                else "stayed"
            )
            getattr(changes, direction).append(
                StatementChange(
                    statement,
                    section.title,
                    before.checklist.label_of(old_key),
                    new_label,
                    direction,
                )
            )
    return changes


def _share(points: int | None, checklist: ChecklistDef) -> float:
    """Points as a share of the top of the scale, so versions with other scales compare."""
    top = checklist.top.points
    return (points or 0) / top if top else 0.0


def with_actions(changes: Changes, organisation_id: int, checklist_id: int) -> Changes:
    changes.actions_completed = actions.completed_between(
        organisation_id, checklist_id, changes.before.completed_on, changes.after.completed_on
    )
    return changes
