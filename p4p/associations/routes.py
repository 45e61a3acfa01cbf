"""An association's side of membership: its members, its joining code, removing a member."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.utils import secure_filename

from p4p import access
from p4p.associations import drafts, service
from p4p.associations.draft_forms import StartDraftForm
from p4p.associations.forms import UploadForm
from p4p.benchmarks import service as benchmarks
from p4p.benchmarks import stats
from p4p.catalogue import MAX_FILE_BYTES, ChecklistInvalid, publishing
from p4p.extensions import discard_changes
from p4p.forms import ConfirmForm
from p4p.reports import briefing
from p4p.reports.routes import Addresses, send_document
from p4p.spreadsheets import csv_response

bp = access.protect(Blueprint("association", __name__, url_prefix="/association"))


@bp.get("/")
@access.rule(access.ASSOCIATION_READ)
def index():
    organisation = access.current_organisation()
    members, allowing = service.member_counts(organisation.id)
    return render_template(
        "associations/index.html",
        organisation=organisation,
        members=members,
        allowing=allowing,
        code=service.joining_code(organisation.id),
    )


@bp.get("/members")
@access.rule(access.ASSOCIATION_READ)
def members():
    organisation = access.current_organisation()
    return render_template(
        "associations/members.html",
        members=service.members_of(organisation.id, request.args.get("page", 1, type=int)),
        code=service.joining_code(organisation.id),
        confirm_form=ConfirmForm(),
    )


@bp.post("/code/replace")
@access.rule(access.ASSOCIATION_MANAGE)
def replace_code():
    ConfirmForm().validate_on_submit()
    new = service.replace_joining_code(access.current_organisation().id)
    flash(
        f"Your new joining code is {new.code}. The old code no longer works; members stay members.",
        "success",
    )
    return redirect(url_for("association.members"))


@bp.post("/members/<id:member_id>/remove")
@access.rule(access.ASSOCIATION_MANAGE)
def remove(member_id: int):
    organisation_id = access.current_organisation().id
    try:
        member = service.membership_for_association(organisation_id, member_id)
    except LookupError:
        abort(404)
    if not ConfirmForm().validate_on_submit() or not member.is_active:
        abort(400 if member.is_active else 404)
    if request.form.get("confirmed") != "yes":
        # The Remove button asks first, on a page of its own (no script needed).
        return render_template(
            "associations/remove.html", member=member, confirm_form=ConfirmForm()
        )
    service.remove(organisation_id, member_id)
    flash(f"{member.provider.name} is no longer a member.", "success")
    return redirect(url_for("association.members"))


def _chosen_version(association_id: int):
    """The version asked for (?version=ID) among those with members' results, else the first."""
    versions = benchmarks.versions_with_results(association_id)
    wanted = request.args.get("version", type=int)
    chosen = next((v for v in versions if v.id == wanted), None)
    return versions, chosen or benchmarks.most_used(association_id, versions)


def _version_to_export(association_id: int):
    """The version the page shows, for its CSV and PDF; 404 when there is none to show."""
    _, chosen = _chosen_version(association_id)
    if chosen is None:
        abort(404)
    return chosen


@bp.get("/benchmarks")
@access.rule(access.ASSOCIATION_READ)
def benchmark_page():
    organisation = access.current_organisation()
    versions, chosen = _chosen_version(organisation.id)
    breakdown = request.args.get("by")
    result = benchmarks.benchmark(organisation.id, chosen, breakdown) if chosen else None
    members, allowing = service.member_counts(organisation.id)
    return render_template(
        "associations/benchmarks.html",
        versions=versions,
        chosen=chosen,
        result=result,
        breakdowns=benchmarks.BREAKDOWNS,
        members=members,
        allowing=allowing,
        min_group=stats.MIN_GROUP,
        min_breakdown=stats.MIN_BREAKDOWN,
        lens_rows=benchmarks.lens_rows,
    )


@bp.get("/benchmarks.csv")
@access.rule(access.ASSOCIATION_READ)
def benchmark_csv():
    organisation = access.current_organisation()
    chosen = _version_to_export(organisation.id)
    result = benchmarks.benchmark(organisation.id, chosen, request.args.get("by"))
    name = f"benchmarks_{chosen.checklist.key}_{chosen.version}.csv"
    return csv_response(benchmarks.CSV_HEADER, benchmarks.csv_rows(result), name)


@bp.get("/benchmarks.pdf")
@access.rule(access.ASSOCIATION_READ)
def benchmark_pdf():
    """The same figures as a PDF briefing for the association's board (by the render queue)."""
    organisation = access.current_organisation()
    chosen = _version_to_export(organisation.id)
    wanted = briefing.wanted(organisation, chosen, request.args.get("by"))
    query = {"version": chosen.id, "by": briefing.breakdown_of(request.args.get("by"))}
    addresses = Addresses(
        file=url_for("association.benchmark_pdf", **query),
        waiting=url_for("association.benchmark_pdf", waiting=1, **query),
        back=url_for("association.benchmark_page", **query),
        csv=url_for("association.benchmark_csv", **query),
        back_label="the benchmarks",
        csv_label="these figures as a spreadsheet (CSV)",
    )
    return send_document(wanted, addresses)


def _checklists_page(form: UploadForm | None = None, problems=(), status: int = 200):
    organisation = access.current_organisation()
    open_drafts = drafts.open_drafts()
    return (
        render_template(
            "associations/checklists.html",
            editions=publishing.editions_of(organisation.id),
            form=form or UploadForm(formdata=None),
            problems=problems,
            organisation=organisation,
            drafts={draft.checklist_id: draft for draft in open_drafts if not draft.is_variant},
            variant_drafts=[draft for draft in open_drafts if draft.is_variant],
            others=drafts.others_editions(organisation),
            start_form=StartDraftForm(formdata=None),
        ),
        status,
    )


@bp.get("/checklists")
@access.rule(access.ASSOCIATION_READ)
def checklists():
    return _checklists_page()


@bp.post("/checklists")
@access.rule(access.ASSOCIATION_MANAGE)
def upload():
    """Publish an uploaded checklist file: every problem is listed with its line and field,
    and nothing is saved until there are none."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _checklists_page(form, status=422)
    upload = form.file.data
    filename = secure_filename(upload.filename or "") or "checklist.yaml"
    try:
        data = upload.read(MAX_FILE_BYTES + 1)  # one byte more than allowed tells it is too big
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    try:
        version = publishing.publish_upload(
            access.current_organisation(), data, filename, form.summary.data, form.audience.data
        )
    except ChecklistInvalid as error:
        discard_changes()
        return _checklists_page(form, error.problems, 422)
    flash(f"{version.title}, version {version.version}, is published.", "success")
    return redirect(url_for("association.checklists"))
