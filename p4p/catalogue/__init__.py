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
    TAG_SCHEMES,
    ChecklistInvalid,
    Problem,
    discover,
    parse_checklist,
    validate_paths,
)

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "RELATIONS",
    "TAG_SCHEMES",
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
    "validate_paths",
]
