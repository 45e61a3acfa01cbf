"""One commit per request, decided in one place: commit unless the view raised or asked to
discard its changes. The status code does not decide, so a 409 or 429 can tell the truth."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select

from p4p import tenancy
from p4p.auth.models import Organisation, SignInThrottle
from p4p.extensions import db, discard_changes
from tests.helpers import PASSWORD, sign_in, submit


def _count(name: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Organisation.id)).where(Organisation.name == name))


@pytest.mark.own_app
def test_commit_unless_the_view_raised_or_discarded(app, client):
    def add(name: str) -> None:
        tenancy.enter(tenancy.everything("test view"))
        db.session.add(Organisation(name=name))
        db.session.flush()

    def answered_409():
        add("answered")
        return "conflict, and what was right is kept", 409

    def raised():
        add("raised")
        abort(409)

    def discarded():
        add("discarded")
        discard_changes()
        return "nothing kept", 200

    for view in (answered_409, raised, discarded):
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view)
    assert client.get("/test/answered_409").status_code == 409
    assert client.get("/test/raised").status_code == 409
    assert client.get("/test/discarded").status_code == 200
    assert (_count("answered"), _count("raised"), _count("discarded")) == (1, 0, 0)


def test_a_throttled_sign_in_answers_429_and_its_count_stands(client, world, app):
    owner = world.provider()
    limit = app.config["SIGNIN_MAX_FAILURES"]
    for _ in range(limit):
        submit(client, "/signin", {"email": owner.email, "password": "wrong password!"})
    response = submit(client, "/signin", {"email": owner.email, "password": PASSWORD})
    assert response.status_code == 429
    db.session.expire_all()
    row = db.session.scalar(
        select(SignInThrottle).where(
            SignInThrottle.scope == "pair", SignInThrottle.subject == f"127.0.0.1|{owner.email}"
        )
    )
    assert row.failures == limit and row.locked_until_dt is not None


def test_a_section_save_with_a_conflict_answers_409_and_keeps_the_rest(
    client, world, homecare, app
):
    from p4p.assessments.models import Assessment, Rating
    from p4p.auth.models import Role

    owner = world.provider()
    carer = world.member(owner.organisation, Role.CONTRIBUTOR)
    colleague = app.test_client()
    sign_in(client, owner)
    sign_in(colleague, carer)
    submit(client, "/assessments/new", {"edition": str(homecare.id), "title": "T"})
    assessment = db.session.scalar(select(Assessment))
    section = homecare.sections[0]
    first, second = section.statements[:2]
    url = f"/assessments/{assessment.id}/sections/{section.key}"

    def fields(statement, scale, note):
        return {
            f"{statement.key}-scale": scale,
            f"{statement.key}-note": note,
            f"{statement.key}-revision": "0",
        }

    assert submit(colleague, url, fields(first, "doing", "theirs")).status_code == 302
    response = submit(
        client, url, {**fields(first, "started", "mine"), **fields(second, "doing", "kept")}
    )
    assert response.status_code == 409
    db.session.expire_all()
    saved = {
        r.statement_id: (r.scale_key, r.note)
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id))
    }
    assert saved == {first.id: ("doing", "theirs"), second.id: ("doing", "kept")}
