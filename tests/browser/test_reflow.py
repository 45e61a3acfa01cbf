"""Every page of the three journeys fits a 320 px wide screen without sideways scrolling
(WCAG 2.2 SC 1.4.10 Reflow): wide tables stack or scroll in their own region, long words wrap."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import (
    assert_accessible,
    autosave_idle,
    rate_every_section,
    sign_up,
)

NARROW = {"width": 320, "height": 640}
ORGANISATION = "Supercalifragilisticexpialidocious Personalised Homecare Cooperative"
OWNER = "the.owner.with.a.remarkably.long.address@supercalifragilistic-homecare.example"
COUNCIL = "Northshire Metropolitan Borough Council Adult Social Care Commissioning"
COMMISSIONER = "commissioning.officer.with.a.long.address@northshire-council.example"
INVITED = "a.colleague.with.an.even.longer.e-mail.address@supercalifragilistic-homecare.example"


def assert_fits(page: Page, name: str) -> None:
    """The page, loaded and styled, is no wider than the screen."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{name} ({page.url}) is {width} px wide"


def narrow_page(browser, live_server) -> tuple:
    context = browser.new_context(base_url=live_server, viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def complete(page: Page, title: str) -> None:
    page.get_by_role("link", name="All sections").click()
    page.get_by_role("link", name="Mark as complete").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Result: {title}")


def test_every_page_fits_a_320_px_screen(browser, live_server):
    context, page = narrow_page(browser, live_server)
    visitor_context, visitor = narrow_page(browser, live_server)
    try:
        # Signed out: sign-in and sign-up.
        visitor.goto("/signin")
        assert_fits(visitor, "sign-in")
        visitor.goto("/signup")
        assert_fits(visitor, "sign-up")

        sign_up(page, ORGANISATION, OWNER)
        assert_fits(page, "dashboard")
        assert_accessible(page)

        page.goto("/assessments/new")
        assert_fits(page, "new assessment")
        page.get_by_label("Person-centred support at home").check()
        page.get_by_label("Title or period").fill("Winter 2027")
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Winter 2027")
        assert_fits(page, "assessment overview")
        assert_accessible(page)

        page.locator(".sections-table a").first.click()
        autosave_idle(page)
        assert_fits(page, "section")
        first = page.locator("article.statement").first
        first.get_by_role("link", name=re.compile("^Plan an improvement action")).click()
        page.get_by_label("What we will do").wait_for()
        assert_fits(page, "new action")
        page.get_by_label("What we will do").fill("Introduce every new worker in person first")
        page.get_by_label("Who leads it").fill("Robin Rota")
        page.get_by_label("By when").fill("2027-02-28")
        page.get_by_role("button", name="Add the action").click()
        expect(page.locator(".statement-actions").first).to_contain_text(
            "Introduce every new worker in person first"
        )
        rate_every_section(page)
        complete(page, "Winter 2027")
        assert_fits(page, "result")
        assert_accessible(page)

        # A second one, started from the first, gives the progress and compare pages two points.
        page.goto("/assessments/new")
        page.get_by_label("Person-centred support at home").check()
        page.get_by_label("Title or period").fill("Spring 2028")
        page.get_by_label(re.compile("^Our last completed assessment")).check()
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2028")
        page.get_by_role("link", name="Mark as complete").click()
        expect(page.get_by_role("button", name="Complete the assessment")).to_be_visible()
        assert_fits(page, "complete")
        page.get_by_role("button", name="Complete the assessment").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Result: Spring 2028")
        assert_fits(page, "second result")

        page.goto("/assessments/")
        assert_fits(page, "assessments list")
        assert_accessible(page)

        page.goto("/progress/")  # one checklist in use: straight to its progress
        expect(page.get_by_role("link", name="Compare any two assessments")).to_be_visible()
        assert_fits(page, "progress")
        assert_accessible(page)
        page.get_by_role("link", name="Compare any two assessments").click()
        assert_fits(page, "compare")
        assert_accessible(page)

        page.goto("/actions/")
        assert_fits(page, "actions")
        assert_accessible(page)
        page.get_by_role("link", name="Introduce every new worker in person first").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits(page, "an action")

        page.goto("/team/")
        page.get_by_label("Their e-mail address").fill(INVITED)
        page.locator("#invite ~ form input[type=radio][value=contributor]").check()
        page.get_by_role("button", name="Create invitation link").click()
        link = page.get_by_label("Invitation link").input_value()
        expect(page.locator(".plain-list")).to_contain_text(INVITED)
        assert_fits(page, "team")
        assert_accessible(page)

        page.goto("/account/sign-ins")
        assert_fits(page, "your sign-ins")
        assert_accessible(page)

        page.goto("/checklists/")
        assert_fits(page, "checklists")
        page.locator("main h2 a").first.click()
        assert_fits(page, "a checklist edition")

        visitor.goto(link)
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("Join")
        assert_fits(visitor, "join")
        assert_accessible(visitor)

        # A commissioner the provider shares with in the full scope, and its view of it.
        commissioner_context, commissioner = narrow_page(browser, live_server)
        try:
            sign_up(commissioner, COUNCIL, COMMISSIONER, commissioner=True)
            code = commissioner.locator("strong.code").inner_text()
            page.goto("/sharing/")
            page.get_by_label("Code", exact=True).fill(code)
            page.get_by_role("button", name="Check the code").click()
            page.get_by_label(re.compile("^Full")).check()
            page.get_by_role("button", name=f"Share with {COUNCIL}").click()
            commissioner.goto("/commissioning/")
            commissioner.get_by_role("link", name=ORGANISATION).click()
            expect(commissioner.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
            assert_fits(commissioner, "a sharing provider")
            assert_accessible(commissioner)
            commissioner.get_by_role("link", name="Winter 2027", exact=True).click()
            assert_fits(commissioner, "a shared assessment")
            assert_accessible(commissioner)
            commissioner.get_by_role("link", name="Progress over time").click()
            assert_fits(commissioner, "a shared provider's progress")
            assert_accessible(commissioner)
            commissioner.get_by_role("link", name=ORGANISATION).click()
            commissioner.get_by_role("link", name="Improvement actions").click()
            expect(commissioner.locator("main")).to_contain_text("Robin Rota")
            assert_fits(commissioner, "a shared provider's actions")
            assert_accessible(commissioner)
        finally:
            commissioner_context.close()
    finally:
        context.close()
        visitor_context.close()
