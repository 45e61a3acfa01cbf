"""A published version written back as a checklist file, in the format it was read from
(docs/checklist-format.md), so that it can be edited and published again as a new version."""

from __future__ import annotations

from typing import Any

import yaml

from p4p.catalogue.content import ChecklistDef, content_dict


def _clean(value: Any) -> Any:
    """Without empty optional fields (None, empty lists and mappings), which the format
    leaves out rather than writes empty."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_yaml(definition: ChecklistDef) -> str:
    header = (
        f"# {definition.title}, version {definition.version}\n"
        f"# Published by {definition.publisher} under {definition.licence}.\n"
    )
    if definition.based_on is not None:
        header += f"# {definition.based_on.attribution}\n"
    return header + dump(_clean(content_dict(definition)))


def dump(document: dict[str, Any]) -> str:
    """A checklist in its file's shape as YAML, fields in the order given."""
    return yaml.dump(
        document,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml's, where available
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
