"""What a commissioner keeps of its own: the statements it pinned as columns of its table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow


class PinnedStatement(TenantOwned, db.Model):
    """A statement (of an edition, by its stable key, so it holds across versions) that a
    commissioner sees as a column of its providers table. Belongs to the commissioner:
    tenancy keeps it to that organisation (no provider reads it)."""

    __tablename__ = "pinned_statements"
    __table_args__ = (UniqueConstraint("organisation_id", "checklist_id", "statement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id", ondelete="CASCADE"))
    statement_key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checklist: Mapped[Checklist] = relationship()
