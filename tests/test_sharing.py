"""Providers share with commissioners by code, within a scope; tenancy enforces it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from p4p import tenancy
from p4p.actions import service as actions
from p4p.actions.models import Action, ActionEvent
from p4p.assessments.models import Assessment, Rating, SectionResult
from p4p.auth.models import Invitation, Membership, OrganisationKind, Role
from p4p.extensions import db
from p4p.sharing import service as sharing
from p4p.sharing.models import Scope, Share, ShareView
from p4p.tenancy import OutOfReach, Viewer
from tests.helpers import PASSWORD, completed_assessment, csrf_token, sign_in, submit


@pytest.fixture
def council(world):
    return world.provider("Northshire Council", kind=OrganisationKind.COMMISSIONER)


@pytest.fixture
def provider(world, homecare):
    owner = world.provider("Sunrise Homecare")
    rate = lambda index, _: ("doing" if index % 3 else "started", f"Mrs B said {index}")  # noqa: E731
    done = completed_assessment(owner, homecare, "Spring review", rate, days_ago=30)
    draft = Assessment(
        organisation_id=owner.organisation.id, version=homecare, title="Autumn", created_by=owner
    )
    db.session.add(draft)
    db.session.flush()
    db.session.add(
        Rating(
            organisation_id=owner.organisation.id,
            assessment_id=draft.id,
            statement_id=homecare.sections[0].statements[0].id,
            scale_key="doing",
            note="draft note",
        )
    )
    actions.create(
        done,
        homecare.sections[0].statements[0],
        owner.id,
        what="Write one-page profiles",
        lead="Ann Smith",
        due_on=__import__("datetime").date(2027, 1, 31),
    )
    db.session.commit()
    return owner, done, draft


def reach_of(user) -> tenancy.Reach:
    return tenancy.reach_of(Viewer.of(user))


# --- the web journey ----------------------------------------------------------------------


def test_a_commissioner_signs_up_and_gets_a_sharing_code(client):
    response = submit(
        client,
        "/signup",
        {
            "kind": "commissioner",
            "organisation": "Westshire County Council",
            "name": "Chris Commissioner",
            "email": "chris@westshire.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    page = home.get_data(as_text=True)
    assert home.request.path == "/commissioning/"
    assert "No provider shares with you yet" in page
    code = re.search(r'class="code">([A-Z0-9-]{14})<', page).group(1)
    assert sharing.normalise_code(code) == code


def test_a_provider_shares_after_seeing_the_commissioners_name(client, council, provider):
    owner, *_ = provider
    code = sharing.current_code(council.organisation.id).code
    db.session.commit()
    sign_in(client, owner)
    page = client.get("/sharing/").get_data(as_text=True)
    token = csrf_token(page)
    # Typed loosely: lower case, spaces instead of hyphens.
    confirm = client.post(
        "/sharing/check", data={"csrf_token": token, "code": code.lower().replace("-", " ")}
    )
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Northshire Council" in text and "Nothing is shared until you do" in text
    assert db.session.scalar(select(func.count(Share.id))) == 0

    done = client.post("/sharing/", data={"csrf_token": token, "code": code, "scope": "summary"})
    assert done.status_code == 302
    listing = client.get("/sharing/").get_data(as_text=True)
    assert "You now share your completed assessments with Northshire Council" in listing
    [share] = db.session.scalars(select(Share)).all()
    assert (share.provider_id, share.commissioner_id, share.scope) == (
        owner.organisation.id,
        council.organisation.id,
        "summary",
    )

    # Sharing again is harmless: one share, the scope chosen this time.
    client.post("/sharing/", data={"csrf_token": token, "code": code, "scope": "full"})
    db.session.expire_all()
    [share] = db.session.scalars(select(Share)).all()
    assert share.scope == "full"
    assert "they now see the full" in client.get("/sharing/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "code the commissioner gave you"),
        ("hello", "That is not a valid code"),
        ("ABCD-EFGH-JK23", "Nobody uses that code"),
    ],
)
def test_bad_codes_get_a_clear_message_and_share_nothing(client, provider, typed, message):
    owner, *_ = provider
    sign_in(client, owner)
    token = csrf_token(client.get("/sharing/").get_data(as_text=True))
    for url, data in (("/sharing/check", {}), ("/sharing/", {"scope": "summary"})):
        response = client.post(url, data={"csrf_token": token, "code": typed, **data})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Share.id))) == 0


def test_a_replaced_code_stops_working_and_existing_shares_stay(world, client, council, provider):
    owner, *_ = provider
    old = sharing.current_code(council.organisation.id).code
    world.share(owner, council)
    sign_in(client, council)
    assert (
        submit(client, "/commissioning/code", action="/commissioning/code/replace").status_code
        == 302
    )
    new = sharing.current_code(council.organisation.id).code
    assert new != old
    with pytest.raises(sharing.SharingError, match="has replaced that code"):
        sharing.commissioner_for(old)
    assert sharing.commissioner_for(new).id == council.organisation.id
    assert sharing.sharing_count(council.organisation.id) == 1


def test_only_the_owner_manages_sharing_and_a_manager_reads_it(world, client, council, provider):
    owner, *_ = provider
    share = world.share(owner, council)
    manager = world.member(owner.organisation, Role.MANAGER)
    viewer = world.member(owner.organisation, Role.VIEWER)
    sign_in(client, manager)
    page = client.get("/sharing/")
    assert page.status_code == 200 and "Northshire Council" in page.get_data(as_text=True)
    assert "Check the code" not in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    assert client.post(f"/sharing/{share.id}/revoke", data={"csrf_token": token}).status_code == 403
    client.post("/signout", data={"csrf_token": token})
    sign_in(client, viewer)
    assert client.get("/sharing/").status_code == 403


# --- what tenancy lets a commissioner read ------------------------------------------------


def test_a_commissioner_reads_completed_work_of_sharing_providers_only(world, council, provider):
    owner, done, draft = provider
    provider_id = owner.organisation.id
    other_id = world.provider("Not Sharing Care").organisation.id
    with tenancy.within(reach_of(council)):
        assert db.session.scalars(select(Assessment)).all() == []
    world.share(owner, council)
    db.session.expire_all()
    with tenancy.within(reach_of(council)):
        assert [a.id for a in db.session.scalars(select(Assessment))] == [done.id]
        ratings = db.session.scalars(select(Rating)).all()
        assert ratings and {r.assessment_id for r in ratings} == {done.id}
        assert {r.assessment_id for r in db.session.scalars(select(SectionResult))} == {done.id}
        assert [a.what for a in db.session.scalars(select(Action))] == ["Write one-page profiles"]
        # Drafts, even by id or through a join, are out of reach.
        with pytest.raises(OutOfReach):
            tenancy.get(Assessment, draft.id)
        joined = select(Rating).join(Assessment).where(Assessment.id == draft.id)
        assert db.session.scalars(joined).all() == []
        alias = aliased(Assessment)
        assert db.session.scalars(select(alias.id).where(alias.id == draft.id)).all() == []
        # The provider's team, invitations and action history are never shown.
        assert (
            db.session.scalars(
                select(Membership).where(Membership.organisation_id == provider_id)
            ).all()
            == []
        )
        assert db.session.scalars(select(Invitation)).all() == []
        assert db.session.scalars(select(ActionEvent)).all() == []
        # A provider that does not share is invisible.
        assert other_id not in reach_of(council).readable
        assert (
            db.session.scalars(select(Action).where(Action.organisation_id == other_id)).all() == []
        )


def test_a_commissioner_changes_nothing_of_a_provider(world, council, provider):
    owner, done, _ = provider
    world.share(owner, council, "full")
    db.session.expire_all()
    with tenancy.within(reach_of(council)):
        assessment = tenancy.get(Assessment, done.id)
        assessment.title = "Changed by the council"
        with pytest.raises(OutOfReach):
            db.session.flush()
    db.session.rollback()


def test_scope_decides_whether_personal_details_show(world, council, provider):
    owner, *_ = provider
    share = world.share(owner, council, "summary")
    provider_id = owner.organisation.id
    with tenancy.within(reach_of(council)):
        assert tenancy.scope_of(provider_id) == "summary"
        assert not tenancy.shows_personal(provider_id)
        assert tenancy.shows_personal(council.organisation.id)  # its own
    sharing.change_scope(provider_id, share.id, Scope.FULL)
    db.session.commit()
    with tenancy.within(reach_of(council)):
        assert tenancy.shows_personal(provider_id)
    with tenancy.within(reach_of(owner)):
        assert tenancy.shows_personal(provider_id)


def test_revoking_ends_access_at_once(world, client, council, provider):
    owner, done, _ = provider
    share = world.share(owner, council)
    sign_in(client, owner)
    response = submit(client, "/sharing/", action=f"/sharing/{share.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert sharing.active_share(owner.organisation.id, council.organisation.id) is None
    with tenancy.within(reach_of(council)):
        assert db.session.scalars(select(Assessment)).all() == []
    assert "Shares you ended" in client.get("/sharing/").get_data(as_text=True)


def test_another_providers_share_cannot_be_changed(world, client, council, provider):
    owner, *_ = provider
    share = world.share(owner, council)
    intruder = world.provider("Intruder Care")
    sign_in(client, intruder)
    token = csrf_token(client.get("/sharing/").get_data(as_text=True))
    assert client.post(f"/sharing/{share.id}/revoke", data={"csrf_token": token}).status_code == 404
    data = {"csrf_token": token, "scope": "full"}
    assert client.post(f"/sharing/{share.id}/scope", data=data).status_code == 404
    db.session.expire_all()
    assert share.revoked_dt is None and share.scope == "summary"


def test_views_are_recorded_and_shown_to_the_provider(world, client, council, provider):
    owner, done, _ = provider
    world.share(owner, council)
    sharing.record_views(
        Viewer.of(council), council.name, [owner.organisation.id], f"assessment “{done.title}”"
    )
    db.session.commit()
    assert db.session.scalar(select(func.count(ShareView.id))) == 1
    sign_in(client, owner)
    page = client.get("/sharing/").get_data(as_text=True)
    assert council.name in page and "Spring review" in page and "1 look recorded" in page
