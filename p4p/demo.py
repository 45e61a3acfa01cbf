"""flask demo: a demonstration homecare provider whose assessments show real progress.

Ratings are drawn from a seeded random source so every run builds the same story: each
statement has a fixed "readiness", and the chance of being at the top of the scale rises at
each assessment, faster for the earlier stages.

The completed assessments use homecare 1.0.0 (the version the demo's story began with); when a
newer version is loaded, the draft is on the newest, started from the last completed one, so
its answers are carried across versions and a few wait in its review list.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from p4p import tenancy
from p4p.actions import service as actions
from p4p.actions.models import ActionStatus
from p4p.assessments.models import Assessment, Rating
from p4p.assessments.service import complete, start
from p4p.associations import demo as association_demo
from p4p.auth.models import Membership, Organisation, Role, User
from p4p.auth.service import create_user
from p4p.catalogue.content import StatementDef
from p4p.catalogue.models import Checklist
from p4p.commissioning import demo as commissioning_demo
from p4p.extensions import db
from p4p.timeutil import utcnow

DEMO_DOMAIN = "demo.example"
DEFAULT_PASSWORD = "p4p-demo-password"  # noqa: S105 - public demo sign-in, documented
ORGANISATION = "Riverside Home Support (demo)"
PEOPLE = [
    ("manager@demo.example", "Amira Khan", Role.OWNER),
    ("senior@demo.example", "Tom Evans", Role.CONTRIBUTOR),
]
# (title, months ago, chance of top rating by stage, chance of at least the middle by stage)
ASSESSMENTS = [
    ("Spring 2025", 18, (0.45, 0.15, 0.0), (0.9, 0.5, 0.2)),
    ("Winter 2025", 11, (1.0, 0.5, 0.15), (1.0, 0.85, 0.5)),
    ("Summer 2026", 4, (1.0, 1.0, 0.4), (1.0, 1.0, 0.8)),
]
DRAFT = "Winter 2026"
FIRST_VERSION = "1.0.0"
# Carried ratings the team has not yet reviewed in the draft on a newer version (the others
# they have confirmed), so that the demo shows a short review list.
REVIEW_LEFT = 3
NOT_APPLICABLE_REASON = (
    "Our council does not commission this here: nobody we support has one, so we cannot offer it."
)


def demo_password() -> str:
    return os.environ.get("P4P_DEMO_PASSWORD") or DEFAULT_PASSWORD


def holds_real_data() -> bool:
    real_organisations = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.is_demo.is_(False))
    )
    real_users = db.session.scalar(
        select(func.count(User.id)).where(~User.email.like(f"%@{DEMO_DOMAIN}"))
    )
    return bool(real_organisations or real_users)


def _note(statement, level: int, rng: random.Random) -> str:
    example = rng.choice(statement.evidence)
    if level == 2:
        return f"In place for everyone we support. Evidence: {example}"
    if level == 1:
        return f"Started with some people; not yet consistent. Evidence so far: {example}"
    return "Not in place yet; we discussed it at the team meeting."


def build(password: str) -> Organisation:
    checklist = db.session.scalar(select(Checklist).where(Checklist.key == "homecare"))
    if checklist is None or not checklist.versions:
        raise click.ClickException("Load the checklists first: flask --app p4p checklists load")
    # The story's completed assessments are on 1.0.0; the draft is on the newest version.
    newest = checklist.versions[-1]
    version = next((v for v in checklist.versions if v.version == FIRST_VERSION), newest)
    content = version.content
    stage_index = {stage.key: i for i, stage in enumerate(content.stages)}
    statements = list(content.statements())

    organisation = Organisation(name=ORGANISATION, is_demo=True)
    db.session.add(organisation)
    users = []
    for email, name, role in PEOPLE:
        user = create_user(email, name, password)
        db.session.add(Membership(user=user, organisation=organisation, role=role.value))
        users.append(user)
    owner = users[0]

    rng = random.Random(2026)  # noqa: S311 - demo content, not security
    readiness = {s.key: rng.random() for s in statements}
    now = utcnow()
    db.session.flush()
    completed_assessments: list[tuple[Assessment, list[StatementDef]]] = []
    for title, months_ago, top_chance, middle_chance in ASSESSMENTS:
        completed = now - timedelta(days=round(months_ago * 30.4))
        assessment = start(organisation.id, version, title, owner.id)
        assessment.created_dt = completed - timedelta(days=21)
        gaps: list[StatementDef] = []
        for statement in statements:
            stage = stage_index.get(statement.stage, 0)
            r = readiness[statement.key]
            level = 2 if r < top_chance[stage] else 1 if r < middle_chance[stage] else 0
            if level < 2:
                gaps.append(statement)
            db.session.add(
                Rating(
                    organisation_id=organisation.id,
                    assessment_id=assessment.id,
                    statement_id=statement.id,
                    scale_key=content.scale[level].key,
                    note=_note(statement, level, rng),
                    updated_by=rng.choice(users),
                    updated_dt=completed - timedelta(days=rng.randint(1, 20)),
                )
            )
        db.session.flush()
        complete(assessment, owner.id, at=completed)
        completed_assessments.append((assessment, gaps))
    _plan_actions(completed_assessments, users, rng, now)
    # The draft starts from the last completed assessment, as a manager would start it; the
    # team has been through the first two sections since.
    draft = start(organisation.id, newest, DRAFT, owner.id, previous=assessment)
    draft.created_dt = now - timedelta(days=6)
    _work_on_draft(draft, rng, now)
    db.session.flush()
    return organisation


def _work_on_draft(draft: Assessment, rng: random.Random, now) -> None:
    """The first two sections rated at the top (a statement that may not apply answered "Does
    not apply here"), and every carried rating in review confirmed but the first few."""
    content = draft.version.content
    ratings = {
        r.statement_id: r
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == draft.id))
    }
    in_review = [r for r in ratings.values() if r.review_relation]
    in_review.sort(key=lambda r: [s.id for s in content.statements()].index(r.statement_id))
    for rating in in_review[REVIEW_LEFT:]:
        rating.carried_over = False
        rating.revision = 2
    for section in content.sections[:2]:
        for statement in section.statements:
            rating = ratings.get(statement.id)
            if rating is not None and rating.review_relation and rating.carried_over:
                continue  # still to review
            if rating is None:
                rating = Rating(
                    organisation_id=draft.organisation_id,
                    assessment_id=draft.id,
                    statement_id=statement.id,
                    revision=1,
                )
                db.session.add(rating)
            rating.scale_key = content.top.key
            rating.note = _note(statement, 2, rng)
            rating.carried_over = False
            rating.revision = 2
            rating.updated_dt = now - timedelta(days=rng.randint(1, 5))
    maybe = next((s for s in content.statements() if s.may_not_apply), None)
    if maybe is not None:
        rating = ratings.get(maybe.id)
        if rating is None:
            rating = Rating(
                organisation_id=draft.organisation_id,
                assessment_id=draft.id,
                statement_id=maybe.id,
                revision=1,
                note="",
            )
            db.session.add(rating)
        rating.scale_key = None
        rating.not_applicable_reason = NOT_APPLICABLE_REASON
        rating.carried_over = False
        rating.review_relation = rating.review_from_key = None
        rating.revision = 2
        rating.updated_dt = now - timedelta(days=2)


ACTION_TEXTS = [
    "Run a team session on this practice and agree what changes in each person's plan.",
    "Ask people we support and their families what would make this work better, then act on it.",
    "Add this to every worker's supervision this quarter and record good examples.",
    "Try it first with the people on one round, then roll it out to everyone.",
    "Update our induction and spot-check form so this is checked on every visit.",
    "Nominate a practice lead to coach colleagues and report back at team meetings.",
]
LEADS = ["Amira Khan", "Tom Evans", "Care coordinators", "Deputy manager"]


def _plan_actions(completed, users, rng: random.Random, now) -> None:
    """Actions made after each assessment: most done before the next one, some still open."""
    today = now.date()
    for index, (assessment, gaps) in enumerate(completed):
        following = (
            completed[index + 1][0].completed_dt.date() if index + 1 < len(completed) else None
        )
        start_day = assessment.completed_dt.date()
        for number, statement in enumerate(rng.sample(gaps, min(len(gaps), 5))):
            due = start_day + timedelta(days=rng.randint(45, 150))
            action = actions.create(
                assessment,
                statement,
                users[0].id,
                what=rng.choice(ACTION_TEXTS),
                lead=rng.choice(LEADS),
                due_on=due,
                involvement="Talk it through at the quarterly forum for people we support."
                if number % 2 == 0
                else "",
            )
            action.created_dt = assessment.completed_dt + timedelta(days=2)
            action.events[0].at_dt = action.created_dt
            if following is not None:
                done_on = min(due, following - timedelta(days=rng.randint(5, 30)))
                status, reason = ActionStatus.DONE, ""
                if number == 3 and index == 0:
                    status, reason = ActionStatus.DROPPED, "Replaced by a wider review of rotas."
                actions.update(
                    action,
                    users[0].id,
                    what=action.what,
                    lead=action.lead,
                    due_on=due,
                    involvement=action.involvement,
                    status=status,
                    drop_reason=reason,
                    completed_on=done_on,
                )
            elif following is None and number == 0:
                # Still open, moved earlier and already late: shows how overdue actions stand out.
                actions.update(
                    action,
                    users[1].id,
                    what=action.what,
                    lead=action.lead,
                    due_on=today - timedelta(days=14),
                    involvement=action.involvement,
                    status=ActionStatus.IN_PROGRESS,
                )
            for event in action.events[1:]:
                event.at_dt = min(now, action.created_dt + timedelta(days=rng.randint(20, 90)))


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo provider and its sign-ins (refuses a database with real data)."""
    tenancy.enter(tenancy.everything("the operator's `flask demo` command"))
    existing = db.session.scalar(
        select(Organisation).where(
            Organisation.name == ORGANISATION, Organisation.is_demo.is_(True)
        )
    )
    if existing is not None:
        click.echo("Demo data is already there; nothing changed.")
    elif holds_real_data():
        click.echo(
            "Refusing to add demo data: this database holds real organisations or accounts.",
            err=True,
        )
        sys.exit(1)
    else:
        build(demo_password())
        db.session.commit()
        click.echo(f"Created the demo provider “{ORGANISATION}”.")
    password = demo_password()
    _commissioner_demo(password)
    _association_demo(password)
    people = PEOPLE + commissioning_demo.COMMISSIONER_PEOPLE + association_demo.ASSOCIATION_PEOPLE
    for email, name, role in people:
        click.echo(f"  demo sign-in: {email} / {password}  ({name}, {role.label.lower()})")


def _commissioner_demo(password: str) -> None:
    """The demo commissioner and the providers sharing with it, the demo provider among them
    (added to an existing demo too)."""
    if commissioning_demo.exists():
        return
    provider = db.session.scalar(
        select(Organisation).where(
            Organisation.name == ORGANISATION, Organisation.is_demo.is_(True)
        )
    )
    commissioning_demo.build(password, provider)
    db.session.commit()
    click.echo(
        f"Created the demo commissioner “{commissioning_demo.COMMISSIONER}” and "
        f"{len(commissioning_demo.PROVIDERS) + 1} providers sharing with it."
    )


def _association_demo(password: str) -> None:
    """The demo association, its own edition and its members (added to an existing demo too)."""
    if association_demo.exists():
        return
    association = association_demo.build(password)
    db.session.commit()
    click.echo(
        f"Created the demo association “{association.name}” with its own checklist and "
        "members allowing benchmarks."
    )
