"""A provider's side of association membership: join with a code, allow benchmarks or
not, leave."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from p4p import access, tenancy
from p4p.associations import service
from p4p.associations.forms import BenchmarksForm, JoinCodeForm, JoinForm
from p4p.forms import ConfirmForm

bp = access.protect(Blueprint("memberships", __name__, url_prefix="/memberships"))


def _provider_page(code_form: JoinCodeForm | None = None, status: int = 200):
    provider_id = access.current_organisation().id
    found = service.memberships_of(provider_id)
    return (
        render_template(
            "memberships/index.html",
            current=[m for m in found if m.is_active],
            ended=[m for m in found if not m.is_active],
            code_form=code_form or JoinCodeForm(formdata=None),
        ),
        status,
    )


def _with_error(code: str | None, message: str) -> JoinCodeForm:
    form = JoinCodeForm(formdata=None, code=code)
    form.code.errors = [message]
    return form


@bp.get("/")
@access.rule(access.MEMBERSHIPS_READ)
def index():
    return _provider_page()


@bp.post("/check")
@access.rule(access.MEMBERSHIPS_MANAGE)
def check():
    form = JoinCodeForm()
    if form.validate_on_submit():
        try:
            found = service.association_for(form.code.data)
        except service.MembershipError as error:
            return _provider_page(_with_error(form.code.data, str(error)), 422)
        existing = service.active_membership(access.current_organisation().id, found.id)
        return render_template(
            "memberships/confirm.html",
            association=found,
            existing=existing,
            form=JoinForm(formdata=None, code=service.normalise_code(form.code.data)),
        )
    return _provider_page(form, 422)


@bp.post("/")
@access.rule(access.MEMBERSHIPS_MANAGE)
def join():
    form = JoinForm()
    form.validate_on_submit()
    try:
        joined = service.join(
            access.current_organisation().id, form.code.data, tenancy.Viewer.of(current_user)
        )
    except service.MembershipError as error:
        return _provider_page(_with_error(form.code.data, str(error)), 422)
    name = joined.member.association.name
    if joined.created:
        flash(
            f"You are now a member of {name}. They see your organisation's name only; "
            "nothing of your assessments.",
            "success",
        )
    else:
        flash(f"You are already a member of {name}; nothing has changed.", "info")
    return redirect(url_for("memberships.index"))


@bp.post("/<id:member_id>/benchmarks")
@access.rule(access.MEMBERSHIPS_MANAGE)
def benchmarks(member_id: int):
    form = BenchmarksForm()
    if not form.validate_on_submit():
        flash("Choose whether to include your assessments.", "error")
        return redirect(url_for("memberships.index"))
    try:
        member = service.set_benchmarks(
            access.current_organisation().id, member_id, form.allowed.data == "yes"
        )
    except LookupError:
        abort(404)
    except service.MembershipError as error:
        flash(str(error), "error")
        return redirect(url_for("memberships.index"))
    name = member.association.name
    if member.benchmarks_allowed:
        flash(f"Your completed assessments now count in {name}'s anonymous benchmarks.", "success")
    else:
        flash(f"Your assessments no longer count in any of {name}'s benchmarks.", "success")
    return redirect(url_for("memberships.index"))


@bp.post("/<id:member_id>/leave")
@access.rule(access.MEMBERSHIPS_MANAGE)
def leave(member_id: int):
    ConfirmForm().validate_on_submit()
    try:
        member = service.leave(access.current_organisation().id, member_id)
    except LookupError:
        abort(404)
    flash(f"You have left {member.association.name}.", "success")
    return redirect(url_for("memberships.index"))
