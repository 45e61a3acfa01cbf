"""Reading the loaded catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from p4p.catalogue.models import Checklist, ChecklistVersion, Section
from p4p.extensions import db


def latest_versions() -> list[ChecklistVersion]:
    """The newest version of every edition, editions in title order."""
    checklists = db.session.scalars(
        select(Checklist).options(selectinload(Checklist.versions)).order_by(Checklist.title)
    ).all()
    return [c.versions[-1] for c in checklists if c.versions]


def find_version(key: str, version: str) -> ChecklistVersion | None:
    return db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist)
        .where(Checklist.key == key, ChecklistVersion.version == version)
    )


def with_content(version_id: int) -> ChecklistVersion | None:
    """A version with its sections and statements loaded in three queries."""
    return db.session.scalar(
        select(ChecklistVersion)
        .where(ChecklistVersion.id == version_id)
        .options(
            selectinload(ChecklistVersion.checklist),
            selectinload(ChecklistVersion.sections).selectinload(Section.statements),
        )
    )
