"""Reading the loaded catalogue."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from p4p.associations.models import AssociationMember
from p4p.catalogue.content import (
    BasedOn,
    ChecklistDef,
    Origin,
    Removal,
    ScaleOption,
    SectionDef,
    Stage,
    StatementDef,
    version_sort_key,
)
from p4p.catalogue.models import (
    AUDIENCE_EVERYONE,
    Checklist,
    ChecklistVersion,
    Section,
    Statement,
)
from p4p.extensions import db


def visible_to(organisation_id: int | None) -> ColumnElement[bool]:
    """Which editions an organisation may use: p4p's own (loaded from files), those published
    to everyone, its own, and those its associations publish to members."""
    memberships = select(AssociationMember.association_id).where(
        AssociationMember.provider_id == organisation_id, AssociationMember.ended_dt.is_(None)
    )
    return or_(
        Checklist.owner_organisation_id.is_(None),
        Checklist.audience == AUDIENCE_EVERYONE,
        Checklist.owner_organisation_id == organisation_id,
        Checklist.owner_organisation_id.in_(memberships),
    )


def latest_versions(organisation_id: int | None) -> list[ChecklistVersion]:
    """The newest version of every edition the organisation may use, in title order."""
    checklists = db.session.scalars(
        select(Checklist)
        .where(visible_to(organisation_id))
        .options(selectinload(Checklist.versions))
        .order_by(Checklist.title)
    ).all()
    return [c.versions[-1] for c in checklists if c.versions]


def find_version(key: str, version: str, organisation_id: int | None) -> ChecklistVersion | None:
    """A version of an edition the organisation may use."""
    return db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist)
        .where(
            Checklist.key == key,
            ChecklistVersion.version == version,
            visible_to(organisation_id),
        )
    )


def content(version: ChecklistVersion) -> ChecklistDef:
    """The version's content as the typed model. Published versions never change, so it is
    read from the database once per process; the key includes when the version was loaded, so a
    database emptied and loaded again (tests) never meets content of an earlier load."""
    return _content(version.id, version.content_hash, version.loaded_dt)


@functools.lru_cache(maxsize=64)
def _content(version_id: int, content_hash: str, loaded: datetime) -> ChecklistDef:
    version = db.session.scalar(
        select(ChecklistVersion)
        .where(ChecklistVersion.id == version_id)
        .options(selectinload(ChecklistVersion.checklist))
    )
    if version is None or version.content_hash != content_hash:
        raise LookupError(f"checklist version {version_id} is not loaded")
    sections = db.session.scalars(
        select(Section).where(Section.version_id == version_id).order_by(Section.position)
    ).all()
    statements: dict[int, list[StatementDef]] = {s.id: [] for s in sections}
    for row in db.session.scalars(
        select(Statement).where(Statement.version_id == version_id).order_by(Statement.position)
    ):
        statements[row.section_id].append(
            StatementDef(
                key=row.key,
                text=row.text,
                stage=row.stage_key,
                guidance=row.guidance,
                evidence=tuple(row.evidence),
                tag_pairs=tuple((scheme, tuple(keys)) for scheme, keys in row.tags.items()),
                origins=tuple(Origin(o["key"], o["relation"]) for o in row.origins),
                started=row.started,
                may_not_apply=row.may_not_apply,
                id=row.id,
            )
        )
    return ChecklistDef(
        key=version.checklist.key,
        title=version.title,
        summary=version.summary,
        version=version.version,
        published=version.published,
        publisher=version.publisher,
        licence=version.licence,
        language=version.language,
        scale=tuple(
            ScaleOption(o["key"], o["label"], o["points"], o.get("description"))
            for o in version.scale
        ),
        stages=tuple(Stage(s["key"], s["label"], s.get("description")) for s in version.stages),
        sections=tuple(
            SectionDef(s.key, s.title, s.summary, tuple(statements[s.id])) for s in sections
        ),
        removed=tuple(Removal(r["key"], r["reason"]) for r in version.removed or ()),
        based_on=BasedOn(**version.based_on) if version.based_on else None,
        content_hash=version.content_hash,
    )


def chain(older: ChecklistVersion, newer: ChecklistVersion) -> list[ChecklistDef]:
    """The contents of `older`, every version of the edition between, and `newer`, in order (so
    that relations can be followed step by step); just `older`'s when they are the same."""
    if older.id == newer.id:
        return [older.content]
    if older.checklist_id != newer.checklist_id or older.sort_key > newer.sort_key:
        return [older.content, newer.content]
    versions = db.session.scalars(
        select(ChecklistVersion)
        .where(
            ChecklistVersion.checklist_id == newer.checklist_id,
            ChecklistVersion.sort_key >= older.sort_key,
            ChecklistVersion.sort_key <= newer.sort_key,
        )
        .order_by(ChecklistVersion.sort_key)
    )
    return [version.content for version in versions]


def chain_between(older: ChecklistDef, newer: ChecklistDef) -> list[ChecklistDef]:
    """`chain` for two contents of an edition (as snapshots hold them): `older`, the loaded
    versions between, and `newer`."""
    if older.version == newer.version:
        return [older]
    low, high = version_sort_key(older.version), version_sort_key(newer.version)
    if low > high:
        return [older, newer]
    versions = db.session.scalars(
        select(ChecklistVersion)
        .join(Checklist)
        .where(
            Checklist.key == newer.key,
            ChecklistVersion.sort_key > low,
            ChecklistVersion.sort_key < high,
        )
        .order_by(ChecklistVersion.sort_key)
    )
    return [older, *(v.content for v in versions), newer]
