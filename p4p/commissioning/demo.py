"""The demo commissioner, "Northshire County Council (demo)", and the homecare providers that
share with it: varied, realistic histories built from a seeded random source, so every run
builds the same picture (some improving, one slipping, one with no assessment for over a
year, some with overdue actions; summary and full scopes).

Called by `flask demo` after the demo provider exists; it adds the demo provider to those
sharing. Ratings and section results are inserted in bulk: the whole set takes well under a
second or two.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from p4p import scoring
from p4p.actions import service as actions
from p4p.actions.models import ActionStatus
from p4p.assessments.models import Assessment, AssessmentStatus, Rating
from p4p.assessments.service import store_results
from p4p.auth.models import Membership, Organisation, OrganisationKind, Role
from p4p.auth.service import create_user
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.sharing import service as sharing
from p4p.sharing.models import Scope, Share
from p4p.timeutil import utcnow

COMMISSIONER = "Northshire County Council (demo)"
COMMISSIONER_PEOPLE = [("commissioner@demo.example", "Priya Shah", Role.OWNER)]
SEED = 9


@dataclass(frozen=True)
class History:
    """A provider's story: (months ago, maturity from 0 to 1) for each completed assessment,
    oldest first (0 months ago: today, on the newest version); and whether it leaves some of
    its latest actions overdue."""

    name: str
    scope: Scope
    assessments: tuple[tuple[int, float], ...]
    overdue: bool = False


PROVIDERS = [
    History("Ashgrove Home Care (demo)", Scope.FULL, ((20, 0.35), (11, 0.55), (3, 0.8), (0, 0.85))),
    History(
        "Bramble Lane Care at Home (demo)",
        Scope.SUMMARY,
        ((15, 0.3), (8, 0.5), (2, 0.65), (0, 0.7)),
    ),
    # Slipping: the latest assessment is well below the one before.
    History(
        "Castleford Community Care (demo)",
        Scope.SUMMARY,
        ((16, 0.7), (9, 0.68), (2, 0.4)),
        overdue=True,
    ),
    # No assessment for over a year, and its last actions long overdue.
    History("Dovecote Homecare (demo)", Scope.SUMMARY, ((26, 0.4), (16, 0.5)), overdue=True),
    History("Elmbridge Support at Home (demo)", Scope.FULL, ((14, 0.8), (5, 0.85), (0, 0.88))),
    History("Fenwick Domiciliary Care (demo)", Scope.SUMMARY, ((1, 0.3),)),
    History(
        "Greenholme Care Services (demo)",
        Scope.SUMMARY,
        ((18, 0.2), (10, 0.4), (4, 0.55)),
        overdue=True,
    ),
    History("Hartley Home Support (demo)", Scope.FULL, ((12, 0.5), (6, 0.6), (0, 0.66))),
    History("Kestrel Care at Home (demo)", Scope.SUMMARY, ((9, 0.45), (3, 0.5), (0, 0.58))),
    History(
        "Larchfield Homecare (demo)",
        Scope.FULL,
        ((22, 0.25), (13, 0.35), (6, 0.5), (1, 0.7), (0, 0.75)),
    ),
    History("Meadowbank Care (demo)", Scope.SUMMARY, ((7, 0.6),)),
    History("Northgate Home Support (demo)", Scope.SUMMARY, ((10, 0.55), (2, 0.6)), overdue=True),
    History("Oakwood Community Care (demo)", Scope.FULL, ((19, 0.4), (8, 0.45))),
]
DEMO_PROVIDER_SCOPE = Scope.FULL

ACTION_TEXTS = [
    "Hold a team session on this practice and agree what changes in each person's plan.",
    "Ask people we support and their families what would make this better, then act on it.",
    "Add this to supervision for every care worker this quarter.",
    "Pilot it on one round first, then roll it out across the service.",
    "Update induction and the spot-check form so this is checked on every visit.",
    "Name a practice lead to coach colleagues and report at team meetings.",
]
LEADS = ["Registered manager", "Care coordinator", "Field supervisor", "Deputy manager"]
INVOLVEMENT = "Discuss it at the next forum for people we support and their families."
NOTES = {
    2: "In place for everyone we support; checked at spot checks and reviews.",
    1: "Happening for some people; not yet consistent across rounds.",
    0: "Not in place yet; raised at the last team meeting.",
}
SEASONS = {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring"}


def exists() -> bool:
    return (
        db.session.scalar(
            select(Organisation.id).where(
                Organisation.name == COMMISSIONER, Organisation.is_demo.is_(True)
            )
        )
        is not None
    )


def _title(when: datetime) -> str:
    season = SEASONS.get(when.month) or ("Summer" if when.month <= 8 else "Autumn")
    return f"{season} {when.year} review"


def _level(readiness: float, stage: int, maturity: float) -> int:
    """0, 1 or 2 (of a three-point scale): later stages need more maturity."""
    threshold = readiness * 0.7 + stage * 0.15
    if maturity > threshold + 0.1:
        return 2
    return 1 if maturity > threshold - 0.25 else 0


def build(password: str, demo_provider: Organisation) -> Organisation:
    """The commissioner, its sign-in, the sharing providers and their histories."""
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == "homecare"))
    rng = random.Random(SEED)  # noqa: S311 - demo content, not security
    now = utcnow()

    commissioner = Organisation(
        name=COMMISSIONER, kind=OrganisationKind.COMMISSIONER.value, is_demo=True
    )
    db.session.add(commissioner)
    for email, name, role in COMMISSIONER_PEOPLE:
        user = create_user(email, name, password)
        db.session.add(Membership(user=user, organisation=commissioner, role=role.value))
    providers = [Organisation(name=h.name, is_demo=True) for h in PROVIDERS]
    db.session.add_all(providers)
    db.session.flush()
    code = sharing.current_code(commissioner.id)

    shares = [(demo_provider, DEMO_PROVIDER_SCOPE, 60)]
    for organisation, history in zip(providers, PROVIDERS, strict=True):
        _history(organisation, history, checklist, rng, now)
        shares.append((organisation, history.scope, rng.randint(20, 300)))
    for organisation, scope, days_ago in shares:
        db.session.add(
            Share(
                provider_id=organisation.id,
                commissioner_id=commissioner.id,
                scope=scope.value,
                created_dt=now - timedelta(days=days_ago),
            )
        )
    code.created_dt = now - timedelta(days=400)
    db.session.flush()
    return commissioner


def version_on(checklist: Checklist, when: datetime) -> ChecklistVersion:
    """The version a provider would have used then: the newest published by that day (the
    earliest if none was yet)."""
    published = [v for v in checklist.versions if v.published <= when.date()]
    return published[-1] if published else checklist.versions[0]


def _history(
    organisation: Organisation,
    history: History,
    checklist: Checklist,
    rng: random.Random,
    now: datetime,
) -> None:
    readiness: dict[str, float] = {}
    made: list[tuple[Assessment, list]] = []
    for months_ago, maturity in history.assessments:
        if months_ago == 0:
            # Done today, on the newest version (so that some members are on each version).
            completed = now - timedelta(minutes=rng.randint(5, 50))
            version = checklist.versions[-1]
        else:
            completed = now - timedelta(days=round(months_ago * 30.4) + rng.randint(0, 9))
            version = version_on(checklist, completed)
        content = version.content
        stage_index = {stage.key: i for i, stage in enumerate(content.stages)}
        statements = list(content.statements())
        ids = {s.key: s.id for section in version.sections for s in section.statements}
        for statement in statements:
            readiness.setdefault(statement.key, rng.random())
        scale = [option.key for option in content.scale]
        levels = {0: scale[0], 1: scale[len(scale) // 2], 2: scale[-1]}
        assessment = Assessment(
            organisation_id=organisation.id,
            version=version,
            title=_title(completed),
            status=AssessmentStatus.COMPLETED.value,
            created_dt=completed - timedelta(days=rng.randint(14, 35)),
            completed_dt=completed,
        )
        db.session.add(assessment)
        db.session.flush()
        rated: dict[str, str] = {}
        rows = []
        gaps = []
        for statement in statements:
            level = _level(readiness[statement.key], stage_index.get(statement.stage, 0), maturity)
            rated[statement.key] = levels[level]
            if level < 2:
                gaps.append(statement)
            rows.append(
                {
                    "organisation_id": organisation.id,
                    "assessment_id": assessment.id,
                    "statement_id": ids[statement.key],
                    "scale_key": levels[level],
                    "note": NOTES[level],
                    "revision": 1,
                    "carried_over": False,
                    "updated_dt": completed - timedelta(days=rng.randint(1, 12)),
                }
            )
        db.session.execute(insert(Rating), rows)
        outcome = scoring.score(content, rated)
        assessment.stage_key = outcome.stage_reached.key if outcome.stage_reached else None
        assessment.points, assessment.possible = outcome.overall.points, outcome.overall.possible
        db.session.add_all(store_results(assessment, outcome))
        made.append((assessment, gaps))
    _actions(made, history, rng, now)


def _actions(made, history: History, rng: random.Random, now) -> None:
    """After each assessment a few actions from its gaps: done before the next assessment
    (one dropped now and then), the latest ones open; overdue where the story says so."""
    today = now.date()
    for index, (assessment, gaps) in enumerate(made):
        following = made[index + 1][0].completed_dt.date() if index + 1 < len(made) else None
        start_day = assessment.completed_dt.date()
        for number, statement in enumerate(rng.sample(gaps, min(len(gaps), rng.randint(2, 4)))):
            due = start_day + timedelta(days=rng.randint(45, 150))
            if following is None and history.overdue and number < 2:
                due = min(due, today - timedelta(days=rng.randint(7, 60)))
            if following is None and not history.overdue and due < today:
                due = today + timedelta(days=rng.randint(14, 90))
            action = actions.create(
                assessment,
                statement,
                None,  # type: ignore[arg-type] - made by the demo, not by a person
                what=rng.choice(ACTION_TEXTS),
                lead=rng.choice(LEADS),
                due_on=due,
                involvement=INVOLVEMENT if number % 2 == 0 else "",
            )
            action.created_dt = assessment.completed_dt + timedelta(days=3)
            action.events[0].at_dt = action.created_dt
            if following is None:
                continue
            dropped = number == 2 and index == 0
            actions.update(
                action,
                None,  # type: ignore[arg-type]
                what=action.what,
                lead=action.lead,
                due_on=due,
                involvement=action.involvement,
                status=ActionStatus.DROPPED if dropped else ActionStatus.DONE,
                drop_reason="Replaced by a wider review of rotas." if dropped else "",
                completed_on=min(due, following - timedelta(days=rng.randint(5, 30))),
            )
            for event in action.events[1:]:
                event.at_dt = min(now, action.created_dt + timedelta(days=rng.randint(20, 90)))
