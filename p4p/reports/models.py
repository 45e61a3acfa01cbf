"""Render jobs: a PDF asked for and not yet in the cache, shared by every process through the
database (web workers record them, the render worker claims and runs them)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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
    """One document to make for the organisation that asked, named by its fingerprint: two
    requests of an organisation for the same document find the same row (organisation and
    fingerprint are unique together), so they share one render. The database also keeps each
    organisation to one running render: a unique index on the organisation of the running
    rows, so a second claim for the same organisation fails whatever the processes do.

    Its subject is an assessment (its report and action plan), or a checklist version (the
    blank checklist; an association's benchmark briefing, with the breakdown in `params`)."""

    __tablename__ = "render_jobs"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "fingerprint", name="uq_render_jobs_organisation_id_fingerprint"
        ),
        Index(
            "ix_render_jobs_one_running_per_organisation",
            "organisation_id",
            unique=True,
            sqlite_where=RUNNING_ONLY,
            postgresql_where=RUNNING_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True
    )
    # What else names the subject, as JSON text (the benchmark briefing's breakdown); "" if none.
    params: Mapped[str] = mapped_column(String(200), default="", server_default="")
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
