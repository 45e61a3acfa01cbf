"""The organisation's team: who is in it, invitations, roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from p4p import access
from p4p.auth import service
from p4p.auth.models import Invitation, Membership, Role
from p4p.extensions import db
from p4p.forms import ConfirmForm
from p4p.team.forms import InviteForm, RoleForm
from p4p.timeutil import utcnow

bp = access.protect(Blueprint("team", __name__, url_prefix="/team"))


def _members():
    organisation = access.current_organisation()
    return db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id == organisation.id)
        .options(selectinload(Membership.user))
        .order_by(Membership.created_dt)
    ).all()


def _invitations():
    organisation = access.current_organisation()
    return db.session.scalars(
        select(Invitation)
        .where(Invitation.organisation_id == organisation.id)
        .order_by(Invitation.created_dt.desc())
    ).all()


def _render(invite_form: InviteForm | None = None, status: int = 200, **extra):
    return (
        render_template(
            "team/index.html",
            members=_members(),
            invitations=[i for i in _invitations() if i.status == "pending"],
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
            invitation, token = service.invite(
                access.current_organisation(), form.email.data, Role(form.role.data), current_user
            )
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            link = url_for("auth.join", token=token, _external=True)
            return _render(new_invitation=invitation, new_link=link, status=201)
    return _render(form, status=422)


def _own_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != access.current_organisation().id:
        abort(404)
    return invitation


def _own_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != access.current_organisation().id:
        abort(404)
    return membership


@bp.post("/invitations/<int:invitation_id>/revoke")
@access.rule(access.TEAM_MANAGE)
def revoke(invitation_id: int):
    invitation = _own_invitation(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if invitation.status == "pending":
        invitation.revoked_dt = utcnow()
        flash(f"The invitation for {invitation.email} no longer works.", "success")
    return redirect(url_for("team.index"))


@bp.post("/members/<int:membership_id>/role")
@access.rule(access.TEAM_MANAGE)
def change_role(membership_id: int):
    membership = _own_membership(membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    new_role = Role(form.role.data)
    if (
        membership.role == Role.OWNER
        and new_role != Role.OWNER
        and service.owners_count(membership.organisation) == 1
    ):
        flash("Every team needs an owner: make someone else an owner first.", "error")
        return redirect(url_for("team.index"))
    membership.role = new_role.value
    flash(f"{membership.user.name} is now {new_role.label.lower()}.", "success")
    return redirect(url_for("team.index"))


@bp.post("/members/<int:membership_id>/remove")
@access.rule(access.TEAM_MANAGE)
def remove(membership_id: int):
    membership = _own_membership(membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if membership.role == Role.OWNER and service.owners_count(membership.organisation) == 1:
        flash("Every team needs an owner: make someone else an owner first.", "error")
        return redirect(url_for("team.index"))
    user = membership.user
    db.session.delete(membership)
    user.session_version += 1  # their open sessions end now
    flash(f"{user.name} has left the team.", "success")
    return redirect(url_for("team.index"))
