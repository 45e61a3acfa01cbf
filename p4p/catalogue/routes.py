"""Browsing the published checklists."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from p4p import access
from p4p.catalogue import queries
from p4p.catalogue.diff import diff
from p4p.catalogue.export import to_yaml
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.reports import blank
from p4p.reports.routes import Addresses, send_document

bp = access.protect(Blueprint("catalogue", __name__, url_prefix="/checklists"))


@bp.get("/")
@access.rule(access.SIGNED_IN)
def index():
    return render_template(
        "catalogue/index.html", versions=queries.latest_versions(_organisation_id())
    )


@bp.get("/<key>/<version>")
@access.rule(access.SIGNED_IN)
def show(key: str, version: str):
    found = queries.find_version(key, version, _organisation_id())
    if found is None:
        abort(404)
    content = found.content
    original = None
    if content.based_on is not None:
        original = queries.find_version(
            content.based_on.key, content.based_on.version, _organisation_id()
        )
    return render_template("catalogue/show.html", version=found, content=content, original=original)


@bp.get("/<key>/<version>/checklist.yaml")
@access.rule(access.SIGNED_IN)
def download(key: str, version: str):
    """The version as a checklist file, to edit and publish as a new version."""
    found = queries.find_version(key, version, _organisation_id())
    if found is None:
        abort(404)
    response = Response(to_yaml(found.content), mimetype="application/yaml")
    name = f"{found.checklist.key}-{found.version}.yaml"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/<key>/<version>/blank.pdf")
@access.rule(access.SIGNED_IN)
def blank_pdf(key: str, version: str):
    """The version as a blank checklist to print, made by the render queue for the asking
    organisation (a signed-in operator, of none, is refused)."""
    found = queries.find_version(key, version, _organisation_id())
    if found is None:
        abort(404)
    ids = {"key": found.checklist.key, "version": found.version}
    addresses = Addresses(
        file=url_for("catalogue.blank_pdf", **ids),
        waiting=url_for("catalogue.blank_pdf", waiting=1, **ids),
        back=url_for("catalogue.show", **ids),
        csv=None,
        back_label="the checklist",
    )
    return send_document(blank.wanted(found, access.current_organisation().id), addresses)


def _organisation_id() -> int | None:
    organisation = current_user.organisation
    return organisation.id if organisation else None


@bp.get("/<key>/changes")
@access.rule(access.SIGNED_IN)
def changes(key: str):
    """What changed between two loaded versions of an edition (by default, the newest and the
    one before it): the same diff as `flask checklists diff`."""
    checklist = db.session.scalar(
        select(Checklist).where(Checklist.key == key, queries.visible_to(_organisation_id()))
    )
    if checklist is None or not checklist.versions:
        abort(404)
    versions = checklist.versions
    by_number = {v.version: v for v in versions}
    newer = by_number.get(request.args.get("to", ""), versions[-1])
    older = by_number.get(request.args.get("from", ""))
    if older is None:
        older = versions[-2] if len(versions) > 1 else versions[-1]
    found = None
    if older.sort_key < newer.sort_key:
        chain = queries.chain(older, newer)
        found = diff(chain[0], chain[-1], chain[1:-1])
    return render_template(
        "catalogue/changes.html",
        checklist=checklist,
        versions=versions,
        older=older,
        newer=newer,
        diff=found,
    )
