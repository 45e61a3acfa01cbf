"""The checklist file format, p4p-checklist/1: safe parsing and validation with line numbers.

Pure Python, no Flask or database. Every problem names the file, the 1-based line of the YAML
node at fault, the field as a path (``sections[2].statements[0].stage``) and a message a
checklist author can act on. All problems of a file are reported together, in line order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from p4p.catalogue.content import (
    FORMAT,
    SEMVER,
    BasedOn,
    ChecklistDef,
    Origin,
    Removal,
    ScaleOption,
    SectionDef,
    Stage,
    StatementDef,
    content_hash,
)
from p4p.catalogue.problems import Problem
from p4p.catalogue.tags import vocabularies
from p4p.catalogue.versions import check_editions

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 20
RELATIONS = ("equal", "narrower", "broader", "related")
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
BOOL = "tag:yaml.org,2002:bool"


# --- results ------------------------------------------------------------------------------


class ChecklistInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --- reading YAML safely ------------------------------------------------------------------


class _Unusable(Exception):
    """The file cannot be walked at all; carries the one problem that says why."""

    def __init__(self, line: int, field_: str, message: str):
        super().__init__(message)
        self.line, self.field, self.message = line, field_, message


# libyaml's safe loader where PyYAML was built with it (about ten times faster than the pure
# Python one, which matters for drafts: the editor checks the whole draft at every save).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOO_DEEP = (
    f"lists and mappings are nested more than {MAX_DEPTH} levels deep; "
    "a checklist needs no more than 6"
)


def _compose(text: str | bytes) -> Node:
    """Compose YAML into nodes with the safe loader; refuse anchors and aliases.

    Refusing them outright (rather than limiting expansion) closes "billion laughs" attacks, and
    a checklist never needs them.
    """
    try:
        depth = 0
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Unusable(
                    event.start_mark.line + 1, "yaml", "aliases and anchors are not allowed"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    # Refused before composing, which would recurse once per level.
                    raise _Unusable(event.start_mark.line + 1, "yaml", TOO_DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or error.context or "could not be read"
        if "nesting depth" in reason:  # libyaml's own limit, met before ours while scanning
            raise _Unusable(line, "yaml", TOO_DEEP) from error
        raise _Unusable(line, "yaml", f"this is not valid YAML: {reason}") from error
    except yaml.YAMLError as error:
        raise _Unusable(1, "yaml", f"this is not valid YAML: {error}") from error
    if node is None:
        raise _Unusable(1, "file", "the file is empty")
    return node


_constructor = SafeConstructor()


def _scalar(node: ScalarNode) -> Any:
    return _constructor.construct_object(node, deep=True)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


# --- the walk -----------------------------------------------------------------------------

INVALID = object()
Check = Callable[["_Walk", Node, str], Any]


@dataclass
class Field:
    check: Check
    required: bool = True


class _Walk:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        # The line of every field and list entry walked, by its path, for checks made later
        # on the parsed result (across versions), which no longer has the nodes.
        self.lines: dict[str, int] = {}

    def problem(self, node: Node, path: str, message: str) -> object:
        self.problems.append(Problem(self.filename, _line(node), path, message))
        return INVALID

    def mapping(self, node: Node, path: str, fields: dict[str, Field]) -> dict[str, Any] | object:
        if not isinstance(node, MappingNode):
            return self.problem(node, path or "file", "must be a mapping of field: value")
        seen: dict[str, int] = {}
        values: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                self.problem(key_node, path or "file", "field names must be text")
                continue
            name = key_node.value
            where = f"{path}.{name}" if path else name
            if name in seen:
                self.problem(key_node, where, f"duplicate field (first given on line {seen[name]})")
                continue
            seen[name] = _line(key_node)
            self.lines[where] = _line(value_node)
            spec = fields.get(name)
            if spec is None:
                expected = ", ".join(fields)
                message = f'unknown field "{name}"; expected one of: {expected}'
                self.problem(key_node, where, message)
                continue
            values[name] = spec.check(self, value_node, where)
        for name, spec in fields.items():
            if spec.required and name not in seen:
                self.problem(node, f"{path}.{name}" if path else name, "required field is missing")
        return values


def text(max_length: int) -> Check:
    def check(walk: _Walk, node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode) or node.tag != STR:
            return walk.problem(node, path, "must be text (put it in double quotes if need be)")
        value = node.value.strip()
        if not value:
            return walk.problem(node, path, "must not be empty")
        if len(value) > max_length:
            return walk.problem(
                node, path, f"is {len(value)} characters long; at most {max_length} are allowed"
            )
        return value

    return check


def slug(walk: _Walk, node: Node, path: str) -> Any:
    value = text(40)(walk, node, path)
    if value is INVALID:
        return value
    if not SLUG.match(value):
        return walk.problem(
            node,
            path,
            f'"{value}" is not a valid key: use 2 to 40 lower-case letters, digits and hyphens, '
            "starting with a letter",
        )
    return value


def format_check(walk: _Walk, node: Node, path: str) -> Any:
    value = text(40)(walk, node, path)
    if value is not INVALID and value != FORMAT:
        return walk.problem(node, path, f'unsupported format "{value}"; expected "{FORMAT}"')
    return value


def version(walk: _Walk, node: Node, path: str) -> Any:
    if not isinstance(node, ScalarNode) or node.tag != STR or not SEMVER.match(node.value):
        return walk.problem(node, path, "must be a semantic version such as 1.0.0")
    return node.value


def date(walk: _Walk, node: Node, path: str) -> Any:
    if isinstance(node, ScalarNode) and node.tag == TIMESTAMP:
        try:
            value = _scalar(node)
        except (ValueError, yaml.YAMLError):
            return walk.problem(node, path, "must be a real date written as YYYY-MM-DD")
        if isinstance(value, dt.datetime):
            return walk.problem(node, path, "must be a date written as YYYY-MM-DD, without a time")
        return value
    if isinstance(node, ScalarNode) and node.tag == STR:
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            pass
    return walk.problem(node, path, "must be a date written as YYYY-MM-DD")


def language(walk: _Walk, node: Node, path: str) -> Any:
    value = text(35)(walk, node, path)
    if value is not INVALID and not LANGUAGE.match(value):
        return walk.problem(node, path, f'"{value}" is not a language tag such as en-GB')
    return value


def whole_number(walk: _Walk, node: Node, path: str) -> Any:
    if not isinstance(node, ScalarNode) or node.tag != INT:
        return walk.problem(node, path, "must be a whole number")
    value = _scalar(node)
    if value < 0:
        return walk.problem(node, path, "must not be negative")
    return value


def yes_or_no(walk: _Walk, node: Node, path: str) -> Any:
    if not isinstance(node, ScalarNode) or node.tag != BOOL:
        return walk.problem(node, path, "must be true or false")
    return bool(_scalar(node))


def list_of(item: Check, *, at_least: int = 1, noun: str = "entry") -> Check:
    def check(walk: _Walk, node: Node, path: str) -> Any:
        if not isinstance(node, SequenceNode):
            return walk.problem(node, path, "must be a list")
        if len(node.value) < at_least:
            plural = noun if at_least == 1 else f"{noun}s"
            return walk.problem(node, path, f"must have at least {at_least} {plural}")
        for i, child in enumerate(node.value):
            walk.lines[f"{path}[{i}]"] = _line(child)
        return [(child, item(walk, child, f"{path}[{i}]")) for i, child in enumerate(node.value)]

    return check


def record(fields: dict[str, Field]) -> Check:
    def check(walk: _Walk, node: Node, path: str) -> Any:
        return walk.mapping(node, path, fields)

    return check


def tags(walk: _Walk, node: Node, path: str) -> Any:
    if not isinstance(node, MappingNode):
        return walk.problem(node, path, "must be a mapping of scheme: [tags]")
    known = vocabularies()
    schemes = {name: Field(list_of(text(60), noun="tag"), required=False) for name in known}
    values = walk.mapping(node, path, schemes)
    if values is INVALID:
        return values
    result = []
    for scheme, entries in values.items():
        if entries is INVALID:
            continue
        keys = []
        for child, key in entries:
            if key is INVALID:
                continue
            if key not in known[scheme].keys:
                expected = ", ".join(known[scheme].keys)
                walk.problem(
                    child,
                    f"{path}.{scheme}",
                    f'unknown tag "{key}" in {known[scheme].title} ({scheme} '
                    f"{known[scheme].version}); expected one of: {expected}",
                )
                continue
            keys.append(key)
        result.append((scheme, tuple(keys)))
    return tuple(result)


def relation(walk: _Walk, node: Node, path: str) -> Any:
    value = text(20)(walk, node, path)
    if value is not INVALID and value not in RELATIONS:
        return walk.problem(
            node, path, f'unknown relation "{value}"; expected one of: {", ".join(RELATIONS)}'
        )
    return value


SCALE_OPTION = {
    "key": Field(slug),
    "label": Field(text(80)),
    "points": Field(whole_number),
    "description": Field(text(400), required=False),
}
STAGE = {
    "key": Field(slug),
    "label": Field(text(80)),
    "description": Field(text(400), required=False),
}
ORIGIN = {"key": Field(slug), "relation": Field(relation)}
STATEMENT = {
    "key": Field(slug),
    "text": Field(text(600)),
    "stage": Field(slug, required=False),
    "guidance": Field(text(3000)),
    "evidence": Field(list_of(text(400), noun="example")),
    "tags": Field(tags, required=False),
    "from": Field(list_of(record(ORIGIN)), required=False),
    "started": Field(text(3000), required=False),
    "may-not-apply": Field(yes_or_no, required=False),
}
REMOVAL = {"key": Field(slug), "reason": Field(text(600))}
SECTION = {
    "key": Field(slug),
    "title": Field(text(200)),
    "summary": Field(text(1000), required=False),
    "statements": Field(list_of(record(STATEMENT), noun="statement")),
}
BASED_ON = {
    "key": Field(slug),
    "version": Field(version),
    "title": Field(text(200)),
    "publisher": Field(text(200)),
    "licence": Field(text(100)),
}
TOP = {
    "format": Field(format_check),
    "key": Field(slug),
    "title": Field(text(200)),
    "summary": Field(text(1000)),
    "version": Field(version),
    "published": Field(date),
    "publisher": Field(text(200)),
    "licence": Field(text(100)),
    "language": Field(language, required=False),
    "scale": Field(list_of(record(SCALE_OPTION), at_least=2, noun="option")),
    "stages": Field(list_of(record(STAGE), noun="stage"), required=False),
    "sections": Field(list_of(record(SECTION), noun="section")),
    "removed": Field(list_of(record(REMOVAL), noun="removed statement"), required=False),
    "based-on": Field(record(BASED_ON), required=False),
}


# --- rules across the document ------------------------------------------------------------


def _entries(values: dict, name: str) -> list[tuple[Node, dict]]:
    """The valid mappings of a list field, with their nodes."""
    entries = values.get(name)
    if not isinstance(entries, list):
        return []
    return [(node, value) for node, value in entries if isinstance(value, dict)]


def _unique(walk: _Walk, items: Iterable[tuple[Node, dict, str]], noun: str) -> None:
    first: dict[str, int] = {}
    for node, value, path in items:
        key = value.get("key")
        if not isinstance(key, str):
            continue
        if key in first:
            walk.problem(
                _key_node(node, "key"),
                f"{path}.key",
                f'duplicate {noun} key "{key}" (first used on line {first[key]})',
            )
        else:
            first[key] = _line(_key_node(node, "key"))


def _key_node(node: Node, name: str) -> Node:
    """The value node of a field in a mapping node, for precise line numbers."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == name:
                return value_node
    return node


def _cross_checks(walk: _Walk, values: dict) -> None:
    scale = _entries(values, "scale")
    _unique(walk, ((n, v, f"scale[{i}]") for i, (n, v) in enumerate(scale)), "scale")
    previous = None
    for i, (node, option) in enumerate(scale):
        points = option.get("points")
        if not isinstance(points, int) or points is INVALID:
            continue
        if previous is not None and points <= previous:
            walk.problem(
                _key_node(node, "points"),
                f"scale[{i}].points",
                "scale must be ordered lowest first: points must increase",
            )
        previous = points

    based_on = values.get("based-on")
    if isinstance(based_on, dict) and based_on.get("key") == values.get("key"):
        walk.problems.append(
            Problem(
                walk.filename,
                walk.lines.get("based-on.key", 1),
                "based-on.key",
                "a local variant is published under a key of its own, not the key of the "
                "edition it adapts",
            )
        )

    stages = _entries(values, "stages")
    _unique(walk, ((n, v, f"stages[{i}]") for i, (n, v) in enumerate(stages)), "stage")
    stage_keys = [v["key"] for _, v in stages if isinstance(v.get("key"), str)]
    has_stages = "stages" in values

    sections = _entries(values, "sections")
    _unique(walk, ((n, v, f"sections[{i}]") for i, (n, v) in enumerate(sections)), "section")
    statements = [
        (node, value, f"sections[{i}].statements[{j}]")
        for i, (_, section) in enumerate(sections)
        for j, (node, value) in enumerate(_entries(section, "statements"))
    ]
    _unique(walk, statements, "statement")
    current = {v.get("key") for _, v, _ in statements}
    removed = _entries(values, "removed")
    _unique(walk, ((n, v, f"removed[{i}]") for i, (n, v) in enumerate(removed)), "removed")
    for i, (node, entry) in enumerate(removed):
        if entry.get("key") in current:
            walk.problem(
                _key_node(node, "key"),
                f"removed[{i}].key",
                f'"{entry["key"]}" is a statement of this version, so it cannot be removed',
            )
    for node, statement, path in statements:
        stage = statement.get("stage")
        if has_stages and "stage" not in statement:
            walk.problem(
                node,
                f"{path}.stage",
                "required field is missing (this checklist has "
                "stages, so every statement needs one)",
            )
        elif not has_stages and "stage" in statement:
            walk.problem(
                _key_node(node, "stage"),
                f"{path}.stage",
                "this checklist has no stages, so statements must not name one",
            )
        elif isinstance(stage, str) and stage_keys and stage not in stage_keys:
            walk.problem(
                _key_node(node, "stage"),
                f"{path}.stage",
                f'unknown stage "{stage}"; expected one of: {", ".join(stage_keys)}',
            )


# --- building the result ------------------------------------------------------------------


def _build(values: dict, lines: dict[str, int]) -> ChecklistDef:
    def plain(entries: list) -> list[dict]:
        return [value for _, value in entries]

    sections = tuple(
        SectionDef(
            key=s["key"],
            title=s["title"],
            summary=s.get("summary"),
            statements=tuple(
                StatementDef(
                    key=st["key"],
                    text=st["text"],
                    stage=st.get("stage"),
                    guidance=st["guidance"],
                    evidence=tuple(e for _, e in st["evidence"]),
                    tag_pairs=st.get("tags", ()),
                    origins=tuple(
                        Origin(o["key"], o["relation"]) for o in plain(st.get("from", []))
                    ),
                    started=st.get("started"),
                    may_not_apply=st.get("may-not-apply", False),
                )
                for st in plain(s["statements"])
            ),
        )
        for s in plain(values["sections"])
    )
    definition = ChecklistDef(
        key=values["key"],
        title=values["title"],
        summary=values["summary"],
        version=values["version"],
        published=values["published"],
        publisher=values["publisher"],
        licence=values["licence"],
        language=values.get("language", "en-GB"),
        scale=tuple(
            ScaleOption(o["key"], o["label"], o["points"], o.get("description"))
            for o in plain(values["scale"])
        ),
        stages=tuple(
            Stage(s["key"], s["label"], s.get("description"))
            for s in plain(values.get("stages", []))
        ),
        sections=sections,
        removed=tuple(Removal(r["key"], r["reason"]) for r in plain(values.get("removed", []))),
        based_on=BasedOn(**values["based-on"]) if "based-on" in values else None,
    )
    return replace(definition, content_hash=content_hash(definition), lines=lines)


# --- entry points -------------------------------------------------------------------------


def parse_checklist(text: str | bytes, filename: str) -> ChecklistDef:
    """Parse and validate one checklist file; raise ChecklistInvalid with every problem."""
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise ChecklistInvalid(
            [
                Problem(
                    filename,
                    1,
                    "file",
                    f"the file is {size:,} bytes; "
                    f"checklist files may be at most {MAX_FILE_BYTES:,}",
                )
            ]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ChecklistInvalid(
                [Problem(filename, 1, "file", "the file is not UTF-8 text")]
            ) from error
    try:
        root = _compose(text)
    except _Unusable as error:
        raise ChecklistInvalid(
            [Problem(filename, error.line, error.field, error.message)]
        ) from error
    walk = _Walk(filename)
    values = walk.mapping(root, "", TOP)
    if isinstance(values, dict):
        _cross_checks(walk, values)
    if walk.problems:
        raise ChecklistInvalid(sorted(walk.problems, key=lambda p: (p.line, p.field)))
    assert isinstance(values, dict)  # noqa: S101 - no problems means the walk produced values
    return _build(values, walk.lines)


def discover(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def validate_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem of the files given (or found in the folders given), including the rules
    across versions: each version is compared with the previous version of its edition, looked
    for among the files given and, for a file given by name, the files beside it."""
    problems: list[Problem] = []
    checked: dict[Path, ChecklistDef] = {}
    broken: set[Path] = set()
    neighbours: set[Path] = set()
    for given in paths:
        path = Path(given)
        files = discover(path) if path.is_dir() else [path]
        if not path.is_dir():
            neighbours.update(p for p in path.parent.glob("*.y*ml") if p != path)
        for file in files:
            try:
                data = file.read_bytes()
            except OSError as error:
                problems.append(Problem(str(file), 1, "file", f"cannot be read: {error.strerror}"))
                broken.add(file.parent)
                continue
            try:
                checked[file] = parse_checklist(data, str(file))
            except ChecklistInvalid as error:
                problems.extend(error.problems)
                broken.add(file.parent)
    beside: dict[Path, ChecklistDef] = {}
    for file in sorted(neighbours - set(checked)):
        try:
            beside[file] = parse_checklist(file.read_bytes(), str(file))
        except (OSError, ChecklistInvalid):
            broken.add(file.parent)  # a neighbour's own problems are not this run's to report
    # A folder with a broken file is not compared across versions: the broken file may be the
    # very version the others should be compared with.
    usable = {f: d for f, d in {**beside, **checked}.items() if f.parent not in broken}
    problems.extend(
        problem
        for problem in check_editions((str(f), d) for f, d in usable.items())
        if Path(problem.file) in checked
    )
    return problems
