"""Sign up, sign in, sign out, and joining a team by invitation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from p4p import access
from p4p.auth import service
from p4p.auth.forms import JoinForm, SignInForm, SignUpForm
from p4p.forms import ConfirmForm
from p4p.safe_redirect import is_local_path, redirect_next

bp = access.protect(Blueprint("auth", __name__))


@bp.route("/signup", methods=["GET", "POST"])
@access.rule(access.PUBLIC)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = service.sign_up(
                form.organisation.data, form.name.data, form.email.data, form.password.data
            )
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            login_user(user)
            flash(f"Welcome to p4p. {user.organisation.name} is set up.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/signin", methods=["GET", "POST"])
@access.rule(access.PUBLIC)
def signin():
    next_page = request.args.get("next")
    if current_user.is_authenticated:
        return redirect_next(next_page)
    form = SignInForm()
    if form.validate_on_submit():
        outcome = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        if outcome.user is not None:
            login_user(outcome.user, remember=form.remember.data)
            return redirect_next(next_page)
        if outcome.locked_until is not None:
            form.form_errors.append(
                "Too many unsuccessful attempts. For your security, signing in is paused until "
                f"{outcome.locked_until:%H:%M} UTC. You can reset your password with your "
                "organisation's owner in the meantime."
            )
            return render_template("auth/signin.html", form=form), 429
        form.form_errors.append("That e-mail address and password do not match an account.")
    return render_template(
        "auth/signin.html", form=form, next_page=next_page if is_local_path(next_page) else None
    )


@bp.route("/signout", methods=["POST"])
@access.rule(access.SIGNED_IN)
def signout():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@access.rule(access.PUBLIC)
def join(token: str):
    invitation = service.find_invitation(token)
    if invitation is None:
        abort(404)
    if current_user.is_authenticated:
        return render_template("auth/join_signed_in.html", invitation=invitation), 409
    if invitation.status != "pending":
        return render_template("auth/join_unavailable.html", invitation=invitation), 410
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = service.accept_invitation(invitation, form.name.data, form.password.data)
        except service.AccountError as error:
            form.form_errors.append(str(error))
        else:
            login_user(user)
            flash(f"Welcome to the {invitation.organisation.name} team on p4p.", "success")
            return redirect(url_for("main.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/join.html", form=form, invitation=invitation), status
