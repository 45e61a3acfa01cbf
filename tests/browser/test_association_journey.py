"""A trade association's whole journey with a checklist of its own: it uploads a new edition,
a provider joins and completes an assessment on it, the association writes the next version in
the browser (one statement reworded, one new: 1.1.0, a minor version; then one removed: 2.0.0,
a major one, a wrong number refused each time), and the member starts on the newest version
from its last assessment, carrying its answers."""

from __future__ import annotations

import re
import textwrap

from playwright.sync_api import Page, expect
from sqlalchemy import select

from p4p.assessments import service as assessments
from p4p.auth import service as accounts
from p4p.auth.models import OrganisationKind, User
from p4p.catalogue import queries
from p4p.extensions import db
from tests.browser.helpers import assert_accessible, autosave_idle
from tests.browser.test_commissioner_journey import PASSWORD, sign_in
from tests.browser.test_commissioner_journey import server_app as server_app  # noqa: F401

NETWORK = "Westfield Care Network"
NETWORK_EMAIL = "owner@westfield-network.example"
MEMBER = "Brookside Home Care"
MEMBER_EMAIL = "owner@brookside.example"
TITLE = "Westfield visits checklist"
EDITION = textwrap.dedent(
    f"""\
    format: p4p-checklist/1
    key: westfield-visits
    title: {TITLE}
    summary: What matters on every visit, written with our members.
    version: 1.0.0
    published: 2026-10-01
    publisher: {NETWORK}
    licence: CC-BY-4.0
    scale:
      - {{key: not-yet, label: Not yet, points: 0}}
      - {{key: started, label: We have started, points: 1}}
      - {{key: doing, label: We do this for everyone, points: 2}}
    sections:
      - key: visits
        title: Visits
        statements:
          - key: wf-on-time
            text: Workers arrive when the person expects them.
            guidance: Nine visits in ten start within the agreed window.
            evidence: [Call monitoring records]
          - key: wf-same-faces
            text: People are visited by a small team of workers they know.
            guidance: Most people see no more than four workers in a month.
            evidence: [Rotas for five people]
          - key: wf-paper-log
            text: Every visit is written in the paper log in the person's home.
            guidance: The log is complete for the last month.
            evidence: [Logs checked at spot checks]
    """
)
REWORDED = "Workers arrive within the time window the person agreed with us."
NEW = "People are told before the visit when their worker is running late."
REMOVAL_REASON = "Visit notes are now kept on the care app, which people and families can read."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def saved(page: Page) -> None:
    expect(page.locator("[data-role=draft-status]").first).to_have_text("Saved.")
    expect(page.locator("form[data-draft-save]").first).to_have_attribute("data-autosave", "idle")


def completed_on_1_0_0() -> None:
    """The member's completed assessment on 1.0.0, every statement "We have started"."""
    owner = db.session.scalar(select(User).where(User.email == MEMBER_EMAIL))
    organisation_id = owner.organisation.id
    version = queries.find_version("westfield-visits", "1.0.0", organisation_id)
    assessment = assessments.start(organisation_id, version, "Autumn 2026", owner.id)
    for statement in version.content.statements():
        assessments.save_rating(
            assessment, statement, "started", "Seen at spot checks", 0, owner.id
        )
    assessments.complete(assessment, owner.id)
    db.session.commit()


def publish(page: Page, wrong: str, right: str, level: str, summary: str) -> None:
    """Publish the open draft: the wrong number refused beside its field, then the right one."""
    page.get_by_role("navigation", name="This draft").get_by_role("link", name="Publish").click()
    expect(page.locator("#main")).to_contain_text(f"call for version {right} (a {level} change)")
    expect(page.get_by_label("Version number")).to_have_value(right)
    page.get_by_label("Version number").fill(wrong)
    page.get_by_label("What changed, in plain words").fill(summary)
    page.get_by_role("button", name="Publish version").click()
    expect(page.locator("#version-error")).to_contain_text(
        f"The changes need a new {level} version, {right}"
    )
    assert_accessible(page)
    page.get_by_label("Version number").fill(right)
    page.get_by_role("button", name="Publish version").click()
    expect(page.locator(".notice-success")).to_contain_text(
        f"{TITLE}, version {right}, is published"
    )


def test_an_association_writes_and_publishes_versions_that_a_member_moves_to(
    page: Page,
    tmp_path,
    server_app,  # noqa: F811 - the fixture imported above
):
    network = accounts.sign_up(
        NETWORK, "Rhiannon Price", NETWORK_EMAIL, PASSWORD, kind=OrganisationKind.ASSOCIATION
    )
    accounts.sign_up(MEMBER, "Dev Patel", MEMBER_EMAIL, PASSWORD)
    db.session.commit()
    assert network.organisation is not None

    # The association uploads its edition, for its members only.
    sign_in(page, NETWORK_EMAIL)
    page.goto("/association/checklists")
    file = tmp_path / "westfield-visits-1.0.0.yaml"
    file.write_text(EDITION, encoding="utf-8")
    page.get_by_label("Checklist file (YAML)").set_input_files(file)
    page.get_by_label("What changed, in plain words").fill("Our first checklist for members.")
    page.get_by_label("Our members only").check()
    page.get_by_role("button", name="Check and publish").click()
    expect(page.locator(".notice-success")).to_contain_text(f"{TITLE}, version 1.0.0")
    page.goto("/association/members")
    code = page.locator(".code").first.inner_text()
    sign_out(page)

    # A provider joins with the code, and completes an assessment on 1.0.0.
    sign_in(page, MEMBER_EMAIL)
    page.goto("/memberships/")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Check the code").click()
    page.get_by_role("button", name=f"Join {NETWORK}").click()
    expect(page.locator("#main")).to_contain_text(NETWORK)
    sign_out(page)
    completed_on_1_0_0()

    # The association writes 1.1.0 in the browser: one statement reworded, one new.
    sign_in(page, NETWORK_EMAIL)
    page.goto("/association/checklists")
    page.get_by_role("button", name=re.compile("^Write the next version")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Draft of the next version of {TITLE}"
    )
    page.get_by_role("link", name="Visits", exact=True).click()
    page.get_by_role("link", name="Workers arrive when the person expects them.").click()
    autosave_idle_draft(page)
    page.get_by_label("Wording").fill(REWORDED)
    saved(page)
    page.get_by_role("link", name="Section: Visits").click()
    page.get_by_label("Wording of the new statement").fill(NEW)
    page.get_by_label("Key (optional)").fill("wf-told-if-late")
    page.get_by_role("button", name="Add the statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement wf-told-if-late")
    page.get_by_label("What it looks like at the top of the scale").fill(
        "The office calls before the visit is 15 minutes late, every time."
    )
    page.get_by_label("Examples of evidence").fill("Call logs matched to late visits")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator(".notice-success")).to_have_text("Saved.")
    assert_accessible(page)
    page.get_by_role("navigation", name="This draft").get_by_role("link", name="Preview").click()
    expect(page.locator("#main")).to_contain_text(REWORDED)
    expect(page.locator("#main")).to_contain_text(NEW)
    page.get_by_role("navigation", name="This draft").get_by_role(
        "link", name="What changed"
    ).click()
    expect(page.locator("#main")).to_contain_text(NEW)
    assert_accessible(page)
    publish(page, "1.0.1", "1.1.0", "minor", "Late visits: people are told before.")

    # Then 2.0.0: the paper log goes, with the reason members will read.
    page.get_by_role("button", name=re.compile("^Write the next version")).click()
    page.get_by_role("link", name="Visits", exact=True).click()
    page.get_by_role("link", name="Remove statement wf-paper-log").click()
    page.get_by_label("Why is it removed?").fill(REMOVAL_REASON)
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.locator("#statement-wf-paper-log")).to_have_count(0)
    publish(page, "1.2.0", "2.0.0", "major", "The paper log is gone: notes are on the app.")
    sign_out(page)

    # The member sees the new version on its home page and starts on it, carrying its answers.
    sign_in(page, MEMBER_EMAIL)
    page.goto("/")
    notice = page.get_by_role("region", name=f"New: {TITLE}, version 2.0.0")
    expect(notice).to_contain_text("The paper log is gone")
    notice.get_by_role("link", name="What changed since version 1.0.0").click()
    expect(page.locator("#main")).to_contain_text(REMOVAL_REASON)
    page.go_back()
    page.get_by_role("region", name=f"New: {TITLE}, version 2.0.0").get_by_role(
        "link", name="Start your next assessment on it"
    ).click()
    page.get_by_label(TITLE).check()
    page.get_by_label("Title or period").fill("Winter 2026")
    page.get_by_label(re.compile("^Our last completed assessment")).check()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Winter 2026")
    expect(page.get_by_role("heading", name="No longer in the checklist (1)")).to_be_visible()
    expect(page.locator("#main")).to_contain_text(REMOVAL_REASON)
    assert_accessible(page)
    page.get_by_role("link", name="Visits").first.click()
    autosave_idle(page)
    # Reworded (the same practice): the answer is carried. Kept: carried. New: to rate.
    for key in ("wf-on-time", "wf-same-faces"):
        expect(page.locator(f"#st-{key}").get_by_label("We have started")).to_be_checked()
    new = page.locator("#st-wf-told-if-late")
    expect(new).to_contain_text(NEW)
    for label in ("Not yet", "We have started", "We do this for everyone"):
        expect(new.get_by_label(label)).not_to_be_checked()
    expect(page.locator("#st-wf-paper-log")).to_have_count(0)


def autosave_idle_draft(page: Page) -> None:
    expect(page.locator("form[data-draft-save]").first).to_have_attribute("data-autosave", "idle")
