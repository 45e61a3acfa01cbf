"""The providers table: the providers that share with a commissioner, with the figures of
their latest completed assessment (shared contract: see the providers table issue).

A small implementation of the contract: a constant handful of queries whatever the number of
providers (the sharing providers, their completed assessments, the page's section results, and
action counts), with filtering, sorting and paging done on the rows in Python."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select

from p4p.actions.models import OPEN_STATUSES, Action
from p4p.actions.service import today
from p4p.assessments.models import Assessment, AssessmentStatus, SectionResult
from p4p.auth.models import Organisation
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.sharing.models import Share
from p4p.timeutil import utcnow

STALE_AFTER = timedelta(days=365)


@dataclass(frozen=True)
class ProviderRow:
    provider_id: int
    name: str
    scope: str
    checklist_key: str | None
    edition_title: str | None
    version: str | None
    assessment_id: int | None
    completed_dt: datetime | None
    stage_key: str | None
    stage_label: str | None
    overall_percent: int | None
    previous_overall_percent: int | None
    section_percents: dict[str, int | None]
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class ProviderPage:
    items: list[ProviderRow]
    total: int
    page: int
    per_page: int
    pages: int


SORTABLE = frozenset(f.name for f in fields(ProviderRow)) - {"section_percents"}


def percent(points: int | None, possible: int | None) -> int | None:
    if points is None or not possible:
        return None
    return round(100 * points / possible)


def provider_rows(
    commissioner_id: int,
    *,
    page: int = 1,
    per_page: int = 25,
    sort: str = "name",
    descending: bool = False,
    edition: str | None = None,
    stage: str | None = None,
    overdue_only: bool = False,
    stale_only: bool = False,
    search: str | None = None,
) -> ProviderPage:
    page, per_page = max(1, page), max(1, per_page)
    shares = select(Share.provider_id, Share.scope, Organisation.name).join(
        Organisation, Organisation.id == Share.provider_id
    )
    shares = shares.where(Share.commissioner_id == commissioner_id, Share.revoked_dt.is_(None))
    if search and search.strip():
        # autoescape: a % or _ typed in the search matches itself, not anything
        shares = shares.where(
            func.lower(Organisation.name).contains(search.strip().lower(), autoescape=True)
        )
    sharing = {pid: (scope, name) for pid, scope, name in db.session.execute(shares)}
    if not sharing:
        return ProviderPage([], 0, page, per_page, 0)

    # The active shares again as a subquery, not as a list of ids: no limit on parameters.
    sharing_ids = select(Share.provider_id).where(
        Share.commissioner_id == commissioner_id, Share.revoked_dt.is_(None)
    )
    latest, previous = _latest_assessments(sharing_ids)
    counts = _action_counts(sharing_ids)
    stale_before = utcnow() - STALE_AFTER
    rows: list[ProviderRow] = []
    for provider_id, (scope, name) in sharing.items():
        found = latest.get(provider_id)
        open_actions, overdue_actions = counts.get(provider_id, (0, 0))
        row = ProviderRow(
            provider_id=provider_id,
            name=name,
            scope=scope,
            checklist_key=found["checklist_key"] if found else None,
            edition_title=found["edition_title"] if found else None,
            version=found["version"] if found else None,
            assessment_id=found["id"] if found else None,
            completed_dt=found["completed_dt"] if found else None,
            stage_key=found["stage_key"] if found else None,
            stage_label=found["stage_label"] if found else None,
            overall_percent=percent(found["points"], found["possible"]) if found else None,
            previous_overall_percent=previous.get(provider_id),
            section_percents={},
            open_actions=open_actions,
            overdue_actions=overdue_actions,
        )
        if edition and row.checklist_key != edition:
            continue
        if stage and row.stage_key != stage:
            continue
        if overdue_only and not row.overdue_actions:
            continue
        if stale_only and row.completed_dt is not None and row.completed_dt >= stale_before:
            continue
        rows.append(row)

    rows.sort(key=lambda r: (r.name.lower(), r.provider_id))
    key = sort if sort in SORTABLE else "name"
    present = [r for r in rows if getattr(r, key) is not None]
    absent = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: _sort_value(getattr(r, key)), reverse=descending)
    ordered = present + absent  # rows without the figure come last either way

    total = len(ordered)
    pages = (total + per_page - 1) // per_page
    items = ordered[(page - 1) * per_page : page * per_page]
    sections = _section_percents([r.assessment_id for r in items if r.assessment_id])
    items = [
        _with_sections(r, sections.get(r.assessment_id, {})) if r.assessment_id else r
        for r in items
    ]
    return ProviderPage(items, total, page, per_page, pages)


def _sort_value(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _with_sections(row: ProviderRow, sections: dict[str, int | None]) -> ProviderRow:
    return ProviderRow(
        **{**{f.name: getattr(row, f.name) for f in fields(row)}, "section_percents": sections}
    )


def _latest_assessments(
    provider_ids: Select,
) -> tuple[dict[int, dict[str, Any]], dict[int, int | None]]:
    """Each provider's latest completed assessment, and the percent of the one before it in
    the same edition."""
    statement = (
        select(
            Assessment.id,
            Assessment.organisation_id,
            Assessment.completed_dt,
            Assessment.stage_key,
            Assessment.points,
            Assessment.possible,
            Checklist.key,
            Checklist.title,
            ChecklistVersion.version,
            ChecklistVersion.stages,
        )
        .join(ChecklistVersion, ChecklistVersion.id == Assessment.checklist_version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .where(
            Assessment.organisation_id.in_(provider_ids),
            Assessment.status == AssessmentStatus.COMPLETED.value,
        )
        .order_by(Assessment.organisation_id, Assessment.completed_dt.desc(), Assessment.id.desc())
    )
    latest: dict[int, dict[str, Any]] = {}
    previous: dict[int, int | None] = {}
    for row in db.session.execute(statement):
        provider_id = row.organisation_id
        if provider_id not in latest:
            labels = {s["key"]: s["label"] for s in row.stages or []}
            latest[provider_id] = {
                "id": row.id,
                "completed_dt": row.completed_dt,
                "stage_key": row.stage_key,
                "stage_label": labels.get(row.stage_key) if row.stage_key else None,
                "points": row.points,
                "possible": row.possible,
                "checklist_key": row.key,
                "edition_title": row.title,
                "version": row.version,
            }
        elif provider_id not in previous and latest[provider_id]["checklist_key"] == row.key:
            previous[provider_id] = percent(row.points, row.possible)
    return latest, previous


def _action_counts(provider_ids: Select) -> dict[int, tuple[int, int]]:
    is_open = Action.status.in_(OPEN_STATUSES)
    statement = (
        select(
            Action.organisation_id,
            func.count(Action.id),
            func.sum(case((Action.due_on < today(), 1), else_=0)),
        )
        .where(Action.organisation_id.in_(provider_ids), is_open)
        .group_by(Action.organisation_id)
    )
    return {
        pid: (count, int(overdue or 0)) for pid, count, overdue in db.session.execute(statement)
    }


def _section_percents(assessment_ids: list[int]) -> dict[int, dict[str, int | None]]:
    if not assessment_ids:
        return {}
    found: dict[int, dict[str, int | None]] = {}
    for row in db.session.execute(
        select(
            SectionResult.assessment_id,
            SectionResult.section_key,
            SectionResult.points,
            SectionResult.possible,
        )
        .where(SectionResult.assessment_id.in_(assessment_ids))
        .order_by(SectionResult.assessment_id, SectionResult.position)
    ):
        found.setdefault(row.assessment_id, {})[row.section_key] = percent(row.points, row.possible)
    return found
