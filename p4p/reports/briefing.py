"""The benchmark briefing: an association's anonymous benchmarks on one checklist version, as a
PDF for its board.

Its figures are exactly those of the benchmarks page and CSV: taken from
`p4p.benchmarks.service.benchmark`, never worked out again, so the same suppression holds (no
group under 5, breakdowns of at least 10 inside and outside). Its fingerprint is a hash of what
it shows (those figures, the association's name, the day) and the print templates, so a member
that stops allowing benchmarks makes a new document at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from p4p.actions.service import today
from p4p.auth.models import Organisation
from p4p.benchmarks import service as benchmarks
from p4p.benchmarks import stats
from p4p.catalogue.models import ChecklistVersion
from p4p.catalogue.tags import tag_label
from p4p.dates import day
from p4p.extensions import db
from p4p.reports import pdf
from p4p.reports.subjects import Kind, Subject, Wanted

KIND = "benchmark-briefing"
WHAT = "benchmark briefing"


def breakdown_of(asked: str | None) -> str:
    """The breakdown asked for, if it is one there is ("" for none)."""
    return asked if asked in benchmarks.BREAKDOWNS else ""


def _spread(spread: stats.Spread | None) -> dict[str, str] | None:
    if spread is None:
        return None
    return {"median": f"{spread.median:g}%", "middle": f"{spread.lower:g}% to {spread.upper:g}%"}


def _figures(result: benchmarks.Benchmark, figures: benchmarks.Figures) -> dict[str, Any]:
    lenses: dict[str, list[dict[str, Any]]] = {}
    for scheme, tag, name, spread in benchmarks.lens_rows(figures):
        lenses.setdefault(name, []).append(
            {"label": tag_label(scheme, tag), "spread": _spread(spread)}
        )
    return {
        "label": figures.label,
        "size": figures.size,
        "stages": [
            {"label": result.stage_labels[key], "count": count}
            for key, count in figures.stages.items()
        ],
        "overall": _spread(figures.overall),
        "sections": [
            {"label": section.title, "spread": _spread(figures.sections.get(section.key))}
            for section in result.content.sections
        ],
        "lenses": [{"name": name, "rows": rows} for name, rows in lenses.items()],
    }


def data(association_name: str, result: benchmarks.Benchmark) -> dict[str, Any]:
    """Plain data for templates/pdf/benchmark-briefing.html: the benchmark's own figures."""
    content = result.content
    shown = result.shown and result.figures is not None
    breakdown = result.breakdown or ""
    return {
        "document_title": f"Benchmark briefing: {content.title}, version {content.version}",
        "provider": association_name,
        "edition": content.title,
        "version": content.version,
        "generated_on": day(today()),
        "min_group": stats.MIN_GROUP,
        "min_breakdown": stats.MIN_BREAKDOWN,
        "shown": shown,
        "figures": _figures(result, result.figures) if shown and result.figures else None,
        "gaps": [
            {"text": s.text, "section": s.section_title, "percent": s.at_top_percent}
            for s in result.gaps
        ],
        "statements": [
            {"text": s.text, "section": s.section_title, "percent": s.at_top_percent}
            for s in result.statements
        ],
        "breakdown": benchmarks.BREAKDOWNS.get(breakdown, ""),
        "subgroups": [_figures(result, figures) for figures in result.subgroups],
        "hidden_subgroups": result.hidden_subgroups,
    }


def briefing_of(association: Organisation, version: ChecklistVersion, breakdown: str):
    return data(association.name, benchmarks.benchmark(association.id, version, breakdown or None))


def _load(subject: Subject) -> dict[str, Any]:
    """The briefing's data as it is now, for the association that asked."""
    association = db.session.scalar(
        select(Organisation).where(Organisation.id == subject.organisation_id)
    )
    version = db.session.get(ChecklistVersion, subject.version_id) if subject.version_id else None
    if association is None or version is None:
        raise LookupError("the association or the checklist version is gone")
    breakdown = json.loads(subject.params or "{}").get("by", "")
    return briefing_of(association, version, breakdown_of(breakdown))


def fingerprint(briefing: dict[str, Any]) -> str:
    return pdf.document_key(KIND, briefing)


def html(briefing: dict[str, Any]) -> str:
    return pdf.render_html(KIND, briefing)


def wanted(association: Organisation, version: ChecklistVersion, asked: str | None) -> Wanted:
    """The association's briefing on the version, broken down as asked."""
    breakdown = breakdown_of(asked)
    briefing = briefing_of(association, version, breakdown)
    parts = [version.checklist.key, version.version, breakdown, briefing["generated_on"]]
    name = "_".join(["benchmark-briefing", *(p.replace(" ", "-") for p in parts if p)]) + ".pdf"
    return Wanted(
        Subject(
            KIND,
            association.id,
            version_id=version.id,
            params=json.dumps({"by": breakdown}) if breakdown else "",
        ),
        fingerprint(briefing),
        name,
        WHAT,
        version.label,
    )


DOCUMENT = Kind(
    what=WHAT,
    gone="The checklist version no longer exists.",
    load=_load,
    fingerprint=lambda briefing, _: fingerprint(briefing),
    html=lambda briefing, _: html(briefing),
)
