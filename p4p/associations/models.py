"""A provider's membership of a trade association or network; an association's drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import Organisation
from p4p.catalogue.content import BasedOn
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow

ACTIVE_ONLY = text("ended_dt IS NULL")


class AssociationMember(db.Model):
    """A provider in an association. Not a tenant table (it joins two organisations):
    `p4p.associations.service` filters it by the viewer's organisation. Ending a membership
    keeps the row, with how it ended. `benchmarks_allowed` is the member's own setting, off
    by default: only then may its completed assessments count in the association's anonymous
    benchmarks."""

    __tablename__ = "association_members"
    __table_args__ = (
        Index(
            "ix_association_members_one_active_per_pair",
            "association_id",
            "provider_id",
            unique=True,
            sqlite_where=ACTIVE_ONLY,
            postgresql_where=ACTIVE_ONLY,
        ),
        Index("ix_association_members_provider", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    joined_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    joined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_how: Mapped[str | None] = mapped_column(String(20))  # "left" or "removed"
    benchmarks_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    benchmarks_changed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    association: Mapped[Organisation] = relationship(foreign_keys=[association_id])
    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])

    @property
    def is_active(self) -> bool:
        return self.ended_dt is None


class ChecklistDraft(TenantOwned, db.Model):
    """The next version of an edition, being written in the browser by its association.

    `document` holds the draft in the shape of a checklist file (what `content_dict` gives),
    so that the one validator checks it; it may be invalid while it is being written, it just
    cannot be published. `revision` counts saves: a save names the revision it started from
    and is refused when someone saved since (a conditional UPDATE, as for ratings). Publishing
    loads the version through the same path as an upload and deletes the draft."""

    __tablename__ = "checklist_drafts"
    __table_args__ = (UniqueConstraint("organisation_id", "checklist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The edition it revises; None for a draft that will start an edition of its own.
    checklist_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklists.id", ondelete="CASCADE"), index=True
    )
    base_version_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checklist: Mapped[Checklist | None] = relationship()
    base_version: Mapped[ChecklistVersion] = relationship()

    @property
    def is_variant(self) -> bool:
        """A local variant: the first version of a new edition, adapting `base_version`."""
        return self.checklist_id is None

    @property
    def attribution(self) -> str | None:
        """What the draft says it adapts ("Adapted from ..."), as the published version will."""
        based_on = self.document.get("based-on")
        if not isinstance(based_on, dict):
            return None
        try:
            return BasedOn(**based_on).attribution
        except TypeError:  # pragma: no cover - a document written by start_variant has them all
            return None
