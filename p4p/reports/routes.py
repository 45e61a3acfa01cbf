"""Downloading an assessment's improvement action plan and report as PDFs, and its actions as
a CSV spreadsheet; `send_document`, which answers for every PDF download.

A PDF in the cache is sent at once (200, with its fingerprint as ETag). Otherwise the request
queues a render job and answers 202 with a page that says the document is being prepared and
refreshes itself; once the file exists, the same address sends it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, request, url_for

from p4p import access
from p4p.assessments import service as assessments
from p4p.reports import data as report_data
from p4p.reports import jobs, pdf
from p4p.reports.documents import file_name, wanted_assessment
from p4p.reports.models import JobStatus
from p4p.reports.subjects import Wanted
from p4p.spreadsheets import csv_response

bp = access.protect(Blueprint("reports", __name__))

ENDPOINTS = {"action-plan": "reports.action_plan", "assessment-report": "reports.assessment_report"}
REFRESH_SECONDS = 3


@dataclass(frozen=True)
class Addresses:
    """Where a document's pages point: the file itself, the way back (and what it is called
    in "go back to …"), the CSV (if any, and what it holds)."""

    file: str
    waiting: str
    back: str
    csv: str | None
    back_label: str = "the assessment"
    csv_label: str = "every action as a spreadsheet (CSV)"


def send_document(
    wanted: Wanted, addresses: Addresses, *, on_sent: Callable[[], None] | None = None
) -> Response:
    """The document from the cache (200, or 304 when unchanged), or a job queued for the
    organisation that asks (`wanted.subject.organisation_id`) and a page that waits for it
    (202), or a page that says it failed (503). `on_sent` runs when the file itself is sent
    (a look worth recording)."""
    found = pdf.cached(wanted.key)
    page = {
        "of": wanted.of,
        "what": wanted.what,
        "url": addresses.file,
        "back_url": addresses.back,
        "back_label": addresses.back_label,
        "csv_url": addresses.csv,
        "csv_label": addresses.csv_label,
    }
    if found is not None and request.args.get("waiting"):
        # The "being prepared" page refreshed to here: a page that sends the browser on to the
        # file once (a download leaves this page in place, so it must not refresh again).
        return Response(render_template("reports/ready.html", size=len(found.content), **page))
    if found is not None:
        response = Response(found.content, mimetype="application/pdf")
        response.set_etag(found.etag)
        response.headers["Content-Disposition"] = f'attachment; filename="{wanted.file_name}"'
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["X-P4P-Cache"] = "hit"
        response = response.make_conditional(request)
        if on_sent is not None and response.status_code == 200:
            on_sent()
        return response

    job = jobs.queue(wanted.subject, wanted.key, reads=wanted.reads)
    if job.status == JobStatus.FAILED.value:
        body = render_template("reports/failed.html", job=job, retry_at=jobs.retry_at(job), **page)
        response = Response(body, status=503)
        response.headers["Retry-After"] = str(current_app.config["PDF_RENDER_RETRY_AFTER"])
    else:
        body = render_template(
            "reports/preparing.html",
            job=job,
            refresh=REFRESH_SECONDS,
            waiting_url=addresses.waiting,
            **page,
        )
        response = Response(body, status=202)
        response.headers["Retry-After"] = str(REFRESH_SECONDS)
        worker = jobs.worker_of(current_app._get_current_object())  # type: ignore[attr-defined]
        if worker is not None:
            # After the response is sent, so after the request's commit made the job visible.
            response.call_on_close(worker.wake)
    response.headers["X-P4P-Cache"] = "queued"
    return response


def _send(assessment_id: int, kind: str) -> Response:
    assessment = assessments.get_assessment(assessment_id)
    endpoint = ENDPOINTS[kind]
    addresses = Addresses(
        file=url_for(endpoint, assessment_id=assessment.id),
        waiting=url_for(endpoint, assessment_id=assessment.id, waiting=1),
        back=url_for("assessments.show", assessment_id=assessment.id),
        csv=url_for("reports.actions_csv", assessment_id=assessment.id),
    )
    return send_document(wanted_assessment(assessment, kind), addresses)


@bp.get("/assessments/<id:assessment_id>/action-plan.pdf")
@access.rule(access.ASSESSMENT_READ)
def action_plan(assessment_id: int):
    return _send(assessment_id, "action-plan")


@bp.get("/assessments/<id:assessment_id>/report.pdf")
@access.rule(access.ASSESSMENT_READ)
def assessment_report(assessment_id: int):
    return _send(assessment_id, "assessment-report")


@bp.get("/assessments/<id:assessment_id>/actions.csv")
@access.rule(access.ASSESSMENT_READ)
def actions_csv(assessment_id: int):
    """Every action of the action plan, uncapped: UTF-8 with a byte order mark (so Excel reads
    the accents right), one header row."""
    assessment = assessments.get_assessment(assessment_id)
    name = file_name(assessment, "actions").removesuffix(".pdf") + ".csv"
    return csv_response(report_data.CSV_HEADER, report_data.action_table(assessment), name)
