"""Checklists as loaded into the database. A published version never changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.catalogue.content import ChecklistDef
from p4p.extensions import db
from p4p.timeutil import UTCDateTime, utcnow

AUDIENCE_EVERYONE = "everyone"
AUDIENCE_MEMBERS = "members"


class Checklist(db.Model):
    """An edition, such as the homecare edition; its versions carry the content."""

    __tablename__ = "checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # The association that publishes it (None: loaded from files by operators, open to all),
    # and who may use it: "everyone", or "members" of that association only.
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    audience: Mapped[str] = mapped_column(
        String(20), default=AUDIENCE_EVERYONE, server_default=AUDIENCE_EVERYONE
    )

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.sort_key"
    )


class ChecklistVersion(db.Model):
    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    # Zero-padded MAJOR.MINOR.PATCH so that versions sort correctly as text.
    sort_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(200))
    licence: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(20))
    published: Mapped[date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    scale: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Statements of the previous version this one no longer has: [{key, reason}].
    removed: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # For a local variant of another publisher's edition: the version it adapts
    # ({key, version, title, publisher, licence}), shown as its attribution.
    based_on: Mapped[dict[str, str] | None] = mapped_column(JSON)
    source_path: Mapped[str] = mapped_column(String(500))
    # For an association's upload: what changed, in plain words, shown to members.
    changes_summary: Mapped[str | None] = mapped_column(Text)
    loaded_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checklist: Mapped[Checklist] = relationship(back_populates="versions")
    sections: Mapped[list[Section]] = relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def content(self) -> ChecklistDef:
        """What this version says, as the one typed model (read once per process: a
        published version never changes)."""
        from p4p.catalogue.queries import content

        return content(self)

    @property
    def label(self) -> str:
        return f"{self.title}, version {self.version}"


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[ChecklistVersion] = relationship(back_populates="sections")
    statements: Mapped[list[Statement]] = relationship(
        back_populates="section", order_by="Statement.position", cascade="all, delete-orphan"
    )


class Statement(db.Model):
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    stage_key: Mapped[str | None] = mapped_column(String(40))
    guidance: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    origins: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    started: Mapped[str | None] = mapped_column(Text)
    may_not_apply: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer)

    section: Mapped[Section] = relationship(back_populates="statements")
