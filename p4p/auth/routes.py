"""Sign up, sign in, sign out, and joining a team by invitation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from p4p import access
from p4p.auth import service
from p4p.auth.forms import JoinForm, JoinWithAccountForm, SignInForm, SignUpForm
from p4p.auth.models import OrganisationKind
from p4p.forms import ConfirmForm
from p4p.safe_redirect import is_local_path, redirect_next

bp = access.protect(Blueprint("auth", __name__))


def _begin_session(user, remember: bool = False) -> None:
    """Sign `user` in on this browser: a new sign-in row with a fresh secret, and a fresh
    session, so the CSRF token (and anything else kept before signing in) is not carried over."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy of the token
    service.begin_sign_in(user, remember=remember, user_agent=request.headers.get("User-Agent"))
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@access.rule(access.PUBLIC)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = service.sign_up(
                form.organisation.data,
                form.name.data,
                form.email.data,
                form.password.data,
                kind=OrganisationKind(form.kind.data),
            )
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            _begin_session(user)
            flash(f"Welcome to p4p. {user.organisation.name} is set up.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


def _wait_message(until) -> str:
    return (
        "Too many unsuccessful attempts. For your security, the next attempt can be made at "
        f"{until:%H:%M:%S} UTC; each further wrong password doubles the wait. If you have "
        "forgotten your password, ask your p4p operator to reset it."
    )


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
            _begin_session(outcome.user, remember=form.remember.data)
            return redirect_next(next_page)
        if outcome.locked_until is not None:
            form.form_errors.append(_wait_message(outcome.locked_until))
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
    _end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("main.home"))


def _end_session() -> None:
    """End this browser's sign-in for good: a copy of its session or remember cookie taken
    before no longer works."""
    if current_user.current_sign_in is not None:
        service.end_sign_in(current_user.id, current_user.current_sign_in.id)
    session.clear()
    logout_user()  # after clearing: it asks for the remember cookie to be deleted


@bp.get("/account/sign-ins")
@access.rule(access.SIGNED_IN)
def sign_ins():
    return render_template(
        "auth/sign_ins.html",
        sign_ins=service.active_sign_ins(current_user.id),
        this_one=current_user.current_sign_in.id,
    )


@bp.post("/account/sign-ins/<id:sign_in_id>/end")
@access.rule(access.SIGNED_IN)
def end_sign_in(sign_in_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if sign_in_id == current_user.current_sign_in.id:
        _end_session()
        flash("You have signed out.", "info")
        return redirect(url_for("main.home"))
    if not service.end_sign_in(current_user.id, sign_in_id):
        abort(404)
    flash("That sign-in has ended: that browser has to sign in again.", "success")
    return redirect(url_for("auth.sign_ins"))


@bp.post("/account/sign-ins/end-others")
@access.rule(access.SIGNED_IN)
def end_other_sign_ins():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = service.end_every_sign_in(current_user.id, except_id=current_user.current_sign_in.id)
    flash(
        f"Signed out everywhere else ({ended} other sign-in{'' if ended == 1 else 's'} ended).",
        "success",
    )
    return redirect(url_for("auth.sign_ins"))


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
    if service.find_user(invitation.email) is not None:
        return _join_with_account(invitation)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = service.accept_invitation(invitation, form.name.data, form.password.data)
        except service.AccountError as error:
            form.form_errors.append(str(error))
        else:
            _begin_session(user)
            flash(f"Welcome to the {invitation.organisation.name} team on p4p.", "success")
            return redirect(url_for("main.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/join.html", form=form, invitation=invitation), status


def _join_with_account(invitation):
    """The invited address has an account (its owner left a team, for example): they join
    with its password, which proves the account is theirs."""
    form = JoinWithAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            outcome = service.join_with_account(invitation, form.password.data, request.remote_addr)
        except service.AccountError as error:
            form.form_errors.append(str(error))
            status = 409
        else:
            if outcome.user is not None:
                _begin_session(outcome.user)
                flash(f"Welcome to the {invitation.organisation.name} team on p4p.", "success")
                return redirect(url_for("main.home"))
            if outcome.locked_until is not None:
                form.form_errors.append(_wait_message(outcome.locked_until))
                status = 429
            else:
                form.form_errors.append("That is not the password of this account.")
                status = 422
    if form.errors and status == 200:
        status = 422
    return render_template("auth/join_existing.html", form=form, invitation=invitation), status
