"""Progress over time across checklist versions: sections by key, statements through `from`
chains, the version change marked, new and removed statements said as such."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape

from p4p.assessments import service as assessments
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.progress import service
from p4p.reports import data as report_data
from p4p.timeutil import utcnow
from tests.helpers import sign_in
from tests.test_not_applicable import REASON, tiny  # noqa: F401 - fixture


@pytest.fixture
def owner(world, tiny):  # noqa: F811
    return world.provider("Heath Care")


def complete(owner, version, title, rate, previous=None, days_ago=0):
    assessment = assessments.start(owner.organisation.id, version, title, owner.id, previous)
    ratings = assessments.ratings_by_key(assessment)
    for st in version.content.statements():
        scale, reason = rate(st.key)
        rating = ratings.get(st.key)
        assessments.save_rating(
            assessment,
            st,
            scale,
            rating.note if rating else "",
            rating.revision if rating else 0,
            owner.id,
            confirm=True,
            not_applicable_reason=reason,
        )
    assessments.complete(assessment, owner.id, at=utcnow() - timedelta(days=days_ago))
    db.session.commit()
    return assessment


@pytest.fixture
def history(owner, tiny):  # noqa: F811
    first = complete(owner, tiny["1.0.0"], "Spring 2026", lambda key: ("started", None), None, 200)
    second = complete(
        owner,
        tiny["2.0.0"],
        "Autumn 2026",
        lambda key: (
            (None, REASON)
            if key == "t-isf"
            else ("doing" if key != "t-review" else "started", None)
        ),
        first,
        10,
    )
    return first, second


def test_what_changed_follows_the_chain(history):
    first, second = history
    before, after = service.snapshots(first.organisation_id, [first.id, second.id])
    changes = service.compare(before, after)
    assert changes.version_changed
    by_key = {
        c.statement.key: c
        for group in ("improved", "slipped", "stayed", "new", "removed", "applies")
        for c in getattr(changes, group)
    }
    assert by_key["t-profile"].direction == "improved" and by_key["t-profile"].relation == "equal"
    assert by_key["t-review"].direction == "stayed"  # reworded and moved, still the same
    skills = by_key["t-safe-skills"]
    assert (skills.direction, skills.relation) == ("improved", "narrower")
    assert skills.before_text == "Workers and people know what to do when someone is at risk."
    assert by_key["t-money"].direction == "new" and by_key["t-recruit"].direction == "new"
    gone = by_key["t-sometimes"]
    assert (gone.direction, gone.before, gone.after) == ("removed", "Started", "–")
    assert gone.reason.startswith("It said “sometimes”")
    isf = by_key["t-isf"]
    assert (isf.direction, isf.before, isf.after) == (
        "applies",
        "Started",
        f"Does not apply here ({REASON})",
    )


def test_the_progress_page_marks_the_version_change(client, owner, history):
    sign_in(client, owner)
    page = client.get("/progress/tiny").get_data(as_text=True)
    assert "new version 2.0.0" in page  # table header and chart label
    assert "Checklist version" in page
    assert "New checklist version:" in page
    assert "No longer in the checklist (1)" in page
    assert str(escape("We sometimes recruit around the people we support.")) in page
    assert "New in this version (2)" in page
    assert REASON in page
    # sections persist by key: one row each
    assert page.count('<th scope="row">Knowing the person</th>') == 1
    assert page.count('<th scope="row">Our team</th>') == 1


def test_the_report_marks_it_too(owner, history):
    _, second = history
    content = report_data.assessment_report(second)
    assert [h["new_version"] for h in content["history"]] == [False, True]
    assert content["changes"]["version_changed"]
    assert [c["text"] for c in content["changes"]["removed"]] == [
        "We sometimes recruit around the people we support."
    ]
    assert "new version 2.0.0" in content["chart"]


def test_snapshots_of_one_version_are_not_marked(owner, tiny):  # noqa: F811
    complete(owner, tiny["1.0.0"], "One", lambda key: ("started", None), None, 20)
    complete(owner, tiny["1.0.0"], "Two", lambda key: ("doing", None), None, 10)
    checklist = db.session.get(Checklist, tiny["1.0.0"].checklist_id)
    snapshots = service.history(owner.organisation.id, checklist)
    assert [s.new_version for s in snapshots] == [False, False]
    changes = service.compare(*snapshots)
    assert not changes.version_changed and not changes.new and not changes.removed
    assert len(changes.improved) == 6
