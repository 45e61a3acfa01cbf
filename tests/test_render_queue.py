"""PDFs are made off the request: a miss queues a render job and answers 202 with a page that
refreshes; the render worker (run here synchronously with run_pending_jobs) makes the file; the
same address then sends it. Jobs are shared, time-limited, one per organisation at a time, and
read only their own organisation's data."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from p4p import tenancy
from p4p.actions import service as actions
from p4p.extensions import db
from p4p.reports import jobs
from p4p.reports.models import JobStatus, RenderJob
from p4p.timeutil import utcnow
from tests.helpers import completed_assessment, sign_in


@pytest.fixture
def owner(world, homecare):
    return world.provider("Queued Homecare")


def rated(index, _):
    return ("doing" if index % 3 else "started", "")


@pytest.fixture
def assessment(owner, homecare):
    return completed_assessment(owner, homecare, "Spring 2027", rated)


def job_rows() -> list[RenderJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(RenderJob).order_by(RenderJob.id)))


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_missing_pdf_is_queued_with_a_page_that_refreshes_then_the_same_address_sends_it(
    client, owner, assessment
):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/action-plan.pdf"
    waiting = client.get(url)
    assert waiting.status_code == 202 and waiting.mimetype == "text/html"
    assert waiting.headers["Retry-After"] == "3"
    page = waiting.get_data(as_text=True)
    refresh = f'<noscript><meta http-equiv="refresh" content="3; url={url}?waiting=1"></noscript>'
    assert refresh in page  # p4p.js asks without reloading the page
    assert 'role="status"' in page and "is being prepared" in page
    assert f'href="{url}?waiting=1">Check again now</a>' in page
    assert f"/assessments/{assessment.id}/actions.csv" in page
    (job,) = job_rows()
    assert (job.status, job.kind, job.organisation_id) == (
        "queued",
        "action-plan",
        owner.organisation.id,
    )

    # Refreshing before the render: still being prepared.
    assert client.get(f"{url}?waiting=1").status_code == 202
    assert jobs.run_pending_jobs() == 1
    assert job_rows()[0].status == "done"

    # The refreshed page sends the browser on to the file, once (no refresh loop).
    ready = client.get(f"{url}?waiting=1")
    assert ready.status_code == 200 and ready.mimetype == "text/html"
    body = ready.get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in body
    assert f'<a href="{url}">Download the improvement action plan (PDF,' in body

    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["ETag"] and pdf.headers["X-P4P-Cache"] == "hit"
    assert pdf.data.startswith(b"%PDF")


def test_two_requests_for_the_same_document_share_one_render(client, world, owner, assessment):
    from p4p.auth.models import Role

    colleague = world.member(owner.organisation, Role.VIEWER)
    other_client = client.application.test_client()
    sign_in(client, owner)
    sign_in(other_client, colleague)
    url = f"/assessments/{assessment.id}/report.pdf"
    assert client.get(url).status_code == 202
    assert other_client.get(url).status_code == 202
    assert client.get(url).status_code == 202
    assert len(job_rows()) == 1
    assert jobs.run_pending_jobs() == 1
    first, second = client.get(url), other_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] == second.headers["ETag"]


def _queue(assessment, kind: str, key: str) -> RenderJob:
    with tenancy.within(tenancy.organisation(assessment.organisation_id)):
        job = jobs.request_render(assessment, kind, key)
    db.session.commit()
    return job


def test_an_organisation_has_one_render_at_a_time_and_organisations_take_turns(
    world, owner, assessment, homecare
):
    second = completed_assessment(owner, homecare, "Autumn 2027", rated)
    other = world.provider("Other Homecare")
    theirs = completed_assessment(other, homecare, "Their 2027", rated)
    _queue(assessment, "action-plan", "a" * 64)
    _queue(second, "action-plan", "b" * 64)
    _queue(assessment, "assessment-report", "c" * 64)
    _queue(theirs, "action-plan", "d" * 64)  # asked for last

    first = jobs.claim()
    assert first.organisation_id == owner.organisation.id
    # Ours is running, so the other organisation's goes next, though it was asked for last.
    then = jobs.claim()
    assert then.organisation_id == other.organisation.id
    assert jobs.claim() is None  # both organisations have one running
    running = [j for j in job_rows() if j.status == "running"]
    assert sorted(j.organisation_id for j in running) == sorted(
        [owner.organisation.id, other.organisation.id]
    )

    # The database itself refuses a second running render for one organisation.
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(RenderJob)
            .where(RenderJob.fingerprint == "b" * 64)
            .values(status=JobStatus.RUNNING.value)
        )
        db.session.flush()
    db.session.rollback()

    jobs._finish(first.id, JobStatus.DONE)
    assert jobs.claim().organisation_id == owner.organisation.id


def test_a_queued_job_for_an_earlier_state_of_a_document_is_dropped(owner, assessment):
    _queue(assessment, "action-plan", "a" * 64)
    _queue(assessment, "assessment-report", "c" * 64)
    _queue(assessment, "action-plan", "b" * 64)  # the plan changed before its render began
    assert sorted(j.fingerprint[0] for j in job_rows()) == ["b", "c"]


def test_the_worker_reads_only_the_organisation_of_its_job(monkeypatch, owner, assessment):
    from p4p.reports import documents

    seen = []
    real = documents.html

    def spy(assessment, kind):
        seen.append(tenancy.current())
        return real(assessment, kind)

    monkeypatch.setattr(documents, "html", spy)
    _queue(assessment, "action-plan", "a" * 64)
    assert jobs.run_pending_jobs() == 1
    (reach,) = seen
    assert reach.readable == reach.writable == frozenset({owner.organisation.id})
    # The test's own reach is back afterwards.
    assert tenancy.current().readable is None


def test_a_document_changed_while_queued_is_made_as_it_is_now(client, owner, assessment):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/action-plan.pdf"
    assert client.get(url).status_code == 202
    statement = assessment.version.content.sections[0].statements[0]
    actions.create(
        assessment, statement, owner.id, what="Added while waiting", lead="Lee", due_on=date.today()
    )
    db.session.commit()
    assert jobs.run_pending_jobs() == 1
    # The page that waits asks again under the new fingerprint, and finds the new file.
    response = client.get(url)
    assert response.status_code == 200
    assert "Added while waiting" in text_of(response.data)


def test_a_render_over_its_time_limit_is_stopped_and_the_page_says_so(client, owner, assessment):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/report.pdf"
    assert client.get(url).status_code == 202
    current_app.config["PDF_RENDER_TIME_LIMIT"] = 0.05  # the worker's (the test's) config
    assert jobs.run_pending_jobs() == 1
    (job,) = job_rows()
    assert job.status == "failed" and "longer than 0.05 seconds" in job.error

    failed = client.get(url)
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "600"
    page = failed.get_data(as_text=True)
    assert "could not be prepared" in page and 'role="alert"' in page
    assert "longer than 0.05 seconds" in page and "actions.csv" in page
    assert "http-equiv" not in page  # no refreshing into the same failure

    # After the retry interval, asking again queues it again; with time, it is made.
    db.session.execute(
        update(RenderJob).values(finished_dt=utcnow() - timedelta(seconds=601)),
    )
    db.session.commit()
    assert client.get(url).status_code == 202
    assert job_rows()[0].status == "queued"
    current_app.config["PDF_RENDER_TIME_LIMIT"] = 120
    assert jobs.run_pending_jobs() == 1
    assert client.get(url).status_code == 200


def test_a_render_whose_worker_died_is_queued_again_then_given_up(owner, assessment):
    _queue(assessment, "action-plan", "a" * 64)
    claimed = jobs.claim()
    assert claimed is not None and jobs.claim() is None
    long_ago = utcnow() - timedelta(seconds=jobs.time_limit() + jobs.STALE_GRACE_SECONDS + 1)
    db.session.execute(update(RenderJob).values(started_dt=long_ago))
    db.session.commit()
    for attempt in range(2, jobs.MAX_ATTEMPTS + 1):
        again = jobs.claim(tidy=True)
        assert again is not None and again.id == claimed.id, attempt
        db.session.execute(update(RenderJob).values(started_dt=long_ago))
        db.session.commit()
    assert jobs.claim(tidy=True) is None
    (job,) = job_rows()
    assert job.status == "failed" and job.attempts == jobs.MAX_ATTEMPTS
    assert "stopped without finishing" in job.error


def test_a_job_whose_assessment_was_deleted_fails_quietly(owner, homecare):
    from p4p.assessments import service as assessments_service

    with tenancy.within(tenancy.organisation(owner.organisation.id)):
        draft = assessments_service.start(owner.organisation.id, homecare, "Short-lived", owner.id)
        jobs.request_render(draft, "action-plan", "e" * 64)
        db.session.commit()
        claimed = jobs.claim()
        db.session.delete(draft)
        db.session.commit()
    assert jobs.run(claimed) in (JobStatus.FAILED, JobStatus.DONE)
    assert all(j.status != "running" for j in job_rows())


def test_render_worker_command_makes_the_queued_documents(runner, client, owner, assessment):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/action-plan.pdf"
    assert client.get(url).status_code == 202
    result = runner.invoke(args=["render-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Made 1 document." in result.output
    assert client.get(url).status_code == 200


@pytest.mark.own_app
def test_the_internal_worker_makes_documents_in_the_background(app, client, owner, assessment):
    app.config["P4P_RENDER_WORKER"] = "internal"
    worker = jobs.worker_of(app)
    try:
        sign_in(client, owner)
        url = f"/assessments/{assessment.id}/action-plan.pdf"
        queued = client.get(url)
        assert queued.status_code == 202
        queued.close()  # as a server does once the answer is sent: this wakes the worker
        deadline = time.monotonic() + 120
        while (response := client.get(url)).status_code == 202:
            response.close()
            assert time.monotonic() < deadline, "the render thread made nothing in 120 s"
            time.sleep(0.2)  # polling a condition, bounded by the deadline
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    finally:
        worker.stop()


def test_the_cli_still_renders_directly(runner, assessment, tmp_path):
    output = tmp_path / "plan.pdf"
    result = runner.invoke(args=["report", "action-plan", str(assessment.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")
    assert job_rows() == []


def test_render_worker_setting_is_checked():
    from p4p.config import ConfigError, build

    with pytest.raises(ConfigError, match="P4P_RENDER_WORKER"):
        build("/nonexistent", {"P4P_ENV": "testing", "P4P_RENDER_WORKER": "both"})
