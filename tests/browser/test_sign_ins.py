"""'Your sign-ins' and joining again with an existing account, in headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_journey import assert_accessible
from tests.browser.test_team_conflict import sign_up

PASSWORD = "a browser test password"


def sign_in(page, email: str, password: str = PASSWORD, remember: bool = False) -> None:
    page.goto("/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()


def test_a_person_ends_a_sign_in_on_another_browser(browser, live_server, page):
    sign_up(page, "Signin Care", "owner@signin-care.example")
    other_context = browser.new_context(base_url=live_server)
    other = other_context.new_page()
    sign_in(other, "owner@signin-care.example", remember=True)
    expect(other.get_by_role("heading", level=1)).to_have_text("Signin Care")

    page.get_by_role("link", name="Your sign-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sign-ins")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert_accessible(page)
    # End the other browser's sign-in, using the keyboard.
    other_row = rows.filter(has_not_text="this one")
    other_row.get_by_role("button", name=re.compile("^End")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice-success")).to_contain_text("That sign-in has ended")
    expect(page.locator("tbody tr")).to_have_count(1)

    other.goto("/team/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Sign in")
    other_context.close()


def test_a_removed_colleague_joins_again_with_their_password(browser, live_server, page):
    sign_up(page, "Return Care", "owner@return-care.example")
    page.goto("/team/")
    page.get_by_label("Their e-mail address").fill("back@return-care.example")
    page.locator("#invite ~ form input[type=radio][value=contributor]").check()
    page.get_by_role("button", name="Create invitation link").click()
    first_link = page.get_by_label("Invitation link").input_value()

    colleague_context = browser.new_context(base_url=live_server)
    colleague = colleague_context.new_page()
    colleague.goto(first_link)
    colleague.get_by_label("Your name").fill("Back Again")
    colleague.get_by_label("Password", exact=True).fill("the colleague's password")
    colleague.get_by_label("Type the password again").fill("the colleague's password")
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Return Care")

    page.goto("/team/")
    page.get_by_role("button", name="Remove Back Again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Back Again from the team?")
    assert_accessible(page)
    page.get_by_role("button", name="Remove Back Again").click()
    expect(page.locator(".notice-success")).to_contain_text("has left the team")
    page.get_by_label("Their e-mail address").fill("back@return-care.example")
    page.locator("#invite ~ form input[type=radio][value=viewer]").check()
    page.get_by_role("button", name="Create invitation link").click()
    second_link = page.get_by_label("Invitation link").input_value()

    colleague.goto(second_link)
    expect(colleague.get_by_text("This address already has a p4p account")).to_be_visible()
    assert_accessible(colleague)
    colleague.get_by_label("Password of your p4p account").fill("a wrong password")
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.locator(".error-summary")).to_contain_text("not the password")
    assert_accessible(colleague)
    colleague.get_by_label("Password of your p4p account").fill("the colleague's password")
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Return Care")
    colleague_context.close()
