"""The association's checklist editor in the browser: a statement's wording saves as it is
typed, a problem appears beside its field, the pages pass axe and fit 320 px.

The association and its published edition are made through the services; the draft is started
and written in the browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from p4p.auth import service as accounts
from p4p.auth.models import OrganisationKind
from p4p.catalogue import publishing
from p4p.extensions import db
from tests.browser.helpers import HeldScript, assert_accessible
from tests.browser.test_commissioner_journey import PASSWORD, sign_in
from tests.browser.test_commissioner_journey import server_app as server_app  # noqa: F401
from tests.browser.test_reflow import assert_fits, narrow_page
from tests.test_checklist_drafts import FILE


def association_with_an_edition(name: str, email: str, key: str) -> None:
    owner = accounts.sign_up(
        name, f"Owner of {name}", email, PASSWORD, kind=OrganisationKind.ASSOCIATION
    )
    db.session.flush()
    text = FILE.replace("publisher: Care Network", f"publisher: {name}").replace(
        "key: network-visits", f"key: {key}"
    )
    publishing.publish_upload(owner.organisation, text.encode(), "c.yaml", "First.", "members")
    db.session.commit()


def start_draft(page: Page, email: str) -> None:
    sign_in(page, email)
    page.goto("/association/checklists")
    page.get_by_role("button", name=re.compile("^Write the next version")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Draft of the next version of Visits that keep to what matters"
    )


def draft_status(page: Page):
    return page.locator("#statement-form [data-role=draft-status]")


def idle(page: Page) -> None:
    expect(page.locator("form[data-draft-save]")).to_have_attribute("data-autosave", "idle")


def test_a_statement_saves_as_it_is_typed_and_problems_show_beside_the_field(
    page: Page,
    server_app,  # noqa: F811 - the fixture imported above
):
    association_with_an_edition(
        "Browser Editing Network", "owner@browser-editing.example", "browser-visits"
    )
    start_draft(page, "owner@browser-editing.example")
    assert_accessible(page)
    page.get_by_role("link", name="Visits", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section: Visits")
    assert_accessible(page)
    page.get_by_role("link", name="Workers arrive when the person expects them.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement nw-on-time")
    idle(page)
    assert_accessible(page)

    wording = page.get_by_label("Wording")
    wording.fill("Workers arrive within the window the person agreed.")
    expect(draft_status(page)).to_have_text("Saved.")
    idle(page)
    page.reload()
    expect(page.get_by_label("Wording")).to_have_value(
        "Workers arrive within the window the person agreed."
    )
    idle(page)

    # Emptied: saved as it is (a draft may be unfinished), and the problem shows beside it.
    page.get_by_label("Wording").fill("")
    expect(page.locator("#text-error")).to_have_text("Wording: must not be empty")
    expect(draft_status(page)).to_contain_text("To put right before publishing")
    expect(page.get_by_label("Wording")).to_have_attribute("aria-invalid", "true")
    idle(page)
    assert_accessible(page)
    # The draft's page and its preview list the problem, linked to where it is put right.
    statement = page.url
    page.goto(statement.split("/statements/")[0])
    expect(page.locator("#main")).to_contain_text("Before it can be published: 1 problem")
    assert_accessible(page)
    page.goto(statement.split("/statements/")[0] + "/preview")
    expect(page.locator("#main")).to_contain_text("Not ready to preview: 1 problem")
    assert_accessible(page)
    page.get_by_role("link", name="nw-on-time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement nw-on-time")
    idle(page)  # the page's script is ready: typing from now on is saved as it is typed
    # Put right, the message goes.
    page.get_by_label("Wording").fill("Workers arrive on time.")
    expect(draft_status(page)).to_have_text("Saved.")
    expect(page.locator("#text-error")).to_be_hidden()
    expect(page.get_by_label("Wording")).not_to_have_attribute("aria-invalid", "true")
    # The Save button still works while a change waits to be saved, with no conflict.
    page.get_by_label("What it looks like at the top of the scale").fill("Within ten minutes.")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator(".notice-success")).to_have_text("Saved.")
    expect(page.get_by_label("What it looks like at the top of the scale")).to_have_value(
        "Within ten minutes."
    )
    idle(page)
    # A tag chosen (in its folded list) saves at once, and stays chosen.
    page.locator("summary", has_text="CQC key questions").click()
    page.get_by_label("Safe", exact=True).check()
    expect(draft_status(page)).to_have_text("Saved.")
    idle(page)
    page.reload()
    expect(page.get_by_label("Safe", exact=True)).to_be_checked()


def test_text_typed_before_the_page_script_starts_is_saved(
    page: Page,
    server_app,  # noqa: F811 - the fixture imported above
):
    """On a slow connection a person may type before the script has arrived: once it starts,
    what they typed is saved as if typed then."""
    association_with_an_edition(
        "Browser Early Network", "owner@browser-early.example", "browser-early"
    )
    start_draft(page, "owner@browser-early.example")
    statement = page.url + "/statements/nw-on-time"
    script = HeldScript(page)
    page.goto(statement, wait_until="commit")
    page.get_by_label("Wording").fill("Typed before the script arrived.")
    script.release()
    expect(draft_status(page)).to_have_text("Saved.")
    idle(page)
    page.reload()
    expect(page.get_by_label("Wording")).to_have_value("Typed before the script arrived.")


def test_someone_elses_save_is_never_overwritten(new_page, server_app):  # noqa: F811
    association_with_an_edition(
        "Browser Race Network", "owner@browser-race.example", "browser-race"
    )
    first = new_page()
    start_draft(first, "owner@browser-race.example")
    url = first.url + "/statements/nw-on-time"
    first.goto(url)
    idle(first)
    second = new_page()
    sign_in(second, "owner@browser-race.example")
    second.goto(url)
    idle(second)
    first.get_by_label("Wording").fill("Mine first.")
    expect(draft_status(first)).to_have_text("Saved.")
    second.get_by_label("Wording").fill("Theirs, later.")
    expect(draft_status(second)).to_contain_text("Not saved: Someone else changed this draft")
    expect(second.get_by_role("button", name="Reload the page")).to_be_visible()
    idle(second)


NARROW_PAGES = (
    "",
    "/sections/visits",
    "/statements/nw-on-time",
    "/statements/nw-on-time/remove",
    "/preview",
    "/preview/sections/visits",
    "/changes",
    "/publish",
)


def test_every_page_of_the_editor_fits_320_px(browser, live_server, server_app):  # noqa: F811
    association_with_an_edition(
        "Supercalifragilisticexpialidocious Homecare Providers Network",
        "owner@browser-narrow.example",
        "browser-narrow",
    )
    context, page = narrow_page(browser, live_server)
    try:
        start_draft(page, "owner@browser-narrow.example")
        draft = page.url
        for path in NARROW_PAGES:
            page.goto(draft + path)
            assert_fits(page, path or "the draft")
            assert_accessible(page)
    finally:
        context.close()


def test_adapting_another_publishers_edition_fits_320_px(browser, live_server, server_app):  # noqa: F811
    """The start page of a local variant, and the variant's own pages, at 320 px with axe."""
    association_with_an_edition(
        "Supercalifragilisticexpialidocious Adapting Network",
        "owner@browser-adapting.example",
        "browser-adapting",
    )
    context, page = narrow_page(browser, live_server)
    try:
        sign_in(page, "owner@browser-adapting.example")
        page.goto("/association/checklists")
        assert_fits(page, "your checklists")
        card = page.locator("#adapt .card", has_text="(homecare)")
        card.get_by_role("link", name=re.compile("^Adapt this edition")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Adapt “Person-centred support at home”"
        )
        assert_fits(page, "the start page of a variant")
        assert_accessible(page)
        page.get_by_label("Key of your variant").fill("homecare")
        page.get_by_role("button", name="Start the variant").click()
        expect(page.locator("#key-error")).to_contain_text("is the key of a published edition")
        assert_fits(page, "the start page with an error")
        assert_accessible(page)
        page.get_by_label("Key of your variant").fill("homecare-adapting")
        page.get_by_role("button", name="Start the variant").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Draft of your local variant")
        draft = page.url
        for path in ("", "/changes", "/publish"):
            page.goto(draft + path)
            expect(page.locator("#variant-notice")).to_contain_text("Adapted from")
            assert_fits(page, path or "the variant's draft")
            assert_accessible(page)
    finally:
        context.close()
