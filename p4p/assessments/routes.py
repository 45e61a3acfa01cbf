"""Starting, rating, completing and reading self-assessments."""

from __future__ import annotations

from dataclasses import dataclass

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
from werkzeug.datastructures import MultiDict

from p4p import access, ratelimits, scoring
from p4p.actions import service as actions
from p4p.assessments import service
from p4p.assessments.forms import (
    NOT_APPLICABLE,
    NOT_RATED,
    NewAssessmentForm,
    RatingForm,
    SectionForm,
    StatementSaveForm,
    rating_form,
)
from p4p.assessments.models import Assessment, Rating
from p4p.catalogue import queries
from p4p.catalogue.content import ChecklistDef, SectionDef, StatementDef
from p4p.forms import ConfirmForm

bp = access.protect(Blueprint("assessments", __name__, url_prefix="/assessments"))


@bp.get("/")
@access.rule(access.ASSESSMENT_READ)
def index():
    assessments = service.list_assessments(access.current_organisation().id)
    return render_template("assessments/index.html", assessments=assessments)


@bp.route("/new", methods=["GET", "POST"])
@access.rule(access.ASSESSMENT_MANAGE)
def new():
    # Asked before the form is shown too, so nobody fills it in for nothing.
    ratelimits.check(
        Assessment,
        access.current_organisation().id,
        "RATE_LIMIT_ASSESSMENTS_PER_HOUR",
        "assessments",
    )
    versions = queries.latest_versions(access.current_organisation().id)
    form = NewAssessmentForm()
    form.set_versions(versions)
    # Nothing completed yet: there is nothing to start from, so the choice is not offered.
    offer_previous = service.has_completed(access.current_organisation().id)
    if request.method == "GET" and request.args.get("edition"):
        chosen = next((v for v in versions if v.checklist.key == request.args["edition"]), None)
        if chosen is not None:
            form.edition.data = str(chosen.id)
    if form.validate_on_submit():
        version = next(v for v in versions if str(v.id) == form.edition.data)
        organisation = access.current_organisation()
        previous = None
        if form.start_from.data == "previous":
            previous = service.last_completed(organisation.id, version.checklist_id)
            if previous is None:
                form.start_from.errors.append(
                    f"There is no completed assessment of “{version.title}” to start from yet. "
                    "Choose a blank assessment."
                )
                return render_template(
                    "assessments/new.html",
                    form=form,
                    versions=versions,
                    offer_previous=offer_previous,
                ), 422
        assessment = service.start(
            organisation.id, version, form.title.data, current_user.id, previous=previous
        )
        flash(
            f"“{assessment.title}” has started. Work through the sections in any order.", "success"
        )
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    status = 422 if form.errors else 200
    return render_template(
        "assessments/new.html", form=form, versions=versions, offer_previous=offer_previous
    ), status


@bp.get("/<id:assessment_id>")
@access.rule(access.ASSESSMENT_READ)
def show(assessment_id: int):
    assessment = service.get_assessment(assessment_id)
    ratings = service.ratings_by_key(assessment)
    outcome = service.result(assessment, ratings)
    checklist = assessment.version.content
    return render_template(
        "assessments/show.html",
        assessment=assessment,
        result=outcome,
        review=service.review_list(checklist, ratings),
        not_applicable=service.not_applicable_list(checklist, ratings),
        left_behind=service.left_behind(assessment),
        sections=zip(assessment.version.content.sections, outcome.sections, strict=True),
        confirm_form=ConfirmForm(),
    )


@dataclass
class Item:
    """One statement on a section page, with its form and what is saved."""

    statement: StatementDef
    form: RatingForm
    rating: Rating | None
    conflict: Rating | None = None
    saved: bool = False


def _section(
    assessment: Assessment, key: str
) -> tuple[SectionDef, SectionDef | None, SectionDef | None]:
    sections = assessment.version.content.sections
    index = next((i for i, s in enumerate(sections) if s.key == key), None)
    if index is None:
        abort(404)
    previous = sections[index - 1] if index > 0 else None
    following = sections[index + 1] if index + 1 < len(sections) else None
    return sections[index], previous, following


def _saved_data(rating: Rating | None) -> dict:
    if rating is None:
        return {"scale": NOT_RATED, "note": "", "revision": "0"}
    not_applicable = rating.not_applicable_reason is not None
    return {
        "scale": NOT_APPLICABLE if not_applicable else rating.scale_key or NOT_RATED,
        "note": rating.note,
        "reason": rating.not_applicable_reason or "",
        "revision": str(rating.revision),
    }


def _render_section(assessment, section, items, status=200, message=None):
    _, previous, following = _section(assessment, section.key)
    return (
        render_template(
            "assessments/section.html",
            assessment=assessment,
            section=section,
            previous=previous,
            following=following,
            items=items,
            section_form=SectionForm(),
            statement_form=StatementSaveForm(),
            message=message,
            rated=sum(1 for i in items if service.answered(i.rating)),
            carried=sum(
                1
                for i in items
                if i.rating
                and i.rating.carried_over
                and i.rating.scale_key
                and not service.in_review(i.rating)
            ),
            confirm_form=ConfirmForm(),
            actions=actions.for_statements(
                assessment.organisation_id,
                assessment.version.checklist_id,
                [i.statement.key for i in items],
                assessment_id=assessment.id,
            ),
            today=actions.today(),
        ),
        status,
    )


@bp.get("/<id:assessment_id>/sections/<key>")
@access.rule(access.ASSESSMENT_READ)
def section(assessment_id: int, key: str):
    assessment = service.get_assessment(assessment_id)
    section, _, _ = _section(assessment, key)
    ratings = service.ratings_by_key(assessment)
    checklist = assessment.version.content
    items = []
    for statement in section.statements:
        rating = ratings.get(statement.key)
        form = rating_form(statement.key, checklist, data=_saved_data(rating))
        items.append(Item(statement, form, rating))
    return _render_section(assessment, section, items)


def _validated(form: RatingForm) -> bool:
    """Validate a submitted rating form: False when a person must correct something (the
    note); a value no real page could send (scale, revision, choice) is refused with 400."""
    valid = form.validate()
    if form.tampered:
        abort(400, description="The page sent a rating this checklist cannot take.")
    return valid


@bp.errorhandler(service.AssessmentGone)
def _gone(error: service.AssessmentGone):
    abort(410, description="This draft was deleted by a colleague: nothing more can be saved.")


def _editable(assessment: Assessment) -> None:
    if not assessment.is_draft:
        abort(403, description="This assessment is completed: it is a record and cannot change.")


def _draft_to_save_into(assessment_id: int) -> Assessment:
    """The draft, held in share mode, so that completing or deleting it waits for this save."""
    assessment = service.get_assessment(assessment_id, lock="share")
    _editable(assessment)
    return assessment


@bp.post("/<id:assessment_id>/sections/<key>")
@access.rule(access.ASSESSMENT_RATE)
def save_section(assessment_id: int, key: str):
    assessment = _draft_to_save_into(assessment_id)
    section, _, following = _section(assessment, key)
    if not SectionForm().validate_on_submit():
        abort(400)
    checklist = assessment.version.content
    ratings = service.ratings_by_key(assessment)
    items, submitted = [], set()
    for statement in section.statements:
        form = rating_form(statement.key, checklist, formdata=request.form)
        items.append(Item(statement, form, ratings.get(statement.key)))
        if f"{form._prefix}revision" in request.form:
            submitted.add(statement.key)
    invalid = [item for item in items if item.statement.key in submitted]
    invalid = [item for item in invalid if not _validated(item.form)]
    if invalid:
        return _render_section(
            assessment,
            section,
            items,
            status=422,
            message="Nothing in this section was saved yet: please correct what is marked below.",
        )

    conflicts = 0
    for item in items:
        if item.statement.key not in submitted:
            continue
        form = item.form
        if form.resolve.data == "theirs" and item.rating is not None:
            # item.rating was read at the start of this request: it is the colleague's version.
            _reset(item, checklist)
            continue
        outcome = service.save_rating(
            assessment,
            item.statement,
            form.scale_key,
            form.note.data or "",
            int(form.revision.data),
            current_user.id,
            bool(form.confirm.data),
            not_applicable_reason=form.not_applicable_reason,
        )
        if outcome.conflict is not None:
            conflicts += 1
            item.conflict = outcome.conflict
            form.revision.data = str(outcome.conflict.revision)
            form.resolve.data = "mine"
        else:
            item.saved = outcome.changed
            form.revision.data = str(outcome.revision)
    if conflicts:
        # The section's other ratings are saved (and committed); these need a choice.
        saved = service.ratings_by_key(assessment)
        for item in items:
            if item.conflict is None:
                item.rating = saved.get(item.statement.key)
        return _render_section(
            assessment,
            section,
            items,
            status=409,
            message=(
                f"{conflicts} statement(s) were changed by a colleague while you were working. "
                "Your other changes are saved. Choose which version to keep for each statement "
                "marked below, then save again."
            ),
        )
    flash(f"Saved your ratings for “{section.title}”.", "success")
    if request.form.get("then") == "next" and following is not None:
        return redirect(
            url_for("assessments.section", assessment_id=assessment.id, key=following.key)
        )
    return redirect(url_for("assessments.section", assessment_id=assessment.id, key=section.key))


def _reset(item: Item, checklist) -> None:
    """Show the colleague's saved version in the form: the person chose to keep theirs."""
    item.form = rating_form(item.statement.key, checklist, data=_saved_data(item.rating))


@bp.post("/<id:assessment_id>/sections/<key>/confirm-carried-over")
@access.rule(access.ASSESSMENT_RATE)
def confirm_carried_over(assessment_id: int, key: str):
    assessment = _draft_to_save_into(assessment_id)
    section, _, _ = _section(assessment, key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    confirmed = service.confirm_carried_over(assessment, section.key, current_user.id)
    flash(
        f"Confirmed {confirmed} carried-over rating{'s' if confirmed != 1 else ''} "
        f"in “{section.title}”.",
        "success",
    )
    return redirect(url_for("assessments.section", assessment_id=assessment.id, key=section.key))


@bp.post("/<id:assessment_id>/statements/<key>")
@access.rule(access.ASSESSMENT_RATE)
def save_statement(assessment_id: int, key: str):
    """Saves one statement as it changes (the page's script); answers in JSON."""
    assessment = service.get_assessment(assessment_id, lock="share")
    checklist = assessment.version.content
    statement = checklist.statement(key)
    if statement is None:
        abort(404)
    _editable(assessment)
    if not StatementSaveForm().validate_on_submit():
        abort(400)
    form = rating_form(statement.key, checklist, formdata=request.form)
    if not _validated(form):
        return jsonify(status="invalid", errors=form.errors), 422
    scale_key, note = form.scale_key, form.note.data or ""
    outcome = service.save_rating(
        assessment,
        statement,
        scale_key,
        note,
        int(form.revision.data),
        current_user.id,
        bool(form.confirm.data),
        not_applicable_reason=form.not_applicable_reason,
    )
    if outcome.conflict is not None:
        conflict_form = rating_form(
            statement.key,
            checklist,
            formdata=MultiDict(
                {
                    f"{statement.key}-scale": form.scale.data or NOT_RATED,
                    f"{statement.key}-note": note,
                    f"{statement.key}-reason": form.reason.data or "",
                    f"{statement.key}-revision": str(outcome.conflict.revision),
                    f"{statement.key}-resolve": "mine",
                }
            ),
        )
        item = Item(statement, conflict_form, outcome.conflict, conflict=outcome.conflict)
        html = render_template(
            "assessments/_statement.html", item=item, assessment=assessment, editable=True
        )
        return jsonify(status="conflict", html=html), 409
    return jsonify(
        status="saved" if outcome.changed else "unchanged",
        revision=outcome.revision,
        carried_over=outcome.carried_over,
        saved_at=outcome.saved_dt.isoformat() if outcome.saved_dt else None,
    )


@bp.route("/<id:assessment_id>/complete", methods=["GET", "POST"])
@access.rule(access.ASSESSMENT_MANAGE)
def complete(assessment_id: int):
    assessment = service.get_assessment(assessment_id)
    if not assessment.is_draft:
        return redirect(url_for("assessments.result", assessment_id=assessment.id))
    form = ConfirmForm()
    checklist = assessment.version.content
    ratings = service.ratings_by_key(assessment)
    unrated = service.unrated_statements(checklist, ratings)
    review = service.review_list(checklist, ratings)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            service.complete(assessment, current_user.id)
        except service.Incomplete as error:
            unrated, review, status = error.unrated, error.review, 422
        except service.AssessmentLocked:
            return redirect(url_for("assessments.result", assessment_id=assessment.id))
        else:
            flash(f"“{assessment.title}” is complete. Here is where you stand.", "success")
            return redirect(url_for("assessments.result", assessment_id=assessment.id))
    carried = [
        statement
        for statement in checklist.statements()
        if statement.key in ratings
        and ratings[statement.key].carried_over
        and not service.in_review(ratings[statement.key])
    ]
    return render_template(
        "assessments/complete.html",
        assessment=assessment,
        checklist=checklist,
        unrated=_by_section(checklist, unrated),
        unrated_count=len(unrated),
        review=_by_section(checklist, review),
        review_count=len(review),
        carried=_by_section(checklist, carried),
        carried_count=len(carried),
        form=form,
    ), status


def _by_section(
    checklist: ChecklistDef, statements: list[StatementDef]
) -> list[tuple[SectionDef, list[StatementDef]]]:
    """`statements` grouped by section, in the checklist's order (no empty groups)."""
    keys = {statement.key for statement in statements}
    groups = [
        (section, [s for s in section.statements if s.key in keys])
        for section in checklist.sections
    ]
    return [(section, found) for section, found in groups if found]


@bp.get("/<id:assessment_id>/result")
@access.rule(access.ASSESSMENT_READ)
def result(assessment_id: int):
    assessment = service.get_assessment(assessment_id)
    ratings = service.ratings_by_key(assessment)
    outcome = service.result(assessment, ratings)
    checklist = assessment.version.content
    return render_template(
        "assessments/result.html",
        assessment=assessment,
        checklist=checklist,
        result=outcome,
        not_applicable=service.not_applicable_list(checklist, ratings),
        score_rule=scoring.SCORE_RULE,
        actions=actions.for_statements(
            assessment.organisation_id,
            assessment.version.checklist_id,
            [b.key for b in outcome.blockers],
            assessment_id=assessment.id,
        ),
        today=actions.today(),
    )


@bp.post("/<id:assessment_id>/delete")
@access.rule(access.ASSESSMENT_MANAGE)
def delete(assessment_id: int):
    assessment = service.get_assessment(assessment_id, lock="update")
    _editable(assessment)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = assessment.title
    service.delete_draft(assessment)
    flash(f"The draft “{title}” was deleted.", "success")
    return redirect(url_for("assessments.index"))
