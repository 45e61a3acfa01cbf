"""Two colleagues rate one statement at once: the later save shows both and lets them choose."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import (
    TOP,
    HeldSaves,
    assert_accessible,
    autosave_idle,
    expect_saved_section,
    record_section_posts,
    sign_up,
    start_assessment,
)


def test_invited_colleague_and_simultaneous_edits(page, new_page):
    sign_up(page, "Twin Care", "owner@twin.example")
    page.goto("/team/")
    page.get_by_label("Their e-mail address").fill("colleague@twin.example")
    page.get_by_label("Contributor", exact=False).check()
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    assert_accessible(page)

    colleague = new_page()
    colleague.goto(link)
    colleague.get_by_label("Your name").fill("Col League")
    colleague.get_by_label("Password", exact=True).fill("another browser password")
    colleague.get_by_label("Type the password again").fill("another browser password")
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Twin Care")
    colleague.goto("/checklists/homecare/1.0.0")
    assert_accessible(colleague)

    start_assessment(page, "Shared 2027")
    page.locator(".sections-table a").first.click()
    autosave_idle(page)
    section_url = page.url
    title = page.get_by_role("heading", level=1).inner_text()

    # Both have the section open; the colleague saves first.
    colleague.goto(section_url)
    autosave_idle(colleague)
    theirs = colleague.locator("article.statement").first
    theirs.get_by_label("Evidence note").fill("Colleague's evidence")
    theirs.get_by_label("We have started").check()
    autosave_idle(colleague)
    expect(theirs.locator("[data-role=status]")).to_contain_text("Saved at")

    # I change mine meanwhile, and press Save while my change is still on its way: the Save
    # waits for it, the colleague's version arrives instead, and nothing is posted: I choose.
    section_posts = record_section_posts(page)
    held = HeldSaves(page)
    mine = page.locator("article.statement").first
    mine.get_by_label("Evidence note").fill("My evidence")
    mine.get_by_label(TOP).check()
    page.get_by_role("button", name="Save", exact=True).click()
    form_status = page.locator("[data-role=form-status]")
    expect(form_status).to_have_text("Saving your last change first…")
    held.release()
    conflict = page.locator("article.statement").first.locator(".conflict")
    expect(conflict).to_contain_text("A colleague changed this statement")
    expect(conflict).to_contain_text("Colleague's evidence")
    expect(conflict.get_by_role("heading")).to_be_focused()
    expect(form_status).to_contain_text("a colleague changed a statement")
    autosave_idle(page)
    assert section_posts == []
    # The form below the panel holds my version as I left it: my note and my rating.
    mine = page.locator("article.statement").first
    expect(mine.get_by_label("Evidence note")).to_have_value("My evidence")
    expect(mine.get_by_label(TOP)).to_be_checked()
    assert_accessible(page)

    # Keep mine and save: now mine stands, and the colleague sees it after reloading.
    page.locator("article.statement").first.get_by_label("Keep mine").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect_saved_section(page, title)
    assert len(section_posts) == 1
    expect(page.locator(".conflict")).to_have_count(0)
    colleague.reload()
    expect(
        colleague.locator("article.statement").first.get_by_label("Evidence note")
    ).to_have_value("My evidence")
    expect(colleague.locator("article.statement").first.get_by_label(TOP)).to_be_checked()
