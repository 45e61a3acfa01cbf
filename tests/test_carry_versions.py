"""Starting on a newer version from the last completed assessment on an older one: answers
follow the `from` relations, changed statements go to a review list that must be cleared,
removed statements are listed once, and the older assessment stays as it was."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from p4p.assessments import service
from p4p.assessments.forms import NOT_APPLICABLE
from p4p.assessments.models import Assessment, Rating
from p4p.extensions import db
from tests.helpers import csrf_token, sign_in, submit
from tests.test_assessments import checked_scale, rating_fields, section_url
from tests.test_not_applicable import REASON, rating_of, save, tiny  # noqa: F401 - fixture

ANSWERS = {
    "t-profile": ("doing", "Profiles checked monthly"),
    "t-review": ("started", "Reviews yearly"),
    "t-safeguarding": ("doing", "Everyone trained"),
    "t-match": ("started", "Rotas show matching"),
    "t-isf": ("not-yet", ""),
    "t-sometimes": ("started", "Sometimes"),
}


@pytest.fixture
def owner(world, tiny):  # noqa: F811 - the fixture imported above
    return world.provider("Valley Care")


@pytest.fixture
def completed(owner, tiny):  # noqa: F811
    version = tiny["1.0.0"]
    assessment = service.start(owner.organisation.id, version, "Spring 2026", owner.id)
    for st in version.content.statements():
        scale, note = ANSWERS[st.key]
        service.save_rating(assessment, st, scale, note, 0, owner.id)
    service.complete(assessment, owner.id)
    db.session.commit()
    return assessment


def start_from_last(client, version) -> Assessment:
    response = submit(
        client,
        "/assessments/new",
        {"edition": str(version.id), "title": "Spring 2027", "start_from": "previous"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Assessment, int(response.headers["Location"].rsplit("/", 1)[1]))


def snapshot(assessment):
    return sorted(
        (r.statement_id, r.scale_key, r.note, r.revision, r.carried_over)
        for r in db.session.scalars(
            select(Rating)
            .where(Rating.assessment_id == assessment.id)
            .execution_options(populate_existing=True)
        )
    )


def test_starting_on_2_0_0_from_1_0_0_follows_the_chain(client, owner, tiny, completed):  # noqa: F811
    before = snapshot(completed)
    sign_in(client, owner)
    draft = start_from_last(client, tiny["2.0.0"])
    assert draft.version.version == "2.0.0" and draft.started_from_id == completed.id
    ratings = service.ratings_by_key(draft)
    # equal (kept, reworded and moved): carried as they were, not in review
    for key in ("t-profile", "t-review"):
        assert (ratings[key].scale_key, ratings[key].note) == ANSWERS[key]
        assert ratings[key].carried_over and ratings[key].review_relation is None
    # narrower along the chain, broader: into review with the carried rating
    assert (ratings["t-safe-skills"].review_from_key, ratings["t-safe-skills"].review_relation) == (
        "t-safeguarding",
        "narrower",
    )
    assert ratings["t-safe-skills"].scale_key == "doing"
    assert ratings["t-team-fit"].review_relation == "broader"
    # new statements start unrated
    assert "t-money" not in ratings and "t-recruit" not in ratings
    checklist = draft.version.content
    assert [s.key for s in service.review_list(checklist, ratings)] == [
        "t-safe-skills",
        "t-safe-person",
        "t-team-fit",
    ]

    overview = client.get(f"/assessments/{draft.id}").get_data(as_text=True)
    assert "3 carried ratings to review" in overview
    assert "No longer in the checklist (1)" in overview
    assert "We sometimes recruit around the people we support." in overview
    assert "It said “sometimes”" in overview and "(version 2.0.0)" in overview
    page = client.get(section_url(draft, checklist.section("knowing"))).get_data(as_text=True)
    assert "To review" in page
    assert "Workers and people know what to do when someone is at risk." in page  # the old one
    assert snapshot(completed) == before  # the earlier assessment never changes


def test_completion_waits_for_every_review_item(client, owner, tiny, completed):  # noqa: F811
    sign_in(client, owner)
    draft = start_from_last(client, tiny["2.0.0"])
    checklist = draft.version.content
    for key, scale in (("t-money", "started"), ("t-recruit", "doing")):
        assert save(client, draft, key, scale=scale).json["status"] == "saved"
    response = submit(client, f"/assessments/{draft.id}/complete")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "3 carried ratings still to review" in page
    for key in ("t-safe-skills", "t-safe-person", "t-team-fit"):
        assert str(escape(checklist.statement(key).text)) in page

    # The bulk confirmation leaves review items alone.
    knowing = section_url(draft, checklist.section("knowing"))
    submit(client, knowing, action=f"{knowing}/confirm-carried-over")
    assert service.in_review(rating_of(draft, "t-safe-skills"))
    assert not rating_of(draft, "t-profile").carried_over

    # Confirm one, change one (autosave), confirm the last with the no-script Save button.
    skills = rating_of(draft, "t-safe-skills")
    response = save(
        client, draft, "t-safe-skills", scale="doing", revision=skills.revision, confirm="y"
    )
    assert response.json["status"] == "saved"
    person = rating_of(draft, "t-safe-person")
    assert (
        save(client, draft, "t-safe-person", scale="started", revision=person.revision).json[
            "status"
        ]
        == "saved"
    )
    team = checklist.section("team")
    fit = rating_of(draft, "t-team-fit")
    token = csrf_token(client.get(section_url(draft, team)).get_data(as_text=True))
    response = client.post(
        section_url(draft, team),
        data={
            "csrf_token": token,
            **rating_fields(
                checklist.statement("t-team-fit"),
                fit.scale_key,
                fit.note,
                fit.revision,
                confirm="y",
            ),
        },
    )
    assert response.status_code == 302
    assert service.review_list(checklist, service.ratings_by_key(draft, fresh=True)) == []
    response = submit(client, f"/assessments/{draft.id}/complete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, draft.id).is_completed


def test_a_not_applicable_answer_carries_with_its_reason(client, owner, tiny):  # noqa: F811
    version = tiny["1.1.0"]  # t-isf may not apply from 1.1.0 on
    first = service.start(owner.organisation.id, version, "Spring 2026", owner.id)
    for st in version.content.statements():
        if st.key == "t-isf":
            service.save_rating(first, st, None, "", 0, owner.id, not_applicable_reason=REASON)
        else:
            service.save_rating(first, st, "started", "", 0, owner.id)
    service.complete(first, owner.id)
    db.session.commit()
    sign_in(client, owner)
    draft = start_from_last(client, tiny["2.0.0"])
    isf = rating_of(draft, "t-isf")
    assert (isf.scale_key, isf.not_applicable_reason, isf.review_relation) == (None, REASON, None)
    page = client.get(f"/assessments/{draft.id}").get_data(as_text=True)
    assert "Does not apply here (1)" in page and REASON in page
    section = client.get(section_url(draft, draft.version.content.section("team")))
    isf_statement = draft.version.content.statement("t-isf")
    assert checked_scale(section.get_data(as_text=True), isf_statement) == NOT_APPLICABLE
