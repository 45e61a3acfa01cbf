"""The checklist file format: parsing, validation and content hashes (no database here)."""

from p4p.catalogue.schema import (
    FORMAT,
    MAX_FILE_BYTES,
    RELATIONS,
    TAG_SCHEMES,
    ChecklistDef,
    ChecklistInvalid,
    Origin,
    Problem,
    ScaleOption,
    SectionDef,
    Stage,
    StatementDef,
    discover,
    parse_checklist,
    parse_version,
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
