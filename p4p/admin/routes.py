"""The operators' overview of organisations on this p4p."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from p4p import access
from p4p.assessments.models import Assessment
from p4p.auth.models import Membership, Organisation
from p4p.extensions import db

bp = access.protect(Blueprint("admin", __name__, url_prefix="/admin"))


@bp.get("/")
@access.rule(access.ADMIN)
def index():
    members = (
        select(Membership.organisation_id, func.count(Membership.id).label("n"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    assessments = (
        select(Assessment.organisation_id, func.count(Assessment.id).label("n"))
        .group_by(Assessment.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, members.c.n, assessments.c.n)
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .outerjoin(assessments, assessments.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return render_template("admin/index.html", rows=rows)
