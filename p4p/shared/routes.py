"""A commissioner's view of one sharing provider: overview, each completed assessment (read
only), progress for each edition, improvement actions, and the two PDFs.

Access: commissioners only (a provider's member gets 403); a provider without an active share
to the viewer, a draft and any other organisation's id answer 404. Evidence notes and names
are shown only when `tenancy.shows_personal` says so (the full scope). Every page and every
PDF sent is recorded for the provider to see on its sharing page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from p4p import access, scoring, tenancy
from p4p.actions import service as actions
from p4p.assessments import service as assessments
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.progress import charts
from p4p.progress import service as progress
from p4p.reports.documents import wanted_assessment
from p4p.reports.routes import Addresses, send_document
from p4p.shared import service

bp = access.protect(
    Blueprint("shared", __name__, url_prefix="/commissioning/provider/<id:provider_id>")
)


@bp.url_defaults
def _same_provider(endpoint: str, values: dict) -> None:
    """Links between this provider's pages need not repeat its id."""
    if "provider_id" not in values and request.view_args and "provider_id" in request.view_args:
        values["provider_id"] = request.view_args["provider_id"]


PDF_NAMES = {"action-plan": "Action plan PDF", "assessment-report": "Assessment report PDF"}


def _provider(provider_id: int) -> service.SharingProvider:
    return service.provider(access.current_organisation().id, provider_id)


def _record(provider_id: int, what: str) -> None:
    service.record(tenancy.Viewer.of(current_user), current_user.name, provider_id, what)


@bp.get("/")
@access.rule(access.SHARED_READ)
def index(provider_id: int):
    found = _provider(provider_id)
    completed = service.completed_assessments(provider_id)
    editions = {a.version.checklist.key: a.version.checklist for a in completed}
    _record(provider_id, "Overview")
    return render_template(
        "shared/index.html",
        provider=found,
        assessments=[
            (a, scoring.Score(a.points or 0, a.possible or 0, 0, 0).percent) for a in completed
        ],
        editions=sorted(editions.values(), key=lambda c: c.title),
        open_actions=actions.open_counts(provider_id),
    )


@bp.get("/assessments/<id:assessment_id>")
@access.rule(access.SHARED_READ)
def assessment(provider_id: int, assessment_id: int):
    found = _provider(provider_id)
    chosen = service.completed_assessment(provider_id, assessment_id)
    checklist = chosen.version.content
    ratings = assessments.ratings_by_key(chosen)
    _record(provider_id, f"Assessment “{chosen.title}”")
    return render_template(
        "shared/assessment.html",
        provider=found,
        assessment=chosen,
        checklist=checklist,
        ratings=ratings,
        result=assessments.result(chosen, ratings),
        score_rule=scoring.SCORE_RULE,
    )


@bp.get("/progress/<key>")
@access.rule(access.SHARED_READ)
def progress_edition(provider_id: int, key: str):
    found = _provider(provider_id)
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == key))
    if checklist is None:
        abort(404)
    snapshots = progress.history(provider_id, checklist)
    if not snapshots:
        abort(404)
    changes = None
    if len(snapshots) >= 2:
        changes = progress.with_actions(
            progress.compare(snapshots[-2], snapshots[-1]), provider_id, checklist.id
        )
    _record(provider_id, f"Progress: {checklist.title}")
    return render_template(
        "shared/progress.html",
        provider=found,
        checklist=checklist,
        snapshots=snapshots,
        total=progress.count_completed(provider_id, checklist.id),
        sections=snapshots[-1].sections,
        score_rule=scoring.SCORE_RULE,
        chart=charts.history_chart(
            snapshots, title=f"Section scores over time: {checklist.title}", chart_id="progress"
        ),
        changes=changes,
        personal=found.personal,
    )


@bp.get("/actions")
@access.rule(access.SHARED_READ)
def action_list(provider_id: int):
    found = _provider(provider_id)
    overdue = request.args.get("overdue") == "1"
    criteria = actions.ActionFilter(status="open" if overdue else "", overdue=overdue)
    page = actions.page(provider_id, criteria, request.args.get("page", 1, type=int))
    _record(provider_id, "Improvement actions")
    return render_template(
        "shared/actions.html",
        provider=found,
        actions=page.items,
        pagination=page,
        overdue=overdue,
        counts=actions.open_counts(provider_id),
        today=actions.today(),
        personal=found.personal,
    )


def _document(provider_id: int, assessment_id: int, kind: str):
    found = _provider(provider_id)
    chosen = service.completed_assessment(provider_id, assessment_id)
    endpoint = f"shared.{kind.replace('-', '_')}"
    ids = {"provider_id": provider_id, "assessment_id": chosen.id}
    addresses = Addresses(
        file=url_for(endpoint, **ids),
        waiting=url_for(endpoint, waiting=1, **ids),
        back=url_for("shared.assessment", **ids),
        csv=None,
    )
    return send_document(
        wanted_assessment(chosen, kind, access.current_organisation().id),
        addresses,
        on_sent=lambda: _record(found.id, f"{PDF_NAMES[kind]} of “{chosen.title}”"),
    )


@bp.get("/assessments/<id:assessment_id>/action-plan.pdf")
@access.rule(access.SHARED_READ)
def action_plan(provider_id: int, assessment_id: int):
    return _document(provider_id, assessment_id, "action-plan")


@bp.get("/assessments/<id:assessment_id>/report.pdf")
@access.rule(access.SHARED_READ)
def assessment_report(provider_id: int, assessment_id: int):
    return _document(provider_id, assessment_id, "assessment-report")
