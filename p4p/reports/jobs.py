"""The render queue: web requests record which documents are wanted; a render worker makes
them, one at a time per organisation, outside the request workers.

- `queue` (a web request, flush only): the job for this document (a `Subject`: an assessment's,
  or a checklist version's) and fingerprint, made if new; `request_render` for an assessment's.
  Two requests of an organisation for the same document find the same row (organisation and
  fingerprint are unique together, inserted with ON CONFLICT DO NOTHING), so they share one
  render.
- `run_pending_jobs` (the render worker, which commits once per job): claims queued jobs with
  a conditional UPDATE, each organisation's in turn, renders them in a child process with a
  time limit, stores the PDF in the cache and marks the job done or failed.
- `InternalWorker`: with P4P_RENDER_WORKER=internal (the default: `make run`, a single-process
  deployment), one daemon thread per web process runs `run_pending_jobs` when woken by a new
  job or every few seconds. With `external`, `flask render-worker` runs it instead.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from p4p import tenancy
from p4p.assessments.models import Assessment
from p4p.extensions import db
from p4p.reports import documents, pdf
from p4p.reports.models import JobStatus, RenderJob
from p4p.reports.renderer import RenderFailed, shared
from p4p.reports.subjects import Subject
from p4p.timeutil import utcnow

log = logging.getLogger(__name__)

# A job still "running" this long after its time limit lost its worker (the process was
# stopped mid-render): it is queued again, up to MAX_ATTEMPTS times in all.
STALE_GRACE_SECONDS = 60
MAX_ATTEMPTS = 3
KEEP_FINISHED_DAYS = 7
IDLE_POLL_SECONDS = 2.0
TIDY_EVERY_SECONDS = 60.0
_last_tidy: float | None = None


def time_limit() -> float:
    return float(current_app.config["PDF_RENDER_TIME_LIMIT"])


# --- the web side: asking for a document ---------------------------------------------------


def request_render(
    assessment: Assessment, kind: str, key: str, organisation_id: int | None = None
) -> RenderJob:
    """The render job for an assessment's document (fingerprint `key`), asked for by
    `organisation_id` (by default the assessment's own): see `queue`.

    A commissioner may read a sharing provider's assessment but never write the provider's
    rows, so its document is its own job, rendered with its own reach (the fingerprint names
    the viewer and scope, so each audience has its own job and file)."""
    subject = Subject(kind, organisation_id or assessment.organisation_id, assessment.id)
    return queue(subject, key, reads=assessment.organisation_id)


def queue(subject: Subject, key: str, reads: int | None = None) -> RenderJob:
    """The render job for this document (fingerprint `key`), recorded if new, queued again if
    its file has since been pruned or it failed long enough ago. Flushes, never commits.

    The job belongs to the organisation that asks (`subject.organisation_id`), which the
    current reach must write; `reads` is the organisation whose data the document shows, which
    it must read (None: a document of no one organisation's data, such as a blank checklist)."""
    reach = tenancy.current()
    if reach is None:
        raise tenancy.Unscoped("a render asked for with no reach set")
    organisation_id = subject.organisation_id
    if not reach.can_write(organisation_id) or (reads is not None and not reach.can_read(reads)):
        raise tenancy.OutOfReach()
    # A queued job for an earlier state of the same document would make a file nobody asks for.
    # An assessment's documents are one per assessment and kind whoever asks (each audience's
    # fingerprint differs anyway); a version's are the asking organisation's own.
    same = (
        (RenderJob.assessment_id == subject.assessment_id)
        if subject.assessment_id is not None
        else (
            (RenderJob.version_id == subject.version_id)
            & (RenderJob.params == subject.params)
            & (RenderJob.organisation_id == organisation_id)
        )
    )
    db.session.execute(
        delete(RenderJob).where(
            same,
            RenderJob.kind == subject.kind,
            RenderJob.status == JobStatus.QUEUED.value,
            RenderJob.fingerprint != key,
        ),
        execution_options={"synchronize_session": False},
    )
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(RenderJob)
        .values(
            fingerprint=key,
            organisation_id=organisation_id,
            assessment_id=subject.assessment_id,
            version_id=subject.version_id,
            params=subject.params,
            kind=subject.kind,
            status=JobStatus.QUEUED.value,
            attempts=0,
            created_dt=utcnow(),
            error="",
        )
        .on_conflict_do_nothing(index_elements=["organisation_id", "fingerprint"])
    )
    job = db.session.scalar(
        select(RenderJob).where(
            RenderJob.organisation_id == organisation_id, RenderJob.fingerprint == key
        )
    )
    if job is None:  # pragma: no cover - inserted above, or there already
        raise RuntimeError(f"render job {key} vanished")
    retry_before = utcnow() - timedelta(seconds=current_app.config["PDF_RENDER_RETRY_AFTER"])
    again = job.status == JobStatus.DONE.value or (
        job.status == JobStatus.FAILED.value
        and job.finished_dt is not None
        and job.finished_dt < retry_before
    )
    if again:
        db.session.execute(
            update(RenderJob)
            .where(RenderJob.id == job.id, RenderJob.status == job.status)
            .values(
                status=JobStatus.QUEUED.value,
                attempts=0,
                created_dt=utcnow(),
                started_dt=None,
                finished_dt=None,
                error="",
            ),
            execution_options={"synchronize_session": False},
        )
        db.session.refresh(job)
    return job


def retry_at(job: RenderJob) -> datetime | None:
    """When a failed document will be tried again."""
    if job.finished_dt is None:
        return None
    return job.finished_dt + timedelta(seconds=current_app.config["PDF_RENDER_RETRY_AFTER"])


# --- the worker side -----------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    organisation_id: int
    assessment_id: int | None
    kind: str
    version_id: int | None = None
    params: str = ""

    @property
    def subject(self) -> Subject:
        return Subject(
            self.kind, self.organisation_id, self.assessment_id, self.version_id, self.params
        )


def _tidy(now: datetime) -> None:
    """Requeue renders whose worker died, give up on those tried too often, forget old jobs."""
    stale = now - timedelta(seconds=time_limit() + STALE_GRACE_SECONDS)
    running_stale = (RenderJob.status == JobStatus.RUNNING.value) & (RenderJob.started_dt < stale)
    db.session.execute(
        update(RenderJob)
        .where(running_stale, RenderJob.attempts >= MAX_ATTEMPTS)
        .values(
            status=JobStatus.FAILED.value,
            finished_dt=now,
            error=f"The render stopped without finishing {MAX_ATTEMPTS} times.",
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(RenderJob)
        .where(running_stale)
        .values(status=JobStatus.QUEUED.value, started_dt=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        delete(RenderJob).where(
            RenderJob.status.in_((JobStatus.DONE.value, JobStatus.FAILED.value)),
            RenderJob.finished_dt < now - timedelta(days=KEEP_FINISHED_DAYS),
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def claim(tidy: bool | None = None) -> Claimed | None:
    """The next job, now marked running, or None. Organisations take turns: the queued job
    whose organisation started a render least recently goes first, and an organisation with a
    render running waits (the database's unique index on running jobs makes sure of it).
    Tidying (`_tidy`) writes, so it runs once a minute, not at every look at the queue."""
    global _last_tidy
    now = utcnow()
    with tenancy.within(tenancy.everything("the render worker choosing the next job")):
        if tidy is None:
            tidy = _last_tidy is None or time.monotonic() - _last_tidy > TIDY_EVERY_SECONDS
        if tidy:
            _tidy(now)
            _last_tidy = time.monotonic()
        running = aliased(RenderJob)
        earlier = aliased(RenderJob)
        last_started = (
            select(func.max(earlier.started_dt))
            .where(earlier.organisation_id == RenderJob.organisation_id)
            .scalar_subquery()
        )
        candidates = db.session.execute(
            select(
                RenderJob.id,
                RenderJob.organisation_id,
                RenderJob.assessment_id,
                RenderJob.kind,
                RenderJob.version_id,
                RenderJob.params,
            )
            .where(
                RenderJob.status == JobStatus.QUEUED.value,
                ~select(running.id)
                .where(
                    running.organisation_id == RenderJob.organisation_id,
                    running.status == JobStatus.RUNNING.value,
                )
                .exists(),
            )
            .order_by(last_started.asc().nulls_first(), RenderJob.id)
            .limit(5)
        ).all()
        db.session.commit()
        for row in candidates:
            try:
                result = db.session.execute(
                    update(RenderJob)
                    .where(RenderJob.id == row.id, RenderJob.status == JobStatus.QUEUED.value)
                    .values(
                        status=JobStatus.RUNNING.value,
                        started_dt=now,
                        attempts=RenderJob.attempts + 1,
                    ),
                    execution_options={"synchronize_session": False},
                )
                db.session.commit()
            except IntegrityError:  # another worker started one for this organisation
                db.session.rollback()
                continue
            if result.rowcount == 1:
                return Claimed(*row)
    return None


def _finish(job_id: int, status: JobStatus, error: str = "") -> None:
    db.session.execute(
        update(RenderJob)
        .where(RenderJob.id == job_id)
        .values(status=status.value, finished_dt=utcnow(), error=error),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def run(job: Claimed) -> JobStatus:
    """Make one claimed job's document with the reach of the organisation that asked for it:
    its own data, and for a commissioner the providers sharing with it now, within scope."""
    subject = job.subject
    kind = documents.KINDS[subject.kind]
    with tenancy.within(tenancy.acting_for(job.organisation_id)):
        try:
            try:
                found = kind.load(subject)
            except LookupError:  # tenancy.OutOfReach included
                _finish(job.id, JobStatus.FAILED, kind.gone)
                return JobStatus.FAILED
            # The document as it is now: if it changed since it was asked for, the page that
            # waits for it asks again under the new fingerprint, and finds this file.
            key = kind.fingerprint(found, subject)
            if pdf.cached(key) is None:
                html = kind.html(found, subject)
                db.session.commit()  # no transaction stays open during the render
                content = shared().render(html, pdf.print_folder(), time_limit())
                pdf.store(key, content)
        except RenderFailed as error:
            db.session.rollback()
            log.warning("render job %s failed: %s", job.id, error)
            _finish(job.id, JobStatus.FAILED, str(error))
            return JobStatus.FAILED
        except Exception:
            db.session.rollback()
            log.exception("render job %s failed", job.id)
            _finish(job.id, JobStatus.FAILED, "The document could not be made (an error).")
            return JobStatus.FAILED
        _finish(job.id, JobStatus.DONE)
        return JobStatus.DONE


def run_pending_jobs(limit: int | None = None) -> int:
    """Run queued jobs until none is left (or `limit` are done); returns how many ran. The
    render worker's loop, and what tests call to make queued documents synchronously."""
    done = 0
    while limit is None or done < limit:
        job = claim()
        if job is None:
            break
        run(job)
        done += 1
    return done


class InternalWorker:
    """One daemon thread in this web process that runs the queue (P4P_RENDER_WORKER=internal),
    started when a request first queues a job. Renders still happen in the child process."""

    def __init__(self, app: Flask):
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopping = False

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._loop, name="p4p-render-worker", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        """Let the thread finish its current job and end (tests; a process exits without)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.wait(IDLE_POLL_SECONDS)
            self._wake.clear()
            if self._stopping:
                return
            with self.app.app_context():
                try:
                    run_pending_jobs()
                except Exception:
                    log.exception("the render worker's loop failed; it carries on")
                finally:
                    db.session.remove()


def worker_of(app: Flask) -> InternalWorker | None:
    if app.config["P4P_RENDER_WORKER"] != "internal":
        return None
    worker = app.extensions.get("p4p_render_worker")
    if worker is None:
        worker = app.extensions["p4p_render_worker"] = InternalWorker(app)
    return worker
