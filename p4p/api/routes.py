"""The endpoints of the read-only JSON API. See docs/api.md and /api/v1/openapi.json.

Who may call what is declared per view, as everywhere (`access.rule`), and checked by
`bearer.check` before the view runs: 401 without a usable token, 403 when the token's
organisation is the wrong kind for the endpoint. Which provider or assessment a token reaches
is tenancy's answer, as for a page: an id out of reach is 404, like one that does not exist."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from p4p import access, tenancy
from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.api import bearer, openapi, present
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.auth.models import Organisation, OrganisationKind
from p4p.catalogue.models import ChecklistVersion
from p4p.commissioning import table
from p4p.extensions import csrf, db
from p4p.sharing.service import record_views

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate here, and every endpoint only reads.
csrf.exempt(bp)

PER_PAGE = 25
MAX_PER_PAGE = 100
# The API's sort names, and the providers table's columns they sort by.
SORTS = {
    "name": "name",
    "edition": "checklist_key",
    "completed": "completed_dt",
    "stage": "stage_key",
    "overall": "overall_percent",
    "open_actions": "open_actions",
    "overdue_actions": "overdue_actions",
}


@bp.before_request
def authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    rule = getattr(view, "access_rule", None)
    if rule is None:
        abort(403)  # default deny, as for every blueprint
    bearer.check(rule)


@bp.after_request
def not_stored(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _viewer() -> tenancy.Viewer:
    return tenancy.Viewer.of(g._login_user)


def _record(provider_ids: list[int], what: str) -> None:
    """Record a commissioner's look at providers' data (a provider's own look is not)."""
    viewer = _viewer()
    if viewer.organisation_kind == OrganisationKind.COMMISSIONER and provider_ids:
        record_views(viewer, g._login_user.name, provider_ids, what)


# --- query parameters ---------------------------------------------------------------------


def _number(name: str, default: int, *, highest: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or not 1 <= int(text) <= highest:
        abort(400, description=f"'{name}' must be a whole number from 1 to {highest}.")
    return int(text)


def _flag(name: str) -> bool:
    text = request.args.get(name, "false").lower()
    if text not in {"true", "false", "1", "0"}:
        abort(400, description=f"'{name}' must be true or false.")
    return text in {"true", "1"}


def _text(name: str, longest: int) -> str | None:
    text = request.args.get(name)
    if text is not None and len(text) > longest:
        abort(400, description=f"'{name}' is at most {longest} characters long.")
    return text or None


def _choice(name: str, choices: Any, default: str) -> str:
    text = request.args.get(name, default)
    if text not in choices:
        abort(400, description=f"'{name}' must be one of: {', '.join(choices)}.")
    return text


def _paging() -> tuple[int, int]:
    return (
        _number("page", 1, highest=100_000),
        _number("per_page", PER_PAGE, highest=MAX_PER_PAGE),
    )


# --- endpoints ----------------------------------------------------------------------------


@bp.get("/openapi.json")
@access.rule(access.PUBLIC)
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/providers")
@access.rule(access.API_COMMISSIONING)
def providers():
    page, per_page = _paging()
    found = table.provider_rows(
        _viewer().organisation_id,
        page=page,
        per_page=per_page,
        sort=SORTS[_choice("sort", SORTS, "name")],
        descending=_choice("order", ("asc", "desc"), "asc") == "desc",
        edition=_text("edition", 40),
        stage=_text("stage", 40),
        overdue_only=_flag("overdue"),
        stale_only=_flag("stale"),
        search=_text("q", 100),
    )
    _record([row.provider_id for row in found.items], "API: providers list")
    return jsonify(present.provider_page(found))


def _reachable_provider(provider_id: int) -> Organisation:
    """A provider this token reaches (its own, or one sharing with it); 404 otherwise."""
    organisation = db.session.get(Organisation, provider_id)
    if (
        organisation is None
        or organisation.kind != OrganisationKind.PROVIDER
        or tenancy.scope_of(provider_id) is None
    ):
        raise tenancy.OutOfReach()
    return organisation


@bp.get("/providers/<id:provider_id>/assessments")
@access.rule(access.API_READ)
def provider_assessments(provider_id: int):
    organisation = _reachable_provider(provider_id)
    page, per_page = _paging()
    found = db.paginate(
        select(Assessment)
        .where(
            Assessment.organisation_id == organisation.id,
            # Drafts are never served, not even to the provider's own token (docs/api.md).
            Assessment.status == AssessmentStatus.COMPLETED.value,
        )
        .options(joinedload(Assessment.version).joinedload(ChecklistVersion.checklist))
        .order_by(Assessment.completed_dt.desc(), Assessment.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )
    _record([organisation.id], "API: list of assessments")
    return jsonify(
        {
            "provider": present.provider(organisation),
            "items": [present.assessment_summary(a) for a in found.items],
            "pagination": present.pagination(page, per_page, found.total or 0, found.pages),
        }
    )


@bp.get("/assessments/<id:assessment_id>")
@access.rule(access.API_READ)
def assessment(assessment_id: int):
    found = tenancy.get(
        Assessment,
        assessment_id,
        joinedload(Assessment.version).joinedload(ChecklistVersion.checklist),
        joinedload(Assessment.organisation),
        selectinload(Assessment.section_results),
    )
    if not found.is_completed:
        raise tenancy.OutOfReach()
    checklist = found.version.content
    ratings: dict[str, Rating] = {}
    for rating in db.session.scalars(select(Rating).where(Rating.assessment_id == found.id)):
        statement = checklist.statement_by_id(rating.statement_id)
        if statement is not None:
            ratings[statement.key] = rating
    by_statement = actions.for_statements(
        found.organisation_id,
        found.version.checklist_id,
        [s.key for s in checklist.statements()],
        assessment_id=found.id,
    )
    listed: list[Action] = sorted(
        (a for rows in by_statement.values() for a in rows),
        key=lambda a: (not a.is_open, a.due_on, a.id),
    )
    _record([found.organisation_id], f"API: assessment “{found.title}”")
    return jsonify(
        present.assessment_detail(found, ratings, listed, overdue_before=actions.today())
    )
