"""The whole journey through the Flask client: start, rate, conflict, complete, result."""

import re

import pytest
from sqlalchemy import select

from p4p.assessments.models import Assessment, Rating
from p4p.auth.models import Role
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from tests.helpers import csrf_token, sign_in, submit


@pytest.fixture
def owner(world, homecare):
    return world.provider("Meadow Homecare")


def start(client, version, title="Spring 2027") -> Assessment:
    response = submit(client, "/assessments/new", {"edition": str(version.id), "title": title})
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment_id = int(re.search(r"/assessments/(\d+)", response.headers["Location"]).group(1))
    return db.session.get(Assessment, assessment_id)


def section_url(assessment, section):
    return f"/assessments/{assessment.id}/sections/{section.key}"


def rating_fields(statement, scale="", note="", revision=0, **extra):
    fields = {
        f"{statement.key}-scale": scale,
        f"{statement.key}-note": note,
        f"{statement.key}-revision": str(revision),
    }
    fields.update({f"{statement.key}-{k}": v for k, v in extra.items()})
    return fields


def checked_scale(page, statement):
    """The value of the statement's checked scale option on the page (None if none is)."""
    inputs = re.findall(rf'<input[^>]*\bname="{re.escape(statement.key)}-scale"[^>]*>', page)
    checked = [tag for tag in inputs if re.search(r"\schecked[\s>=]", tag)]
    assert len(checked) <= 1, checked
    return re.search(r'\bvalue="([^"]*)"', checked[0]).group(1) if checked else None


def rate_everything(client, assessment, version, scale_key):
    for section in version.sections:
        data = {}
        for statement in section.statements:
            rating = db.session.scalar(
                select(Rating).where(
                    Rating.assessment_id == assessment.id, Rating.statement_id == statement.id
                )
            )
            data.update(
                rating_fields(
                    statement,
                    scale_key,
                    f"Evidence for {statement.key}",
                    rating.revision if rating else 0,
                )
            )
        response = submit(client, section_url(assessment, section), data)
        assert response.status_code == 302, response.get_data(as_text=True)


def test_editions_show_version_publisher_and_summary(client, owner, homecare):
    sign_in(client, owner)
    html = client.get("/assessments/new").get_data(as_text=True)
    assert homecare.title in html and f"Version {homecare.version}" in html
    assert homecare.publisher in html and homecare.summary[:40] in html
    managers = db.session.scalar(select(Checklist).where(Checklist.key == "managers")).versions[-1]
    assert managers.title in html and f"Version {managers.version}" in html


def test_start_requires_a_title_and_a_known_edition(client, owner, homecare):
    sign_in(client, owner)
    response = submit(client, "/assessments/new", {"edition": str(homecare.id), "title": ""})
    assert response.status_code == 422
    assert "Give the assessment a title" in response.get_data(as_text=True)
    response = submit(client, "/assessments/new", {"edition": "999999", "title": "X"})
    assert response.status_code == 422
    assert db.session.scalar(select(Assessment)) is None


def test_rate_with_save_button_and_come_back(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    first, second = section.statements[:2]
    page = client.get(section_url(assessment, section)).get_data(as_text=True)
    assert first.text in page and first.guidance[:30] in page and first.evidence[0][:20] in page
    data = {
        **rating_fields(first, "doing", "We saw profiles for all 12 people."),
        **rating_fields(second, "started", ""),
    }
    response = submit(client, section_url(assessment, section), data)
    assert response.status_code == 302

    # Days later, from a fresh sign-in, everything is there.
    client.delete_cookie("session")
    sign_in(client, owner)
    page = client.get(section_url(assessment, section)).get_data(as_text=True)
    assert "We saw profiles for all 12 people." in page
    assert checked_scale(page, first) == "doing" and checked_scale(page, second) == "started"
    overview = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f"2 of {len(section.statements)}" in overview


def test_single_statement_save_answers_json(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    statement = section.statements[0]
    token = csrf_token(client.get(section_url(assessment, section)).get_data(as_text=True))
    url = f"/assessments/{assessment.id}/statements/{statement.key}"
    response = client.post(
        url, data={"csrf_token": token, **rating_fields(statement, "started", "A note")}
    )
    assert response.status_code == 200
    assert response.json["status"] == "saved" and response.json["revision"] == 1
    again = client.post(
        url, data={"csrf_token": token, **rating_fields(statement, "started", "A note", 1)}
    )
    assert again.json["status"] == "unchanged" and again.json["revision"] == 1


def test_a_later_save_does_not_overwrite_a_colleagues_earlier_one(client, owner, homecare, app):
    colleague = db.session.merge(owner)
    contributor = app.test_client()
    from tests.helpers import World

    carer = World(app).member(colleague.organisation, Role.CONTRIBUTOR)
    sign_in(client, owner)
    sign_in(contributor, carer)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    statement = section.statements[0]
    url = section_url(assessment, section)

    # Both open the page at revision 0; the contributor saves first.
    assert submit(contributor, url, rating_fields(statement, "doing", "Theirs")).status_code == 302
    response = submit(client, url, rating_fields(statement, "started", "Mine"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by a colleague" in html and "Theirs" in html and "Mine" in html
    rating = db.session.scalar(select(Rating).where(Rating.assessment_id == assessment.id))
    assert (rating.scale_key, rating.note, rating.revision) == ("doing", "Theirs", 1)

    # They choose to keep their own: the form now carries the latest revision.
    response = submit(client, url, rating_fields(statement, "started", "Mine", 1, resolve="mine"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (rating.scale_key, rating.note, rating.revision) == ("started", "Mine", 2)


def test_choosing_the_colleagues_version_keeps_it(client, owner, homecare, app):
    from tests.helpers import World

    carer = World(app).member(db.session.merge(owner).organisation, Role.CONTRIBUTOR)
    other = app.test_client()
    sign_in(client, owner)
    sign_in(other, carer)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    statement = section.statements[0]
    url = section_url(assessment, section)
    assert submit(other, url, rating_fields(statement, "doing", "Theirs")).status_code == 302
    conflict = submit(client, url, rating_fields(statement, "started", "Mine"))
    assert conflict.status_code == 409
    assert "changed by a colleague" in conflict.get_data(as_text=True)
    chosen = submit(client, url, rating_fields(statement, "started", "Mine", 1, resolve="theirs"))
    assert chosen.status_code == 302
    rating = db.session.scalar(select(Rating).where(Rating.assessment_id == assessment.id))
    assert (rating.scale_key, rating.note) == ("doing", "Theirs")


def test_json_save_reports_conflict_with_both_versions(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    statement = homecare.sections[0].statements[0]
    token = csrf_token(
        client.get(section_url(assessment, homecare.sections[0])).get_data(as_text=True)
    )
    url = f"/assessments/{assessment.id}/statements/{statement.key}"
    client.post(url, data={"csrf_token": token, **rating_fields(statement, "doing", "First")})
    response = client.post(
        url, data={"csrf_token": token, **rating_fields(statement, "not-yet", "Second", 0)}
    )
    assert response.status_code == 409
    assert "First" in response.json["html"] and "Second" in response.json["html"]


def test_over_long_note_is_refused_and_the_text_kept(client, owner, homecare, app):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    long_note = "x" * (app.config["NOTE_MAX_LENGTH"] + 1)
    statement = section.statements[0]
    data = {
        **rating_fields(statement, "doing", long_note),
        **rating_fields(section.statements[1], "started", "short and fine"),
    }
    response = submit(client, section_url(assessment, section), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "the limit is 4,000" in html
    assert long_note in html and "short and fine" in html
    assert db.session.scalar(select(Rating)) is None


@pytest.mark.parametrize("tamper", ["scale", "revision"])
def test_tampered_rating_form_is_refused_and_changes_nothing(client, owner, homecare, tamper):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    statement = section.statements[0]
    fields = rating_fields(statement, "doing", "note")
    fields[f"{statement.key}-{tamper}"] = "excellent" if tamper == "scale" else "-1"
    assert submit(client, section_url(assessment, section), fields).status_code == 400
    assert db.session.scalar(select(Rating)) is None


def test_statement_not_in_the_version_is_404(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    token = csrf_token(client.get(f"/assessments/{assessment.id}").get_data(as_text=True))
    response = client.post(
        f"/assessments/{assessment.id}/statements/mg-not-here", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert client.get(f"/assessments/{assessment.id}/sections/no-such-section").status_code == 404


def test_rating_without_csrf_is_refused(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    response = client.post(
        section_url(assessment, section), data=rating_fields(section.statements[0], "doing")
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Rating)) is None


def test_another_organisations_assessment_is_404(client, world, owner, homecare, app):
    sign_in(client, owner)
    assessment = start(client, homecare)
    section = homecare.sections[0]
    stranger = world.provider("Distant Care")
    other = app.test_client()
    sign_in(other, stranger)
    for url in (
        f"/assessments/{assessment.id}",
        section_url(assessment, section),
        f"/assessments/{assessment.id}/result",
        f"/assessments/{assessment.id}/complete",
    ):
        assert other.get(url).status_code == 404, url
    response = submit(
        other,
        "/assessments/",
        rating_fields(section.statements[0], "doing"),
        action=section_url(assessment, section),
    )
    assert response.status_code == 404
    assert db.session.scalar(select(Rating)) is None


def test_complete_lists_unrated_statements_then_completes(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    first_section = homecare.sections[0]
    data = {}
    for statement in first_section.statements:
        data.update(rating_fields(statement, "doing", "ok"))
    submit(client, section_url(assessment, first_section), data)

    response = submit(client, f"/assessments/{assessment.id}/complete")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    unrated = [s for sec in homecare.sections[1:] for s in sec.statements]
    assert f"{len(unrated)} statements still need a rating" in html
    assert unrated[0].text in html and first_section.statements[0].text not in html
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).is_draft

    rate_everything(client, assessment, homecare, "doing")
    response = submit(client, f"/assessments/{assessment.id}/complete")
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(Assessment, assessment.id)
    assert done.is_completed and done.completed_dt is not None


def test_completed_assessment_is_read_only(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    rate_everything(client, assessment, homecare, "started")
    submit(client, f"/assessments/{assessment.id}/complete")
    section = homecare.sections[0]
    statement = section.statements[0]
    page = client.get(section_url(assessment, section)).get_data(as_text=True)
    assert "cannot change" in page and f'name="{statement.key}-scale"' not in page
    token = csrf_token(page)
    response = client.post(
        section_url(assessment, section),
        data={"csrf_token": token, **rating_fields(statement, "doing", "late", 1)},
    )
    assert response.status_code == 403
    response = client.post(
        f"/assessments/{assessment.id}/statements/{statement.key}",
        data={"csrf_token": token, **rating_fields(statement, "doing", "late", 1)},
    )
    assert response.status_code == 403
    rating = db.session.scalar(select(Rating).where(Rating.statement_id == statement.id))
    assert rating.scale_key == "started"


def test_result_shows_scores_stage_rule_and_blockers(client, owner, homecare):
    sign_in(client, owner)
    assessment = start(client, homecare)
    rate_everything(client, assessment, homecare, "doing")
    # Pull one "getting started" statement down: no stage is reached, and it is the blocker.
    target = next(
        s
        for sec in homecare.sections
        for s in sec.statements
        if s.stage_key == homecare.stages[0]["key"]
    )
    section = target.section
    data = {}
    for statement in section.statements:
        rating = db.session.scalar(
            select(Rating).where(
                Rating.statement_id == statement.id, Rating.assessment_id == assessment.id
            )
        )
        data.update(
            rating_fields(
                statement,
                "started" if statement.id == target.id else "doing",
                rating.note,
                rating.revision,
            )
        )
    submit(client, section_url(assessment, section), data)
    submit(client, f"/assessments/{assessment.id}/complete")
    html = client.get(f"/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "No stage reached yet" in html
    assert "A stage is reached when every statement of that stage" in html
    assert f"Between you and “{homecare.stages[0]['label']}”" in html
    assert target.text in html
    total = sum(len(s.statements) for s in homecare.sections)
    assert f"{2 * total - 1} of {2 * total}" in html


def test_contributor_rates_but_cannot_start_or_complete(client, world, owner, homecare):
    contributor = world.member(db.session.merge(owner).organisation, Role.CONTRIBUTOR)
    sign_in(client, owner)
    assessment = start(client, homecare)
    client.delete_cookie("session")
    sign_in(client, contributor)
    assert client.get("/assessments/new").status_code == 403
    assert client.get(f"/assessments/{assessment.id}/complete").status_code == 403
    section = homecare.sections[0]
    response = submit(
        client,
        section_url(assessment, section),
        rating_fields(section.statements[0], "doing", "by contributor"),
    )
    assert response.status_code == 302


def test_viewer_reads_but_cannot_rate(client, world, owner, homecare):
    viewer = world.member(db.session.merge(owner).organisation, Role.VIEWER)
    sign_in(client, owner)
    assessment = start(client, homecare)
    client.delete_cookie("session")
    sign_in(client, viewer)
    section = homecare.sections[0]
    page = client.get(section_url(assessment, section))
    assert page.status_code == 200 and "read but not rate" in page.get_data(as_text=True)
    response = submit(
        client, section_url(assessment, section), rating_fields(section.statements[0], "doing")
    )
    assert response.status_code == 403


def test_delete_draft(client, owner, homecare):
    sign_in(client, owner)
    assessment_id = start(client, homecare).id
    response = submit(
        client, f"/assessments/{assessment_id}", action=f"/assessments/{assessment_id}/delete"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, assessment_id) is None


def test_section_page_query_count_does_not_grow_with_statements(
    client, owner, homecare, count_queries
):
    sign_in(client, owner)
    assessment = start(client, homecare)
    counts = []
    for section in homecare.sections[:2]:
        data = {}
        for statement in section.statements:
            data.update(rating_fields(statement, "doing", "n"))
        submit(client, section_url(assessment, section), data)
    sizes = [len(s.statements) for s in homecare.sections[:2]]
    for section in homecare.sections[:2]:
        with count_queries() as queries:
            assert client.get(section_url(assessment, section)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], (sizes, counts)
    with count_queries() as queries:
        client.get(f"/assessments/{assessment.id}/result")
    assert len(queries) <= 12


def test_dashboard_query_count_is_bounded(client, world, count_queries, runner, empty_catalogue):
    world.load_checklists()
    assert runner.invoke(args=["demo"]).exit_code == 0
    from p4p.auth.models import User

    manager = db.session.scalar(select(User).where(User.email == "manager@demo.example"))
    sign_in(client, manager, password="p4p-demo-password")
    with count_queries() as queries:
        assert client.get("/").status_code == 200
    # session user, membership, organisation, assessments (+2 eager), latest with content (+4),
    # its ratings: a fixed number, whatever the number of sections or assessments.
    assert len(queries) <= 14, len(queries)


def test_autosave_is_three_statements_whatever_the_section(client, owner, homecare, count_queries):
    """Who is signed in (one query with membership and organisation), the assessment with its
    version, and one conditional UPDATE; the checklist's content is read once per process, not
    per save, and the page counts its rated statements itself."""
    sign_in(client, owner)
    assessment = start(client, homecare)
    for section in homecare.sections[:2]:
        statement = section.statements[-1]
        page = client.get(section_url(assessment, section))
        token = csrf_token(page.get_data(as_text=True))
        url = f"/assessments/{assessment.id}/statements/{statement.key}"
        first = client.post(url, data={"csrf_token": token, **rating_fields(statement, "started")})
        assert first.json["status"] == "saved"
        with count_queries() as queries:
            changed = client.post(
                url, data={"csrf_token": token, **rating_fields(statement, "doing", "", 1)}
            )
        assert changed.json == {
            "status": "saved",
            "revision": 2,
            "carried_over": False,
            "saved_at": changed.json["saved_at"],
        }
        assert len(queries) == 3, queries
        assert [q.split()[0] for q in queries] == ["SELECT", "SELECT", "UPDATE"]
