"""The blank checklist: a version printed for teams who rate on paper in a meeting first, with
a box to tick for each option of the scale, branded with its publisher's name.

Its content never changes (a published version is immutable), so its fingerprint is the
version, its content hash and the print templates: one render serves everyone who may see it,
though each job is queued under the organisation that asks."""

from __future__ import annotations

from typing import Any

from p4p.catalogue.models import ChecklistVersion
from p4p.dates import day
from p4p.extensions import db
from p4p.reports import pdf
from p4p.reports.subjects import Kind, Subject, Wanted

KIND = "blank-checklist"
WHAT = "blank checklist"
NOTE_LINES = 3


def _version(subject: Subject) -> ChecklistVersion:
    version = db.session.get(ChecklistVersion, subject.version_id) if subject.version_id else None
    if version is None:
        raise LookupError("the checklist version is gone")
    return version


def fingerprint(version: ChecklistVersion) -> str:
    return pdf.document_key(KIND, {"version": version.id, "content": version.content_hash})


def file_name(version: ChecklistVersion) -> str:
    return f"{version.checklist.key}-{version.version}-blank.pdf"


def data(version: ChecklistVersion) -> dict[str, Any]:
    """Plain data for templates/pdf/blank-checklist.html."""
    content = version.content
    middle = content.scale[len(content.scale) // 2] if len(content.scale) > 2 else None
    return {
        "document_title": f"{content.title}, version {content.version}: blank checklist",
        "provider": content.publisher,
        "publisher": content.publisher,
        "title": content.title,
        "summary": content.summary,
        "version": content.version,
        "published_on": day(content.published),
        "licence": content.licence,
        "attribution": content.based_on.attribution if content.based_on else "",
        "lang": content.language,  # the document's language, as the checklist says
        "scale": [{"label": o.label, "description": o.description or ""} for o in content.scale],
        "stages": [{"label": s.label, "description": s.description or ""} for s in content.stages],
        "stage_rule": content.stage_rule if content.stages else "",
        "top_label": content.top.label,
        "started_label": middle.label if middle else "Part-way",
        "note_lines": NOTE_LINES,
        "sections": [
            {
                "number": n,
                "title": section.title,
                "summary": section.summary or "",
                "statements": [
                    {
                        "number": f"{n}.{m}",
                        "text": statement.text,
                        "stage": stage.label if (stage := content.stage(statement.stage)) else "",
                        "guidance": statement.guidance,
                        "started": statement.started or "",
                        "evidence": list(statement.evidence),
                        "may_not_apply": statement.may_not_apply,
                    }
                    for m, statement in enumerate(section.statements, start=1)
                ],
            }
            for n, section in enumerate(content.sections, start=1)
        ],
    }


def html(version: ChecklistVersion) -> str:
    return pdf.render_html(KIND, data(version))


def wanted(version: ChecklistVersion, organisation_id: int) -> Wanted:
    """The version's blank checklist, asked for by `organisation_id` (which may see it)."""
    return Wanted(
        Subject(KIND, organisation_id, version_id=version.id),
        fingerprint(version),
        file_name(version),
        WHAT,
        version.label,
    )


DOCUMENT = Kind(
    what=WHAT,
    gone="The checklist version no longer exists.",
    load=_version,
    fingerprint=lambda version, _: fingerprint(version),
    html=lambda version, _: html(version),
)
