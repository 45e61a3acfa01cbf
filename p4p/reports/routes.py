"""Downloading an assessment's improvement action plan and report as PDFs."""

from __future__ import annotations

from flask import Blueprint, Response, request

from p4p import access
from p4p.assessments import service as assessments
from p4p.reports.documents import make

bp = access.protect(Blueprint("reports", __name__))


def _send(assessment_id: int, kind: str) -> Response:
    document, name = make(assessments.get_assessment(assessment_id), kind)
    response = Response(document.content, mimetype="application/pdf")
    response.set_etag(document.etag)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-P4P-Cache"] = "hit" if document.cached else "miss"
    return response.make_conditional(request)


@bp.get("/assessments/<id:assessment_id>/action-plan.pdf")
@access.rule(access.ASSESSMENT_READ)
def action_plan(assessment_id: int):
    return _send(assessment_id, "action-plan")


@bp.get("/assessments/<id:assessment_id>/report.pdf")
@access.rule(access.ASSESSMENT_READ)
def assessment_report(assessment_id: int):
    return _send(assessment_id, "assessment-report")
