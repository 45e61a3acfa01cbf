"""Browsing the published checklists."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from p4p import access
from p4p.catalogue import queries
from p4p.catalogue.export import to_yaml

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
    return render_template("catalogue/show.html", version=found, content=found.content)


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


def _organisation_id() -> int | None:
    organisation = current_user.organisation
    return organisation.id if organisation else None
