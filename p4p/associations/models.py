"""A provider's membership of a trade association or network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import Organisation
from p4p.extensions import db
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
