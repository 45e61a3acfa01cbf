"""Progress over time: completed assessments of an edition as plain snapshots, and what changed
between any two. Plain data in and out, so pages, charts and PDFs share it.

A snapshot is read from the scores stored at completion (a completed assessment never
changes), so a long history costs a few rows per assessment, never a re-scoring; statement by
statement ratings are read only for the two assessments being compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from p4p import scoring
from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.catalogue import carrying, queries
from p4p.catalogue.carrying import Answer
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
    # On a different version of the checklist from the snapshot before it in a history.
    new_version: bool = False

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
    """The newest completed assessments of the edition, oldest first, in three queries; each
    says whether its checklist version differs from the one before it."""
    return mark_versions(
        [snapshot(a) for a in completed(organisation_id, checklist.id, limit=limit)]
    )


def mark_versions(snapshots: list[Snapshot]) -> list[Snapshot]:
    return [
        replace(s, new_version=i > 0 and s.version != snapshots[i - 1].version)
        for i, s in enumerate(snapshots)
    ]


def marked_for_chart(snapshots: list[Snapshot]) -> list[Snapshot]:
    """The chart names each assessment by its title: one on a new checklist version says so
    in its title (the chart itself need not know about versions)."""
    return [
        replace(s, title=f"{s.title}, new version {s.version}") if s.new_version else s
        for s in snapshots
    ]


def section_rows(snapshots: list[Snapshot]) -> list[tuple[str, str]]:
    """(key, title) of every section of the history, by key: the newest version's sections in
    its order, then any that only earlier versions had (a section that persists is one row)."""
    rows: dict[str, str] = {}
    for s in reversed(snapshots):
        for key, title in s.sections:
            rows.setdefault(key, title)
    return list(rows.items())


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


def ratings_of(assessment_ids: list[int]) -> dict[int, dict[int, Answer]]:
    """Statement id -> answer for each of a few assessments, in one query."""
    found: dict[int, dict[int, Answer]] = {i: {} for i in assessment_ids}
    if assessment_ids:
        rows = db.session.execute(
            select(
                Rating.assessment_id,
                Rating.statement_id,
                Rating.scale_key,
                Rating.not_applicable_reason,
            ).where(Rating.assessment_id.in_(assessment_ids))
        )
        for assessment_id, statement_id, scale_key, reason in rows:
            found[assessment_id][statement_id] = Answer(scale_key, "", reason)
    return found


@dataclass(frozen=True)
class StatementChange:
    statement: StatementDef
    section_title: str
    before: str  # scale label, "Does not apply here (why)", or "–" when it did not exist
    after: str
    direction: str  # improved | slipped | stayed | new | removed | applies
    # When the statement changed between the two versions: how it relates to the earlier
    # statement (narrower, broader, related), and what that said.
    relation: str = "equal"
    before_text: str = ""
    reason: str = ""  # why a removed statement was removed

    @property
    def relation_words(self) -> str:
        return {"narrower": "covers part of", "broader": "covers more than"}.get(
            self.relation, "is related to"
        )


@dataclass
class Changes:
    before: Snapshot
    after: Snapshot
    improved: list[StatementChange] = field(default_factory=list)
    slipped: list[StatementChange] = field(default_factory=list)
    stayed: list[StatementChange] = field(default_factory=list)
    new: list[StatementChange] = field(default_factory=list)
    removed: list[StatementChange] = field(default_factory=list)
    # Does not apply here on one side, or on both with another reason: no rise or fall.
    applies: list[StatementChange] = field(default_factory=list)
    actions_completed: list[Action] = field(default_factory=list)

    @property
    def version_changed(self) -> bool:
        return self.before.version != self.after.version


def _by_key(snapshot: Snapshot, by_statement_id: dict[int, Answer]) -> dict[str, Answer]:
    result = {}
    for statement_id, answer in by_statement_id.items():
        statement = snapshot.checklist.statement_by_id(statement_id)
        if statement is not None:
            result[statement.key] = answer
    return result


def label(checklist: ChecklistDef, answer: Answer | None) -> str:
    if answer is not None and answer.not_applicable_reason is not None:
        return f"Does not apply here ({answer.not_applicable_reason})"
    return checklist.label_of(answer.scale_key if answer else None)


def compare(
    before: Snapshot,
    after: Snapshot,
    before_ratings: dict[str, Answer] | None = None,
    after_ratings: dict[str, Answer] | None = None,
) -> Changes:
    """Statement by statement from one completed assessment to a later one, following the
    `from` relations of the versions between when the two are on different versions (a kept
    key is the same statement). A statement new since `before` says so, and so does one that
    was removed, rather than showing a change. Only these two assessments' ratings are read
    (unless given, for a draft)."""
    if before_ratings is None or after_ratings is None:
        loaded = ratings_of([s.id for s in (before, after)])
        if before_ratings is None:
            before_ratings = _by_key(before, loaded[before.id])
        if after_ratings is None:
            after_ratings = _by_key(after, loaded[after.id])
    chain = queries.chain_between(before.checklist, after.checklist)
    links = carrying.chain_links(chain)
    changes = Changes(before=before, after=after)
    for section in after.checklist.sections:
        for statement in section.statements:
            now = after_ratings.get(statement.key)
            new_label = label(after.checklist, now)
            origins = links.get(statement.key, {})
            answered = [(k, r) for k, r in origins.items() if k in before_ratings]
            if not origins or not answered:
                changes.new.append(StatementChange(statement, section.title, "–", new_label, "new"))
                continue
            old_key, relation = next(
                ((k, r) for k, r in answered if r == carrying.EQUAL), answered[0]
            )
            then = before_ratings[old_key]
            old_statement = before.checklist.statement(old_key)
            if (then.not_applicable_reason, now and now.not_applicable_reason) != (None, None):
                same = now is not None and then.not_applicable_reason == now.not_applicable_reason
                direction = "stayed" if same else "applies"
            else:
                old_share = _share(before.checklist.points_of(then.scale_key), before.checklist)
                new_share = _share(
                    after.checklist.points_of(now.scale_key if now else None), after.checklist
                )
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
                    label(before.checklist, then),
                    new_label,
                    direction,
                    relation,
                    old_statement.text if old_statement and relation != carrying.EQUAL else "",
                )
            )
    for gone in carrying.removed(chain):
        old_statement = before.checklist.statement(gone.key)
        changes.removed.append(
            StatementChange(
                old_statement,
                before.checklist.section_of(gone.key).title,
                label(before.checklist, before_ratings.get(gone.key)),
                "–",
                "removed",
                reason=gone.reason,
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
