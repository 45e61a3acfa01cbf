"""An association's anonymous benchmarks, and where a member stands.

Figures rest on the latest completed assessment of each member that allows benchmarks, on one
checklist version. Reading across members happens only here, inside `tenancy.aggregate` (their
completed work, read only, nothing personal), and only figures leave: the rules that keep
members anonymous are in `p4p.benchmarks.stats`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from p4p import tenancy
from p4p.assessments.models import (
    Assessment,
    AssessmentStatus,
    LensResult,
    Rating,
    SectionResult,
)
from p4p.associations.models import AssociationMember
from p4p.auth.models import Organisation
from p4p.benchmarks import stats
from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.models import ChecklistVersion, Statement
from p4p.catalogue.tags import tag_label
from p4p.commissioning import lenses
from p4p.extensions import db
from p4p.scoring import percent

BREAKDOWNS = {"region": "Region", "size": "Size"}
GAPS = 5
NO_STAGE = ""


@dataclass(frozen=True)
class Member:
    provider_id: int
    region: str | None
    size_band: str | None


@dataclass(frozen=True)
class Latest:
    """One member's latest completed assessment on the version, as figures only."""

    provider_id: int
    stage_key: str | None
    overall: int
    sections: dict[str, int]
    top_keys: frozenset[str]  # statements rated at the top of the scale
    lenses: dict[tuple[str, str], int] = field(default_factory=dict)  # (scheme, tag) -> %


@dataclass(frozen=True)
class StatementFigure:
    key: str
    section_title: str
    text: str
    at_top_percent: int


@dataclass(frozen=True)
class Figures:
    """The figures of one group; `size` is shown only when the group is shown."""

    label: str
    size: int
    stages: dict[str, int | None]
    overall: stats.Spread | None
    sections: dict[str, stats.Spread | None]
    lenses: dict[tuple[str, str], stats.Spread | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Benchmark:
    version: ChecklistVersion
    content: ChecklistDef
    shown: bool
    figures: Figures | None = None
    statements: tuple[StatementFigure, ...] = ()
    gaps: tuple[StatementFigure, ...] = ()
    breakdown: str | None = None
    subgroups: tuple[Figures, ...] = ()
    hidden_subgroups: int = 0
    unset: int = 0  # members whose region or size is not set (not in any subgroup)
    stage_labels: dict[str, str] = field(default_factory=dict)


def allowing_members(association_id: int) -> list[Member]:
    rows = db.session.execute(
        select(AssociationMember.provider_id, Organisation.region, Organisation.size_band)
        .join(Organisation, Organisation.id == AssociationMember.provider_id)
        .where(
            AssociationMember.association_id == association_id,
            AssociationMember.ended_dt.is_(None),
            AssociationMember.benchmarks_allowed.is_(True),
        )
        .order_by(AssociationMember.provider_id)
    )
    return [Member(*row) for row in rows]


def _latest(version: ChecklistVersion, provider_ids: frozenset[int]) -> list[Latest]:
    """Each provider's latest completed assessment on the version, as figures."""
    content = version.content
    top = content.top.key
    with tenancy.within(tenancy.aggregate(provider_ids, "an association's anonymous benchmarks")):
        assessments = db.session.execute(
            select(Assessment.id, Assessment.organisation_id, Assessment.stage_key)
            .where(
                Assessment.checklist_version_id == version.id,
                Assessment.status == AssessmentStatus.COMPLETED.value,
                Assessment.organisation_id.in_(sorted(provider_ids)),
            )
            .order_by(
                Assessment.organisation_id, Assessment.completed_dt.desc(), Assessment.id.desc()
            )
        ).all()
        latest: dict[int, tuple[int, str | None]] = {}
        for assessment_id, provider_id, stage_key in assessments:
            latest.setdefault(provider_id, (assessment_id, stage_key))
        ids = [assessment_id for assessment_id, _ in latest.values()]
        sections: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
        for assessment_id, key, points, possible in db.session.execute(
            select(
                SectionResult.assessment_id,
                SectionResult.section_key,
                SectionResult.points,
                SectionResult.possible,
            ).where(SectionResult.assessment_id.in_(ids))
        ):
            sections[assessment_id][key] = (points, possible)
        lens_scores: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
        for assessment_id, scheme, tag, points, possible in db.session.execute(
            select(
                LensResult.assessment_id,
                LensResult.scheme,
                LensResult.tag,
                LensResult.points,
                LensResult.possible,
            ).where(LensResult.assessment_id.in_(ids))
        ):
            lens_scores[assessment_id][(scheme, tag)] = percent(points, possible)
        at_top: dict[int, set[str]] = defaultdict(set)
        for assessment_id, statement_key in db.session.execute(
            select(Rating.assessment_id, Statement.key)
            .join(Statement, Statement.id == Rating.statement_id)
            .where(Rating.assessment_id.in_(ids), Rating.scale_key == top)
        ):
            at_top[assessment_id].add(statement_key)
    result = []
    for provider_id, (assessment_id, stage_key) in latest.items():
        scores = sections[assessment_id]
        points = sum(p for p, _ in scores.values())
        possible = sum(q for _, q in scores.values())
        result.append(
            Latest(
                provider_id=provider_id,
                stage_key=stage_key,
                overall=percent(points, possible),
                sections={key: percent(p, q) for key, (p, q) in scores.items()},
                top_keys=frozenset(at_top[assessment_id]),
                lenses=lens_scores[assessment_id],
            )
        )
    return result


def _figures(label: str, group: list[Latest], content: ChecklistDef) -> Figures:
    stage_counts = Counter(latest.stage_key or NO_STAGE for latest in group)
    cells = {NO_STAGE: stage_counts[NO_STAGE]} | {
        stage.key: stage_counts[stage.key] for stage in content.stages
    }
    return Figures(
        label=label,
        size=len(group),
        stages=stats.counts(cells),
        overall=stats.spread([latest.overall for latest in group]),
        sections={
            section.key: stats.spread(
                [latest.sections[section.key] for latest in group if section.key in latest.sections]
            )
            for section in content.sections
        },
        lenses={
            key: stats.spread([latest.lenses[key] for latest in group if key in latest.lenses])
            for key in _lens_keys(group)
        },
    )


def _lens_keys(group: list[Latest]) -> list[tuple[str, str]]:
    """Every (scheme, tag) the group's assessments have a score for, in first-seen order."""
    seen: dict[tuple[str, str], None] = {}
    for latest in group:
        for key in latest.lenses:
            seen.setdefault(key)
    return list(seen)


def _subgroup_key(member: Member, breakdown: str) -> str | None:
    return member.region if breakdown == "region" else member.size_band


def benchmark(association_id: int, version: ChecklistVersion, breakdown: str | None = None):
    """The association's benchmark on one version, optionally broken down by region or size."""
    content = version.content
    members = {m.provider_id: m for m in allowing_members(association_id)}
    group = _latest(version, frozenset(members))
    stage_labels = {NO_STAGE: "No stage yet"} | {s.key: s.label for s in content.stages}
    if not stats.shown(len(group)):
        return Benchmark(version, content, shown=False, stage_labels=stage_labels)
    statements = tuple(
        StatementFigure(
            key=statement.key,
            section_title=section.title,
            text=statement.text,
            at_top_percent=stats.share_percent(
                sum(1 for latest in group if statement.key in latest.top_keys), len(group)
            ),
        )
        for section in content.sections
        for statement in section.statements
    )
    gaps = tuple(sorted(statements, key=lambda s: (s.at_top_percent, s.key))[:GAPS])
    subgroups: list[Figures] = []
    hidden = unset = 0
    if breakdown in BREAKDOWNS:
        by_key: dict[str, list[Latest]] = defaultdict(list)
        for latest in group:
            key = _subgroup_key(members[latest.provider_id], breakdown)
            if key is None:
                unset += 1
            else:
                by_key[key].append(latest)
        for key in sorted(by_key):
            if stats.subgroup_shown(len(by_key[key]), len(group)):
                subgroups.append(_figures(key, by_key[key], content))
            else:
                hidden += 1
    return Benchmark(
        version,
        content,
        shown=True,
        figures=_figures("All members allowing benchmarks", group, content),
        statements=statements,
        gaps=gaps,
        breakdown=breakdown if breakdown in BREAKDOWNS else None,
        subgroups=tuple(subgroups),
        hidden_subgroups=hidden,
        unset=unset,
        stage_labels=stage_labels,
    )


@dataclass(frozen=True)
class Standing:
    shown: bool
    overall: str | None = None
    sections: tuple[tuple[str, str], ...] = ()  # (section title, quarter)


def standing(association_id: int, provider_id: int, version: ChecklistVersion) -> Standing:
    """Where one member stands among the allowing members, by quarter; only for a member
    that allows benchmarks itself, and only among at least 5."""
    members = {m.provider_id for m in allowing_members(association_id)}
    if provider_id not in members:
        return Standing(shown=False)
    group = _latest(version, frozenset(members))
    own = next((latest for latest in group if latest.provider_id == provider_id), None)
    if own is None or not stats.shown(len(group)):
        return Standing(shown=False)
    content = version.content
    sections = tuple(
        (
            section.title,
            stats.quarter(
                own.sections.get(section.key, 0),
                [latest.sections.get(section.key, 0) for latest in group],
            ),
        )
        for section in content.sections
    )
    return Standing(
        shown=True,
        overall=stats.quarter(own.overall, [latest.overall for latest in group]),
        sections=sections,
    )


def versions_with_results(association_id: int) -> list[ChecklistVersion]:
    """Checklist versions on which allowing members have completed assessments (the versions
    only: how many is shown with the figures, and only for groups of at least 5)."""
    ids = frozenset(m.provider_id for m in allowing_members(association_id))
    if not ids:
        return []
    with tenancy.within(tenancy.aggregate(ids, "which versions members' benchmarks use")):
        version_ids = db.session.scalars(
            select(Assessment.checklist_version_id)
            .where(
                Assessment.status == AssessmentStatus.COMPLETED.value,
                Assessment.organisation_id.in_(sorted(ids)),
            )
            .distinct()
        ).all()
    return list(
        db.session.scalars(
            select(ChecklistVersion)
            .where(ChecklistVersion.id.in_(version_ids))
            .order_by(ChecklistVersion.checklist_id, ChecklistVersion.sort_key.desc())
        )
    )


CSV_HEADER = ("Group", "Figure", "Value")


def csv_rows(result: Benchmark) -> list[tuple[str, str, str]]:
    """The benchmark as rows of (group, figure, value): exactly what the page shows, with a
    hidden figure written as such, never as a number."""
    label = f"{result.content.title}, version {result.version.version}"
    if not result.shown or result.figures is None:
        return [(label, "Figures", f"not shown: fewer than {stats.MIN_GROUP} members")]
    rows: list[tuple[str, str, str]] = []
    for figures in (result.figures, *result.subgroups):
        rows.append((figures.label, "Providers", str(figures.size)))
        for key, count in figures.stages.items():
            shown = "fewer than 5" if count is None else str(count)
            rows.append((figures.label, f"At stage: {result.stage_labels[key]}", shown))
        rows.append((figures.label, "Overall score", _spread_text(figures.overall)))
        for section in result.content.sections:
            text = _spread_text(figures.sections.get(section.key))
            rows.append((figures.label, f"Section: {section.title}", text))
        for scheme, tag, name, spread in lens_rows(figures):
            rows.append((figures.label, f"{name}: {tag_label(scheme, tag)}", _spread_text(spread)))
    for statement in result.statements:
        rows.append(
            (
                result.figures.label,
                f"At the top of the scale: {statement.text}",
                f"{statement.at_top_percent}%",
            )
        )
    return rows


def _spread_text(spread: stats.Spread | None) -> str:
    return spread.text if spread else f"not shown: fewer than {stats.MIN_GROUP} scores"


def most_used(association_id: int, versions: list[ChecklistVersion]) -> ChecklistVersion | None:
    """The version most allowing members have completed an assessment on (the page opens on
    it); the count itself is never shown."""
    ids = frozenset(m.provider_id for m in allowing_members(association_id))
    if not versions or not ids:
        return None
    with tenancy.within(tenancy.aggregate(ids, "which version most members use")):
        counts = dict(
            db.session.execute(
                select(
                    Assessment.checklist_version_id,
                    func.count(distinct(Assessment.organisation_id)),
                )
                .where(
                    Assessment.status == AssessmentStatus.COMPLETED.value,
                    Assessment.organisation_id.in_(sorted(ids)),
                )
                .group_by(Assessment.checklist_version_id)
            ).all()
        )
    return max(versions, key=lambda v: (counts.get(v.id, 0), v.sort_key))


def lens_rows(figures: Figures) -> list[tuple[str, str, str, stats.Spread | None]]:
    """(scheme, tag, lens name, spread) for the lenses commissioners use, in their order."""
    order = {lens.key: (n, lens.name) for n, lens in enumerate(lenses.LENSES)}
    rows = [
        (scheme, tag, order[scheme][1], spread)
        for (scheme, tag), spread in figures.lenses.items()
        if scheme in order
    ]
    return sorted(rows, key=lambda row: order[row[0]][0])
