""" "Does not apply here": offered only where the checklist allows it, with a required reason,
left out of points and stages, and shown with its reason wherever the assessment is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from p4p import scoring
from p4p.assessments import service
from p4p.assessments.forms import NOT_APPLICABLE
from p4p.assessments.models import Rating, SectionResult
from p4p.catalogue import queries
from p4p.extensions import db
from p4p.reports import data as report_data
from tests.helpers import csrf_token, sign_in
from tests.test_assessments import checked_scale, rating_fields, section_url, start

TINY = Path(__file__).parent / "data" / "carrying"
REASON = "The council here does not commission individual service funds."


@pytest.fixture
def tiny(world, empty_catalogue):
    """The tiny edition, versions 1.0.0, 1.1.0 and 2.0.0 (version 2.0.0 has two statements
    that may not apply: t-money and t-isf)."""
    world.load_checklists(TINY)
    return {v: queries.find_version("tiny", v, None) for v in ("1.0.0", "1.1.0", "2.0.0")}


@pytest.fixture
def owner(world, tiny):
    return world.provider("Moorland Care")


def rating_of(assessment, key):
    statement = assessment.version.content.statement(key)
    return db.session.scalar(
        select(Rating)
        .where(Rating.assessment_id == assessment.id, Rating.statement_id == statement.id)
        .execution_options(populate_existing=True)
    )


def save(client, assessment, key, **fields):
    checklist = assessment.version.content
    section = checklist.section_of(key)
    token = csrf_token(client.get(section_url(assessment, section)).get_data(as_text=True))
    return client.post(
        f"/assessments/{assessment.id}/statements/{key}",
        data={"csrf_token": token, **rating_fields(checklist.statement(key), **fields)},
    )


def test_only_statements_that_may_not_apply_offer_it(client, owner, tiny):
    sign_in(client, owner)
    assessment = start(client, tiny["2.0.0"])
    checklist = assessment.version.content
    page = client.get(section_url(assessment, checklist.section("team"))).get_data(as_text=True)
    assert page.count(f'value="{NOT_APPLICABLE}"') == 1  # t-isf, not the other three
    assert "Does not apply here" in page and 'name="t-isf-reason"' in page
    assert 'name="t-recruit-reason"' not in page


def test_the_server_refuses_it_for_other_statements_even_from_a_crafted_request(
    client, owner, tiny
):
    sign_in(client, owner)
    assessment = start(client, tiny["2.0.0"])
    response = save(client, assessment, "t-recruit", scale=NOT_APPLICABLE, reason="Not here")
    assert response.status_code == 400
    assert rating_of(assessment, "t-recruit") is None
    section = assessment.version.content.section("team")
    token = csrf_token(client.get(section_url(assessment, section)).get_data(as_text=True))
    statement = assessment.version.content.statement("t-recruit")
    response = client.post(
        section_url(assessment, section),
        data={"csrf_token": token, **rating_fields(statement, NOT_APPLICABLE, reason="Not here")},
    )
    assert response.status_code == 400
    with pytest.raises(ValueError, match="always applies"):
        service.save_rating(assessment, statement, None, "", 0, owner.id, not_applicable_reason="x")


def test_a_reason_is_required_with_a_clear_message(client, owner, tiny):
    sign_in(client, owner)
    assessment = start(client, tiny["2.0.0"])
    response = save(client, assessment, "t-isf", scale=NOT_APPLICABLE, reason="  ")
    assert response.status_code == 422
    assert "Say why this does not apply here" in " ".join(response.json["errors"]["reason"])
    assert rating_of(assessment, "t-isf") is None
    # The no-script Save button says the same on the page.
    section = assessment.version.content.section("team")
    url = section_url(assessment, section)
    token = csrf_token(client.get(url).get_data(as_text=True))
    statement = assessment.version.content.statement("t-isf")
    page = client.post(url, data={"csrf_token": token, **rating_fields(statement, NOT_APPLICABLE)})
    assert page.status_code == 422
    assert "Say why this does not apply here" in page.get_data(as_text=True)


def test_autosave_and_the_save_button_both_store_it(client, owner, tiny):
    sign_in(client, owner)
    assessment = start(client, tiny["2.0.0"])
    response = save(client, assessment, "t-isf", scale=NOT_APPLICABLE, reason=REASON)
    assert response.status_code == 200 and response.json["status"] == "saved"
    rating = rating_of(assessment, "t-isf")
    assert (rating.scale_key, rating.not_applicable_reason) == (None, REASON)

    checklist = assessment.version.content
    section = checklist.section("knowing")
    url = section_url(assessment, section)
    token = csrf_token(client.get(url).get_data(as_text=True))
    money = checklist.statement("t-money")
    response = client.post(
        url,
        data={"csrf_token": token, **rating_fields(money, NOT_APPLICABLE, reason="No money")},
    )
    assert response.status_code == 302
    assert rating_of(assessment, "t-money").not_applicable_reason == "No money"
    page = client.get(url).get_data(as_text=True)
    assert checked_scale(page, money) == NOT_APPLICABLE
    assert "No money" in page

    # Changing it back to a rating clears the reason.
    response = save(client, assessment, "t-isf", scale="started", revision=1)
    assert response.json["status"] == "saved"
    rating = rating_of(assessment, "t-isf")
    assert (rating.scale_key, rating.not_applicable_reason) == ("started", None)


def test_autosave_with_a_reason_is_still_three_statements(client, owner, tiny, count_queries):
    sign_in(client, owner)
    assessment = start(client, tiny["2.0.0"])
    assert save(client, assessment, "t-isf", scale="started").json["status"] == "saved"
    checklist = assessment.version.content
    token = csrf_token(
        client.get(section_url(assessment, checklist.section("team"))).get_data(as_text=True)
    )
    with count_queries() as queries:
        response = client.post(
            f"/assessments/{assessment.id}/statements/t-isf",
            data={
                "csrf_token": token,
                **rating_fields(checklist.statement("t-isf"), NOT_APPLICABLE, "", 1, reason=REASON),
            },
        )
    assert response.json["status"] == "saved"
    assert len(queries) == 3, queries


def test_it_counts_in_neither_points_possible_nor_a_stage(tiny):
    checklist = tiny["2.0.0"].content
    every_top = {st.key: "doing" for st in checklist.statements()}
    ratings = {**every_top, "t-money": None}
    outcome = scoring.score(checklist, ratings, not_applicable={"t-money"})
    assert outcome.overall.possible == 7 * 2 and outcome.overall.points == 14
    assert outcome.overall.not_applicable == 1 and outcome.overall.total == 7
    assert outcome.stage_reached.key == "aiming-high"  # t-money did not hold it back
    # A statement that always applies cannot be left out by saying so.
    outcome = scoring.score(checklist, {**every_top, "t-profile": None}, {"t-profile"})
    assert outcome.overall.possible == 8 * 2 and outcome.stage_reached is None


def completed_with_not_applicable(owner, version):
    assessment = service.start(owner.organisation.id, version, "Autumn 2026", owner.id)
    checklist = version.content
    for st in checklist.statements():
        if st.key == "t-isf":
            service.save_rating(assessment, st, None, "", 0, owner.id, not_applicable_reason=REASON)
        else:
            service.save_rating(assessment, st, "started", "", 0, owner.id)
    service.complete(assessment, owner.id)
    db.session.commit()
    return assessment


def test_completion_stores_it_and_every_page_and_pdf_shows_it_with_the_reason(client, owner, tiny):
    assessment = completed_with_not_applicable(owner, tiny["2.0.0"])
    assert (assessment.points, assessment.possible) == (7, 14)
    results = {
        r.section_key: r
        for r in db.session.scalars(
            select(SectionResult).where(SectionResult.assessment_id == assessment.id)
        )
    }
    assert (results["team"].total, results["team"].not_applicable) == (3, 1)
    assert results["team"].possible == 6

    sign_in(client, owner)
    pages = {
        "overview": f"/assessments/{assessment.id}",
        "result": f"/assessments/{assessment.id}/result",
        "snapshot": section_url(assessment, assessment.version.content.section("team")),
    }
    for name, url in pages.items():
        page = client.get(url).get_data(as_text=True)
        assert "Does not apply here" in page, name
        assert REASON in page, name

    for document in (report_data.action_plan, report_data.assessment_report):
        content = document(assessment)
        assert content["not_applicable"] == [
            {
                "text": assessment.version.content.statement("t-isf").text,
                "section": "Our team",
                "reason": REASON,
            }
        ]
    rows = report_data.assessment_report(assessment)["statement_sections"][1]["statements"]
    assert f"Does not apply here ({REASON})" in [row["rating"] for row in rows]


def test_both_pdfs_show_it_with_the_reason(client, owner, tiny):
    from tests.helpers import download_pdf
    from tests.test_reports import text_of

    assessment = completed_with_not_applicable(owner, tiny["2.0.0"])
    sign_in(client, owner)
    for kind in ("action-plan", "report"):
        response = download_pdf(client, f"/assessments/{assessment.id}/{kind}.pdf")
        text = " ".join(text_of(response.data).split())
        assert "Does not apply here" in text, kind
        assert REASON in text, kind
