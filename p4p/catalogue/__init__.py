"""Checklists: the one content model, the file format (parsing, validation, content hashes),
loading into the database and reading back."""

from p4p.catalogue.content import (
    FORMAT,
    ChecklistDef,
    Origin,
    ScaleOption,
    SectionDef,
    Stage,
    StatementDef,
    parse_version,
)
from p4p.catalogue.schema import (
    MAX_FILE_BYTES,
    RELATIONS,
    ChecklistInvalid,
    Problem,
    discover,
    parse_checklist,
    validate_paths,
)
from p4p.catalogue.tags import scheme_title, tag_label, vocabularies

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "RELATIONS",
    "ChecklistDef",
    "ChecklistInvalid",
    "Origin",
    "Problem",
    "ScaleOption",
    "SectionDef",
    "Stage",
    "StatementDef",
    "discover",
    "parse_checklist",
    "parse_version",
    "scheme_title",
    "tag_label",
    "validate_paths",
    "vocabularies",
]
