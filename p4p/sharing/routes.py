"""A provider's side of sharing: enter a commissioner's code, choose a scope, confirm; see
every share, change its scope or revoke it; see who looked, when."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from p4p import access, tenancy
from p4p.forms import ConfirmForm, with_error
from p4p.sharing import service
from p4p.sharing.forms import CodeForm, ScopeForm, ShareForm
from p4p.sharing.models import Scope

bp = access.protect(Blueprint("sharing", __name__, url_prefix="/sharing"))


def _viewer() -> tenancy.Viewer:
    from flask_login import current_user

    return tenancy.Viewer.of(current_user)


def _index(code_form: CodeForm | None = None, status: int = 200):
    provider_id = access.current_organisation().id
    shares = service.shares_of(provider_id)
    return (
        render_template(
            "sharing/index.html",
            active=[s for s in shares if s.is_active],
            revoked=[s for s in shares if not s.is_active],
            views=service.views_of(provider_id, request.args.get("page", 1, type=int)),
            code_form=code_form or CodeForm(formdata=None),
            scope_forms={s.id: ScopeForm(formdata=None, scope=s.scope) for s in shares},
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.get("/")
@access.rule(access.SHARING_READ)
def index():
    return _index()


@bp.post("/check")
@access.rule(access.SHARING_MANAGE)
def check():
    """Step one: the code, answered with the commissioner's name and a choice of scope."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            commissioner = service.commissioner_for(form.code.data)
        except service.SharingError as error:
            form.code.errors.append(str(error))
        else:
            code = service.normalise_code(form.code.data)
            existing = service.active_share(access.current_organisation().id, commissioner.id)
            share_form = ShareForm(
                formdata=None, code=code, scope=existing.scope if existing else None
            )
            return render_template(
                "sharing/confirm.html",
                commissioner=commissioner,
                form=share_form,
                existing=existing,
                scopes=list(Scope),
            )
    return _index(form, status=422)


@bp.post("/")
@access.rule(access.SHARING_MANAGE)
def create():
    """Step two: share, with the scope chosen."""
    form = ShareForm()
    if form.validate_on_submit():
        try:
            shared = service.share(
                access.current_organisation().id, form.code.data, Scope(form.scope.data), _viewer()
            )
        except service.SharingError as error:
            return _index(with_error(CodeForm, "code", form.code.data, str(error)), status=422)
        name = shared.share.commissioner.name
        scope = shared.share.scope_enum.label.lower()
        if shared.created:
            flash(f"You now share your completed assessments with {name} ({scope}).", "success")
        elif shared.scope_changed:
            flash(f"You already shared with {name}; they now see the {scope}.", "success")
        else:
            flash(f"You already share with {name} ({scope}); nothing has changed.", "info")
        return redirect(url_for("sharing.index"))
    message = (form.scope.errors or ["Choose what the commissioner may see."])[0]
    return _index(with_error(CodeForm, "code", form.code.data, message), status=422)


@bp.post("/<id:share_id>/scope")
@access.rule(access.SHARING_MANAGE)
def change_scope(share_id: int):
    form = ScopeForm()
    if not form.validate_on_submit():
        flash("Choose what the commissioner may see.", "error")
        return redirect(url_for("sharing.index"))
    try:
        changed = service.change_scope(
            access.current_organisation().id, share_id, Scope(form.scope.data)
        )
    except LookupError:
        abort(404)
    except service.SharingError as error:
        flash(str(error), "error")
    else:
        flash(
            f"{changed.commissioner.name} now sees the {changed.scope_enum.label.lower()}.",
            "success",
        )
    return redirect(url_for("sharing.index"))


@bp.post("/<id:share_id>/revoke")
@access.rule(access.SHARING_MANAGE)
def revoke(share_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ended = service.revoke(access.current_organisation().id, share_id, _viewer())
    except LookupError:
        abort(404)
    flash(
        f"You no longer share with {ended.commissioner.name}. They lost access at once.",
        "success",
    )
    return redirect(url_for("sharing.index"))
