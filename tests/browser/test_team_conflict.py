"""Two colleagues rate one statement at once: the later save shows both and lets them choose."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_journey import assert_accessible


def sign_up(page, organisation: str, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Name of your service or organisation").fill(organisation)
    page.get_by_label("Your name").fill("Owner Person")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill("a browser test password")
    page.get_by_label("Type the password again").fill("a browser test password")
    page.get_by_role("button", name="Create account").click()


def test_invited_colleague_and_simultaneous_edits(browser, live_server, page):
    sign_up(page, "Twin Care", "owner@twin.example")
    page.goto("/team/")
    page.get_by_label("Their e-mail address").fill("colleague@twin.example")
    page.get_by_label("Contributor", exact=False).check()
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    assert_accessible(page)

    colleague_context = browser.new_context(base_url=live_server)
    colleague = colleague_context.new_page()
    colleague.goto(link)
    colleague.get_by_label("Your name").fill("Col League")
    colleague.get_by_label("Password", exact=True).fill("another browser password")
    colleague.get_by_label("Type the password again").fill("another browser password")
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Twin Care")
    colleague.goto("/checklists/homecare/1.0.0")
    assert_accessible(colleague)

    page.goto("/assessments/new")
    page.get_by_label("Person-centred support at home").check()
    page.get_by_label("Title or period").fill("Shared 2027")
    page.get_by_role("button", name="Start the assessment").click()
    page.locator(".sections-table a").first.click()
    section_url = page.url

    # Both have the section open; the colleague saves first.
    colleague.goto(section_url)
    theirs = colleague.locator("article.statement").first
    theirs.get_by_label("Evidence note").fill("Colleague's evidence")
    theirs.get_by_label("We have started").check()
    expect(theirs.locator("[data-role=status]")).to_contain_text("Saved at")

    mine = page.locator("article.statement").first
    mine.get_by_label("Evidence note").fill("My evidence")
    mine.get_by_label("We do this for everyone").check()
    conflict = page.locator("article.statement").first.locator(".conflict")
    expect(conflict).to_contain_text("A colleague changed this statement")
    expect(conflict).to_contain_text("Colleague's evidence")
    expect(page.locator("article.statement").first.get_by_label("Evidence note")).to_have_value(
        "My evidence"
    )

    # Keep mine and save: now mine stands, and the colleague sees it after reloading.
    page.locator("article.statement").first.get_by_label("Keep mine").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".notice-success")).to_be_visible()
    colleague.reload()
    expect(
        colleague.locator("article.statement").first.get_by_label("Evidence note")
    ).to_have_value("My evidence")
    colleague_context.close()
