"""A new manager's whole journey, as a person would do it, in headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    TOP,
    assert_accessible,
    autosave_idle,
    rate_every_section,
    sign_up,
    start_assessment,
)


def test_sign_up_rate_reload_complete_and_see_the_result(page):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Create an account for your service").click()
    page.get_by_label("Name of your service or organisation").fill("Browser Homecare")
    page.get_by_label("Your name").fill("Jo Browser")
    page.get_by_label("E-mail address").fill("jo@browser-homecare.example")
    page.get_by_label("Password", exact=True).fill("a browser test password")
    page.get_by_label("Type the password again").fill("a browser test password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Browser Homecare")

    page.get_by_role("link", name="Start a new assessment").first.click()
    page.get_by_label("Person-centred support at home").check()
    page.get_by_label("Title or period").fill("Spring 2027")
    assert_accessible(page)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2027")

    # First section: rate one statement with the keyboard-accessible radio, and write a note.
    page.locator(".sections-table a").first.click()
    autosave_idle(page)
    first = page.locator("article.statement").first
    status = first.locator("[data-role=status]")
    first.get_by_label(TOP).check()
    autosave_idle(page)
    expect(status).to_contain_text("Saved at")
    expect(page.locator("[data-role=rated-count]")).to_have_text("1")
    note = first.get_by_label("Evidence note")
    note.fill("Profiles seen for every person at the March audit.")
    expect(status).to_have_text("Unsaved changes…")
    note.blur()
    autosave_idle(page)
    expect(status).to_contain_text("Saved at")
    assert_accessible(page)

    # Come back later: it is all there.
    page.reload()
    first = page.locator("article.statement").first
    expect(first.get_by_label(TOP)).to_be_checked()
    expect(first.get_by_label("Evidence note")).to_have_value(
        "Profiles seen for every person at the March audit."
    )

    # Rate every statement of every section, moving on with "Save and go to ...".
    rate_every_section(page)

    page.get_by_role("link", name="All sections").click()
    page.get_by_role("link", name="Mark as complete").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Result: Spring 2027")
    expect(page.get_by_role("heading", level=2, name="Stage reached: Aiming high")).to_be_visible()
    expect(page.get_by_text("A stage is reached when every statement")).to_be_visible()
    assert_accessible(page)


def test_unrated_statements_block_completion_with_links_back(page):
    sign_up(page, "Partial Care", "pat@partial.example")
    start_assessment(page, "Autumn 2027")
    page.get_by_role("link", name="Mark as complete").click()
    summary = page.locator(".blocked-summary")
    expect(summary).to_contain_text("still need")
    expect(summary).to_be_focused()  # where a screen reader starts reading
    expect(summary.locator(".count").first).to_have_text(re.compile(r"^\(\d+ not rated\)$"))
    assert_accessible(page)
    # Every statement is unrated, so each section's list is folded until opened.
    first = summary.get_by_role("link").first
    expect(first).to_be_hidden()
    summary.locator("summary").first.click()
    first.click()
    expect(page).to_have_url(re.compile(r"/sections/.+#st-"))
