"""Downloading an assessment's improvement action plan and report as PDFs."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from p4p import access
from p4p.assessments import service as assessments
from p4p.assessments.models import Assessment
from p4p.reports import data as report_data
from p4p.reports import pdf

bp = access.protect(Blueprint("reports", __name__))

DOCUMENTS = {
    "action-plan": report_data.action_plan,
    "assessment-report": report_data.assessment_report,
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "p4p"


def file_name(assessment: Assessment, kind: str) -> str:
    when = assessment.completed_dt.date() if assessment.completed_dt else None
    parts = [
        assessment.organisation.name,
        assessment.version.checklist.key,
        assessment.title,
        kind,
        when.isoformat() if when else "draft",
    ]
    return "_".join(slug(p) for p in parts) + ".pdf"


def make(assessment: Assessment, kind: str) -> tuple[pdf.Document, str]:
    return pdf.document(kind, DOCUMENTS[kind](assessment)), file_name(assessment, kind)


def _send(assessment_id: int, kind: str) -> Response:
    assessment = assessments.get_assessment(assessment_id)
    document, name = make(assessment, kind)
    response = Response(document.content, mimetype="application/pdf")
    response.set_etag(document.etag)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-P4P-Cache"] = "hit" if document.cached else "miss"
    return response.make_conditional(request)


@bp.get("/assessments/<int:assessment_id>/action-plan.pdf")
@access.rule(access.ASSESSMENT_READ)
def action_plan(assessment_id: int):
    return _send(assessment_id, "action-plan")


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@access.rule(access.ASSESSMENT_READ)
def assessment_report(assessment_id: int):
    return _send(assessment_id, "assessment-report")
