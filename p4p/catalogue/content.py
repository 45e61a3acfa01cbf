"""One typed model of a checklist version, used everywhere: parsing a file gives one, loading
reads one back from the database, and scoring, progress, pages and reports all take one.

Pure Python, immutable. A version read back from the database also knows its statements' ids
(`StatementDef.id`), which ratings refer to; ids take no part in equality or the content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

FORMAT = "p4p-checklist/1"
SEMVER = re.compile(r"^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")


# --- versions -----------------------------------------------------------------------------


def parse_version(value: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as three numbers; the one parser of version numbers."""
    match = SEMVER.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a semantic version such as 1.0.0")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def version_sort_key(value: str) -> str:
    """Zero-padded, so that versions sort correctly as text (in SQL too)."""
    return ".".join(f"{part:06d}" for part in parse_version(value))


def next_patch(value: str) -> str:
    major, minor, patch = parse_version(value)
    return f"{major}.{minor}.{patch + 1}"


# --- the model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleOption:
    key: str
    label: str
    points: int
    description: str | None = None


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class Origin:
    key: str
    relation: str


@dataclass(frozen=True)
class Removal:
    """A statement of the previous version that this version no longer has, and why."""

    key: str
    reason: str


@dataclass(frozen=True)
class BasedOn:
    """The published version of another publisher's edition that a local variant adapts: what
    the variant must say about where it comes from (the attribution its licence asks for)."""

    key: str
    version: str
    title: str
    publisher: str
    licence: str

    @property
    def attribution(self) -> str:
        return (
            f"Adapted from “{self.title}”, version {self.version}, published by "
            f"{self.publisher} under {self.licence}."
        )


@dataclass(frozen=True)
class StatementDef:
    key: str
    text: str
    stage: str | None
    guidance: str
    evidence: tuple[str, ...]
    # (scheme, tag keys) pairs, in file order; a tuple keeps the dataclass hashable.
    tag_pairs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    origins: tuple[Origin, ...] = ()
    # What part-way looks like (the middle of the scale), beside `guidance` for the top.
    started: str | None = None
    # The provider may answer "Does not apply here" (with a reason) instead of rating it.
    may_not_apply: bool = False
    id: int | None = field(default=None, compare=False)

    @property
    def tags(self) -> dict[str, tuple[str, ...]]:
        return dict(self.tag_pairs)


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    summary: str | None
    statements: tuple[StatementDef, ...]


@dataclass(frozen=True)
class ChecklistDef:
    key: str
    title: str
    summary: str
    version: str
    published: dt.date
    publisher: str
    licence: str
    language: str
    scale: tuple[ScaleOption, ...]
    stages: tuple[Stage, ...]
    sections: tuple[SectionDef, ...]
    removed: tuple[Removal, ...] = ()
    # For a local variant of another publisher's edition: the version it adapts.
    based_on: BasedOn | None = None
    content_hash: str = field(default="", compare=False)
    # Line of each field path in the file it was parsed from ("sections[0].statements[2]"),
    # for problems found after parsing; empty when read back from the database.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, path: str) -> int:
        return self.lines.get(path, 1)

    def statements(self) -> Iterator[StatementDef]:
        for section in self.sections:
            yield from section.statements

    def to_dict(self) -> dict[str, Any]:
        return content_dict(self)

    @property
    def label(self) -> str:
        return f"{self.title}, version {self.version}"

    # --- the scale and stages

    @property
    def top(self) -> ScaleOption:
        return self.scale[-1]

    @cached_property
    def scale_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.scale)

    def scale_option(self, key: str | None) -> ScaleOption | None:
        return next((option for option in self.scale if option.key == key), None)

    def label_of(self, scale_key: str | None, unrated: str = "Not rated") -> str:
        option = self.scale_option(scale_key)
        return option.label if option else unrated

    def points_of(self, scale_key: str | None) -> int | None:
        option = self.scale_option(scale_key)
        return option.points if option else None

    def stage(self, key: str | None) -> Stage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    @property
    def stage_rule(self) -> str:
        return stage_rule(self.top.label)

    # --- statements by key or id

    @cached_property
    def _by_key(self) -> dict[str, tuple[SectionDef, StatementDef]]:
        return {st.key: (section, st) for section in self.sections for st in section.statements}

    @cached_property
    def _by_id(self) -> dict[int, StatementDef]:
        return {st.id: st for st in self.statements() if st.id is not None}

    def statement(self, key: str) -> StatementDef | None:
        found = self._by_key.get(key)
        return found[1] if found else None

    def section_of(self, statement_key: str) -> SectionDef:
        return self._by_key[statement_key][0]

    def section(self, key: str) -> SectionDef | None:
        return next((s for s in self.sections if s.key == key), None)

    def statement_by_id(self, statement_id: int) -> StatementDef | None:
        return self._by_id.get(statement_id)


# --- the one wording of the rules ---------------------------------------------------------

STAGE_RULE = (
    "A stage is reached when every statement of that stage, and of every stage before it, "
    "is rated at the top of the scale (“{top}”)."
)
SCORE_RULE = "A section's score is the points its ratings scored out of the points possible."


def stage_rule(top_label: str) -> str:
    return STAGE_RULE.format(top=top_label)


# --- what a version promises never to change ----------------------------------------------


def content_dict(d: ChecklistDef) -> dict[str, Any]:
    """What a version says: everything that a published version promises never to change.

    Optional fields appear only when given, so that adding a field to the format leaves the
    content hash of every version that does not use it unchanged."""
    result = {
        "format": FORMAT,
        "key": d.key,
        "title": d.title,
        "summary": d.summary,
        "version": d.version,
        "published": d.published.isoformat(),
        "publisher": d.publisher,
        "licence": d.licence,
        "language": d.language,
        "scale": [o.__dict__ for o in d.scale],
        "stages": [s.__dict__ for s in d.stages],
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "summary": s.summary,
                "statements": [_statement_dict(st) for st in s.statements],
            }
            for s in d.sections
        ],
    }
    if d.removed:
        result["removed"] = [r.__dict__ for r in d.removed]
    if d.based_on is not None:
        result["based-on"] = dict(d.based_on.__dict__)
    return result


def _statement_dict(st: StatementDef) -> dict[str, Any]:
    result: dict[str, Any] = {
        "key": st.key,
        "text": st.text,
        "stage": st.stage,
        "guidance": st.guidance,
        "evidence": list(st.evidence),
        "tags": {k: list(v) for k, v in st.tag_pairs},
        "from": [o.__dict__ for o in st.origins],
    }
    if st.started is not None:
        result["started"] = st.started
    if st.may_not_apply:
        result["may-not-apply"] = True
    return result


def content_hash(d: ChecklistDef) -> str:
    """The hash of what a version says (`content_dict`): equal content, equal hash."""
    text = json.dumps(content_dict(d), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def numbered(d: ChecklistDef, version: str) -> ChecklistDef:
    """The same checklist under another version number (a semantic version), hashed anew:
    what parsing it again with that number would give, without parsing it again."""
    parse_version(version)
    renumbered = replace(d, version=version)
    return replace(renumbered, content_hash=content_hash(renumbered))
