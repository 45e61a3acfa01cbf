"""The front door: a landing page for visitors, a dashboard for the signed in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from p4p import access
from p4p.actions import service as actions
from p4p.assessments import service
from p4p.auth.models import OrganisationKind
from p4p.catalogue import queries
from p4p.progress import service as progress

bp = access.protect(Blueprint("main", __name__))


@bp.get("/")
@access.rule(access.PUBLIC)
def home():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    organisation = current_user.organisation
    if organisation is not None and organisation.kind == OrganisationKind.COMMISSIONER:
        return redirect(url_for("commissioning.index"))
    if organisation is not None and organisation.kind == OrganisationKind.ASSOCIATION:
        return redirect(url_for("association.index"))
    if organisation is None or organisation.kind != OrganisationKind.PROVIDER:
        return render_template("main/dashboard.html", organisation=organisation)
    assessments = service.list_assessments(organisation.id)
    drafts = [a for a in assessments if a.is_draft]
    completed = [a for a in assessments if a.is_completed]
    latest = completed[0] if completed else None
    latest_result = progress.snapshot(latest) if latest else None
    newer = _newer_versions(assessments, organisation.id)
    return render_template(
        "main/dashboard.html",
        organisation=organisation,
        drafts=drafts,
        rated=service.rated_counts([a.id for a in drafts]),
        actions=actions.open_counts(organisation.id),
        completed=completed,
        latest=latest,
        latest_result=latest_result,
        newer=newer,
    )


def _newer_versions(assessments, organisation_id: int):
    """Editions the organisation uses that have a version newer than any it has used: each
    as (the newest version, the version it last used)."""
    newest_used: dict[int, Any] = {}
    for assessment in assessments:
        used = newest_used.get(assessment.version.checklist_id)
        if used is None or assessment.version.sort_key > used.sort_key:
            newest_used[assessment.version.checklist_id] = assessment.version
    return [
        (version, newest_used[version.checklist_id])
        for version in queries.latest_versions(organisation_id)
        if version.checklist_id in newest_used
        and version.sort_key > newest_used[version.checklist_id].sort_key
    ]


@bp.get("/healthz")
@access.rule(access.PUBLIC)
def health():
    return {"status": "ok"}
