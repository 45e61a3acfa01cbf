"""A provider's self-assessment against one checklist version, and its ratings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import Organisation, User
from p4p.catalogue.models import ChecklistVersion, Statement
from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class Assessment(TenantOwned, db.Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_version_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_versions.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The completed assessment whose ratings this one started from, if any.
    started_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )
    # Stored at completion, since a completed assessment never changes: the stage reached
    # (None: none yet) and the overall points; each section's are in section_results.
    stage_key: Mapped[str | None] = mapped_column(String(40))
    points: Mapped[int | None] = mapped_column(Integer)
    possible: Mapped[int | None] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship()
    version: Mapped[ChecklistVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    started_from: Mapped[Assessment | None] = relationship(
        remote_side=[id], foreign_keys=[started_from_id]
    )
    section_results: Mapped[list[SectionResult]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="SectionResult.position",
    )

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool]:
        """A commissioner reads a sharing provider's completed assessments, never drafts."""
        return cls.status == AssessmentStatus.COMPLETED.value

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


class Rating(TenantOwned, db.Model):
    """Where one statement stands, with the evidence for it.

    `revision` counts saves; a save names the revision it started from, so that a later save
    cannot silently overwrite a colleague's earlier one.
    """

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    scale_key: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Copied from the previous assessment and not yet confirmed or changed by anyone.
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "Does not apply here", and why (only for statements that may not apply): the statement
    # then counts in neither the points possible nor a stage. None: it applies.
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    # Carried from a statement of an earlier version that is not equal to this one (narrower,
    # broader, related): the provider must confirm or change it before completing.
    review_from_key: Mapped[str | None] = mapped_column(String(40))
    review_relation: Mapped[str | None] = mapped_column(String(20))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="ratings")
    statement: Mapped[Statement] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool]:
        return _of_completed_assessment(cls.assessment_id)


class SectionResult(TenantOwned, db.Model):
    """A section's score in a completed assessment, stored when it was completed."""

    __tablename__ = "section_results"
    __table_args__ = (UniqueConstraint("assessment_id", "section_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    possible: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    # Statements answered "Does not apply here" (counted in neither `total` nor `possible`).
    not_applicable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    assessment: Mapped[Assessment] = relationship(back_populates="section_results")

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool]:
        return _of_completed_assessment(cls.assessment_id)


class LensResult(TenantOwned, db.Model):
    """The score of one tag of a scheme (a CQC key question, a Making it Real theme, a PAMMS
    domain...) in a completed assessment, stored when it was completed, so that the
    commissioner's lenses read a handful of rows instead of re-scoring every rating."""

    __tablename__ = "lens_results"
    __table_args__ = (UniqueConstraint("assessment_id", "scheme", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    scheme: Mapped[str] = mapped_column(String(40))
    tag: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    possible: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool]:
        return _of_completed_assessment(cls.assessment_id)


def _of_completed_assessment(assessment_id: Any) -> ColumnElement[bool]:
    """The row belongs to a completed assessment: a correlated EXISTS, which looks up one
    assessment by its key for each row considered, rather than listing every completed
    assessment of every sharing provider for each statement."""
    return (
        select(Assessment.id)
        .where(
            Assessment.id == assessment_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
        )
        .correlate_except(Assessment)  # its own lookup, even in a query that joins assessments
        .exists()
    )
