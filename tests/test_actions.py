"""Improvement actions, as a manager uses them."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from p4p.actions.models import Action
from p4p.assessments.models import Assessment, Rating
from p4p.extensions import db
from tests.helpers import main_headings, sign_in, submit


@pytest.fixture
def owner(world, homecare):
    return world.provider("Action Homecare")


@pytest.fixture
def assessment(owner, homecare):
    assessment = Assessment(
        organisation_id=owner.organisation.id,
        version=homecare,
        title="Spring 2027",
        created_by=owner,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def new_url(assessment, statement):
    return f"/assessments/{assessment.id}/statements/{statement.key}/actions/new"


def add(client, assessment, statement, **fields):
    data = {
        "what": "Write a one-page profile with each person",
        "lead": "Sam Lead",
        "due_on": (date.today() + timedelta(days=30)).isoformat(),
        "involvement": "",
    }
    data.update(fields)
    return submit(client, new_url(assessment, statement), data)


def test_add_action_shows_guidance_and_records_history(client, owner, assessment, homecare):
    sign_in(client, owner)
    statement = homecare.sections[0].statements[0]
    page = client.get(new_url(assessment, statement)).get_data(as_text=True)
    assert statement.text in page and statement.guidance[:40] in page
    response = add(client, assessment, statement, involvement="Ask people at the tenants' meeting")
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.statement_key, action.lead, action.status) == (
        statement.key,
        "Sam Lead",
        "planned",
    )
    assert action.involvement == "Ask people at the tenants' meeting"
    assert action.section_title == homecare.sections[0].title
    assert [e.summary for e in action.events][0].startswith("Planned, due")


def test_no_action_for_a_statement_already_at_the_top(client, owner, assessment, homecare):
    statement = homecare.sections[0].statements[0]
    db.session.add(
        Rating(
            organisation_id=assessment.organisation_id,
            assessment_id=assessment.id,
            statement_id=statement.id,
            scale_key="doing",
            note="",
        )
    )
    db.session.commit()
    sign_in(client, owner)
    assert client.get(new_url(assessment, statement)).status_code == 400


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what": ""}, "Say what you will do."),
        ({"lead": ""}, "Name the person who leads this action."),
        ({"due_on": "2027-02-31"}, "Enter a real date"),
        ({"due_on": ""}, "Enter a real date"),
        ({"what": "x" * 2001}, "2,000 characters or fewer"),
    ],
)
def test_bad_input_is_refused_and_the_text_kept(
    client, owner, assessment, homecare, fields, message
):
    sign_in(client, owner)
    statement = homecare.sections[0].statements[0]
    response = add(client, assessment, statement, involvement="Typed involvement", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Typed involvement" in html
    assert db.session.scalar(select(Action)) is None


def test_past_due_date_is_allowed_but_flagged(client, owner, assessment, homecare):
    sign_in(client, owner)
    statement = homecare.sections[0].statements[0]
    response = add(client, assessment, statement, due_on="2020-01-01")
    assert response.status_code == 302
    action_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "due date is in the past" in action_page
    assert "Overdue" in action_page


def test_update_status_keeps_a_history(client, owner, assessment, homecare):
    sign_in(client, owner)
    statement = homecare.sections[0].statements[0]
    add(client, assessment, statement)
    action = db.session.scalar(select(Action))
    url = f"/actions/{action.id}"
    base = {"what": action.what, "lead": action.lead, "due_on": action.due_on.isoformat()}
    assert submit(client, url, {**base, "status": "in-progress"}).status_code == 302
    response = submit(client, url, {**base, "status": "dropped"})
    assert response.status_code == 422
    assert "Say why the action was dropped." in response.get_data(as_text=True)
    submit(
        client, url, {**base, "status": "done", "completed_on": "2027-01-15", "lead": "Alex Lead"}
    )
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.status, action.completed_on, action.lead) == (
        "done",
        date(2027, 1, 15),
        "Alex Lead",
    )
    history = [e.summary for e in action.events]
    assert len(history) == 3
    assert "Status changed from planned to in progress." in history[1]
    assert "Lead changed." in history[2] and "Completed on 15 January 2027." in history[2]
    page = client.get(url).get_data(as_text=True)
    assert "Owner of Action Homecare" in page


def test_dropping_needs_and_keeps_a_reason(client, owner, assessment, homecare):
    sign_in(client, owner)
    add(client, assessment, homecare.sections[0].statements[0])
    action = db.session.scalar(select(Action))
    submit(
        client,
        f"/actions/{action.id}",
        {
            "what": action.what,
            "lead": action.lead,
            "due_on": action.due_on.isoformat(),
            "status": "dropped",
            "drop_reason": "The service closed.",
        },
    )
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.status, action.drop_reason) == ("dropped", "The service closed.")


def test_action_list_filters_sorts_and_marks_overdue(client, owner, assessment, homecare):
    sign_in(client, owner)
    first, second = homecare.sections[0].statements[:2]
    other_section = homecare.sections[1].statements[0]
    add(client, assessment, first, what="Late thing", lead="Ann", due_on="2020-05-01")
    add(
        client,
        assessment,
        second,
        what="Soon thing",
        lead="Bob",
        due_on=(date.today() + timedelta(days=5)).isoformat(),
    )
    add(
        client,
        assessment,
        other_section,
        what="Later thing",
        lead="Ann",
        due_on=(date.today() + timedelta(days=50)).isoformat(),
    )

    def shown(**query):
        html = client.get("/actions/", query_string=query).get_data(as_text=True)
        names = ["Late thing", "Soon thing", "Later thing"]
        return sorted((html.index(n), n) for n in names if n in html)

    assert [n for _, n in shown()] == ["Late thing", "Soon thing", "Later thing"]
    assert [n for _, n in shown(order="due-desc")] == ["Later thing", "Soon thing", "Late thing"]
    assert [n for _, n in shown(lead="Ann")] == ["Late thing", "Later thing"]
    assert [n for _, n in shown(section=homecare.sections[1].key)] == ["Later thing"]
    assert [n for _, n in shown(overdue="1")] == ["Late thing"]
    assert "row-overdue" in client.get("/actions/").get_data(as_text=True)
    assert [n for _, n in shown(status="done")] == []


def test_open_actions_meet_the_statement_in_the_next_assessment(
    client, owner, assessment, homecare
):
    sign_in(client, owner)
    statement = homecare.sections[0].statements[0]
    add(client, assessment, statement, what="Introduce every worker before a first visit")
    later = Assessment(
        organisation_id=owner.organisation.id,
        version=homecare,
        title="Autumn 2027",
        created_by=owner,
    )
    db.session.add(later)
    db.session.commit()
    page = client.get(f"/assessments/{later.id}/sections/{homecare.sections[0].key}")
    assert "Introduce every worker before a first visit" in page.get_data(as_text=True)


def test_another_organisations_action_is_404(client, world, owner, assessment, homecare):
    sign_in(client, owner)
    add(client, assessment, homecare.sections[0].statements[0])
    action = db.session.scalar(select(Action))
    stranger = world.provider("Far Away Care")
    client.delete_cookie("session")
    sign_in(client, stranger)
    assert client.get(f"/actions/{action.id}").status_code == 404
    response = submit(
        client,
        "/actions/",
        {"what": "hijack", "lead": "x", "due_on": "2027-01-01", "status": "done"},
        action=f"/actions/{action.id}",
    )
    assert response.status_code == 404
    assert "hijack" not in client.get("/actions/").get_data(as_text=True)


def test_a_long_action_list_is_shown_a_page_at_a_time(client, owner, assessment, homecare):
    from p4p.actions import service as actions

    statements = list(homecare.content.statements())
    for n in range(actions.PER_PAGE * 2 + 7):
        actions.create(
            assessment,
            statements[n % len(statements)],
            owner.id,
            what=f"Action number {n:03d}",
            lead="Lead",
            due_on=date(2027, 1, 1) + timedelta(days=n),
        )
    db.session.commit()
    sign_in(client, owner)
    first = client.get("/actions/?status=open&lead=Lead").get_data(as_text=True)
    assert first.count("Action number ") == actions.PER_PAGE
    assert "Action number 000" in first and f"Action number {actions.PER_PAGE:03d}" not in first
    assert "1–50 of 107 actions shown (page 1 of 3)" in first
    assert 'href="/actions/?status=open&amp;lead=Lead&amp;page=2" rel="next"' in first
    last = client.get("/actions/?status=open&lead=Lead&page=3").get_data(as_text=True)
    assert last.count("Action number ") == 7 and "Action number 106" in last
    assert 'rel="prev"' in last and 'rel="next"' not in last
    beyond = client.get("/actions/?page=99")
    assert beyond.status_code == 200 and "Action number" not in beyond.get_data(as_text=True)


def test_home_page_counts_open_and_overdue_actions_and_how_much_a_draft_has_rated(
    client, owner, assessment, homecare
):
    from p4p.actions import service as actions

    statements = list(homecare.content.statements())
    for n, days in enumerate((-3, -1, 10, 20)):
        actions.create(
            assessment,
            statements[n],
            owner.id,
            what=f"Action {n}",
            lead="Lead",
            due_on=date.today() + timedelta(days=days),
        )
    for statement, scale in ((statements[0], "doing"), (statements[1], None)):
        db.session.add(
            Rating(
                organisation_id=assessment.organisation_id,
                assessment_id=assessment.id,
                statement_id=statement.id,
                scale_key=scale,
                note="",
            )
        )
    db.session.commit()
    sign_in(client, owner)
    home = client.get("/").get_data(as_text=True)
    assert "4 open actions</a>" in home and "2 overdue</strong>" in home
    assert 'href="/actions/?status=open&amp;overdue=1"' in home
    assert f"Spring 2027</a>: 1 of {len(statements)} statements rated" in home


def assert_no_skipped_heading_levels(page: str) -> None:
    levels = [level for level, _ in main_headings(page)]
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def test_rating_page_headings_go_h1_h2_h3(client, owner, assessment, homecare):
    section = homecare.sections[0]
    sign_in(client, owner)
    assert add(client, assessment, section.statements[0]).status_code == 302
    page = client.get(f"/assessments/{assessment.id}/sections/{section.key}").get_data(as_text=True)
    found = main_headings(page)
    assert found[0] == (1, section.title)
    assert [text for level, text in found if level == 2] == [s.text for s in section.statements]
    assert (3, "Improvement actions") in found
    assert_no_skipped_heading_levels(page)


def test_new_action_page_is_under_actions_with_a_short_guidance_panel(
    client, owner, assessment, homecare
):
    statement = homecare.sections[0].statements[0]
    sign_in(client, owner)
    page = client.get(new_url(assessment, statement)).get_data(as_text=True)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', page)
    assert current == [("/actions/", "Actions")]
    assert 'class="card guidance-aside"' in page
    assert_no_skipped_heading_levels(page)
    # After an error, the summary is where focus starts.
    response = add(client, assessment, statement, what="", lead="")
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary"[^>]*>', response.get_data(as_text=True))
    assert summary and 'tabindex="-1"' in summary[0] and "autofocus" in summary[0]
