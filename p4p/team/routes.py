"""The organisation's team: who is in it, invitations, roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from p4p import access
from p4p.auth import service as accounts
from p4p.auth.models import Role
from p4p.forms import ConfirmForm
from p4p.links import external_url
from p4p.team import service
from p4p.team.forms import InviteForm, RoleForm

bp = access.protect(Blueprint("team", __name__, url_prefix="/team"))


def _render(invite_form: InviteForm | None = None, status: int = 200, **extra):
    organisation_id = access.current_organisation().id
    return (
        render_template(
            "team/index.html",
            members=service.members(organisation_id),
            invitations=service.pending_invitations(organisation_id),
            invite_form=invite_form or InviteForm(formdata=None),
            confirm_form=ConfirmForm(),
            roles=list(Role),
            **extra,
        ),
        status,
    )


@bp.get("/")
@access.rule(access.TEAM_READ)
def index():
    return _render()


@bp.post("/invitations")
@access.rule(access.TEAM_MANAGE)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = accounts.invite(
                access.current_organisation(), form.email.data, Role(form.role.data), current_user
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            link = external_url("auth.join", token=token)
            return _render(new_invitation=invitation, new_link=link, status=201)
    return _render(form, status=422)


@bp.post("/invitations/<id:invitation_id>/revoke")
@access.rule(access.TEAM_MANAGE)
def revoke(invitation_id: int):
    invitation = service.invitation(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if service.revoke(invitation):
        flash(f"The invitation for {invitation.email} no longer works.", "success")
    return redirect(url_for("team.index"))


@bp.post("/members/<id:membership_id>/role")
@access.rule(access.TEAM_MANAGE)
def change_role(membership_id: int):
    membership = service.membership(membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    new_role = Role(form.role.data)
    try:
        service.change_role(membership, new_role)
    except service.TeamRuleBroken as error:
        flash(str(error), "error")
        return redirect(url_for("team.index"))
    flash(f"{membership.user.name} is now {new_role.label.lower()}.", "success")
    return redirect(url_for("team.index"))


@bp.post("/members/<id:membership_id>/remove")
@access.rule(access.TEAM_MANAGE)
def remove(membership_id: int):
    membership = service.membership(membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = membership.user
    if request.form.get("confirmed") != "yes":
        # The Remove button asks first, on a page of its own (no script needed).
        return render_template(
            "team/remove.html", membership=membership, confirm_form=ConfirmForm()
        )
    try:
        service.remove(membership)
    except service.TeamRuleBroken as error:
        flash(str(error), "error")
        return redirect(url_for("team.index"))
    flash(f"{user.name} has left the team.", "success")
    return redirect(url_for("team.index"))
