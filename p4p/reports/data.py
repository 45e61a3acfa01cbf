"""Plain data for the PDF templates (never ORM objects): what each document says."""

from __future__ import annotations

from typing import Any

from p4p import scoring
from p4p.actions import service as actions
from p4p.assessments import service as assessments
from p4p.assessments.models import Assessment
from p4p.dates import day
from p4p.progress import charts
from p4p.progress import service as progress


def _common(assessment: Assessment) -> dict[str, Any]:
    version = assessment.version
    checklist = version.content
    ratings = assessments.ratings_by_key(assessment)
    result = assessments.result(assessment, ratings)
    today = actions.today()
    by_statement = actions.for_statements(
        assessment.organisation_id,
        version.checklist_id,
        [s.key for s in checklist.statements()],
        assessment_id=assessment.id,
    )
    sections = []
    for section in checklist.sections:
        rows = []
        for statement in section.statements:
            rating = ratings.get(statement.key)
            current = checklist.label_of(rating.scale_key) if rating else "Not rated"
            for action in by_statement.get(statement.key, []):
                rows.append(
                    {
                        "statement": statement.text,
                        "rating": current,
                        "what": action.what,
                        "lead": action.lead,
                        "due": day(action.due_on),
                        "status": action.status_enum.label,
                        "completed": day(action.completed_on),
                        "overdue": action.is_overdue(today),
                        "involvement": action.involvement,
                        "drop_reason": action.drop_reason,
                    }
                )
        if rows:
            sections.append({"title": section.title, "actions": rows})
    all_actions = [a for s in sections for a in s["actions"]]
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
        "action_count": len(all_actions),
        "overdue_count": sum(1 for a in all_actions if a["overdue"]),
        "generated_on": day(today),
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
    data = _public(common)
    data["document_title"] = f"Assessment report: {data['provider']}, {data['title']}"
    data["statement_sections"] = [
        {
            "title": section.title,
            "statements": [
                {
                    "text": s.text,
                    "stage": checklist.stage(s.stage).label if checklist.stage(s.stage) else "",
                    "rating": checklist.label_of(ratings[s.key].scale_key)
                    if s.key in ratings
                    else "Not rated",
                    "note": ratings[s.key].note if s.key in ratings else "",
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
    sections = history[-1].sections
    data["history"] = [
        {
            "title": s.title,
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
        charts.history_chart(history, title="Section scores over time", chart_id="report-chart")
    )
    data["changes"] = None
    if len(history) >= 2:
        this = None if assessment.is_completed else assessments.scale_keys(ratings)
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
            "actions_completed": [
                {"what": a.what, "lead": a.lead, "completed": day(a.completed_on)}
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
    }
