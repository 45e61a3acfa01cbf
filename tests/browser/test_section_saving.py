"""Saving a section: the Save button waits for the autosaves in flight and posts once; without
the script the form still saves; the skip link is a full-size target when it shows."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    TOP,
    HeldSaves,
    HeldScript,
    assert_accessible,
    autosave_idle,
    expect_saved_section,
    record_section_posts,
    sign_up,
    start_assessment,
)


def test_save_waits_for_the_autosaves_in_flight_and_posts_once(page):
    sign_up(page, "Steady Care", "owner@steady.example")
    start_assessment(page, "Steady 2027")
    page.locator(".sections-table a").first.click()
    autosave_idle(page)
    title = page.get_by_role("heading", level=1).inner_text()
    section_posts = record_section_posts(page)

    held = HeldSaves(page)
    statements = page.locator("article.statement")
    statements.nth(0).get_by_label(TOP).check()
    statements.nth(1).get_by_label("We have started").check()
    form = page.locator("form[data-autosave]")
    expect(form).to_have_attribute("data-autosave", "saving")
    expect(statements.nth(1).locator("[data-role=status]")).to_have_text("Saving…")

    # Pressed, and pressed again, while both saves are unanswered: nothing is posted yet.
    page.get_by_role("button", name="Save", exact=True).click()
    following = page.get_by_role("button", name=re.compile("^Save and go to"))
    next_title = re.search(r"“(.+)”", following.inner_text()).group(1)
    following.click()
    expect(page.locator("[data-role=form-status]")).to_have_text("Saving your last change first…")
    assert section_posts == []
    expect(form).to_have_attribute("data-autosave", "saving")

    # Once the saves are answered the form is posted, once, with the last button pressed.
    held.release()
    expect(page.get_by_role("heading", level=1)).to_have_text(next_title)
    expect_saved_section(page, title)
    assert len(section_posts) == 1
    expect(page.locator(".conflict")).to_have_count(0)

    page.get_by_role("link", name=f"← {title}").click()
    statements = page.locator("article.statement")
    expect(statements.nth(0).get_by_label(TOP)).to_be_checked()
    expect(statements.nth(1).get_by_label("We have started")).to_be_checked()
    expect(page.locator(".conflict")).to_have_count(0)
    expect(page.locator("[data-role=rated-count]")).to_have_text("2")


def test_a_section_saves_without_the_script(new_page):
    page = new_page(java_script_enabled=False)
    sign_up(page, "Plain Care", "owner@plain.example")
    start_assessment(page, "Plain 2027")
    page.locator(".sections-table a").first.click()
    title = page.get_by_role("heading", level=1).inner_text()
    first = page.locator("article.statement").first
    first.get_by_label(TOP).check()
    first.get_by_label("Evidence note").fill("Seen in the March audit.")
    expect(page.locator("form[data-autosave]")).to_have_attribute("data-autosave", "")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_saved_section(page, title)
    first = page.locator("article.statement").first
    expect(first.get_by_label(TOP)).to_be_checked()
    expect(first.get_by_label("Evidence note")).to_have_value("Seen in the March audit.")
    expect(page.locator("[data-role=rated-count]")).to_have_text("1")


def test_the_skip_link_shows_in_full_when_focused_and_leads_to_the_content(page):
    page.goto("/signin")
    skip = page.get_by_role("link", name="Skip to main content")
    header = page.locator(".site-header")
    before = header.bounding_box()
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport(ratio=1)
    box = skip.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 44, box
    # It shows on top of the page, and nothing on the page moves.
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", centre)
    assert on_top == "skip-link"
    assert header.bounding_box() == before
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(skip).not_to_be_in_viewport()


def test_a_rating_and_note_made_before_the_page_script_starts_are_saved(page):
    """On a slow connection a person may rate before the script has arrived: once it starts,
    those changes are saved as if made then."""
    sign_up(page, "Slow Line Care", "owner@slow-line.example")
    start_assessment(page, "Slow 2027")
    section = page.locator(".sections-table a").first.get_attribute("href")
    script = HeldScript(page)
    page.goto(section, wait_until="commit")
    first = page.locator("article.statement").nth(0)
    first.get_by_label("We have started").check()
    first.get_by_label(re.compile("^Evidence")).fill("Seen on the spring spot checks.")
    script.release()
    expect(first.locator("[data-role=status]")).to_contain_text("Saved")
    autosave_idle(page)
    page.reload()
    first = page.locator("article.statement").nth(0)
    expect(first.get_by_label("We have started")).to_be_checked()
    expect(first.get_by_label(re.compile("^Evidence"))).to_have_value(
        "Seen on the spring spot checks."
    )
