"""Associations publishing their own checklist editions from uploaded files.

Everything is checked before anything is saved: the file (size, encoding, YAML, every field,
with line numbers), the key (an association publishes only editions it owns), the publisher
named in the file, the version (never one already published) and the summary of changes
members will read. A published version never changes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from p4p.auth.models import Organisation
from p4p.catalogue import (
    ChecklistDef,
    ChecklistInvalid,
    Problem,
    licences,
    parse_checklist,
    queries,
)
from p4p.catalogue.content import version_sort_key
from p4p.catalogue.loading import load_version
from p4p.catalogue.models import (
    AUDIENCE_EVERYONE,
    AUDIENCE_MEMBERS,
    Checklist,
    ChecklistVersion,
)
from p4p.catalogue.versions import compare_versions
from p4p.extensions import db

AUDIENCES = (AUDIENCE_MEMBERS, AUDIENCE_EVERYONE)
SUMMARY_MAX = 2000


def _owner_name(checklist: Checklist) -> str:
    if checklist.owner_organisation_id is None:
        return "p4p"
    owner = db.session.get(Organisation, checklist.owner_organisation_id)
    return owner.name if owner else "another publisher"


def check_upload(association: Organisation, data: bytes, filename: str) -> ChecklistDef:
    """The file as a checklist this association may publish; ChecklistInvalid with every
    problem otherwise."""
    definition = parse_checklist(data, filename)
    problems = check_definition(association, definition, filename)
    if problems:
        raise ChecklistInvalid(problems)
    return definition


def check_definition(
    association: Organisation, definition: ChecklistDef, filename: str
) -> list[Problem]:
    """Every reason this association may not publish `definition`, whichever way it was
    written (an uploaded file, a draft written in the browser)."""
    problems: list[Problem] = []
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == definition.key))
    if checklist is not None and checklist.owner_organisation_id != association.id:
        problems.append(
            Problem(
                filename,
                1,
                "key",
                f"“{definition.key}” is an edition published by {_owner_name(checklist)}. "
                "Publish yours under a key of your own (for a local variant of another "
                f"edition, for example “{definition.key}-local”).",
            )
        )
    if definition.publisher != association.name:
        problems.append(
            Problem(
                filename,
                1,
                "publisher",
                f"must be “{association.name}”, the association publishing it "
                f"(the file says “{definition.publisher}”)",
            )
        )
    problems.extend(variant_problems(association, definition, filename))
    if checklist is not None and not problems:
        existing = db.session.scalar(
            select(ChecklistVersion).where(
                ChecklistVersion.checklist_id == checklist.id,
                ChecklistVersion.version == definition.version,
            )
        )
        if existing is not None:
            problems.append(
                Problem(
                    filename,
                    1,
                    "version",
                    f"version {definition.version} of “{definition.key}” is already published, "
                    "and a published version never changes: give this one a new number",
                )
            )
    if checklist is not None and not problems and checklist.versions:
        latest = checklist.versions[-1]
        if latest.sort_key >= version_sort_key(definition.version):
            problems.append(
                Problem(
                    filename,
                    definition.line_of("version"),
                    "version",
                    f"must come after {latest.version}, the latest published version",
                )
            )
        else:
            # The next version must account for every statement of the last, and its number
            # must say how much changed.
            problems.extend(compare_versions(latest.content, definition, filename))
    return problems


def variant_problems(
    association: Organisation, definition: ChecklistDef, filename: str
) -> list[Problem]:
    """For a local variant (`based-on`): the version it adapts is published and visible to the
    association, the attribution matches it word for word, and its licence allows the variant."""
    based_on = definition.based_on
    if based_on is None:
        return []
    line = definition.line_of("based-on")
    original = queries.find_version(based_on.key, based_on.version, association.id)
    if original is None:
        return [
            Problem(
                filename,
                line,
                "based-on",
                f"there is no published version {based_on.version} of “{based_on.key}” that "
                "you can see, so this file cannot be a variant of it",
            )
        ]
    problems = [
        Problem(
            filename,
            definition.line_of(f"based-on.{name}"),
            f"based-on.{name}",
            f"must be “{stored}”, as version {original.version} of “{original.checklist.key}” "
            f"says (the file says “{given}”)",
        )
        for name, stored, given in (
            ("title", original.title, based_on.title),
            ("publisher", original.publisher, based_on.publisher),
            ("licence", original.licence, based_on.licence),
        )
        if stored != given
    ]
    licence_problem = licences.variant_licence_problem(original.licence, definition.licence)
    if licence_problem:
        field = "licence" if licences.variant_rule(original.licence).allowed else "based-on"
        problems.append(Problem(filename, definition.line_of(field), field, licence_problem))
    return problems


def publish_definition(
    association: Organisation,
    definition: ChecklistDef,
    source: str,
    summary: str,
    audience: str,
    filename: str | None = None,
) -> ChecklistVersion:
    """Check and publish a checklist as a new version of the association's edition: the one
    path of uploads and drafts. `source` is recorded with the version; problems name
    `filename` (by default the source)."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    problems = check_definition(association, definition, filename or source)
    if problems:
        raise ChecklistInvalid(problems)
    load_version(definition, source)
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == definition.key))
    checklist.owner_organisation_id = association.id
    checklist.audience = audience
    version = db.session.scalar(
        select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist.id,
            ChecklistVersion.version == definition.version,
        )
    )
    version.changes_summary = summary.strip()
    db.session.flush()
    return version


def publish_upload(
    association: Organisation, data: bytes, filename: str, summary: str, audience: str
) -> ChecklistVersion:
    """Check and publish an uploaded file as a new version of the association's edition."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    definition = parse_checklist(data, filename)
    source = f"upload by organisation {association.id}: {filename}"
    return publish_definition(association, definition, source, summary, audience, filename)


def editions_of(association_id: int) -> list[Checklist]:
    return list(
        db.session.scalars(
            select(Checklist)
            .where(Checklist.owner_organisation_id == association_id)
            .options(selectinload(Checklist.versions))
            .order_by(Checklist.title)
        )
    )
