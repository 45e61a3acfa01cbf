"""A commissioner's home, its sharing code, and the providers that share with it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from p4p import access, tenancy
from p4p.commissioning import compare as comparing
from p4p.commissioning import exports, lenses, pins
from p4p.commissioning import table as providers_table
from p4p.commissioning.forms import PinForm
from p4p.forms import ConfirmForm
from p4p.sharing import service as sharing

bp = access.protect(Blueprint("commissioning", __name__, url_prefix="/commissioning"))


def _viewer() -> tenancy.Viewer:
    return tenancy.Viewer.of(current_user)


def _record(provider_ids, what: str) -> None:
    """Every look at providers' data is recorded for the providers to see."""
    sharing.record_views(_viewer(), current_user.name, provider_ids, what)


@bp.get("/")
@access.rule(access.COMMISSIONING_READ)
def index():
    organisation = access.current_organisation()
    return render_template(
        "commissioning/index.html",
        organisation=organisation,
        sharing=sharing.sharing_count(organisation.id),
        code=sharing.current_code(organisation.id),
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


# --- the providers table --------------------------------------------------------------------


def _criteria(commissioner_id: int) -> providers_table.Criteria:
    args = request.args
    return providers_table.Criteria(
        commissioner_id=commissioner_id,
        sort=providers_table.valid_sort(args.get("sort")),
        descending=args.get("order") == "desc",
        edition=(args.get("edition") or None),
        stage=(args.get("stage") or None),
        overdue_only=args.get("overdue") == "1",
        stale_only=args.get("stale") == "1",
        search=(args.get("q") or "")[:200] or None,
    )


@bp.get("/providers")
@access.rule(access.COMMISSIONING_READ)
def providers():
    organisation = access.current_organisation()
    criteria = _criteria(organisation.id)
    cat = providers_table.catalogue()
    shown = providers_table.table(
        criteria,
        cat,
        lens=request.args.get("lens"),
        page=request.args.get("page", 1, type=int) or 1,
        pins=pins.pins_of(organisation.id, cat.newest()),
    )
    _record([row.provider_id for row in shown.page.items], "Providers table")
    return render_template(
        "commissioning/providers.html",
        table=shown,
        criteria=criteria,
        editions=sorted(cat.newest().values(), key=lambda c: c.title),
        stages=cat.stages(),
        sharing=sharing.sharing_count(organisation.id),
        lenses=lenses.LENSES,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(kind: str) -> Response:
    organisation = access.current_organisation()
    criteria = _criteria(organisation.id)
    cat = providers_table.catalogue()
    shown = providers_table.everything(
        criteria, cat, request.args.get("lens"), pins.pins_of(organisation.id, cat.newest())
    )
    _record([row.provider_id for row in shown.rows], f"Providers table, exported ({kind.upper()})")
    name = f"providers-{shown.lens.key}-{providers_table.today().isoformat()}.{kind}"
    if kind == "csv":
        response = Response(exports.as_csv(shown), mimetype="text/csv")
    else:
        response = Response(
            exports.as_xlsx(shown, f"Providers by {shown.lens.noun}"), mimetype=XLSX
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/providers.csv")
@access.rule(access.COMMISSIONING_READ)
def providers_csv():
    return _export("csv")


@bp.get("/providers.xlsx")
@access.rule(access.COMMISSIONING_READ)
def providers_xlsx():
    return _export("xlsx")


@bp.get("/compare")
@access.rule(access.COMMISSIONING_READ)
def compare():
    """2–6 providers of one edition side by side (chosen with the table's checkboxes)."""
    organisation = access.current_organisation()
    chosen = [i for i in request.args.getlist("provider", type=int) if 0 < i < 2**31]
    lens = request.args.get("lens")
    try:
        comparison = comparing.compare(organisation.id, chosen, lens)
    except LookupError:
        abort(404)
    except comparing.CannotCompare as error:
        return render_template(
            "commissioning/compare.html", comparison=None, problem=str(error), lenses=lenses.LENSES
        ), 422
    _record([row.provider_id for row in comparison.providers], "Comparison of providers")
    return render_template(
        "commissioning/compare.html", comparison=comparison, problem=None, lenses=lenses.LENSES
    )


# --- pinned statements ----------------------------------------------------------------------


def _pins_page(edition: str | None, form: PinForm | None = None, status: int = 200):
    organisation = access.current_organisation()
    newest = providers_table.catalogue().newest()
    editions = sorted(newest.values(), key=lambda content: content.title)
    if not editions:
        abort(404)
    content = newest.get(edition or "") or editions[0]
    pinned = pins.pins_of(organisation.id, newest)
    form = form or PinForm(formdata=None, edition=content.key)
    form.offer(content)
    return (
        render_template(
            "commissioning/pins.html",
            edition=content,
            editions=editions,
            pinned=[pin for pin in pinned if pin.checklist_key == content.key],
            most=pins.MOST_PER_EDITION,
            form=form,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.get("/pins")
@access.rule(access.COMMISSIONING_READ)
def pins_index():
    return _pins_page(request.args.get("edition"))


@bp.post("/pins")
@access.rule(access.COMMISSIONING_PIN)
def pin():
    form = PinForm()
    newest = providers_table.catalogue().newest()
    content = newest.get(form.edition.data or "")
    if content is None:
        abort(400)
    form.offer(content)
    if not form.validate_on_submit():
        return _pins_page(content.key, form, status=422)
    try:
        added = pins.pin(
            access.current_organisation().id,
            content.key,
            form.statement.data,
            current_user.id,
            newest,
        )
    except pins.PinError as error:
        form.statement.errors = [str(error)]
        return _pins_page(content.key, form, status=422)
    flash(
        "Pinned: it is a column of your providers table." if added else "Already pinned.",
        "success" if added else "info",
    )
    return redirect(url_for("commissioning.pins_index", edition=content.key))


@bp.post("/pins/<id:pin_id>/remove")
@access.rule(access.COMMISSIONING_PIN)
def unpin(pin_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        pins.unpin(access.current_organisation().id, pin_id)
    except LookupError:
        abort(404)
    flash("Unpinned.", "success")
    return redirect(url_for("commissioning.pins_index", edition=request.args.get("edition")))
