"""Improvement actions: creating, changing (with history), finding. Functions flush only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from p4p.access import current_organisation
from p4p.actions.models import OPEN_STATUSES, Action, ActionEvent, ActionStatus
from p4p.assessments.models import Assessment
from p4p.auth.models import Organisation, User
from p4p.catalogue.models import Statement
from p4p.extensions import db
from p4p.timeutil import utcnow


def today() -> date:
    return utcnow().date()


def get_action(action_id: int) -> Action:
    """An action of the signed-in user's organisation, or 404."""
    action = db.session.scalar(
        select(Action)
        .where(Action.id == action_id, Action.organisation_id == current_organisation().id)
        .options(selectinload(Action.events).selectinload(ActionEvent.user))
    )
    if action is None:
        abort(404)
    return action


def create(
    assessment: Assessment,
    statement: Statement,
    by: User,
    *,
    what: str,
    lead: str,
    due_on: date,
    involvement: str = "",
) -> Action:
    action = Action(
        organisation_id=assessment.organisation_id,
        checklist_id=assessment.version.checklist_id,
        statement_key=statement.key,
        statement_text=statement.text,
        section_key=statement.section.key,
        section_title=statement.section.title,
        assessment_id=assessment.id,
        what=what.strip(),
        lead=lead.strip(),
        due_on=due_on,
        involvement=(involvement or "").strip(),
        created_by=by,
    )
    action.events.append(ActionEvent(user=by, summary=f"Planned, due {_day(due_on)}."))
    db.session.add(action)
    db.session.flush()
    return action


FIELD_LABELS = {
    "what": "What we will do",
    "lead": "Lead",
    "due_on": "Due date",
    "involvement": "Involving people and families",
}


def update(
    action: Action,
    by: User,
    *,
    what: str,
    lead: str,
    due_on: date,
    involvement: str,
    status: ActionStatus,
    drop_reason: str = "",
    completed_on: date | None = None,
) -> bool:
    """Apply changes and record each in the history; returns whether anything changed."""
    changes: list[str] = []
    new_values = {
        "what": what.strip(),
        "lead": lead.strip(),
        "due_on": due_on,
        "involvement": (involvement or "").strip(),
    }
    for field_name, value in new_values.items():
        if getattr(action, field_name) != value:
            if field_name == "due_on":
                changes.append(f"Due date changed from {_day(action.due_on)} to {_day(value)}.")
            else:
                changes.append(f"{FIELD_LABELS[field_name]} changed.")
            setattr(action, field_name, value)

    if status != action.status_enum:
        changes.append(
            f"Status changed from {action.status_enum.label.lower()} to {status.label.lower()}."
        )
        action.status = status.value
    if status == ActionStatus.DONE:
        completed_on = completed_on or action.completed_on or today()
        if action.completed_on != completed_on:
            changes.append(f"Completed on {_day(completed_on)}.")
            action.completed_on = completed_on
    elif action.completed_on is not None:
        action.completed_on = None
    reason = drop_reason.strip() if status == ActionStatus.DROPPED else ""
    if reason != action.drop_reason:
        if reason:
            changes.append(f"Reason for dropping: {reason}")
        action.drop_reason = reason

    if not changes:
        return False
    action.updated_dt = utcnow()
    action.events.append(ActionEvent(user=by, summary=" ".join(changes)))
    db.session.flush()
    return True


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class ActionFilter:
    status: str = ""  # "", "open", or an ActionStatus value
    lead: str = ""
    section: str = ""
    overdue: bool = False
    order: str = "due"  # "due" (soonest first) or "due-desc"


def query(organisation: Organisation, criteria: ActionFilter) -> Select:
    statement = (
        select(Action)
        .where(Action.organisation_id == organisation.id)
        .options(selectinload(Action.checklist))
    )
    if criteria.status == "open":
        statement = statement.where(Action.status.in_(OPEN_STATUSES))
    elif criteria.status:
        statement = statement.where(Action.status == criteria.status)
    if criteria.lead:
        statement = statement.where(Action.lead == criteria.lead)
    if criteria.section:
        statement = statement.where(Action.section_key == criteria.section)
    if criteria.overdue:
        statement = statement.where(Action.status.in_(OPEN_STATUSES), Action.due_on < today())
    due = Action.due_on.desc() if criteria.order == "due-desc" else Action.due_on.asc()
    return statement.order_by(due, Action.id)


def find(organisation: Organisation, criteria: ActionFilter) -> list[Action]:
    return list(db.session.scalars(query(organisation, criteria)))


def filter_choices(organisation: Organisation) -> tuple[list[str], list[tuple[str, str]]]:
    """The leads and sections the organisation's actions use, for the filter menus."""
    rows = db.session.execute(
        select(Action.lead, Action.section_key, Action.section_title)
        .where(Action.organisation_id == organisation.id)
        .distinct()
    ).all()
    leads = sorted({row.lead for row in rows}, key=str.lower)
    sections = sorted({(row.section_key, row.section_title) for row in rows}, key=lambda s: s[1])
    return leads, sections


def for_statements(assessment: Assessment, keys: Iterable[str]) -> dict[str, list[Action]]:
    """Actions of this organisation and edition about these statements, by statement key:
    the open ones wherever they came from, and any made from this very assessment."""
    keys = list(keys)
    if not keys:
        return {}
    rows = db.session.scalars(
        select(Action)
        .where(
            Action.organisation_id == assessment.organisation_id,
            Action.checklist_id == assessment.version.checklist_id,
            Action.statement_key.in_(keys),
            Action.status.in_(OPEN_STATUSES) | (Action.assessment_id == assessment.id),
        )
        .order_by(Action.due_on, Action.id)
    )
    found: dict[str, list[Action]] = {}
    for action in rows:
        found.setdefault(action.statement_key, []).append(action)
    return found


def completed_between(organisation_id: int, checklist_id: int, start, end) -> list[Action]:
    """Actions completed after `start` (exclusive) and on or before `end` (dates)."""
    return list(
        db.session.scalars(
            select(Action)
            .where(
                Action.organisation_id == organisation_id,
                Action.checklist_id == checklist_id,
                Action.status == ActionStatus.DONE.value,
                Action.completed_on > start,
                Action.completed_on <= end,
            )
            .order_by(Action.completed_on, Action.id)
        )
    )
