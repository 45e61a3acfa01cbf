"""Issue 9's journey, as a new commissioner would take it: sign up, two providers share (one
summary, one full), compare them through two lenses, export CSV and XLSX, one provider
revokes, and it disappears from the table, the exports and the API at once.

The providers' completed assessments are made on the server's database through the services
(rating ninety statements by hand would test nothing new); everything the commissioner and the
providers decide is done in the browser."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from p4p import create_app, tenancy
from p4p.actions import service as actions
from p4p.assessments import service
from p4p.auth import service as accounts
from p4p.auth.models import User
from p4p.catalogue import queries
from p4p.extensions import db
from p4p.tokens import service as tokens
from tests.browser.conftest import SECRET
from tests.browser.helpers import assert_accessible, sign_up

PASSWORD = "a browser test password"
COUNCIL = "Westmoor County Council"
SUMMARY = ("Heather Lane Homecare", "owner@heather-lane.example", "summary")
FULL = ("Juniper Court Care", "owner@juniper-court.example", "full")
NOTE = "Mrs Okafor told us her worker now stays for the full hour"
LEAD = "Lena Leadwell"


@pytest.fixture
def server_app(live_server, server_database):
    app = create_app(
        {"P4P_ENV": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": server_database}
    )
    with app.app_context():
        tenancy.enter(tenancy.everything("a browser test's own set-up"))
        yield app
        db.session.remove()
        db.engine.dispose()


def provider_with_a_completed_assessment(name: str, email: str) -> None:
    """A provider, its owner, one completed homecare assessment with evidence notes, and an
    improvement action with a named lead."""
    owner = accounts.sign_up(name, f"Owner of {name}", email, PASSWORD)
    db.session.flush()
    version = queries.latest_versions(owner.organisation.id)
    homecare = next(v for v in version if v.checklist.key == "homecare")
    assessment = service.start(owner.organisation.id, homecare, "Autumn review", owner.id)
    statements = list(homecare.content.statements())
    for index, statement in enumerate(statements):
        scale = homecare.content.scale_keys[-1 if index % 3 else 1]
        service.save_rating(assessment, statement, scale, f"{NOTE} ({index})", 0, owner.id)
    service.complete(assessment, owner.id)
    actions.create(
        assessment,
        statements[1],
        owner.id,
        what="Review rotas with the people we support",
        lead=LEAD,
        due_on=date(2027, 3, 31),
    )
    db.session.commit()


def sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def share(page: Page, email: str, code: str, scope: str) -> None:
    sign_in(page, email)
    page.goto("/sharing/")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Share with {COUNCIL}?")
    page.get_by_label(re.compile(f"^{scope.capitalize()}:")).check()
    page.get_by_role("button", name=f"Share with {COUNCIL}").click()
    expect(page.locator(".notice-success")).to_contain_text(
        f"You now share your completed assessments with {COUNCIL}"
    )


def download(page: Page, link: str) -> bytes:
    with page.expect_download() as caught:
        page.get_by_role("link", name=link).click()
    with open(caught.value.path(), "rb") as handle:
        return handle.read()


def api_names(live_server: str, token: str) -> set[str]:
    request = urllib.request.Request(  # noqa: S310 - the test's own server, over http
        f"{live_server}/api/v1/providers", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - the test's own server
        return {provider["name"] for provider in json.load(response)["items"]}


def table_names(page: Page) -> list[str]:
    return page.locator("table tbody th[scope=row]").all_inner_texts()


def test_a_commissioner_compares_sharing_providers_until_one_revokes(
    new_page, live_server, server_app
):
    for name, email, _ in (SUMMARY, FULL):
        provider_with_a_completed_assessment(name, email)

    council = new_page()
    sign_up(council, COUNCIL, "officer@westmoor.example", commissioner=True)
    code = council.locator("strong.code").first.inner_text()

    providers = {}
    for name, email, scope in (SUMMARY, FULL):
        providers[name] = new_page()
        share(providers[name], email, code, scope)

    # The providers table, through two lenses.
    council.goto("/commissioning/providers")
    expect(council.locator("table tbody th[scope=row]")).to_have_count(2)
    assert sorted(table_names(council)) == sorted([SUMMARY[0], FULL[0]])
    assert_accessible(council)
    for lens in ("CQC key questions", "Making it Real themes"):
        council.get_by_role("link", name=lens).click()
        expect(council.locator("caption")).to_contain_text(lens)
        assert sorted(table_names(council)) == sorted([SUMMARY[0], FULL[0]])
    page_text = council.locator("main").inner_text()
    assert NOTE not in page_text and LEAD not in page_text

    # Exports, with the lens in view.
    csv_text = download(council, "CSV").decode("utf-8-sig")
    assert SUMMARY[0] in csv_text and FULL[0] in csv_text and NOTE not in csv_text
    workbook = load_workbook(io.BytesIO(download(council, "Excel")))
    cells = {str(c.value) for row in workbook.active.iter_rows() for c in row if c.value}
    assert {SUMMARY[0], FULL[0]} <= cells

    # The API sees the same providers.
    officer = db.session.scalar(select(User).where(User.email == "officer@westmoor.example"))
    token = tokens.create(officer, "journey").secret
    db.session.commit()
    assert api_names(live_server, token) == {SUMMARY[0], FULL[0]}

    # Opened one by one: notes and names only where the provider chose the full scope.
    council.get_by_role("link", name=FULL[0]).click()
    council.get_by_role("link", name="Autumn review").first.click()
    expect(council.locator("main")).to_contain_text(NOTE)
    council.goto("/commissioning/providers")
    council.get_by_role("link", name=SUMMARY[0]).click()
    council.get_by_role("link", name="Autumn review").first.click()
    expect(council.get_by_role("heading", level=1)).to_contain_text("Autumn review")
    assert NOTE not in council.locator("main").inner_text()

    # The summary provider stops sharing: gone from the table, the exports and the API at once.
    revoking = providers[SUMMARY[0]]
    revoking.goto("/sharing/")
    revoking.get_by_role("button", name=f"Stop sharing with {COUNCIL}").click()
    expect(revoking.locator(".notice-success")).to_contain_text(
        f"You no longer share with {COUNCIL}"
    )
    council.goto("/commissioning/providers")
    expect(council.locator("table tbody th[scope=row]")).to_have_count(1)
    assert table_names(council) == [FULL[0]]
    csv_text = download(council, "CSV").decode("utf-8-sig")
    assert FULL[0] in csv_text and SUMMARY[0] not in csv_text
    workbook = load_workbook(io.BytesIO(download(council, "Excel")))
    cells = {str(c.value) for row in workbook.active.iter_rows() for c in row if c.value}
    assert FULL[0] in cells and SUMMARY[0] not in cells
    assert api_names(live_server, token) == {FULL[0]}
