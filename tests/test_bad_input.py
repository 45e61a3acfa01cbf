"""Bad input gets 400 or 404 and changes nothing; it never gives a server error."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from p4p.actions import service as actions
from p4p.actions.models import Action
from p4p.assessments.models import Assessment, Rating
from p4p.extensions import db
from tests.helpers import csrf_token, sign_in, submit

HUGE = ["99999999999999999999", str(2**31), str(2**63), "0"]


@pytest.fixture
def signed_in(client, world, homecare):
    owner = world.provider("Careful Homecare")
    sign_in(client, owner)
    response = submit(client, "/assessments/new", {"edition": str(homecare.id), "title": "T"})
    assert response.status_code == 302
    assessment = db.session.scalar(select(Assessment))
    statement = homecare.sections[0].statements[0]
    action = actions.create(
        assessment, statement, owner.id, what="Plan", lead="Ann", due_on=date(2027, 1, 1)
    )
    db.session.commit()
    return owner, assessment, statement, action


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    "path",
    [
        "/assessments/{}",
        "/assessments/{}/result",
        "/assessments/{}/report.pdf",
        "/assessments/{}/action-plan.pdf",
        "/actions/{}",
    ],
)
def test_ids_beyond_the_database_integers_are_404(client, signed_in, path, number):
    assert client.get(path.format(number)).status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_posts_to_ids_beyond_the_database_integers_are_404(client, signed_in, number):
    token = csrf_token(client.get("/team/").get_data(as_text=True))
    for path in (
        f"/team/members/{number}/role",
        f"/team/members/{number}/remove",
        f"/team/invitations/{number}/revoke",
        f"/actions/{number}",
    ):
        assert client.post(path, data={"csrf_token": token, "role": "owner"}).status_code == 404


@pytest.mark.parametrize("revision", ["²", "١", "1e3", "-1", "", " 1", "1" * 10])
def test_a_malformed_revision_is_400_and_saves_nothing(client, signed_in, revision):
    _, assessment, statement, _ = signed_in
    page = client.get(f"/assessments/{assessment.id}/sections/{statement.section.key}")
    response = client.post(
        f"/assessments/{assessment.id}/statements/{statement.key}",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            f"{statement.key}-scale": "doing",
            f"{statement.key}-note": "n",
            f"{statement.key}-revision": revision,
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Rating.id))) == 0


def test_nul_bytes_are_400_and_change_nothing(client, signed_in):
    _, assessment, statement, action = signed_in
    page = client.get(f"/assessments/{assessment.id}/sections/{statement.section.key}")
    token = csrf_token(page.get_data(as_text=True))
    saved = client.post(
        f"/assessments/{assessment.id}/statements/{statement.key}",
        data={
            "csrf_token": token,
            f"{statement.key}-scale": "doing",
            f"{statement.key}-note": "before\x00after",
            f"{statement.key}-revision": "0",
        },
    )
    assert saved.status_code == 400
    assert db.session.scalar(select(func.count(Rating.id))) == 0
    assert client.get("/actions/?lead=a%00b").status_code == 400
    assert client.get("/progress/%00").status_code == 400


# --- fuzzing the rating and action forms -----------------------------------------------------

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "²", "0", "1", "-1", "99999999999999999999", "doing", "mine", "x" * 5000]),
)
SETTINGS = settings(
    max_examples=60,
    database=None,  # keep no example database: tests write nothing into the checkout
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(scale=texts, note=texts, revision=texts, confirm=texts, resolve=texts)
def test_fuzzed_rating_forms_never_give_a_server_error(
    client, signed_in, scale, note, revision, confirm, resolve
):
    _, assessment, statement, _ = signed_in
    page = client.get(f"/assessments/{assessment.id}/sections/{statement.section.key}")
    token = csrf_token(page.get_data(as_text=True))
    fields = {
        f"{statement.key}-scale": scale,
        f"{statement.key}-note": note,
        f"{statement.key}-revision": revision,
        f"{statement.key}-confirm": confirm,
        f"{statement.key}-resolve": resolve,
    }
    for url in (
        f"/assessments/{assessment.id}/statements/{statement.key}",
        f"/assessments/{assessment.id}/sections/{statement.section.key}",
    ):
        before = saved_rating()
        response = client.post(url, data={"csrf_token": token, **fields})
        assert response.status_code < 500, (url, fields, response.status_code)
        if response.status_code >= 400:
            assert saved_rating() == before, (url, fields, response.status_code)


def saved_rating():
    db.session.expire_all()
    rating = db.session.scalar(select(Rating))
    return rating and (rating.scale_key, rating.note, rating.revision, rating.carried_over)


@SETTINGS
@given(what=texts, lead=texts, due_on=texts, status=texts, completed_on=texts, reason=texts)
def test_fuzzed_action_forms_never_give_a_server_error(
    client, signed_in, what, lead, due_on, status, completed_on, reason
):
    _, assessment, statement, action = signed_in
    before = db.session.scalar(select(func.count(Action.id)))
    page = client.get(f"/actions/{action.id}")
    token = csrf_token(page.get_data(as_text=True))
    fields = {
        "csrf_token": token,
        "what": what,
        "lead": lead,
        "due_on": due_on,
        "involvement": what,
        "status": status,
        "drop_reason": reason,
        "completed_on": completed_on,
    }
    updated = client.post(f"/actions/{action.id}", data=fields)
    assert updated.status_code < 500, (fields, updated.status_code)
    created = client.post(
        f"/assessments/{assessment.id}/statements/{statement.key}/actions/new", data=fields
    )
    assert created.status_code < 500, (fields, created.status_code)
    after = db.session.scalar(select(func.count(Action.id)))
    assert after == before + (1 if created.status_code == 302 else 0)
    assert client.get("/actions/", query_string={"lead": lead, "status": status}).status_code < 500
