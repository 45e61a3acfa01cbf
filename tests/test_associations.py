"""Providers join trade associations by code; membership shows the association nothing of
their assessments; benchmarks only with the member's own consent."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from p4p import tenancy
from p4p.assessments.models import Assessment
from p4p.associations import service as associations
from p4p.associations.models import AssociationMember
from p4p.auth.models import OrganisationKind, Role
from p4p.extensions import db
from p4p.sharing import service as sharing
from tests.helpers import PASSWORD, completed_assessment, csrf_token, sign_in, submit


@pytest.fixture
def network(world):
    return world.provider("Homecare Network", kind=OrganisationKind.ASSOCIATION)


@pytest.fixture
def member_owner(world, homecare):
    owner = world.provider("Sunrise Homecare")
    completed_assessment(owner, homecare, "Spring", lambda i, _: ("doing", "note"))
    return owner


def test_an_association_signs_up_and_gets_a_joining_code(client):
    response = submit(
        client,
        "/signup",
        {
            "kind": "association",
            "organisation": "Northern Care Alliance",
            "name": "Alex",
            "email": "alex@alliance.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.request.path == "/association/"
    page = home.get_data(as_text=True)
    assert "No provider has joined yet" in page
    assert re.search(r'class="code">[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<', page)


def test_a_provider_joins_after_seeing_the_name_and_joining_twice_is_harmless(
    client, network, member_owner
):
    code = associations.joining_code(network.organisation.id).code
    db.session.commit()
    sign_in(client, member_owner)
    token = csrf_token(client.get("/memberships/").get_data(as_text=True))
    confirm = client.post("/memberships/check", data={"csrf_token": token, "code": code.lower()})
    assert confirm.status_code == 200
    assert "Join Homecare Network?" in confirm.get_data(as_text=True)
    assert db.session.scalars(select(AssociationMember)).all() == []
    for _ in range(2):
        assert (
            client.post("/memberships/", data={"csrf_token": token, "code": code}).status_code
            == 302
        )
    [member] = db.session.scalars(select(AssociationMember)).all()
    assert member.provider_id == member_owner.organisation.id
    assert member.benchmarks_allowed is False  # off by default
    page = client.get("/memberships/").get_data(as_text=True)
    assert "already a member of Homecare Network" in page
    assert "not</strong> part of its benchmarks" in page


def test_codes_are_for_one_purpose_and_bad_ones_get_a_clear_message(
    world, client, network, member_owner
):
    council = world.provider("Shire Council", kind=OrganisationKind.COMMISSIONER)
    sharing_code = sharing.current_code(council.organisation.id).code
    db.session.commit()
    sign_in(client, member_owner)
    token = csrf_token(client.get("/memberships/").get_data(as_text=True))
    for typed, message in (
        (sharing_code, "Nobody uses that code"),  # a commissioner's code does not join
        ("oops", "That is not a valid code"),
        ("", "Enter the code the association gave you"),
    ):
        response = client.post("/memberships/check", data={"csrf_token": token, "code": typed})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(AssociationMember)).all() == []


def test_membership_alone_shows_the_association_nothing(world, network, member_owner):
    world.join(member_owner, network)
    reach = tenancy.reach_of(tenancy.Viewer.of(network))
    assert reach.readable == {network.organisation.id}
    with tenancy.within(reach):
        assert db.session.scalars(select(Assessment)).all() == []


def test_the_member_controls_benchmarks_and_leaving_ends_them(world, client, network, member_owner):
    member = world.join(member_owner, network)
    sign_in(client, member_owner)
    page = client.get("/memberships/").get_data(as_text=True)
    token = csrf_token(page)
    client.post(
        f"/memberships/{member.id}/benchmarks", data={"csrf_token": token, "allowed": "yes"}
    )
    db.session.expire_all()
    assert member.benchmarks_allowed and member.benchmarks_changed_dt is not None
    assert associations.member_counts(network.organisation.id) == (1, 1)
    client.post(f"/memberships/{member.id}/leave", data={"csrf_token": token})
    db.session.expire_all()
    assert (member.ended_how, member.benchmarks_allowed) == ("left", False)
    assert associations.member_counts(network.organisation.id) == (0, 0)
    assert "you left" in client.get("/memberships/").get_data(as_text=True)
    # An ended membership cannot be brought back into benchmarks.
    response = client.post(
        f"/memberships/{member.id}/benchmarks", data={"csrf_token": token, "allowed": "yes"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert member.benchmarks_allowed is False


def test_only_the_owner_changes_memberships_and_never_another_providers(
    world, client, network, member_owner
):
    member = world.join(member_owner, network)
    manager = world.member(member_owner.organisation, Role.MANAGER)
    sign_in(client, manager)
    page = client.get("/memberships/")
    assert page.status_code == 200 and "Homecare Network" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    data = {"csrf_token": token, "allowed": "yes"}
    assert client.post(f"/memberships/{member.id}/benchmarks", data=data).status_code == 403
    client.post("/signout", data={"csrf_token": token})
    other = world.provider("Other Care")
    sign_in(client, other)
    token = csrf_token(client.get("/memberships/").get_data(as_text=True))
    data["csrf_token"] = token
    assert client.post(f"/memberships/{member.id}/benchmarks", data=data).status_code == 404
    assert client.post(f"/memberships/{member.id}/leave", data=data).status_code == 404
    db.session.expire_all()
    assert member.is_active and not member.benchmarks_allowed


def test_the_association_removes_a_member_after_confirming(world, client, network, member_owner):
    member = world.join(member_owner, network)
    sign_in(client, network)
    page = client.get("/association/members").get_data(as_text=True)
    assert "Sunrise Homecare" in page and "Not allowed" in page
    token = csrf_token(page)
    ask = client.post(f"/association/members/{member.id}/remove", data={"csrf_token": token})
    assert ask.status_code == 200 and "Remove Sunrise Homecare?" in ask.get_data(as_text=True)
    db.session.expire_all()
    assert member.is_active
    done = client.post(
        f"/association/members/{member.id}/remove",
        data={"csrf_token": token, "confirmed": "yes"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert member.ended_how == "removed"
    assert "No provider has joined yet" in client.get("/association/members").get_data(as_text=True)


def test_another_association_cannot_remove_a_member(world, client, network, member_owner):
    member = world.join(member_owner, network)
    rival = world.provider("Rival Network", kind=OrganisationKind.ASSOCIATION)
    sign_in(client, rival)
    token = csrf_token(client.get("/association/members").get_data(as_text=True))
    response = client.post(
        f"/association/members/{member.id}/remove", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert member.is_active


def test_a_replaced_joining_code_stops_working(world, client, network, member_owner):
    old = associations.joining_code(network.organisation.id).code
    db.session.commit()
    sign_in(client, network)
    submit(client, "/association/members", action="/association/code/replace")
    with pytest.raises(associations.MembershipError, match="has replaced that code"):
        associations.association_for(old)
    new = associations.joining_code(network.organisation.id).code
    assert new != old and associations.association_for(new).id == network.organisation.id


def test_the_memberships_page_title_is_its_name_only(world, client, member_owner):
    sign_in(client, member_owner)
    page = client.get("/memberships/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("Trade associations and networks") and "<" not in title
    assert "\n" not in title
