"""A provider's side of association membership: join with a code, allow benchmarks or
not, leave."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from p4p import access, tenancy
from p4p.associations import service
from p4p.associations.forms import BenchmarksForm, JoinCodeForm, JoinForm, ProfileForm
from p4p.benchmarks import service as benchmark_figures
from p4p.forms import ConfirmForm, with_error

bp = access.protect(Blueprint("memberships", __name__, url_prefix="/memberships"))


def _provider_page(
    code_form: JoinCodeForm | None = None,
    status: int = 200,
    profile_form: ProfileForm | None = None,
):
    organisation = access.current_organisation()
    found = service.memberships_of(organisation.id)
    return (
        render_template(
            "memberships/index.html",
            current=[m for m in found if m.is_active],
            ended=[m for m in found if not m.is_active],
            code_form=code_form or JoinCodeForm(formdata=None),
            profile_form=profile_form
            or ProfileForm(
                formdata=None,
                region=organisation.region or "",
                size_band=organisation.size_band or "",
            ),
        ),
        status,
    )


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
            return _provider_page(with_error(JoinCodeForm, "code", form.code.data, str(error)), 422)
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
        return _provider_page(with_error(JoinCodeForm, "code", form.code.data, str(error)), 422)
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


@bp.post("/profile")
@access.rule(access.MEMBERSHIPS_MANAGE)
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _provider_page(status=422, profile_form=form)
    service.set_profile(
        access.current_organisation().id, form.region.data or None, form.size_band.data or None
    )
    flash("Your region and size are saved.", "success")
    return redirect(url_for("memberships.index"))


@bp.get("/<id:member_id>/standing")
@access.rule(access.MEMBERSHIPS_READ)
def standing(member_id: int):
    """Where the member stands among the association's members that allow benchmarks."""
    provider_id = access.current_organisation().id
    try:
        member = service.membership_of_provider(provider_id, member_id)
    except LookupError:
        abort(404)
    versions = service.own_completed_versions(provider_id)
    wanted = request.args.get("version", type=int)
    chosen = next((v for v in versions if v.id == wanted), versions[0] if versions else None)
    result = (
        benchmark_figures.standing(member.association_id, provider_id, chosen)
        if chosen and member.is_active
        else None
    )
    return render_template(
        "memberships/standing.html", member=member, versions=versions, chosen=chosen, result=result
    )
