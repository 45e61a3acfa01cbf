"""The operators' overview of organisations on this p4p."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from p4p import access, tenancy
from p4p.assessments.models import Assessment
from p4p.auth.models import Membership, Organisation
from p4p.extensions import db

bp = access.protect(Blueprint("admin", __name__, url_prefix="/admin"))
PER_PAGE = 100


@bp.get("/")
@access.rule(access.ADMIN)
def index():
    # Operators see every organisation, as counts only: say so to the tenancy module.
    tenancy.enter(tenancy.everything("operators' overview of organisations (counts only)"))
    found = db.paginate(
        select(Organisation).order_by(Organisation.name, Organisation.id),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    ids = [organisation.id for organisation in found.items]
    people = _counts(Membership, ids)
    assessments = _counts(Assessment, ids)
    rows = [(o, people.get(o.id, 0), assessments.get(o.id, 0)) for o in found.items]
    return render_template("admin/index.html", rows=rows, pagination=found)


def _counts(model, organisation_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(model.organisation_id, func.count(model.id))
            .where(model.organisation_id.in_(organisation_ids))
            .group_by(model.organisation_id)
        ).all()
    )
