"""Shares and the record of every look at shared data (the commissioner's sharing code is a
`p4p.codes.OrganisationCode`).

None of these is a tenant table: each joins two organisations (a provider and a commissioner),
so `p4p.sharing.service` filters them explicitly by the viewer's organisation, and
`p4p.tenancy` reads the active shares to decide what a commissioner reaches.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import Organisation, User
from p4p.extensions import db
from p4p.timeutil import UTCDateTime, utcnow


class Scope(enum.StrEnum):
    """How much of its results a provider shares."""

    SUMMARY = "summary"
    FULL = "full"

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self][0]

    @property
    def description(self) -> str:
        return SCOPE_LABELS[self][1]


SCOPE_LABELS = {
    Scope.SUMMARY: (
        "Summary",
        "Completed assessments' section scores, stage and progress over time, and each "
        "improvement action's what, status, due date and section. No evidence notes and no "
        "names.",
    ),
    Scope.FULL: (
        "Full",
        "Everything in the summary, and also evidence notes and the names of action leads, "
        "which may hold personal information about people you support or your staff.",
    ),
}

ACTIVE_ONLY = text("revoked_dt IS NULL")


class Share(db.Model):
    """A provider's consent for one commissioner to read its completed results, within a
    scope. At most one active share per pair (a partial unique index); revoking keeps the row,
    so the provider's record of who looked still names the share."""

    __tablename__ = "shares"
    __table_args__ = (
        Index(
            "ix_shares_one_active_per_pair",
            "provider_id",
            "commissioner_id",
            unique=True,
            sqlite_where=ACTIVE_ONLY,
            postgresql_where=ACTIVE_ONLY,
        ),
        Index("ix_shares_commissioner_active", "commissioner_id", "revoked_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(20), default=Scope.SUMMARY.value)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scope_changed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    commissioner: Mapped[Organisation] = relationship(foreign_keys=[commissioner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_enum(self) -> Scope:
        return Scope(self.scope)

    @property
    def is_active(self) -> bool:
        return self.revoked_dt is None


class ShareView(db.Model):
    """One look by someone at a commissioner at a provider's shared data: what, when, who.
    The provider reads these on its sharing page."""

    __tablename__ = "share_views"
    __table_args__ = (Index("ix_share_views_provider_dt", "provider_id", "viewed_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as written at the time, so the record survives the person leaving.
    viewer_name: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(200))
    viewed_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    commissioner: Mapped[Organisation] = relationship(foreign_keys=[commissioner_id])
