"""Pure scoring rules: ratings in, section scores and stage reached out.

The stage rule, as users see it: a stage is reached when every statement of that stage and of
every stage before it is rated at the top of the scale. A section's score is the points its
ratings scored out of the points possible (every statement at the top of the scale).
Unrated statements score nothing and do not count towards a stage. A statement answered "Does
not apply here" counts in neither the points possible nor a stage (nor in `total`); it is
counted apart (`not_applicable`), so that pages can say so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from p4p.catalogue.content import (
    SCORE_RULE,
    STAGE_RULE,
    ChecklistDef,
    SectionDef,
    Stage,
    StatementDef,
    stage_rule,
)

__all__ = [
    "LENS_RULE",
    "SCORE_RULE",
    "STAGE_RULE",
    "stage_rule",
    "score",
    "lens_scores",
    "LensScore",
    "Result",
    "Score",
    "SectionScore",
]

LENS_RULE = (
    "Each figure is the points scored by the statements tagged with that {what}, out of the "
    "points possible (every one of them at the top of the scale). A statement tagged with "
    "several counts in each. The figure in brackets is how many statements it rests on."
)


def percent(points: int, possible: int) -> int:
    """Whole per cent, rounded half up; 0 possible points reads as 0. The one rounding of
    every score p4p shows (stored figures read back, benchmarks, the providers table)."""
    if not possible:
        return 0
    return (200 * points + possible) // (2 * possible)


@dataclass(frozen=True)
class Score:
    points: int
    possible: int
    rated: int
    total: int
    not_applicable: int = 0

    @property
    def percent(self) -> int:
        """Whole per cent, rounded half up, so 0 possible points reads as 0."""
        return percent(self.points, self.possible)


@dataclass(frozen=True)
class SectionScore(Score):
    key: str = ""
    title: str = ""


@dataclass(frozen=True)
class LensScore(Score):
    """The score of one tag of a scheme (a CQC key question, a Making it Real theme...):
    the statements tagged with it, wherever they are in the checklist."""

    scheme: str = ""
    tag: str = ""


@dataclass(frozen=True)
class Blocker:
    """A statement standing between the assessment and the next stage."""

    section_key: str
    section_title: str
    key: str
    text: str
    stage: str
    rating: str | None


@dataclass(frozen=True)
class StageProgress:
    key: str
    label: str
    at_top: int
    total: int

    @property
    def complete(self) -> bool:
        return self.at_top == self.total


@dataclass(frozen=True)
class Result:
    sections: tuple[SectionScore, ...]
    overall: Score
    stage_reached: Stage | None
    next_stage: Stage | None
    blockers: tuple[Blocker, ...]
    stages: tuple[StageProgress, ...] = field(default=())
    lenses: tuple[LensScore, ...] = field(default=())

    @property
    def unrated(self) -> int:
        return self.overall.total - self.overall.rated

    @property
    def next_stage_progress(self) -> StageProgress | None:
        """How far the next stage is: its statements at the top of the scale, of all of them."""
        if self.next_stage is None:
            return None
        return next(p for p in self.stages if p.key == self.next_stage.key)

    @property
    def blockers_by_section(self) -> tuple[tuple[SectionScore, tuple[Blocker, ...]], ...]:
        """The blockers grouped by section, sections in the checklist's order (none empty)."""
        groups: dict[str, list[Blocker]] = {s.key: [] for s in self.sections}
        for blocker in self.blockers:
            groups[blocker.section_key].append(blocker)
        return tuple((s, tuple(groups[s.key])) for s in self.sections if groups[s.key])


def score(
    checklist: ChecklistDef,
    ratings: Mapping[str, str | None],
    not_applicable: Collection[str] = (),
) -> Result:
    """Score `ratings` (statement key -> scale key, or None when unrated); the statements keyed
    in `not_applicable` do not apply here (only those that may not apply are taken so)."""
    points_for = {option.key: option.points for option in checklist.scale}
    top_key = checklist.top.key
    skipped = {st.key for st in checklist.statements() if st.may_not_apply} & set(not_applicable)

    section_scores = []
    for section in checklist.sections:
        keys = [statement.key for statement in section.statements if statement.key not in skipped]
        rated = [points_for[ratings[key]] for key in keys if ratings.get(key) in points_for]
        section_scores.append(
            SectionScore(
                key=section.key,
                title=section.title,
                points=sum(rated),
                possible=len(keys) * checklist.top.points,
                rated=len(rated),
                total=len(keys),
                not_applicable=len(section.statements) - len(keys),
            )
        )
    overall = Score(
        points=sum(s.points for s in section_scores),
        possible=sum(s.possible for s in section_scores),
        rated=sum(s.rated for s in section_scores),
        total=sum(s.total for s in section_scores),
        not_applicable=sum(s.not_applicable for s in section_scores),
    )

    by_stage: dict[str, list[tuple[SectionDef, StatementDef]]] = {
        stage.key: [] for stage in checklist.stages
    }
    for section in checklist.sections:
        for statement in section.statements:
            if statement.stage in by_stage and statement.key not in skipped:
                by_stage[statement.stage].append((section, statement))

    progress = tuple(
        StageProgress(
            key=stage.key,
            label=stage.label,
            at_top=sum(1 for _, st in by_stage[stage.key] if ratings.get(st.key) == top_key),
            total=len(by_stage[stage.key]),
        )
        for stage in checklist.stages
    )

    reached: Stage | None = None
    next_stage: Stage | None = None
    for stage, stage_progress in zip(checklist.stages, progress, strict=True):
        if not stage_progress.complete:
            next_stage = stage
            break
        reached = stage

    blockers: tuple[Blocker, ...] = ()
    if next_stage is not None:
        blockers = tuple(
            Blocker(
                section_key=section.key,
                section_title=section.title,
                key=statement.key,
                text=statement.text,
                stage=stage_key,
                rating=ratings.get(statement.key),
            )
            for stage_key in _stages_up_to(checklist, next_stage.key)
            for section, statement in by_stage[stage_key]
            if ratings.get(statement.key) != top_key
        )

    return Result(
        sections=tuple(section_scores),
        overall=overall,
        stage_reached=reached,
        next_stage=next_stage,
        blockers=blockers,
        stages=progress,
        lenses=lens_scores(checklist, ratings, skipped),
    )


def lens_scores(
    checklist: ChecklistDef,
    ratings: Mapping[str, str | None],
    not_applicable: Collection[str] = (),
) -> tuple[LensScore, ...]:
    """A score for every tag of every scheme the checklist's statements are tagged with, from
    the ratings of the statements tagged with it (the same rule as a section's score, so a
    statement that does not apply here counts in neither). Schemes and tags come in the order
    they first appear; any scheme a checklist uses is scored, so a new scheme needs no change
    here."""
    skipped = set(not_applicable)
    points_for = {option.key: option.points for option in checklist.scale}
    top_points = checklist.top.points
    tagged: dict[tuple[str, str], list[str]] = {}
    for statement in checklist.statements():
        if statement.key in skipped:
            continue
        for scheme, tags in statement.tag_pairs:
            for tag in tags:
                tagged.setdefault((scheme, tag), []).append(statement.key)
    scores = []
    for (scheme, tag), keys in tagged.items():
        rated = [points_for[ratings[key]] for key in keys if ratings.get(key) in points_for]
        scores.append(
            LensScore(
                scheme=scheme,
                tag=tag,
                points=sum(rated),
                possible=len(keys) * top_points,
                rated=len(rated),
                total=len(keys),
            )
        )
    return tuple(scores)


def _stages_up_to(checklist: ChecklistDef, key: str) -> Sequence[str]:
    keys = [stage.key for stage in checklist.stages]
    return keys[: keys.index(key) + 1]
