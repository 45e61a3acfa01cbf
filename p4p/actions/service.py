"""Improvement actions: creating, changing (with history), finding. Functions flush only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from p4p import tenancy
from p4p.actions.models import OPEN_STATUSES, Action, ActionEvent, ActionStatus
from p4p.assessments.models import Assessment
from p4p.catalogue.content import StatementDef
from p4p.dates import day
from p4p.extensions import db
from p4p.timeutil import utcnow

PER_PAGE = 50


def today() -> date:
    return utcnow().date()


def get_action(action_id: int) -> Action:
    """An action within reach, with its history, or OutOfReach (404)."""
    return tenancy.get(
        Action, action_id, selectinload(Action.events).selectinload(ActionEvent.user)
    )


def create(
    assessment: Assessment,
    statement: StatementDef,
    by_user_id: int,
    *,
    what: str,
    lead: str,
    due_on: date,
    involvement: str = "",
) -> Action:
    section = assessment.version.content.section_of(statement.key)
    action = Action(
        organisation_id=assessment.organisation_id,
        checklist_id=assessment.version.checklist_id,
        statement_key=statement.key,
        statement_text=statement.text,
        section_key=section.key,
        section_title=section.title,
        assessment_id=assessment.id,
        what=what.strip(),
        lead=lead.strip(),
        due_on=due_on,
        involvement=(involvement or "").strip(),
        created_by_id=by_user_id,
    )
    action.events.append(
        ActionEvent(
            organisation_id=assessment.organisation_id,
            user_id=by_user_id,
            summary=f"Planned, due {day(due_on)}.",
        )
    )
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
    by_user_id: int,
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
                changes.append(f"Due date changed from {day(action.due_on)} to {day(value)}.")
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
            changes.append(f"Completed on {day(completed_on)}.")
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
    action.events.append(
        ActionEvent(
            organisation_id=action.organisation_id, user_id=by_user_id, summary=" ".join(changes)
        )
    )
    db.session.flush()
    return True


@dataclass(frozen=True)
class ActionFilter:
    status: str = ""  # "", "open", or an ActionStatus value
    lead: str = ""
    section: str = ""
    overdue: bool = False
    order: str = "due"  # "due" (soonest first) or "due-desc"


def query(organisation_id: int, criteria: ActionFilter) -> Select:
    statement = (
        select(Action)
        .where(Action.organisation_id == organisation_id)
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


def find(organisation_id: int, criteria: ActionFilter) -> list[Action]:
    return list(db.session.scalars(query(organisation_id, criteria)))


def page(organisation_id: int, criteria: ActionFilter, number: int) -> Pagination:
    """One page of the filtered list (a long list never renders whole)."""
    return db.paginate(
        query(organisation_id, criteria), page=number, per_page=PER_PAGE, error_out=False
    )


@dataclass(frozen=True)
class OpenCounts:
    open: int
    overdue: int


def open_counts(organisation_id: int) -> OpenCounts:
    """How many of the organisation's actions are open, and how many of those overdue (one
    query)."""
    overdue = case((Action.due_on < today(), 1), else_=0)
    row = db.session.execute(
        select(func.count(Action.id), func.coalesce(func.sum(overdue), 0)).where(
            Action.organisation_id == organisation_id, Action.status.in_(OPEN_STATUSES)
        )
    ).one()
    return OpenCounts(open=row[0], overdue=int(row[1]))


def filter_choices(organisation_id: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The leads and sections the organisation's actions use, for the filter menus."""
    rows = db.session.execute(
        select(Action.lead, Action.section_key, Action.section_title)
        .where(Action.organisation_id == organisation_id)
        .distinct()
    ).all()
    leads = sorted({row.lead for row in rows}, key=str.lower)
    sections = sorted({(row.section_key, row.section_title) for row in rows}, key=lambda s: s[1])
    return leads, sections


def for_statements(
    organisation_id: int,
    checklist_id: int,
    keys: Iterable[str],
    *,
    assessment_id: int | None = None,
) -> dict[str, list[Action]]:
    """Actions of an organisation and edition about these statements, by statement key:
    the open ones wherever they came from, and any made from the given assessment."""
    keys = list(keys)
    if not keys:
        return {}
    rows = db.session.scalars(
        select(Action)
        .where(
            Action.organisation_id == organisation_id,
            Action.checklist_id == checklist_id,
            Action.statement_key.in_(keys),
            Action.status.in_(OPEN_STATUSES) | (Action.assessment_id == assessment_id),
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
