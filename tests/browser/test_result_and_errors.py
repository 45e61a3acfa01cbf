"""The result page leads with what was achieved and folds what is left by section (without
script too); headings on the rating page do not skip a level; after a form error, focus is on
the error summary."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    AXE,
    assert_accessible,
    autosave_idle,
    rate_every_section,
    sign_up,
    start_assessment,
)

STARTED = "We have started"


def assert_heading_order(page: Page) -> None:
    """axe's heading-order rule (a best practice, so not among the WCAG tags) finds nothing."""
    results = AXE.run(page, options={"runOnly": {"type": "rule", "values": ["heading-order"]}})
    assert results.violations_count == 0, results.generate_report()


def test_result_leads_with_scores_and_folds_what_is_left(page, new_page, live_server):
    sign_up(page, "Result Reading Care", "owner@result-reading.example")
    start_assessment(page, "Spring 2028")
    page.locator(".sections-table a").first.click()
    autosave_idle(page)
    # Headings: h1, one h2 a statement, h3 within; nothing skipped.
    assert_heading_order(page)
    expect(page.locator("article.statement h2").first).to_be_visible()
    first = page.locator("article.statement").first
    first.get_by_label(STARTED).check()
    autosave_idle(page)
    held_back = first.locator("h2").inner_text()
    rate_every_section(page, keep=STARTED)
    page.get_by_role("link", name="All sections").click()
    page.get_by_role("link", name="Mark as complete").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Result: Spring 2028")

    main = page.locator("main")
    headings = main.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "Section scores"
    assert re.fullmatch(r"Working towards “.+”", headings[1]), headings
    assert re.fullmatch(r"Between you and “.+”", headings[2]), headings
    expect(page.locator(".overall-figure")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.locator(".stage-progress")).to_contain_text(
        re.compile(r"\d+ of \d+ “.+” statements are at the top of the scale")
    )
    group = page.locator("details.blocker-group")
    expect(group).to_have_count(1)
    expect(group.locator("summary")).to_contain_text("(1 statement)")
    statement = group.get_by_role("link", name=held_back, exact=True)
    expect(statement).to_be_hidden()  # folded until opened
    assert_accessible(page)
    group.locator("summary").click()
    expect(statement).to_be_visible()
    expect(group).to_contain_text(f"Now: {STARTED}")
    assert_heading_order(page)

    # Without script, the groups still open and close.
    url = page.url
    reader = new_page(java_script_enabled=False)
    reader.goto("/signin")
    reader.get_by_label("E-mail address").fill("owner@result-reading.example")
    reader.get_by_label("Password").fill("a browser test password")
    reader.get_by_role("button", name="Sign in").click()
    reader.goto(url)
    summary = reader.locator("details.blocker-group summary")
    summary.click()
    expect(reader.get_by_role("link", name=held_back, exact=True)).to_be_visible()
    summary.click()
    expect(reader.get_by_role("link", name=held_back, exact=True)).to_be_hidden()


def test_focus_moves_to_the_error_summary(page):
    sign_up(page, "Error Summary Care", "owner@error-summary.example")
    start_assessment(page, "Autumn 2028")
    page.locator(".sections-table a").first.click()
    autosave_idle(page)
    page.locator("article.statement").first.get_by_role(
        "link", name=re.compile("^Plan an improvement action")
    ).click()
    # The menu shows where this page belongs.
    expect(page.get_by_role("navigation", name="Main").locator("[aria-current=page]")).to_have_text(
        "Actions"
    )
    page.get_by_role("button", name="Add the action").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("What we will do")).to_be_focused()
    assert_accessible(page)
    # The guidance beside the form is as tall as its text, not the form's height.
    heights = page.evaluate(
        """() => [document.querySelector('.guidance-aside').getBoundingClientRect().height,
                  document.querySelector('.two-col > div').getBoundingClientRect().height]"""
    )
    assert heights[0] < heights[1], heights

    # Signing in with a wrong password: the same.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/signin")
    page.get_by_label("E-mail address").fill("owner@error-summary.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
