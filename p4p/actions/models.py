"""Improvement actions: what a provider will do about a gap, and the record of what happened."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import Organisation, User
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            "planned": "Planned",
            "in-progress": "In progress",
            "done": "Done",
            "dropped": "Dropped",
        }[self.value]

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


OPEN_STATUSES = (ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value)


class Action(TenantOwned, db.Model):
    """An improvement action belongs to a statement of an edition (by its stable key), so it
    outlives the assessment it came from and meets the same statement in the next one."""

    __tablename__ = "actions"

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool]:
        """Every action of a sharing provider (what, status, due date and section; the lead's
        name only in the full scope, see p4p.tenancy.shows_personal)."""
        return true()

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    statement_key: Mapped[str] = mapped_column(String(40))
    # The statement and section as worded when the action was made, for lists and filters.
    statement_text: Mapped[str] = mapped_column(Text)
    section_key: Mapped[str] = mapped_column(String(40))
    section_title: Mapped[str] = mapped_column(String(200))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    what: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    involvement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    checklist: Mapped[Checklist] = relationship()
    created_by: Mapped[User | None] = relationship()
    events: Mapped[list[ActionEvent]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionEvent.id"
    )

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class ActionEvent(TenantOwned, db.Model):
    """One line of an action's history: who changed what, and when."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
