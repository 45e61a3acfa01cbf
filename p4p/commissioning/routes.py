"""A commissioner's home, its sharing code, and the providers that share with it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from p4p import access, tenancy
from p4p.commissioning import compare as comparing
from p4p.commissioning import exports, lenses
from p4p.commissioning import table as providers_table
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
    shown = providers_table.everything(
        criteria, providers_table.catalogue(), request.args.get("lens")
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
