"""What one organisation can make the service do is bounded: an action plan shows at most a
few actions per statement (all of them are in the CSV download), and creating actions and
assessments is limited per organisation and hour (429 with a clear page)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from p4p.actions import service as actions
from p4p.actions.models import Action, ActionStatus
from p4p.assessments.models import Assessment
from p4p.extensions import db
from p4p.reports import data as report_data
from p4p.timeutil import utcnow
from tests.helpers import completed_assessment, csrf_token, download_pdf, sign_in, submit


@pytest.fixture
def owner(world, homecare):
    return world.provider("Busy Homecare")


@pytest.fixture
def assessment(owner, homecare):
    return completed_assessment(owner, homecare, "Winter 2027", lambda i, _: ("started", ""))


@pytest.fixture
def statement(assessment):
    return assessment.version.content.sections[0].statements[0]


def add_actions(assessment, statement, owner, count: int, **fields) -> list[Action]:
    made = [
        actions.create(
            assessment,
            statement,
            owner.id,
            what=fields.get("what", f"Action number {n}"),
            lead=fields.get("lead", "Lee"),
            due_on=date.today() + timedelta(days=n),
            involvement=fields.get("involvement", ""),
        )
        for n in range(count)
    ]
    db.session.commit()
    return made


def text_of(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_plan_shows_the_most_urgent_actions_per_statement_and_counts_the_rest(
    client, owner, assessment, statement
):
    made = add_actions(assessment, statement, owner, 8)
    # A finished one from this assessment is shown after the open ones; the most urgent first.
    actions.update(
        made[0],
        owner.id,
        what=made[0].what,
        lead="Lee",
        due_on=made[0].due_on,
        involvement="",
        status=ActionStatus.DONE,
    )
    db.session.commit()
    data = report_data.action_plan(db.session.get(Assessment, assessment.id))
    (section,) = data["action_sections"]
    shown = [row["what"] for row in section["actions"] if "more" not in row]
    assert shown == [f"Action number {n}" for n in range(1, 4)]
    assert section["actions"][-1] == {"statement": statement.text, "more": 5}
    assert (data["action_count"], data["actions_not_shown"]) == (8, 5)

    sign_in(client, owner)
    text = text_of(download_pdf(client, f"/assessments/{assessment.id}/action-plan.pdf").data)
    assert "Action number 3" in text and "Action number 4" not in text
    assert "And 5 more for" in text
    assert f"/assessments/{assessment.id}/actions.csv" in text


def test_csv_holds_every_action_with_bom_header_and_no_formulas(
    client, owner, assessment, statement
):
    add_actions(assessment, statement, owner, 7)
    add_actions(
        assessment,
        statement,
        owner,
        1,
        what='=HYPERLINK("http://attacker.example","click")',
        lead="+44 20 7946 0000",
        involvement="@SUM(A1:A2) and -1 – café",
    )
    sign_in(client, owner)
    response = client.get(f"/assessments/{assessment.id}/actions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="busy-homecare_homecare_winter-2027_actions_'
        in (response.headers["Content-Disposition"])
    )
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == report_data.CSV_HEADER
    assert len(rows) == 1 + 8  # every action, not only those the PDF shows
    hostile = next(row for row in rows if "HYPERLINK" in row[3])
    assert hostile[3] == '\'=HYPERLINK("http://attacker.example","click")'
    assert hostile[4] == "'+44 20 7946 0000"
    assert hostile[9] == "'@SUM(A1:A2) and -1 – café"
    assert rows[1][5] == date.today().isoformat() and rows[1][6] == "Planned"
    assert rows[1][0] == assessment.version.content.sections[0].title
    # Every cell that could start a formula is quoted.
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_action_pages_link_the_csv(client, owner, assessment):
    sign_in(client, owner)
    for page in (f"/assessments/{assessment.id}", f"/assessments/{assessment.id}/result"):
        html = client.get(page).get_data(as_text=True)
        assert f'href="/assessments/{assessment.id}/actions.csv"' in html, page


def test_another_organisation_cannot_read_the_csv(client, world, assessment):
    sign_in(client, world.provider("Nosy Care"))
    assert client.get(f"/assessments/{assessment.id}/actions.csv").status_code == 404


def action_count() -> int:
    return db.session.scalar(select(func.count(Action.id)))


def test_actions_per_organisation_and_hour_are_limited(
    app, client, world, owner, assessment, statement
):
    app.config["RATE_LIMIT_ACTIONS_PER_HOUR"] = 3
    add_actions(assessment, statement, owner, 2)
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/statements/{statement.key}/actions/new"
    made = submit(client, url, {"what": "Third", "lead": "Lee", "due_on": "2027-05-01"})
    assert made.status_code == 302 and action_count() == 3

    refused = client.get(url)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    page = refused.get_data(as_text=True)
    assert "Please wait before adding more" in page
    assert "made 3 improvement actions in the last hour" in page and "(3 an hour)" in page
    token = csrf_token(client.get(f"/assessments/{assessment.id}").get_data(as_text=True))
    posted = client.post(
        url, data={"csrf_token": token, "what": "Fourth", "lead": "Lee", "due_on": "2027-05-01"}
    )
    assert posted.status_code == 429 and action_count() == 3

    # Another organisation is not held back by this one.
    other = world.provider("Calm Care")
    theirs = completed_assessment(other, assessment.version, "Theirs", lambda i, _: None)
    other_client = app.test_client()
    sign_in(other_client, other)
    assert (
        other_client.get(
            f"/assessments/{theirs.id}/statements/{statement.key}/actions/new"
        ).status_code
        == 200
    )

    # An hour on, the earliest no longer count.
    db.session.execute(update(Action).values(created_dt=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    assert client.get(url).status_code == 200


def test_assessments_per_organisation_and_hour_are_limited(app, client, owner, assessment):
    app.config["RATE_LIMIT_ASSESSMENTS_PER_HOUR"] = 1
    sign_in(client, owner)
    refused = client.get("/assessments/new")
    assert refused.status_code == 429
    assert "made 1 assessments in the last hour" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/assessments/").get_data(as_text=True))
    posted = client.post(
        "/assessments/new",
        data={
            "csrf_token": token,
            "edition": str(assessment.version.id),
            "title": "One too many",
            "start_from": "blank",
        },
    )
    assert posted.status_code == 429
    assert db.session.scalar(select(func.count(Assessment.id))) == 1
    app.config["RATE_LIMIT_ASSESSMENTS_PER_HOUR"] = 2
    assert client.get("/assessments/new").status_code == 200
