"""Starting an assessment from the last completed one."""

import re

import pytest
from sqlalchemy import select

from p4p.assessments.models import Assessment, Rating
from p4p.extensions import db
from tests.helpers import completed_assessment, csrf_token, sign_in, submit


@pytest.fixture
def owner(world, homecare):
    return world.provider("Carry Care")


@pytest.fixture
def completed(owner, homecare):
    return completed_assessment(
        owner,
        homecare,
        "Spring 2026",
        lambda index, _: (homecare.scale[index % 3]["key"], f"Earlier note {index}"),
    )


def start(client, homecare, start_from):
    response = submit(
        client,
        "/assessments/new",
        {"edition": str(homecare.id), "title": "Spring 2027", "start_from": start_from},
    )
    return response


def new_assessment(response):
    return db.session.get(
        Assessment, int(re.search(r"/assessments/(\d+)", response.headers["Location"]).group(1))
    )


def test_start_from_last_completed_copies_ratings_marked_carried_over(
    client, owner, homecare, completed
):
    sign_in(client, owner)
    response = start(client, homecare, "previous")
    assert response.status_code == 302
    assessment = new_assessment(response)
    assert assessment.started_from_id == completed.id
    old = {
        r.statement_id: r
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == completed.id))
    }
    new = {
        r.statement_id: r
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id))
    }
    assert set(new) == set(old)
    assert all(
        new[k].carried_over and new[k].scale_key == old[k].scale_key and new[k].note == old[k].note
        for k in old
    )
    section = homecare.sections[0]
    page = client.get(f"/assessments/{assessment.id}/sections/{section.key}")
    html = page.get_data(as_text=True)
    assert "Carried over" in html and "Spring 2026" in html


def test_blank_start_copies_nothing(client, owner, homecare, completed):
    sign_in(client, owner)
    assessment = new_assessment(start(client, homecare, "blank"))
    assert (
        db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id)).all() == []
    )


def test_no_previous_assessment_is_explained(client, owner, homecare):
    sign_in(client, owner)
    response = start(client, homecare, "previous")
    assert response.status_code == 422
    assert "no completed assessment" in response.get_data(as_text=True)


def test_confirming_or_changing_clears_the_mark_and_the_earlier_assessment_never_changes(
    client, owner, homecare, completed
):
    sign_in(client, owner)
    assessment = new_assessment(start(client, homecare, "previous"))
    first, second, third = homecare.sections[0].statements[:3]
    ratings = {
        r.statement_id: r
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id))
    }
    url = f"/assessments/{assessment.id}/sections/{homecare.sections[0].key}"
    token = csrf_token(client.get(url).get_data(as_text=True))

    def fields(statement, scale, note, **extra):
        return {
            f"{statement.key}-scale": scale or "",
            f"{statement.key}-note": note,
            f"{statement.key}-revision": str(ratings[statement.id].revision),
            **{f"{statement.key}-{k}": v for k, v in extra.items()},
        }

    data = {
        "csrf_token": token,
        **fields(first, ratings[first.id].scale_key, ratings[first.id].note, confirm="y"),
        **fields(second, "doing", "Better now"),
        **fields(third, ratings[third.id].scale_key, ratings[third.id].note),
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    now = {
        r.statement_id: r
        for r in db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id))
    }
    assert not now[first.id].carried_over  # confirmed
    assert not now[second.id].carried_over  # changed
    assert now[third.id].carried_over  # untouched
    earlier = db.session.scalar(
        select(Rating).where(Rating.assessment_id == completed.id, Rating.statement_id == second.id)
    )
    assert (earlier.note, earlier.carried_over) != ("Better now", False)
    assert earlier.note.startswith("Earlier note")

    page = client.get(f"/assessments/{assessment.id}/complete").get_data(as_text=True)
    assert "carried over and not yet confirmed" in page


def test_starting_from_the_last_assessment_is_offered_only_once_there_is_one(
    client, world, homecare
):
    from tests.helpers import completed_assessment, sign_in

    owner = world.provider("Brand New Homecare")
    sign_in(client, owner)
    page = client.get("/assessments/new").get_data(as_text=True)
    assert 'value="previous"' not in page and "Start from" not in page
    completed_assessment(owner, homecare, "First", lambda i, _: ("doing", ""))
    page = client.get("/assessments/new").get_data(as_text=True)
    assert 'value="blank"' in page and 'value="previous"' in page


def test_every_carried_over_rating_of_a_section_is_confirmed_at_once(
    client, owner, homecare, completed
):
    sign_in(client, owner)
    assessment = new_assessment(start(client, homecare, "previous"))
    first, second = homecare.sections[:2]
    url = f"/assessments/{assessment.id}/sections/{first.key}"
    page = client.get(url).get_data(as_text=True)
    carried = len(first.statements)
    assert f"Confirm all {carried} carried-over ratings in this section" in page
    response = submit(client, url, action=f"{url}/confirm-carried-over")
    assert response.status_code == 302
    db.session.expire_all()
    ratings = db.session.scalars(select(Rating).where(Rating.assessment_id == assessment.id))
    by_section = {s.id: sec.key for sec in homecare.sections for s in sec.statements}
    for rating in ratings:
        in_first = by_section[rating.statement_id] == first.key
        assert rating.carried_over is (not in_first)  # the second section is untouched
        assert rating.revision == (2 if in_first else 1)
    after = client.get(url).get_data(as_text=True)
    assert f"Confirmed {carried} carried-over ratings in “{first.title}”." in after
    assert "carried-over ratings in this section" not in after
