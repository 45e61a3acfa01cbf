"""Progress over time: completed assessments of an edition as plain snapshots, and what changed
between any two. Plain data in and out, so pages, charts and PDFs share it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from p4p import scoring
from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.assessments.service import scoring_checklist
from p4p.catalogue.models import Checklist, ChecklistVersion, Section, Statement
from p4p.extensions import db


@dataclass(frozen=True)
class StatementInfo:
    key: str
    text: str
    section_key: str
    section_title: str


@dataclass(frozen=True)
class Snapshot:
    """One completed assessment, reduced to what progress needs."""

    id: int
    title: str
    completed_on: date
    version: str
    result: scoring.Result
    ratings: dict[str, str | None]
    scale: tuple[scoring.ScaleOption, ...]
    statements: tuple[StatementInfo, ...]

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of each section of this assessment's version, in order."""
        return list(dict.fromkeys((s.section_key, s.section_title) for s in self.statements))

    @property
    def stage_label(self) -> str:
        return self.result.stage_reached.label if self.result.stage_reached else "No stage yet"

    def label_of(self, scale_key: str | None) -> str:
        return next((o.label for o in self.scale if o.key == scale_key), "Not rated")

    def points_of(self, scale_key: str | None) -> int | None:
        return next((o.points for o in self.scale if o.key == scale_key), None)

    def section_percent(self, section_key: str) -> int | None:
        return next((s.percent for s in self.result.sections if s.key == section_key), None)


def snapshot(assessment: Assessment, ratings: dict[str, str | None]) -> Snapshot:
    version = assessment.version
    checklist = scoring_checklist(version)
    return Snapshot(
        id=assessment.id,
        title=assessment.title,
        completed_on=assessment.completed_dt.date() if assessment.completed_dt else date.min,
        version=version.version,
        result=scoring.score(checklist, ratings),
        ratings=ratings,
        scale=checklist.scale,
        statements=tuple(
            StatementInfo(s.key, s.text, section.key, section.title)
            for section in version.sections
            for s in section.statements
        ),
    )


def history(organisation_id: int, checklist: Checklist) -> list[Snapshot]:
    """Every completed assessment of the edition, oldest first, in a fixed number of queries."""
    assessments = db.session.scalars(
        select(Assessment)
        .join(ChecklistVersion, Assessment.checklist_version_id == ChecklistVersion.id)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
            ChecklistVersion.checklist_id == checklist.id,
        )
        .options(
            selectinload(Assessment.version)
            .selectinload(ChecklistVersion.sections)
            .selectinload(Section.statements)
        )
        .order_by(Assessment.completed_dt, Assessment.id)
    ).all()
    return [snapshot(a, r) for a, r in zip(assessments, ratings_for(assessments), strict=True)]


def ratings_for(assessments: list[Assessment]) -> list[dict[str, str | None]]:
    by_assessment: dict[int, dict[str, str | None]] = {a.id: {} for a in assessments}
    if assessments:
        rows = db.session.execute(
            select(Rating.assessment_id, Statement.key, Rating.scale_key)
            .join(Statement, Rating.statement_id == Statement.id)
            .where(Rating.assessment_id.in_(list(by_assessment)))
        )
        for assessment_id, key, scale_key in rows:
            by_assessment[assessment_id][key] = scale_key
    return [by_assessment[a.id] for a in assessments]


@dataclass(frozen=True)
class StatementChange:
    statement: StatementInfo
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


def compare(before: Snapshot, after: Snapshot) -> Changes:
    """Statement by statement (by key) from one completed assessment to a later one."""
    changes = Changes(before=before, after=after)
    for statement in after.statements:
        new_key = after.ratings.get(statement.key)
        if statement.key not in before.ratings:
            changes.new.append(StatementChange(statement, "–", after.label_of(new_key), "new"))
            continue
        old_key = before.ratings[statement.key]
        old_points = before.points_of(old_key)
        new_points = after.points_of(new_key)
        old_share = _share(old_points, before.scale)
        new_share = _share(new_points, after.scale)
        direction = (
            "improved"
            if new_share > old_share
            else "slipped"
            if new_share < old_share
            else "stayed"
        )
        getattr(changes, direction).append(
            StatementChange(statement, before.label_of(old_key), after.label_of(new_key), direction)
        )
    return changes


def _share(points: int | None, scale: tuple[scoring.ScaleOption, ...]) -> float:
    """Points as a share of the top of the scale, so versions with other scales compare."""
    top = scale[-1].points if scale else 0
    return (points or 0) / top if top else 0.0


def with_actions(changes: Changes, organisation_id: int, checklist_id: int) -> Changes:
    changes.actions_completed = actions.completed_between(
        organisation_id, checklist_id, changes.before.completed_on, changes.after.completed_on
    )
    return changes
