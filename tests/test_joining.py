"""Joining by invitation and signing up: the invitation form reveals nothing about other
organisations' people, an existing account without a team joins with its password, and a
request that loses a race for an address is told so instead of getting a server error."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from p4p.auth import service as accounts
from p4p.auth.models import Invitation, Membership, Organisation, Role, User
from p4p.extensions import db
from tests.helpers import PASSWORD, sign_in, submit


def invite(client, email: str, role: str = "contributor"):
    return submit(client, "/team/", {"email": email, "role": role}, action="/team/invitations")


def link_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.search(r'value="http://localhost(/join/[^"]+)"', html).group(1)


def users() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def test_the_invitation_form_says_the_same_whoever_the_address_belongs_to(client, world):
    owner = world.provider("Elm Care")
    elsewhere = world.provider("Birch Care")
    sign_in(client, owner)
    notices = []
    for email in (elsewhere.email, "nobody.yet@elm.example"):
        response = invite(client, email, "viewer")
        assert response.status_code == 201
        html = response.get_data(as_text=True)
        notice = re.search(r'<div class="notice notice-success".*?</div>', html, re.S).group(0)
        notices.append(re.sub(r"/join/[^\"]+", "", notice.replace(email, "ADDRESS")))
        assert "already" not in html and "p4p account" not in html
    assert notices[0] == notices[1]


def test_an_account_in_another_team_is_refused_at_joining_after_its_password(app, client, world):
    owner = world.provider("Elm Care")
    elsewhere = world.provider("Birch Care")
    sign_in(client, owner)
    path = link_of(invite(client, elsewhere.email, "viewer"))
    submit(client, "/", action="/signout")

    page = client.get(path)
    assert page.status_code == 200
    assert "already has a p4p account" in page.get_data(as_text=True)
    wrong = submit(client, path, {"password": "not the password"})
    assert wrong.status_code == 422
    assert "already in a team" not in wrong.get_data(as_text=True)
    right = submit(client, path, {"password": PASSWORD})
    assert right.status_code == 409
    assert "already in a team" in right.get_data(as_text=True)
    db.session.expire_all()
    assert elsewhere.organisation.name == "Birch Care"
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == elsewhere.email))
    assert invitation.status == "pending"


def test_a_removed_member_is_invited_back_and_joins_with_their_password(app, client, world):
    owner = world.provider("Pine Care")
    colleague = world.member(owner.organisation, Role.MANAGER)
    colleague_id, colleague_email = colleague.id, colleague.email
    sign_in(client, owner)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    submit(client, "/team/", {"confirmed": "yes"}, action=f"/team/members/{membership.id}/remove")
    response = invite(client, colleague_email, "viewer")
    assert response.status_code == 201
    path = link_of(response)
    before = users()

    returning = app.test_client()
    page = returning.get(path)
    assert page.status_code == 200 and "Enter its password" in page.get_data(as_text=True)
    assert submit(returning, path, {"password": "not the password"}).status_code == 422
    response = submit(returning, path, {"password": PASSWORD})
    assert response.status_code == 302
    assert returning.get("/team/").status_code == 200
    assert users() == before
    rejoined = db.session.get(User, colleague_id)
    assert rejoined.role == Role.VIEWER and rejoined.organisation.name == "Pine Care"
    # The link is used up.
    submit(returning, "/", action="/signout")
    assert returning.get(path).status_code == 410


def test_joining_with_an_account_is_throttled_like_signing_in(app, client, world):
    owner = world.provider("Pine Care")
    colleague = world.member(owner.organisation, Role.VIEWER)
    sign_in(client, owner)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    submit(client, "/team/", {"confirmed": "yes"}, action=f"/team/members/{membership.id}/remove")
    path = link_of(invite(client, colleague.email))
    guesser = app.test_client()
    statuses = [
        submit(guesser, path, {"password": "a wrong guess"}).status_code
        for _ in range(app.config["SIGNIN_MAX_FAILURES"])
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {422}
    assert submit(guesser, path, {"password": PASSWORD}).status_code == 429


def test_inviting_someone_already_in_the_team_is_refused(client, world):
    owner = world.provider("Ash Care")
    colleague = world.member(owner.organisation, Role.VIEWER)
    sign_in(client, owner)
    response = invite(client, colleague.email)
    assert response.status_code == 422
    assert "already in your team" in response.get_data(as_text=True)


def test_a_sign_up_that_loses_the_race_for_its_address_is_told_it_exists(
    client, world, monkeypatch
):
    world.provider(owner_email="taken@example.org")
    # As a double-click's second request sees it: the first had not committed when this one
    # looked, so only the database's unique index can refuse it.
    monkeypatch.setattr(accounts, "find_user", lambda email: None)
    response = submit(
        client,
        "/signup",
        {
            "organisation": "Second Click Care",
            "name": "Priya Shah",
            "email": "taken@example.org",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.name == "Second Click Care")
        )
        == 0
    )


def test_a_join_that_loses_the_race_for_its_address_is_told_it_exists(
    app, client, world, monkeypatch
):
    owner = world.provider("Oak Lodge Care")
    sign_in(client, owner)
    path = link_of(invite(client, "late@oak.example"))
    submit(client, "/", action="/signout")
    page = client.get(path)
    assert page.status_code == 200
    # Meanwhile the address got an account (say, the other click of a double-click).
    accounts.create_user("late@oak.example", "Late", PASSWORD)
    db.session.commit()
    monkeypatch.setattr(accounts, "find_user", lambda email: None)
    response = submit(
        client,
        path,
        {
            "name": "Sam Lee",
            "password": "another fine password",
            "confirm": "another fine password",
        },
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    db.session.expire_all()
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == "late@oak.example"))
    assert invitation.status == "pending"  # refused as a whole: the link still works
