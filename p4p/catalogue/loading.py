"""Putting checklist files into the database. Published versions are immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from p4p.catalogue import ChecklistDef, ChecklistInvalid, Problem, discover, parse_checklist
from p4p.catalogue.content import next_patch, version_sort_key
from p4p.catalogue.models import Checklist, ChecklistVersion, Section, Statement
from p4p.catalogue.versions import check_editions
from p4p.extensions import db


class CatalogueConflict(Exception):
    """Files that cannot be loaded; each entry of `problems` reads FILE:LINE: field: message."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_all(root: Path) -> list[tuple[Path, ChecklistDef]]:
    """Parse every file under root; raise with every problem of every file."""
    problems: list[Problem] = []
    parsed = []
    for path in discover(root):
        try:
            definition = parse_checklist(path.read_bytes(), str(path))
        except ChecklistInvalid as error:
            problems.extend(error.problems)
            continue
        expected = (definition.key, f"{definition.version}{path.suffix}")
        if (path.parent.name, path.name) != expected:
            problems.append(
                Problem(
                    str(path),
                    1,
                    "file",
                    f"a {definition.key} version {definition.version} file belongs at "
                    f"{definition.key}/{definition.version}{path.suffix}",
                )
            )
            continue
        parsed.append((path, definition))
    if problems:
        raise CatalogueConflict(problems)
    problems = check_editions((str(path), definition) for path, definition in parsed)
    if problems:
        raise CatalogueConflict(problems)
    return parsed


def load_all(root: Path) -> LoadReport:
    """Load every checklist file under root, all or nothing. Safe to run again."""
    report = LoadReport()
    problems: list[Problem] = []
    for path, definition in read_all(root):
        try:
            outcome = load_version(definition, path.relative_to(root).as_posix())
        except CatalogueConflict as error:
            problems.extend(error.problems)
            continue
        label = f"{definition.key} {definition.version}"
        (report.added if outcome == "added" else report.unchanged).append(label)
    if problems:
        raise CatalogueConflict(problems)
    return report


def load_version(definition: ChecklistDef, source: str) -> str:
    """Add one version; returns "added" or "unchanged". A changed published version is refused."""
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == definition.key))
    if checklist is None:
        checklist = Checklist(key=definition.key, title=definition.title)
        db.session.add(checklist)
        db.session.flush()
    existing = db.session.scalar(
        select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist.id,
            ChecklistVersion.version == definition.version,
        )
    )
    if existing is not None:
        if existing.content_hash == definition.content_hash:
            return "unchanged"
        raise CatalogueConflict(
            [
                Problem(
                    source,
                    1,
                    "version",
                    f"{definition.key} version {definition.version} is already published with "
                    "different content, and a published version never changes. Give your "
                    "changes a new version number (for example "
                    f"{next_patch(definition.version)}) in a new file.",
                )
            ]
        )

    checklist.title = definition.title  # the edition takes the newest wording of its name
    version = ChecklistVersion(
        checklist=checklist,
        version=definition.version,
        sort_key=version_sort_key(definition.version),
        title=definition.title,
        summary=definition.summary,
        publisher=definition.publisher,
        licence=definition.licence,
        language=definition.language,
        published=definition.published,
        content_hash=definition.content_hash,
        scale=[
            {
                "key": o.key,
                "label": o.label,
                "points": o.points,
                "description": o.description,
            }
            for o in definition.scale
        ],
        stages=[
            {"key": s.key, "label": s.label, "description": s.description}
            for s in definition.stages
        ],
        removed=[{"key": r.key, "reason": r.reason} for r in definition.removed],
        based_on=dict(definition.based_on.__dict__) if definition.based_on else None,
        source_path=source,
    )
    db.session.add(version)
    db.session.flush()
    for position, section_def in enumerate(definition.sections):
        section = Section(
            version_id=version.id,
            key=section_def.key,
            title=section_def.title,
            summary=section_def.summary,
            position=position,
        )
        db.session.add(section)
        db.session.flush()
        db.session.add_all(
            Statement(
                version_id=version.id,
                section_id=section.id,
                key=s.key,
                text=s.text,
                stage_key=s.stage,
                guidance=s.guidance,
                evidence=list(s.evidence),
                tags={scheme: list(keys) for scheme, keys in dict(s.tags).items()},
                origins=[{"key": o.key, "relation": o.relation} for o in s.origins],
                started=s.started,
                may_not_apply=s.may_not_apply,
                position=index,
            )
            for index, s in enumerate(section_def.statements)
        )
    db.session.flush()
    return "added"
