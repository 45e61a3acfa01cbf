"""Rules across versions of one edition: a new version must account for every statement of the
version before it, and its number must say how much changed.

Pure functions over parsed checklists (no Flask, no database). `checklists validate` and
`checklists load` run them over a folder of files; the association editor proposes a version
number with `required_bump` and `next_version`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from p4p.catalogue.content import ChecklistDef, parse_version, version_sort_key
from p4p.catalogue.problems import Problem

LEVELS = ("patch", "minor", "major")


@dataclass(frozen=True)
class Bump:
    """How big a change is, and why: the reasons that decided the level, in plain words."""

    level: str  # one of LEVELS
    reasons: tuple[str, ...]


def _keys(keys: Iterable[str], limit: int = 5) -> str:
    keys = list(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def required_bump(previous: ChecklistDef, current: ChecklistDef) -> Bump:
    """The smallest version step that honestly describes the change from `previous`.

    - major: a statement of the previous version is gone (removed, split or re-keyed), or the
      scale or the list of stages changed, so earlier ratings or stages no longer mean the same;
    - minor: statements were added, or a kept statement moved to another stage or section,
      started or stopped allowing "Does not apply here", or says (in `from`) that it is now
      narrower, broader or related to itself, so scores, stages or the meaning of a rating
      change, but every earlier rating still has its statement;
    - patch: anything else (wording, guidance, evidence, tags, titles).
    """
    before = {st.key: st for st in previous.statements()}
    after = {st.key: st for st in current.statements()}
    major: list[str] = []
    gone = [key for key in before if key not in after]
    if gone:
        major.append(f"statements removed or re-keyed ({_keys(gone)})")
    if [(o.key, o.points) for o in previous.scale] != [(o.key, o.points) for o in current.scale]:
        major.append("the scale changed")
    if [s.key for s in previous.stages] != [s.key for s in current.stages]:
        major.append("the stages changed")
    if major:
        return Bump("major", tuple(major))

    minor: list[str] = []
    added = [key for key in after if key not in before]
    if added:
        minor.append(f"statements added ({_keys(added)})")
    restaged = [key for key in before if before[key].stage != after[key].stage]
    if restaged:
        minor.append(f"statements moved to another stage ({_keys(restaged)})")
    moved = [key for key in before if previous.section_of(key).key != current.section_of(key).key]
    if moved:
        minor.append(f"statements moved to another section ({_keys(moved)})")
    applies = [key for key in before if before[key].may_not_apply != after[key].may_not_apply]
    if applies:
        minor.append(f'"may-not-apply" changed ({_keys(applies)})')
    # A kept statement that says it is now narrower, broader or related to itself asks for its
    # earlier ratings to be looked at again: more than a change of wording.
    reviewed = [
        key
        for key in before
        if any(o.key == key and o.relation != "equal" for o in after[key].origins)
    ]
    if reviewed:
        minor.append(f"kept statements whose ratings need a fresh look ({_keys(reviewed)})")
    if minor:
        return Bump("minor", tuple(minor))
    return Bump("patch", ("wording or guidance only",))


def next_version(version: str, level: str) -> str:
    """The version number one step of `level` after `version`: 1.4.2 → 2.0.0, 1.5.0, 1.4.3."""
    major, minor, patch = parse_version(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ValueError(f"unknown level {level!r}; expected one of: {', '.join(LEVELS)}")


def previous_version(current: ChecklistDef, others: Iterable[ChecklistDef]) -> ChecklistDef | None:
    """The highest version of the same edition that is lower than `current`, if any."""
    mine = version_sort_key(current.version)
    earlier = [
        other
        for other in others
        if other.key == current.key and version_sort_key(other.version) < mine
    ]
    return max(earlier, key=lambda d: version_sort_key(d.version), default=None)


def compare_versions(previous: ChecklistDef, current: ChecklistDef, filename: str) -> list[Problem]:
    """Every problem of `current` as the next version after `previous`, with lines of `current`."""
    problems: list[Problem] = []
    before = {st.key for st in previous.statements()}
    after = {st.key for st in current.statements()}
    named = f"{previous.key} {previous.version}, the previous version"

    def problem(path: str, message: str) -> None:
        problems.append(Problem(filename, current.line_of(path), path, message))

    origins: set[str] = set()
    for i, section in enumerate(current.sections):
        for j, statement in enumerate(section.statements):
            for k, origin in enumerate(statement.origins):
                origins.add(origin.key)
                if origin.key not in before:
                    problem(
                        f"sections[{i}].statements[{j}].from[{k}].key",
                        f'"{origin.key}" is not a statement of {named}',
                    )
    removed = set()
    for k, removal in enumerate(current.removed):
        removed.add(removal.key)
        if removal.key not in before:
            problem(f"removed[{k}].key", f'"{removal.key}" is not a statement of {named}')

    unaccounted = [key for key in before if key not in after | origins | removed]
    for key in unaccounted:
        problem(
            "removed" if current.removed else "sections",
            f'statement "{key}" of {named}, is not accounted for: keep its key, name it in the '
            "`from` of the statements that replace it, or list it under `removed:` with a reason",
        )

    bump = required_bump(previous, current)
    expected = next_version(previous.version, bump.level)
    if current.version != expected:
        problem(
            "version",
            f"version {current.version} does not follow the change from {previous.version}: "
            f"{'; '.join(bump.reasons)}, which needs a {bump.level} version; "
            f"number this version {expected}",
        )
    return problems


def check_editions(files: Iterable[tuple[str, ChecklistDef]]) -> list[Problem]:
    """Compare each version with the previous version of its edition among `files`."""
    files = list(files)
    definitions = [definition for _, definition in files]
    problems: list[Problem] = []
    for filename, definition in files:
        previous = previous_version(definition, definitions)
        if previous is not None:
            problems.extend(compare_versions(previous, definition, filename))
    return problems
