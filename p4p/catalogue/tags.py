"""Tag vocabularies: the schemes a checklist statement may be tagged with (CQC key questions,
CQC quality statements, Making it Real, PAMMS), each a versioned data file in
``p4p/catalogue/vocabularies/<scheme>.yaml``.

They are data rather than code because the frameworks they name change (CQC is revising its
own): a revision is a new version of one file, reviewed like any other content. Files are read
with ``yaml.safe_load`` and checked once per process; a broken file stops the app from starting
with a message naming the file and the field, rather than letting a checklist be checked
against half a vocabulary.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from p4p.catalogue.content import SEMVER

VOCABULARIES_DIR = Path(__file__).parent / "vocabularies"
KEY = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


class VocabularyInvalid(Exception):
    """A vocabulary file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Tag:
    key: str
    label: str
    group: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    scheme: str
    title: str
    version: str
    tags: tuple[Tag, ...]
    groups: tuple[tuple[str, str], ...] = ()  # (key, label), in order

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(tag.key for tag in self.tags)

    def tag(self, key: str) -> Tag | None:
        return next((tag for tag in self.tags if tag.key == key), None)

    def group_label(self, key: str | None) -> str | None:
        return dict(self.groups).get(key) if key else None


def _text(data: dict, name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise VocabularyInvalid(f"{where}: {name} must be non-empty text")
    return value.strip()


def _key(data: dict, name: str, where: str) -> str:
    value = _text(data, name, where)
    if not KEY.match(value):
        raise VocabularyInvalid(
            f'{where}: {name} "{value}" is not a valid key: use 2 to 40 lower-case letters, '
            "digits and hyphens, starting with a letter"
        )
    return value


def parse_vocabulary(text: str, filename: str) -> Vocabulary:
    """Read and check one vocabulary file; raise VocabularyInvalid naming what is wrong."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise VocabularyInvalid(f"{filename}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise VocabularyInvalid(f"{filename}: must be a mapping of field: value")
    unknown = set(data) - {"scheme", "title", "version", "groups", "tags"}
    if unknown:
        raise VocabularyInvalid(f"{filename}: unknown field(s): {', '.join(sorted(unknown))}")
    scheme = _key(data, "scheme", filename)
    if Path(filename).stem != scheme:
        raise VocabularyInvalid(f'{filename}: scheme "{scheme}" belongs in {scheme}.yaml')
    title = _text(data, "title", filename)
    version = data.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        raise VocabularyInvalid(f"{filename}: version must be a semantic version such as 1.0.0")

    groups: list[tuple[str, str]] = []
    for i, entry in enumerate(data.get("groups") or []):
        where = f"{filename}: groups[{i}]"
        if not isinstance(entry, dict):
            raise VocabularyInvalid(f"{where}: must be a mapping with key and label")
        groups.append((_key(entry, "key", where), _text(entry, "label", where)))
    group_keys = [key for key, _ in groups]

    entries = data.get("tags")
    if not isinstance(entries, list) or not entries:
        raise VocabularyInvalid(f"{filename}: tags must be a list of at least one tag")
    tags: list[Tag] = []
    for i, entry in enumerate(entries):
        where = f"{filename}: tags[{i}]"
        if not isinstance(entry, dict):
            raise VocabularyInvalid(f"{where}: must be a mapping with key and label")
        extra = set(entry) - {"key", "label", "group"}
        if extra:
            raise VocabularyInvalid(f"{where}: unknown field(s): {', '.join(sorted(extra))}")
        key, label = _key(entry, "key", where), _text(entry, "label", where)
        if key in (tag.key for tag in tags):
            raise VocabularyInvalid(f'{where}: duplicate tag key "{key}"')
        group = entry.get("group")
        if group is not None and group not in group_keys:
            expected = ", ".join(group_keys) or "(this vocabulary has no groups)"
            message = f'unknown group "{group}"; expected one of: {expected}'
            raise VocabularyInvalid(f"{where}: {message}")
        tags.append(Tag(key, label, group))
    return Vocabulary(scheme, title, version, tuple(tags), tuple(groups))


@functools.cache
def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary shipped with p4p, by scheme, in the order of their scheme keys."""
    found = {}
    for path in sorted(VOCABULARIES_DIR.glob("*.yaml"), key=lambda p: p.stem):
        vocabulary = parse_vocabulary(path.read_text(encoding="utf-8"), path.name)
        found[vocabulary.scheme] = vocabulary
    if not found:
        raise VocabularyInvalid(f"no vocabularies found in {VOCABULARIES_DIR}")
    return found


def scheme_title(scheme: str) -> str:
    """The display title of a scheme ("Making it Real"); the key itself if it is unknown."""
    vocabulary = vocabularies().get(scheme)
    return vocabulary.title if vocabulary else scheme


def tag_label(scheme: str, key: str) -> str:
    """The display label of a tag ("Flexible and integrated care and support"); the key itself
    if unknown, so that a page never fails over a tag stored under an older vocabulary."""
    vocabulary = vocabularies().get(scheme)
    tag = vocabulary.tag(key) if vocabulary else None
    return tag.label if tag else key
