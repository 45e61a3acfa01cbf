"""The association's checklist editor: drafts of the next version of its editions, written in
the browser without JavaScript (the script only saves as you go), previewed as members will
see them, compared with the version they started from, and published. An association also
starts here a local variant of another publisher's edition (`adapt`): a draft of the first
version of an edition of its own, compared with the original it adapts.

Every change posts the draft's revision the page showed; a change made by someone else since
is never overwritten (409). A draft belongs to its association (tenancy): another
organisation's draft, or one already published, is 404. No route changes a published version.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from p4p import access
from p4p.assessments.forms import NOT_RATED, rating_form
from p4p.assessments.routes import Item
from p4p.associations import drafts
from p4p.associations.draft_forms import (
    AdaptForm,
    AddSectionForm,
    AddStatementForm,
    DetailsForm,
    MoveForm,
    PublishForm,
    RemoveForm,
    RevisionForm,
    SectionForm,
    StartDraftForm,
    VariantDetailsForm,
    statement_form,
    tag_field_name,
)
from p4p.associations.models import ChecklistDraft
from p4p.catalogue import ChecklistInvalid, queries, vocabularies
from p4p.catalogue.diff import diff
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db, discard_changes

bp = access.protect(Blueprint("drafts", __name__, url_prefix="/association/drafts"))

STALE = (
    "Someone else changed this draft while you were working, so your change was not saved. "
    "What you wrote is still in the form: reload the page to see their changes first, or save "
    "again to put yours over them."
)

NOT_MOVED = (
    "Someone else changed this draft while you were working, so nothing was moved. Here is "
    "the draft as it is now."
)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _draft(draft_id: int) -> ChecklistDraft:
    return drafts.get(draft_id)  # 404 when out of reach, or published (ended) already


def _section_or_404(draft: ChecklistDraft, key: str) -> dict[str, Any]:
    try:
        return draft.document["sections"][drafts.section_index(draft.document, key)]
    except LookupError:
        abort(404)


def _statement_or_404(draft: ChecklistDraft, key: str) -> tuple[dict, dict]:
    try:
        i, j = drafts.statement_place(draft.document, key)
    except LookupError:
        abort(404)
    section = draft.document["sections"][i]
    return section, section["statements"][j]


def _revision(form) -> int:
    """The revision the page showed; a form without a usable one no page sends (400)."""
    if form.revision.errors or form.csrf_token.errors:
        abort(400)
    return int(form.revision.data)


def _url(draft: ChecklistDraft, place: drafts.Place) -> str:
    if place.kind == "statement":
        url = url_for("drafts.statement", draft_id=draft.id, key=place.key)
    elif place.kind == "section":
        url = url_for("drafts.section", draft_id=draft.id, key=place.key)
    else:
        url = url_for("drafts.show", draft_id=draft.id)
    return url + (f"#{place.field}" if place.field else "")


# What each field of the editor's forms is called in a list of problems, so that a problem
# listed away from its page says which field to put right.
FIELD_NAMES = {
    "text": "Wording",
    "stage": "Stage",
    "guidance": "What it looks like at the top of the scale",
    "started": "What part-way looks like",
    "evidence": "Examples of evidence",
    "may_not_apply": "“Does not apply here”",
    "relation": "How it relates to the previous version",
    "origin": "The statement it comes from",
    "key": "Key",
    "title": "Title",
    "summary": "Summary",
    "licence": "Licence",
    "statements": "Statements",
}


def problem_list(draft: ChecklistDraft, found: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every problem of the draft with the page (and field) that puts it right."""
    items = []
    for path, messages in found.items():
        place = drafts.place_of(draft.document, path)
        name = "Tags" if place.field.startswith("tags_") else FIELD_NAMES.get(place.field)
        for message in messages:
            items.append(
                {
                    "url": _url(draft, place),
                    "where": place.label,
                    "message": f"{name}: {message}" if name else message,
                }
            )
    return items


def _labelled(form, here: dict[str, list[str]], labels: dict[str, str]) -> dict[str, list[str]]:
    """The validator's messages for a page, each after the label of the field it concerns."""
    result = {}
    for name, messages in here.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            label = field.label.text
        else:
            label = labels.get(name, name.replace("_", " ").capitalize() or "This page")
        result[name] = [f"{label}: {m}" for m in messages]
    return result


def _show_problems(form, here: dict[str, list[str]], labels: dict[str, str]) -> list[str]:
    """Put the validator's problems beside the fields of this page's form; the rest, which no
    one field holds, come back for the error summary."""
    rest = []
    for name, messages in _labelled(form, here, labels).items():
        field = form._fields.get(name) if name and name != "revision" else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            rest.extend(messages)
    return rest


def _edit_from(draft: ChecklistDraft, form, change, page, json: bool = False) -> tuple[Any, Any]:
    """Apply the change a page's form asks for: (its answer, None) once saved, otherwise
    (None, the answer saying why not: the page again, or JSON for the script)."""
    if not form.validate_on_submit():
        revision = _revision(form)
        if json:
            problems = {name: " ".join(errors) for name, errors in form.errors.items()}
            return None, (jsonify(revision=revision, problems=problems), 422)
        return None, page(form, status=422)
    try:
        return drafts.edit(draft, _revision(form), current_user.id, change), None
    except drafts.StaleDraft:
        if json:
            return None, (jsonify(message=STALE, revision=draft.revision), 409)
        form.revision.data = str(draft.revision)  # saving again puts theirs under this
        return None, page(form, status=409, stale=True)
    except drafts.EditRefused as refused:
        if json:
            problems = {refused.field: refused.message}
            return None, (jsonify(revision=draft.revision, problems=problems), 422)
        form[refused.field].errors = [refused.message]
        return None, page(form, status=422)


def _saved(draft: ChecklistDraft, form, change, kind: str, key: str | None, page, back: str) -> Any:
    """Save a page's form: JSON for the script (the new revision and the page's problems),
    otherwise back to the page, which shows them beside their fields."""
    json = _wants_json()
    _, refused = _edit_from(draft, form, change, page, json)
    if refused is not None:
        return refused
    if json:
        here = drafts.problems_at(draft.document, drafts.problems(draft), kind, key)
        problems = {name: " ".join(m) for name, m in _labelled(form, here, {}).items()}
        return jsonify(revision=draft.revision, problems=problems)
    flash("Saved.", "success")
    return redirect(back)


# --- starting and the draft's page ------------------------------------------------------------


@bp.post("/")
@access.rule(access.ASSOCIATION_MANAGE)
def start():
    """A draft of the next version of one of the association's editions, from its latest
    version (or the edition's open draft, if it has one)."""
    form = StartDraftForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = access.current_organisation()
    checklist = db.session.scalar(
        select(Checklist).where(
            Checklist.id == int(form.edition.data),
            Checklist.owner_organisation_id == organisation.id,
        )
    )
    if checklist is None or not checklist.versions:
        abort(404)
    draft = drafts.start_draft(organisation, checklist.versions[-1], current_user.id)
    return redirect(url_for("drafts.show", draft_id=draft.id))


def _visible_version(version_id: int) -> ChecklistVersion:
    """A published version the association can see, or 404."""
    organisation = access.current_organisation()
    version = db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist)
        .where(ChecklistVersion.id == version_id, queries.visible_to(organisation.id))
    )
    if version is None:
        abort(404)
    return version


@bp.route("/adapt/<id:version_id>", methods=["GET", "POST"])
@access.rule(access.ASSOCIATION_MANAGE)
def adapt(version_id: int):
    """Start a local variant of another publisher's version: its key and title, then the
    editor. An edition whose licence does not allow it says why, and offers no form."""
    original = _visible_version(version_id)
    organisation = access.current_organisation()
    rule = drafts.variant_rule(original)
    if request.method == "GET":
        form = AdaptForm(
            formdata=None,
            data={
                "key": drafts.suggested_key(original, organisation),
                "title": drafts.suggested_title(original, organisation),
            },
        )
        return _adapt_page(original, rule, form)
    form = AdaptForm()
    if not form.validate_on_submit():
        return _adapt_page(original, rule, form, 422)
    try:
        draft = drafts.start_variant(
            organisation, original, form.key.data, form.title.data, current_user.id
        )
    except drafts.EditRefused as refused:
        if refused.field in form:
            form[refused.field].errors = [refused.message]
        else:
            form.form_errors.append(refused.message)
        return _adapt_page(original, rule, form, 422)
    flash("Your variant is started: change what you need, then publish it.", "success")
    return redirect(url_for("drafts.show", draft_id=draft.id))


def _adapt_page(original: ChecklistVersion, rule, form: AdaptForm, status: int = 200):
    own = original.checklist.owner_organisation_id == access.current_organisation().id
    return (
        render_template("drafts/adapt.html", original=original, rule=rule, own=own, form=form),
        status,
    )


def _page(
    template: str,
    draft: ChecklistDraft,
    place: tuple,
    form,
    status: int,
    stale: bool,
    labels: dict[str, str],
    **context: Any,
):
    """An editor page with its form. A form shown as the draft stands (not one sent back with
    its own errors or after a refused save) shows the validator's problems of this page
    (`place`: kind and key) beside their fields, the rest in the error summary."""
    rest = []
    if not form.errors and not stale:
        here = drafts.problems_at(draft.document, drafts.problems(draft), *place)
        rest = _show_problems(form, here, labels)
    return (
        render_template(
            template,
            draft=draft,
            form=form,
            rest=rest,
            stale=stale,
            button=RevisionForm(formdata=None, revision=draft.revision),
            **context,
        ),
        status,
    )


def _details_form_class(draft: ChecklistDraft) -> type[DetailsForm]:
    """A variant chooses its licence, unless its original's licence decides it (ShareAlike)."""
    if drafts.is_variant(draft) and not drafts.variant_rule(draft.base_version).required_licence:
        return VariantDetailsForm
    return DetailsForm


def _show_page(draft: ChecklistDraft, form=None, status: int = 200, stale: bool = False, **forms):
    return _page(
        "drafts/show.html",
        draft,
        ("draft", None),
        form or _details_form_class(draft)(formdata=None, data=_details_data(draft)),
        status,
        stale,
        {},
        problems=problem_list(draft, drafts.problems(draft)),
        variant=drafts.is_variant(draft),
        rule=drafts.variant_rule(draft.base_version),
        add_form=forms.get("add_form") or AddSectionForm(formdata=None, revision=draft.revision),
    )


def _details_data(draft: ChecklistDraft) -> dict[str, Any]:
    return {
        "revision": draft.revision,
        "title": draft.document.get("title", ""),
        "summary": draft.document.get("summary", ""),
        "licence": draft.document.get("licence", ""),
    }


@bp.get("/<id:draft_id>")
@access.rule(access.ASSOCIATION_MANAGE)
def show(draft_id: int):
    return _show_page(_draft(draft_id))


@bp.post("/<id:draft_id>")
@access.rule(access.ASSOCIATION_MANAGE)
def save_details(draft_id: int):
    draft = _draft(draft_id)
    form = _details_form_class(draft)()
    licence = (form.licence.data or "") if "licence" in form else None
    change = drafts.set_details(form.title.data or "", form.summary.data or "", licence)
    return _saved(
        draft,
        form,
        change,
        "draft",
        None,
        lambda f, status, stale=False: _show_page(draft, f, status, stale),
        url_for("drafts.show", draft_id=draft.id),
    )


# --- sections --------------------------------------------------------------------------------


@bp.post("/<id:draft_id>/sections")
@access.rule(access.ASSOCIATION_MANAGE)
def add_section(draft_id: int):
    draft = _draft(draft_id)
    form = AddSectionForm()
    key, refused = _edit_from(
        draft,
        form,
        drafts.add_section(form.section_title.data or ""),
        lambda f, status, stale=False: _show_page(draft, None, status, stale, add_form=f),
    )
    if refused is not None:
        return refused
    flash("Section added: now add its first statement.", "success")
    return redirect(url_for("drafts.section", draft_id=draft.id, key=key))


def _moved(draft: ChecklistDraft, change, back: str):
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    step = -1 if form.direction.data == "up" else 1
    try:
        drafts.edit(draft, _revision(form), current_user.id, change(step))
    except drafts.StaleDraft:
        flash(NOT_MOVED, "error")
    return redirect(back)


@bp.post("/<id:draft_id>/sections/<key>/move")
@access.rule(access.ASSOCIATION_MANAGE)
def move_section(draft_id: int, key: str):
    draft = _draft(draft_id)
    _section_or_404(draft, key)
    return _moved(
        draft,
        lambda step: drafts.move_section(key, step),
        url_for("drafts.show", draft_id=draft.id) + "#sections",
    )


def _section_page(
    draft: ChecklistDraft, key: str, form=None, status: int = 200, stale=False, add_form=None
):
    section = _section_or_404(draft, key)
    form = form or SectionForm(
        formdata=None,
        data={
            "revision": draft.revision,
            "title": section.get("title", ""),
            "summary": section.get("summary", ""),
        },
    )
    return _page(
        "drafts/section.html",
        draft,
        ("section", key),
        form,
        status,
        stale,
        {"statements": "Statements", "key": "Key"},
        section=section,
        add_form=add_form or AddStatementForm(formdata=None, revision=draft.revision),
        # New since the version it started from (for a variant: not in the original).
        in_base={st.key for st in draft.base_version.content.statements()},
        prefix=drafts.key_prefix(draft.document),
    )


@bp.get("/<id:draft_id>/sections/<key>")
@access.rule(access.ASSOCIATION_MANAGE)
def section(draft_id: int, key: str):
    return _section_page(_draft(draft_id), key)


@bp.post("/<id:draft_id>/sections/<key>")
@access.rule(access.ASSOCIATION_MANAGE)
def save_section(draft_id: int, key: str):
    draft = _draft(draft_id)
    _section_or_404(draft, key)
    form = SectionForm()
    return _saved(
        draft,
        form,
        drafts.set_section(key, form.title.data or "", form.summary.data),
        "section",
        key,
        lambda f, status, stale=False: _section_page(draft, key, f, status, stale),
        url_for("drafts.section", draft_id=draft.id, key=key),
    )


@bp.route("/<id:draft_id>/sections/<key>/remove", methods=["GET", "POST"])
@access.rule(access.ASSOCIATION_MANAGE)
def remove_section(draft_id: int, key: str):
    draft = _draft(draft_id)
    section = _section_or_404(draft, key)
    base = drafts.previous(draft)
    statements = section.get("statements", [])
    kept = [st for st in statements if base and base.statement(st.get("key", ""))]
    return _remove(
        draft,
        drafts.remove_section(key, request.form.get("reason", ""), base),
        f"Remove the section “{section.get('title') or key}”?",
        kept,
        url_for("drafts.section", draft_id=draft.id, key=key),
        url_for("drafts.show", draft_id=draft.id),
        "Section removed.",
    )


def _remove(draft, change, title: str, kept: list, back: str, after: str, done: str):
    """The confirmation page (which asks why, when statements of the previous version go)
    and the removal."""

    def page(form, status: int = 200, stale: bool = False):
        return (
            render_template(
                "drafts/remove.html",
                draft=draft,
                form=form,
                title=title,
                kept=kept,
                back=back,
                stale=stale,
            ),
            status,
        )

    if request.method == "GET":
        return page(RemoveForm(formdata=None, revision=draft.revision))
    _, refused = _edit_from(draft, RemoveForm(), change, page)
    if refused is not None:
        return refused
    flash(done, "success")
    return redirect(after)


# --- statements ------------------------------------------------------------------------------


@bp.post("/<id:draft_id>/sections/<key>/statements")
@access.rule(access.ASSOCIATION_MANAGE)
def add_statement(draft_id: int, key: str):
    draft = _draft(draft_id)
    _section_or_404(draft, key)
    form = AddStatementForm()
    added, refused = _edit_from(
        draft,
        form,
        drafts.add_statement(key, form.text.data or "", form.key.data, drafts.used_keys(draft)),
        lambda f, status, stale=False: _section_page(draft, key, None, status, stale, add_form=f),
    )
    if refused is not None:
        return refused
    flash(
        f"Statement added with the key “{added}”: now write its guidance and evidence.",
        "success",
    )
    return redirect(url_for("drafts.statement", draft_id=draft.id, key=added))


@bp.post("/<id:draft_id>/statements/<key>/move")
@access.rule(access.ASSOCIATION_MANAGE)
def move_statement(draft_id: int, key: str):
    draft = _draft(draft_id)
    section, _ = _statement_or_404(draft, key)
    return _moved(
        draft,
        lambda step: drafts.move_statement(key, step),
        url_for("drafts.section", draft_id=draft.id, key=section["key"]) + "#statements",
    )


@bp.route("/<id:draft_id>/statements/<key>/remove", methods=["GET", "POST"])
@access.rule(access.ASSOCIATION_MANAGE)
def remove_statement(draft_id: int, key: str):
    draft = _draft(draft_id)
    section, statement = _statement_or_404(draft, key)
    base = drafts.previous(draft)
    back = url_for("drafts.section", draft_id=draft.id, key=section["key"])
    return _remove(
        draft,
        drafts.remove_statement(key, request.form.get("reason", ""), base),
        f"Remove the statement “{drafts.short(str(statement.get('text') or key))}”?",
        [statement] if base and base.statement(key) else [],
        url_for("drafts.statement", draft_id=draft.id, key=key),
        back,
        "Statement removed.",
    )


def _statement_data(draft: ChecklistDraft, statement: dict[str, Any]) -> dict[str, Any]:
    origins = statement.get("from") or []
    origin = origins[0] if origins and isinstance(origins[0], dict) else {}
    tags = statement.get("tags") or {}
    data = {
        "revision": draft.revision,
        "text": statement.get("text", ""),
        "stage": statement.get("stage", ""),
        "guidance": statement.get("guidance", ""),
        "started": statement.get("started", ""),
        "evidence": "\n".join(str(e) for e in statement.get("evidence") or []),
        "may_not_apply": bool(statement.get("may-not-apply")),
        "relation": origin.get("relation", drafts.NEW) if origin else drafts.NEW,
        "origin": origin.get("key", ""),
    }
    for scheme in vocabularies():
        data[tag_field_name(scheme)] = list(tags.get(scheme) or [])
    return data


def _statement_page(draft, key: str, form=None, status: int = 200, stale: bool = False):
    section, statement = _statement_or_404(draft, key)
    base = drafts.previous(draft)
    if form is None:
        data = _statement_data(draft, statement)
        data["section"] = section.get("key", "")
        form = statement_form(draft.document, base, formdata=None, data=data)
    return _page(
        "drafts/statement.html",
        draft,
        ("statement", key),
        form,
        status,
        stale,
        {"key": "Key", "tags": "Tags"},
        section=section,
        statement=statement,
        base_statement=base.statement(key) if base else None,
        original_statement=draft.base_version.content.statement(key) if not base else None,
        vocabularies=vocabularies(),
        tag_field_name=tag_field_name,
    )


@bp.get("/<id:draft_id>/statements/<key>")
@access.rule(access.ASSOCIATION_MANAGE)
def statement(draft_id: int, key: str):
    return _statement_page(_draft(draft_id), key)


@bp.post("/<id:draft_id>/statements/<key>")
@access.rule(access.ASSOCIATION_MANAGE)
def save_statement(draft_id: int, key: str):
    draft = _draft(draft_id)
    _statement_or_404(draft, key)
    form = statement_form(draft.document, drafts.previous(draft))
    relates = "relation" in form
    fields = drafts.StatementFields(
        text=form.text.data or "",
        stage=form.stage.data if "stage" in form else None,
        guidance=form.guidance.data or "",
        started=form.started.data,
        evidence=(form.evidence.data or "").splitlines(),
        tags={scheme: form[tag_field_name(scheme)].data or [] for scheme in vocabularies()},
        may_not_apply=bool(form.may_not_apply.data),
        relation=(form.relation.data if relates else None) or drafts.NEW,
        origin=form.origin.data if relates else None,
        section=form.section.data or None,
    )
    return _saved(
        draft,
        form,
        drafts.set_statement(key, fields, relates),
        "statement",
        key,
        lambda f, status, stale=False: _statement_page(draft, key, f, status, stale),
        url_for("drafts.statement", draft_id=draft.id, key=key),
    )


# --- preview, changes, publishing -------------------------------------------------------------


def _checked(draft: ChecklistDraft) -> tuple[Any, list[dict[str, str]]]:
    """The draft as a checklist and no problems, or None and its problems (with links)."""
    try:
        return drafts.definition(draft), []
    except drafts.DraftInvalid as invalid:
        return None, problem_list(draft, invalid.problems)


@bp.get("/<id:draft_id>/preview")
@access.rule(access.ASSOCIATION_MANAGE)
def preview(draft_id: int):
    """The draft as members will see it (the catalogue's own template), once it is valid."""
    draft = _draft(draft_id)
    content, problems = _checked(draft)
    return render_template("drafts/preview.html", draft=draft, content=content, problems=problems)


@bp.get("/<id:draft_id>/changes")
@access.rule(access.ASSOCIATION_MANAGE)
def changes(draft_id: int):
    """What changed from the version the draft started from: the members' "what changed"; for
    a variant, what the association changed from the original it adapts."""
    draft = _draft(draft_id)
    content, problems = _checked(draft)
    found = diff(draft.base_version.content, content) if content is not None else None
    return render_template(
        "drafts/changes.html",
        draft=draft,
        diff=found,
        problems=problems,
        variant=drafts.is_variant(draft),
    )


@bp.route("/<id:draft_id>/publish", methods=["GET", "POST"])
@access.rule(access.ASSOCIATION_MANAGE)
def publish(draft_id: int):
    draft = _draft(draft_id)
    try:
        proposal = drafts.proposed_version(draft)
    except drafts.DraftInvalid as invalid:
        # Nothing to publish until it is valid: the page lists what to put right.
        status = 422 if request.method == "POST" else 200
        return _publish_page(draft, None, None, problem_list(draft, invalid.problems), status)
    if request.method == "GET":
        form = PublishForm(
            formdata=None,
            data={
                "revision": draft.revision,
                "version": proposal.version,
                "audience": draft.checklist.audience if draft.checklist else "members",
            },
        )
        return _publish_page(draft, proposal, form)
    form = PublishForm()
    if not form.validate_on_submit():
        _revision(form)
        return _publish_page(draft, proposal, form, status=422)
    try:
        version = drafts.publish(
            draft,
            form.version.data.strip(),
            form.summary.data,
            form.audience.data,
            _revision(form),
        )
    except drafts.StaleDraft:
        discard_changes()
        form.revision.data = str(draft.revision)
        return _publish_page(draft, proposal, form, status=409, stale=True)
    except drafts.WrongVersion as wrong:
        discard_changes()
        form.version.errors = [wrong.message]
        return _publish_page(draft, proposal, form, status=422)
    except ChecklistInvalid as refused:
        discard_changes()
        form.form_errors.extend(p.message[:1].upper() + p.message[1:] for p in refused.problems)
        return _publish_page(draft, proposal, form, status=422)
    flash(f"{version.title}, version {version.version}, is published.", "success")
    return redirect(url_for("association.checklists"))


def _publish_page(draft, proposal, form, problems=(), status: int = 200, stale: bool = False):
    return (
        render_template(
            "drafts/publish.html",
            draft=draft,
            proposal=proposal,
            form=form,
            problems=problems,
            stale=stale,
            variant=drafts.is_variant(draft),
        ),
        status,
    )


@bp.route("/<id:draft_id>/discard", methods=["GET", "POST"])
@access.rule(access.ASSOCIATION_MANAGE)
def discard(draft_id: int):
    draft = _draft(draft_id)
    form = RevisionForm(formdata=None, revision=draft.revision)
    if request.method == "POST":
        form = RevisionForm()
        if not form.validate_on_submit():
            abort(400)
        drafts.discard(draft)
        flash("The draft is discarded. The published versions are as they were.", "success")
        return redirect(url_for("association.checklists"))
    return render_template("drafts/discard.html", draft=draft, form=form)


@dataclass(frozen=True)
class _PreviewAssessment:
    """What the members' rating page template reads of an assessment, for a draft that has
    none: its content, no id (nothing is saved from a preview) and no earlier assessment."""

    version: Any
    id: int = 0
    started_from: None = None
    organisation_id: None = None


@bp.get("/<id:draft_id>/preview/sections/<key>")
@access.rule(access.ASSOCIATION_MANAGE)
def preview_section(draft_id: int, key: str):
    """One section as members will rate it: the rating page's own statement template, its
    form shown but disabled (a preview saves nothing)."""
    draft = _draft(draft_id)
    content, problems = _checked(draft)
    if content is None:
        return render_template("drafts/preview.html", draft=draft, content=None, problems=problems)
    index = next((i for i, s in enumerate(content.sections) if s.key == key), None)
    if index is None:
        abort(404)
    section = content.sections[index]
    items = [
        Item(st, rating_form(st.key, content, formdata=None, data={"scale": NOT_RATED}), None)
        for st in section.statements
    ]
    return render_template(
        "drafts/preview_section.html",
        draft=draft,
        content=content,
        section=section,
        previous=content.sections[index - 1] if index > 0 else None,
        following=content.sections[index + 1] if index + 1 < len(content.sections) else None,
        items=items,
        assessment=_PreviewAssessment(version=SimpleNamespace(content=content)),
        editable=True,
        actions={},
    )
