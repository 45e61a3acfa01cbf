"""Progress over time for each edition, and comparing two completed assessments."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import func, select

from p4p import access, scoring
from p4p.assessments.models import Assessment, AssessmentStatus
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.progress import charts, service

bp = access.protect(Blueprint("progress", __name__, url_prefix="/progress"))


def editions_with_history(organisation_id: int) -> list[tuple[Checklist, int]]:
    return db.session.execute(
        select(Checklist, func.count(Assessment.id))
        .join(ChecklistVersion, ChecklistVersion.checklist_id == Checklist.id)
        .join(Assessment, Assessment.checklist_version_id == ChecklistVersion.id)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
        )
        .group_by(Checklist.id)
        .order_by(Checklist.title)
    ).all()


@bp.get("/")
@access.rule(access.ASSESSMENT_READ)
def index():
    editions = editions_with_history(access.current_organisation().id)
    if len(editions) == 1:
        return redirect(url_for("progress.edition", key=editions[0][0].key))
    return render_template("progress/index.html", editions=editions)


def _checklist(key: str) -> Checklist:
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == key))
    if checklist is None:
        abort(404)
    return checklist


@bp.get("/<key>")
@access.rule(access.ASSESSMENT_READ)
def edition(key: str):
    checklist = _checklist(key)
    organisation_id = access.current_organisation().id
    snapshots = service.history(organisation_id, checklist)
    if not snapshots:
        return render_template("progress/edition.html", checklist=checklist, snapshots=[])
    title = f"Section scores over time: {checklist.title}"
    # One column of sections for a phone, two side by side for a wider screen: the stylesheet
    # shows one of them (the other is not displayed, so not read out either). The assessments'
    # labels mark where the checklist version changes.
    marked = service.marked_for_chart(snapshots)
    chart = charts.history_chart(marked, title=title, chart_id="progress")
    chart_wide = charts.history_chart(marked, title=title, chart_id="progress-wide", columns=2)
    changes = None
    if len(snapshots) >= 2:
        changes = service.with_actions(
            service.compare(snapshots[-2], snapshots[-1]), organisation_id, checklist.id
        )
    return render_template(
        "progress/edition.html",
        checklist=checklist,
        snapshots=snapshots,
        total=service.count_completed(organisation_id, checklist.id),
        sections=service.section_rows(snapshots),
        score_rule=scoring.SCORE_RULE,
        chart=chart,
        chart_wide=chart_wide,
        changes=changes,
    )


@bp.get("/<key>/compare")
@access.rule(access.ASSESSMENT_READ)
def compare(key: str):
    """Any two completed assessments side by side; only those two are loaded."""
    checklist = _checklist(key)
    organisation_id = access.current_organisation().id
    choices = service.choices(organisation_id, checklist.id)
    ids = [c.id for c in choices]
    before_id = request.args.get("before", type=int)
    after_id = request.args.get("after", type=int)
    if len(ids) >= 2:
        before_id = before_id if before_id in ids else ids[-2]
        after_id = after_id if after_id in ids else ids[-1]
    changes = None
    if before_id in ids and after_id in ids:
        chosen = {s.id: s for s in service.snapshots(organisation_id, [before_id, after_id])}
        before, after = chosen[before_id], chosen[after_id]
        if (before.completed_on, before.id) > (after.completed_on, after.id):
            before, after = after, before
        changes = service.with_actions(
            service.compare(before, after), organisation_id, checklist.id
        )
    return render_template(
        "progress/compare.html", checklist=checklist, snapshots=choices, changes=changes
    )
