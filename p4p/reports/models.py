"""Render jobs: a PDF asked for and not yet in the cache, shared by every process through the
database (web workers record them, the render worker claims and runs them)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


RUNNING_ONLY = text("status = 'running'")


class RenderJob(TenantOwned, db.Model):
    """One document to make, named by its fingerprint: two requests for the same document
    find the same row (the fingerprint is unique), so they share one render. The database also
    keeps each organisation to one running render: a unique index on the organisation of the
    running rows, so a second claim for the same organisation fails whatever the processes do."""

    __tablename__ = "render_jobs"
    __table_args__ = (
        Index(
            "ix_render_jobs_one_running_per_organisation",
            "organisation_id",
            unique=True,
            sqlite_where=RUNNING_ONLY,
            postgresql_where=RUNNING_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text, default="")

    @property
    def status_enum(self) -> JobStatus:
        return JobStatus(self.status)
