"""Rows into the JSON the OpenAPI document describes (plain dicts; no ORM object leaves).

Evidence notes and people's names (action leads, involvement, reasons for dropping) are added
only where `tenancy.shows_personal(provider)` says so: the provider itself, or a commissioner
with a full-scope share. In the summary scope the keys are absent, not empty."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from p4p import tenancy
from p4p.actions.models import Action
from p4p.assessments.models import Assessment, Rating
from p4p.auth.models import Organisation
from p4p.catalogue.content import ChecklistDef
from p4p.commissioning.table import ProviderPage, ProviderRow, percent


def when(value: datetime | None) -> str | None:
    """RFC 3339 in UTC, with a Z."""
    if value is None:
        return None
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def on(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def pagination(page: int, per_page: int, total: int, pages: int) -> dict[str, int]:
    return {"page": page, "per_page": per_page, "total": total, "pages": pages}


def provider(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "access": tenancy.scope_of(organisation.id),
    }


def stage(checklist: ChecklistDef, key: str | None) -> dict[str, str] | None:
    found = checklist.stage(key) if key else None
    return {"key": found.key, "label": found.label} if found else None


def checklist_of(assessment: Assessment) -> dict[str, str]:
    return {
        "key": assessment.version.checklist.key,
        "title": assessment.version.checklist.title,
        "version": assessment.version.version,
    }


def provider_row(row: ProviderRow) -> dict[str, Any]:
    latest = None
    if row.assessment_id is not None:
        latest = {
            "id": row.assessment_id,
            "completed": when(row.completed_dt),
            "checklist": {
                "key": row.checklist_key,
                "title": row.edition_title,
                "version": row.version,
            },
            "stage": (
                {"key": row.stage_key, "label": row.stage_label or row.stage_key}
                if row.stage_key
                else None
            ),
            "overall_percent": row.overall_percent,
            "previous_overall_percent": row.previous_overall_percent,
            "section_percents": dict(row.section_percents),
        }
    return {
        "id": row.provider_id,
        "name": row.name,
        "scope": row.scope,
        "latest_assessment": latest,
        "actions": {"open": row.open_actions, "overdue": row.overdue_actions},
    }


def provider_page(found: ProviderPage) -> dict[str, Any]:
    return {
        "items": [provider_row(row) for row in found.items],
        "pagination": pagination(found.page, found.per_page, found.total, found.pages),
    }


def assessment_summary(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.id,
        "title": assessment.title,
        "completed": when(assessment.completed_dt),
        "checklist": checklist_of(assessment),
        "stage": stage(assessment.version.content, assessment.stage_key),
        "overall_percent": percent(assessment.points, assessment.possible),
    }


def assessment_detail(
    assessment: Assessment,
    ratings: dict[str, Rating],
    actions: list[Action],
    *,
    overdue_before: date,
) -> dict[str, Any]:
    checklist = assessment.version.content
    personal = tenancy.shows_personal(assessment.organisation_id)
    sections = []
    for result in assessment.section_results:
        section = checklist.section(result.section_key)
        sections.append(
            {
                "key": result.section_key,
                "title": section.title if section else result.section_key,
                "points": result.points,
                "possible": result.possible,
                "percent": percent(result.points, result.possible),
                "rated": result.rated,
                "statements": result.total,
            }
        )
    rated: dict[str, Any] = {}
    for section in checklist.sections:
        for statement in section.statements:
            rating = ratings.get(statement.key)
            scale_key = rating.scale_key if rating else None
            entry: dict[str, Any] = {
                "section": section.key,
                "text": statement.text,
                "stage": statement.stage,
                "scale": scale_key,
                "label": checklist.label_of(scale_key),
                "points": checklist.points_of(scale_key),
            }
            if personal:
                entry["note"] = rating.note if rating else ""
            rated[statement.key] = entry
    return {
        "id": assessment.id,
        "title": assessment.title,
        "status": assessment.status,
        "completed": when(assessment.completed_dt),
        "provider": provider(assessment.organisation),
        "checklist": checklist_of(assessment),
        "stage": stage(checklist, assessment.stage_key),
        "stage_rule": checklist.stage_rule,
        "overall": {
            "points": assessment.points,
            "possible": assessment.possible,
            "percent": percent(assessment.points, assessment.possible),
        },
        "sections": sections,
        "ratings": rated,
        "actions": [action_item(a, assessment.id, personal, overdue_before) for a in actions],
        "personal_information": personal,
    }


def action_item(
    action: Action, assessment_id: int, personal: bool, overdue_before: date
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": action.id,
        "statement": action.statement_key,
        "section": action.section_key,
        "what": action.what,
        "status": action.status,
        "status_label": action.status_enum.label,
        "due_on": on(action.due_on),
        "overdue": action.is_overdue(overdue_before),
        "completed_on": on(action.completed_on),
        "from_this_assessment": action.assessment_id == assessment_id,
    }
    if personal:
        item["lead"] = action.lead
        item["involvement"] = action.involvement
        item["drop_reason"] = action.drop_reason
    return item
