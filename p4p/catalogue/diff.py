"""What changed between two versions of an edition, statement by statement. Pure functions.

Shared by `flask checklists diff OLD.yaml NEW.yaml` and the catalogue's "what changed" page.
Statements are matched as carrying answers matches them (`carrying.chain_links`): by the
`from` relations of every version between the two, or by a kept key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from p4p.catalogue.carrying import EQUAL, Gone, chain_links, removed
from p4p.catalogue.content import ChecklistDef, StatementDef


@dataclass(frozen=True)
class Added:
    statement: StatementDef
    section: str  # title
    stage: str  # label, or ""


@dataclass(frozen=True)
class Changed:
    """A statement of the new version and one it comes from, with how they differ."""

    new: StatementDef
    old: StatementDef
    relation: str  # of the new statement to the old one
    new_section: str
    old_section: str
    new_stage: str
    old_stage: str

    @property
    def reworded(self) -> bool:
        return self.new.text != self.old.text

    @property
    def moved(self) -> bool:
        return self.new_section != self.old_section

    @property
    def restaged(self) -> bool:
        return self.new_stage != self.old_stage

    @property
    def relation_words(self) -> str:
        """How the new statement relates to the old, in words."""
        return {
            "equal": "the same practice as",
            "narrower": "covers part of",
            "broader": "covers more than",
        }.get(self.relation, "is related to")


@dataclass(frozen=True)
class Diff:
    old: ChecklistDef
    new: ChecklistDef
    added: tuple[Added, ...]
    removed: tuple[Gone, ...]
    changed: tuple[Changed, ...] = field(default=())
    unchanged: int = 0

    @property
    def reworded(self) -> list[Changed]:
        return [c for c in self.changed if c.reworded]

    @property
    def moved(self) -> list[Changed]:
        return [c for c in self.changed if c.moved]

    @property
    def restaged(self) -> list[Changed]:
        return [c for c in self.changed if c.restaged]

    @property
    def related(self) -> list[Changed]:
        """Links that are not `equal` (split, merged or related statements)."""
        return [c for c in self.changed if c.relation != EQUAL]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _stage_label(checklist: ChecklistDef, key: str | None) -> str:
    stage = checklist.stage(key)
    return stage.label if stage else ""


def diff(old: ChecklistDef, new: ChecklistDef, between: Sequence[ChecklistDef] = ()) -> Diff:
    """What changed from `old` to `new`; `between` are the versions in between, if any, whose
    relations are followed (composed) from one to the next."""
    chain = [old] if old == new else [old, *between, new]
    links = chain_links(chain)
    added, changed, unchanged = [], [], 0
    for section in new.sections:
        for statement in section.statements:
            origins = links.get(statement.key, {})
            stage = _stage_label(new, statement.stage)
            if not origins:
                added.append(Added(statement, section.title, stage))
                continue
            for old_key, relation in origins.items():
                before = old.statement(old_key)
                if before is None:  # pragma: no cover - links only name statements of `old`
                    continue
                item = Changed(
                    new=statement,
                    old=before,
                    relation=relation,
                    new_section=section.title,
                    old_section=old.section_of(old_key).title,
                    new_stage=stage,
                    old_stage=_stage_label(old, before.stage),
                )
                if relation == EQUAL and not (item.reworded or item.moved or item.restaged):
                    unchanged += 1
                else:
                    changed.append(item)
    return Diff(old, new, tuple(added), tuple(removed(chain)), tuple(changed), unchanged)


def as_text(d: Diff) -> list[str]:
    """The diff as lines of plain text (what the command prints)."""
    lines = [f"{d.new.key}: {d.old.version} -> {d.new.version}"]
    if d.is_empty:
        return [*lines, "No statement changed."]

    def heading(title: str, items: Sequence) -> None:
        lines.append("")
        lines.append(f"{title} ({len(items)}):")

    if d.added:
        heading("Added", d.added)
        for a in d.added:
            where = a.section + (f", {a.stage}" if a.stage else "")
            lines.append(f"  + {a.statement.key} [{where}]: {a.statement.text}")
    if d.removed:
        heading("Removed", d.removed)
        for g in d.removed:
            lines.append(f"  - {g.key}: {g.text}")
            lines.append(f"      reason ({g.version}): {g.reason or 'none given'}")

    def link(c: Changed) -> str:
        return f"{c.new.key} ({c.relation} to {c.old.key})"

    if d.reworded:
        heading("Reworded", d.reworded)
        for c in d.reworded:
            lines.append(f"  ~ {link(c)}")
            lines.append(f"      old: {c.old.text}")
            lines.append(f"      new: {c.new.text}")
    if d.moved:
        heading("Moved between sections", d.moved)
        for c in d.moved:
            lines.append(f"  > {link(c)}: {c.old_section} -> {c.new_section}")
    if d.restaged:
        heading("Changed stage", d.restaged)
        for c in d.restaged:
            lines.append(
                f"  ^ {link(c)}: {c.old_stage or 'no stage'} -> {c.new_stage or 'no stage'}"
            )
    plain_related = [c for c in d.related if not (c.reworded or c.moved or c.restaged)]
    if plain_related:
        heading("Related without other change", plain_related)
        for c in plain_related:
            lines.append(f"  = {link(c)}")
    lines.append("")
    lines.append(f"{d.unchanged} statement(s) unchanged.")
    return lines
