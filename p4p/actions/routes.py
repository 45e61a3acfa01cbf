"""Improvement actions: adding one from a gap, the organisation's action list, updating."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from p4p import access, ratelimits
from p4p.actions import service
from p4p.actions.forms import ActionForm, ActionUpdateForm
from p4p.actions.models import Action, ActionStatus
from p4p.assessments import service as assessments
from p4p.safe_redirect import is_local_path

bp = access.protect(Blueprint("actions", __name__))


@bp.route("/assessments/<id:assessment_id>/statements/<key>/actions/new", methods=["GET", "POST"])
@access.rule(access.ASSESSMENT_MANAGE)
def new(assessment_id: int, key: str):
    assessment = assessments.get_assessment(assessment_id)
    checklist = assessment.version.content
    statement = checklist.statement(key)
    if statement is None:
        abort(404)
    rating = assessments.ratings_by_key(assessment).get(statement.key)
    if rating is not None and rating.scale_key == checklist.top.key:
        abort(
            400,
            description="This statement is already at the top of the scale, so there is "
            "no gap to act on.",
        )
    # Asked before the form is shown too, so nobody fills it in for nothing.
    ratelimits.check(
        Action, assessment.organisation_id, "RATE_LIMIT_ACTIONS_PER_HOUR", "improvement actions"
    )
    form = ActionForm()
    if form.validate_on_submit():
        action = service.create(
            assessment,
            statement,
            current_user.id,
            what=form.what.data,
            lead=form.lead.data,
            due_on=form.due_on.data,
            involvement=form.involvement.data,
        )
        message = "Improvement action added."
        if action.due_on < service.today():
            message += " Its due date is in the past: check that is what you meant."
        flash(message, "success")
        target = request.args.get("next")
        if is_local_path(target):
            return redirect(target)
        return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "actions/new.html",
        form=form,
        assessment=assessment,
        checklist=checklist,
        statement=statement,
        rating=rating,
        existing=service.for_statements(
            assessment.organisation_id,
            assessment.version.checklist_id,
            [key],
            assessment_id=assessment.id,
        ).get(key, []),
    ), 422 if form.errors else 200


@bp.get("/actions/")
@access.rule(access.ASSESSMENT_READ)
def index():
    organisation_id = access.current_organisation().id
    args = request.args
    status = args.get("status", "open")
    if status not in {"", "open", *(s.value for s in ActionStatus)}:
        status = "open"
    criteria = service.ActionFilter(
        status=status,
        lead=args.get("lead", "")[:200],
        section=args.get("section", "")[:40],
        overdue=args.get("overdue") == "1",
        order="due-desc" if args.get("order") == "due-desc" else "due",
    )
    leads, sections = service.filter_choices(organisation_id)
    found = service.page(organisation_id, criteria, args.get("page", 1, type=int))
    return render_template(
        "actions/index.html",
        actions=found.items,
        pagination=found,
        criteria=criteria,
        leads=leads,
        sections=sections,
        statuses=list(ActionStatus),
        today=service.today(),
    )


@bp.get("/actions/<id:action_id>")
@access.rule(access.ASSESSMENT_READ)
def show(action_id: int):
    action = service.get_action(action_id)
    form = ActionUpdateForm(obj=action, formdata=None)
    return render_template("actions/show.html", action=action, form=form, today=service.today())


@bp.post("/actions/<id:action_id>")
@access.rule(access.ASSESSMENT_MANAGE)
def update(action_id: int):
    action = service.get_action(action_id)
    form = ActionUpdateForm()
    if form.validate_on_submit():
        changed = service.update(
            action,
            current_user.id,
            what=form.what.data,
            lead=form.lead.data,
            due_on=form.due_on.data,
            involvement=form.involvement.data,
            status=ActionStatus(form.status.data),
            drop_reason=form.drop_reason.data or "",
            completed_on=form.completed_on.data,
        )
        flash("Action updated." if changed else "Nothing had changed.", "success")
        return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "actions/show.html", action=action, form=form, today=service.today()
    ), 422
