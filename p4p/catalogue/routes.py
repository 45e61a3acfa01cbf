"""Browsing the published checklists."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from p4p import access
from p4p.catalogue import queries

bp = access.protect(Blueprint("catalogue", __name__, url_prefix="/checklists"))


@bp.get("/")
@access.rule(access.SIGNED_IN)
def index():
    return render_template("catalogue/index.html", versions=queries.latest_versions())


@bp.get("/<key>/<version>")
@access.rule(access.SIGNED_IN)
def show(key: str, version: str):
    found = queries.find_version(key, version)
    if found is None:
        abort(404)
    return render_template("catalogue/show.html", version=found, content=found.content)
