"""Building documents, for the download routes, the render worker and the `flask report`
command alike (no request needed).

A document is of a subject: an assessment (its report and action plan), or a checklist version
(the blank checklist; an association's benchmark briefing). Each kind of document says in
`KINDS` how to find its subject again, fingerprint it and make its HTML. An assessment's
document is found in the cache from a cheap fingerprint of everything it shows, read in three
small aggregate queries, so an unchanged document is served without gathering its data or
rendering it again."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from p4p import tenancy
from p4p.actions.models import Action
from p4p.actions.service import today
from p4p.assessments import service as assessments
from p4p.assessments.models import Assessment, Rating
from p4p.extensions import db
from p4p.progress.service import in_edition
from p4p.reports import blank, briefing, pdf
from p4p.reports import data as report_data
from p4p.reports.subjects import Kind, Subject, Wanted

# The assessment documents' data; the other kinds of document are in KINDS below.
DOCUMENTS: dict[str, Callable[[Assessment], dict[str, Any]]] = {
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


def fingerprint(assessment: Assessment, kind: str) -> str:
    """A hash of everything the document shows, without building it: the assessment and its
    ratings, the edition's actions, the completed assessments of its history, the day (overdue
    marks, generation date), the print templates, and who it is for: the provider itself, or a
    commissioner and its share's scope (a summary-scope document leaves out evidence notes and
    names, so it must never be served for a full-scope or own request, nor the other way)."""
    version = assessment.version
    ratings = db.session.execute(
        select(func.count(Rating.id), func.max(Rating.updated_dt), func.sum(Rating.revision)).where(
            Rating.assessment_id == assessment.id
        )
    ).one()
    actions = db.session.execute(
        select(func.count(Action.id), func.max(Action.updated_dt)).where(
            Action.organisation_id == assessment.organisation_id,
            Action.checklist_id == version.checklist_id,
        )
    ).one()
    history = db.session.execute(
        in_edition(
            select(func.count(Assessment.id), func.max(Assessment.completed_dt)),
            assessment.organisation_id,
            version.checklist_id,
        )
    ).one()
    parts = {
        "kind": kind,
        "audience": tenancy.audience(assessment.organisation_id),
        "personal": tenancy.shows_personal(assessment.organisation_id),
        "templates": pdf.templates_fingerprint(str(Path(current_app.template_folder) / "pdf")),
        "assessment": [
            assessment.id,
            assessment.title,
            assessment.status,
            assessment.completed_dt,
            assessment.organisation.name,
            version.id,
            version.content_hash,
        ],
        "ratings": list(ratings),
        "actions": list(actions),
        "history": list(history),
        "today": today(),
        "actions_per_statement": report_data.actions_per_statement(),
    }
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def html(assessment: Assessment, kind: str) -> str:
    """The document as HTML for WeasyPrint: its data gathered and put in its template."""
    return pdf.render_html(kind, DOCUMENTS[kind](assessment))


def make(assessment: Assessment, kind: str) -> tuple[pdf.Document, str]:
    """The document and its file name, rendered here and now when its fingerprint is new: for
    operators (`flask report`). Web requests never render; they queue a job (reports/jobs.py)."""
    key = fingerprint(assessment, kind)
    found = pdf.cached(key)
    if found is None:
        found = pdf.document(kind, DOCUMENTS[kind](assessment), key=key)
    return found, file_name(assessment, kind)


# --- the kinds of document ------------------------------------------------------------------


def _assessment_of(subject: Subject) -> Assessment:
    if subject.assessment_id is None:
        raise LookupError("a job with no assessment")
    return assessments.get_assessment(subject.assessment_id)


def _assessment_kind(what: str) -> Kind:
    # `fingerprint` and `html` are looked up when called: this module's are the one version.
    return Kind(
        what=what,
        gone="The assessment no longer exists.",
        load=_assessment_of,
        fingerprint=lambda assessment, subject: fingerprint(assessment, subject.kind),
        html=lambda assessment, subject: html(assessment, subject.kind),
    )


TITLES = {"action-plan": "improvement action plan", "assessment-report": "assessment report"}
KINDS: dict[str, Kind] = {kind: _assessment_kind(what) for kind, what in TITLES.items()} | {
    blank.KIND: blank.DOCUMENT,
    briefing.KIND: briefing.DOCUMENT,
}


def wanted_assessment(
    assessment: Assessment, kind: str, organisation_id: int | None = None
) -> Wanted:
    """An assessment's document, asked for by `organisation_id` (by default its own)."""
    subject = Subject(
        kind, organisation_id or assessment.organisation_id, assessment_id=assessment.id
    )
    return Wanted(
        subject,
        fingerprint(assessment, kind),
        file_name(assessment, kind),
        TITLES[kind],
        assessment.title,
        reads=assessment.organisation_id,
    )
