"""'API tokens', under the account pages: make a token (shown once), see and revoke them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from p4p import access
from p4p.forms import ConfirmForm
from p4p.tokens import service
from p4p.tokens.forms import TokenForm

bp = access.protect(Blueprint("tokens", __name__, url_prefix="/account/api-tokens"))


def _index(form: TokenForm | None = None, new: service.NewToken | None = None, status: int = 200):
    return (
        render_template(
            "tokens/index.html",
            tokens=service.tokens_of(current_user.id),
            form=form or TokenForm(formdata=None),
            new=new,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.get("/")
@access.rule(access.SIGNED_IN)
def index():
    return _index()


@bp.post("/")
@access.rule(access.SIGNED_IN)
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _index(form, status=422)
    try:
        new = service.create(current_user, form.name.data, form.expires_days)
    except service.TokenError as error:
        form.name.errors = [*form.name.errors, str(error)]
        return _index(form, status=422)
    # Answered with the page itself, never a redirect: the secret is shown this once, and the
    # page is not stored by the browser (signed-in pages are no-store).
    return _index(new=new, status=201)


@bp.post("/<id:token_id>/revoke")
@access.rule(access.SIGNED_IN)
def revoke(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ended = service.revoke(current_user.id, token_id)
    except LookupError:
        abort(404)
    flash(f"The token “{ended.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("tokens.index"))
