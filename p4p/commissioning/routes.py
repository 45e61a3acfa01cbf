"""A commissioner's home and its sharing code."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from p4p import access
from p4p.forms import ConfirmForm
from p4p.shared import service as shared
from p4p.sharing import service as sharing

bp = access.protect(Blueprint("commissioning", __name__, url_prefix="/commissioning"))


@bp.get("/")
@access.rule(access.COMMISSIONING_READ)
def index():
    organisation = access.current_organisation()
    return render_template(
        "commissioning/index.html",
        organisation=organisation,
        sharing=sharing.sharing_count(organisation.id),
        code=sharing.current_code(organisation.id),
        shares=shared.sharing_with(organisation.id),
    )


@bp.get("/code")
@access.rule(access.COMMISSIONING_READ)
def code():
    organisation = access.current_organisation()
    return render_template(
        "commissioning/code.html",
        code=sharing.current_code(organisation.id),
        sharing=sharing.sharing_count(organisation.id),
        confirm_form=ConfirmForm(),
    )


@bp.post("/code/replace")
@access.rule(access.COMMISSIONING_MANAGE)
def replace_code():
    ConfirmForm().validate_on_submit()
    new = sharing.replace_code(access.current_organisation().id)
    flash(
        f"Your new sharing code is {new.code}. The old code no longer works; providers who "
        "already share with you keep sharing.",
        "success",
    )
    return redirect(url_for("commissioning.code"))
