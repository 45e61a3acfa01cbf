"""Plain data for the PDF templates (never ORM objects): what each document says.

What a document shows of people follows `tenancy.shows_personal`: to the provider itself and a
full-scope commissioner, evidence notes, action leads, how people are involved and reasons for
dropping an action; to a summary-scope commissioner none of these (they are left out of the
data, not only hidden by the template). Staff names (who completed or rated) are never shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from p4p import scoring, tenancy
from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.assessments import service as assessments
from p4p.assessments.models import Assessment
from p4p.dates import day
from p4p.progress import charts
from p4p.progress import service as progress


def _urgency(action: Action) -> tuple[bool, date, int]:
    """Open actions first, the soonest due (so the overdue) first; then the finished ones."""
    return (not action.is_open, action.due_on, action.id)


def actions_by_statement(assessment: Assessment) -> dict[str, list[Action]]:
    """The actions a document of this assessment is about, by statement key, most urgent first:
    the edition's open actions wherever they came from, and any made from this assessment."""
    found = actions.for_statements(
        assessment.organisation_id,
        assessment.version.checklist_id,
        [s.key for s in assessment.version.content.statements()],
        assessment_id=assessment.id,
    )
    return {key: sorted(rows, key=_urgency) for key, rows in found.items()}


def actions_per_statement() -> int:
    return int(current_app.config["PDF_ACTIONS_PER_STATEMENT"])


def csv_path(assessment: Assessment) -> str | None:
    """Where the provider downloads every action; only its own documents name it."""
    if tenancy.scope_of(assessment.organisation_id) != tenancy.OWN:
        return None
    return f"/assessments/{assessment.id}/actions.csv"


def _personal(text: str | None, personal: bool) -> str:
    return (text or "") if personal else ""


def _common(assessment: Assessment) -> dict[str, Any]:
    version = assessment.version
    checklist = version.content
    ratings = assessments.ratings_by_key(assessment)
    result = assessments.result(assessment, ratings)
    today = actions.today()
    by_statement = actions_by_statement(assessment)
    # What a document holds is bounded: at most this many actions for each statement (the most
    # urgent); the others are counted, and every one is in the CSV download.
    cap = actions_per_statement()
    personal = tenancy.shows_personal(assessment.organisation_id)
    sections = []
    every: list[Action] = []
    not_shown = 0
    for section in checklist.sections:
        rows: list[dict[str, Any]] = []
        for statement in section.statements:
            rating = ratings.get(statement.key)
            current = assessments.answer_label(checklist, rating)
            found = by_statement.get(statement.key, [])
            every.extend(found)
            for action in found[:cap]:
                rows.append(
                    {
                        "statement": statement.text,
                        "rating": current,
                        "what": action.what,
                        "lead": _personal(action.lead, personal),
                        "due": day(action.due_on),
                        "status": action.status_enum.label,
                        "completed": day(action.completed_on),
                        "overdue": action.is_overdue(today),
                        "involvement": _personal(action.involvement, personal),
                        "drop_reason": _personal(action.drop_reason, personal),
                    }
                )
            if len(found) > cap:
                not_shown += len(found) - cap
                rows.append({"statement": statement.text, "more": len(found) - cap})
        if rows:
            sections.append({"title": section.title, "actions": rows})
    return {
        "provider": assessment.organisation.name,
        "edition": version.title,
        "edition_key": checklist.key,
        "version": version.version,
        "title": assessment.title,
        "status": "Completed" if assessment.is_completed else "In progress",
        "completed_on": day(assessment.completed_dt.date()) if assessment.completed_dt else "",
        "stage": result.stage_reached.label if result.stage_reached else "No stage reached yet",
        "next_stage": result.next_stage.label if result.next_stage else "",
        "stage_rule": checklist.stage_rule,
        "score_rule": scoring.SCORE_RULE,
        "overall": {
            "points": result.overall.points,
            "possible": result.overall.possible,
            "percent": result.overall.percent,
        },
        "section_scores": [
            {"title": s.title, "points": s.points, "possible": s.possible, "percent": s.percent}
            for s in result.sections
        ],
        "action_sections": sections,
        # Shown on the cover of both documents, so that no statement quietly hides a gap.
        "not_applicable": [
            {"text": st.text, "section": checklist.section_of(st.key).title, "reason": why}
            for st, why in assessments.not_applicable_list(checklist, ratings)
        ],
        "action_count": len(every),
        "overdue_count": sum(1 for a in every if a.is_overdue(today)),
        "actions_per_statement": cap,
        "actions_not_shown": not_shown,
        "csv_path": csv_path(assessment),
        "generated_on": day(today),
        "personal": personal,
        "_ratings": ratings,
        "_result": result,
    }


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not k.startswith("_")}


def action_plan(assessment: Assessment) -> dict[str, Any]:
    data = _public(_common(assessment))
    data["document_title"] = f"Improvement action plan: {data['provider']}, {data['title']}"
    return data


def assessment_report(assessment: Assessment) -> dict[str, Any]:
    common = _common(assessment)
    ratings, result = common["_ratings"], common["_result"]
    version = assessment.version
    checklist = version.content
    personal = common["personal"]
    data = _public(common)
    data["document_title"] = f"Assessment report: {data['provider']}, {data['title']}"
    data["statement_sections"] = [
        {
            "title": section.title,
            "statements": [
                {
                    "text": s.text,
                    "stage": checklist.stage(s.stage).label if checklist.stage(s.stage) else "",
                    "rating": assessments.answer_label(checklist, ratings.get(s.key)),
                    "note": _personal(ratings[s.key].note, personal) if s.key in ratings else "",
                }
                for s in section.statements
            ],
        }
        for section in checklist.sections
    ]

    # Progress up to and including this assessment (a draft is shown as it stands), from the
    # stored scores, the newest HISTORY_LIMIT at most. The history is in completion order, so
    # cutting it at this assessment leaves out any completed after it, even on the same day.
    completed = progress.completed(
        assessment.organisation_id,
        version.checklist_id,
        limit=progress.HISTORY_LIMIT if assessment.is_completed else progress.HISTORY_LIMIT - 1,
        up_to=assessment if assessment.is_completed else None,
    )
    history = [progress.snapshot(a) for a in completed]
    if not assessment.is_completed:
        history.append(progress.snapshot(assessment, result))
    history = progress.mark_versions(history)
    sections = progress.section_rows(history)
    data["history"] = [
        {
            "title": s.title,
            "version": s.version,
            "new_version": s.new_version,
            "completed_on": day(s.completed_on)
            if s.id != assessment.id or assessment.is_completed
            else "in progress",
            "stage": s.stage_label,
            "overall": s.overall.percent,
            "sections": [s.section_percent(key) for key, _ in sections],
        }
        for s in history
    ]
    data["history_sections"] = [title for _, title in sections]
    data["chart"] = str(
        charts.history_chart(
            progress.marked_for_chart(history),
            title="Section scores over time",
            chart_id="report-chart",
            columns=2,
        )
    )
    data["changes"] = None
    if len(history) >= 2:
        this = (
            None
            if assessment.is_completed
            else {key: assessments.answer_of(rating) for key, rating in ratings.items()}
        )
        changes = progress.with_actions(
            progress.compare(history[-2], history[-1], after_ratings=this),
            assessment.organisation_id,
            version.checklist_id,
        )
        data["changes"] = {
            "before": changes.before.title,
            "after": changes.after.title,
            "counts": {
                k: len(getattr(changes, k)) for k in ("improved", "slipped", "stayed", "new")
            },
            "improved": [_change(c) for c in changes.improved],
            "slipped": [_change(c) for c in changes.slipped],
            "version_changed": changes.version_changed,
            "before_version": changes.before.version,
            "after_version": changes.after.version,
            "new": [_change(c) for c in changes.new],
            "removed": [_change(c) for c in changes.removed],
            "applies": [_change(c) for c in changes.applies],
            "actions_completed": [
                {
                    "what": a.what,
                    "lead": _personal(a.lead, personal),
                    "completed": day(a.completed_on),
                }
                for a in changes.actions_completed
            ],
        }
    return data


def _change(change: progress.StatementChange) -> dict[str, str]:
    return {
        "text": change.statement.text,
        "section": change.section_title,
        "before": change.before,
        "after": change.after,
        "relation": change.relation_words,
        "before_text": change.before_text,
        "reason": change.reason,
    }


CSV_HEADER = (
    "Section",
    "Statement",
    "Rated now",
    "What we will do",
    "Who leads it",
    "By when",
    "Status",
    "Completed on",
    "Overdue",
    "Involving people and families",
    "Reason for dropping",
)


def action_table(assessment: Assessment) -> list[tuple[str, ...]]:
    """Every action the action plan is about, uncapped, in the plan's order, as rows of text
    (dates as YYYY-MM-DD, which spreadsheets read as dates): the CSV download."""
    checklist = assessment.version.content
    ratings = assessments.ratings_by_key(assessment)
    by_statement = actions_by_statement(assessment)
    today = actions.today()
    rows = []
    for section in checklist.sections:
        for statement in section.statements:
            rating = ratings.get(statement.key)
            current = assessments.answer_label(checklist, rating)
            for action in by_statement.get(statement.key, []):
                rows.append(
                    (
                        section.title,
                        statement.text,
                        current,
                        action.what,
                        action.lead,
                        action.due_on.isoformat(),
                        action.status_enum.label,
                        action.completed_on.isoformat() if action.completed_on else "",
                        "Yes" if action.is_overdue(today) else "No",
                        action.involvement,
                        action.drop_reason,
                    )
                )
    return rows
