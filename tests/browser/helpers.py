"""Steps the browser tests share. Each waits on something the page shows (an element, a text,
the autosave's idle signal), never on the clock."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TOP = "We do this for everyone"


def assert_accessible(page: Page) -> None:
    """axe finds nothing on the page as a person sees it: loaded (its stylesheet applied, so no
    half-styled skip link or header is measured) and, on a section, with every save answered."""
    page.wait_for_load_state("load")
    if page.locator("form[data-autosave]").count():
        autosave_idle(page)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def autosave_idle(page: Page) -> None:
    """The section's script is ready, and nothing is waiting to be saved or on its way."""
    expect(page.locator("form[data-autosave]")).to_have_attribute("data-autosave", "idle")


def expect_saved_section(page: Page, title: str) -> None:
    """Exactly one confirmation, for this section."""
    expect(page.locator(".notice-success")).to_have_text([f"Saved your ratings for “{title}”."])


class HeldScript:
    """The page's script, held on its way to the browser until let go: what a person does on
    a slow connection before the script has started."""

    PATTERN = "**/static/js/p4p.js*"

    def __init__(self, page: Page):
        self.page = page
        self.routes: list = []
        page.route(self.PATTERN, lambda route: self.routes.append(route))

    def release(self) -> None:
        for _ in range(1000):  # until the browser has asked for it (each call lets it on)
            if self.routes:
                break
            self.page.evaluate("1")
        assert self.routes, "the page never asked for its script"
        for route in self.routes:
            route.continue_()
        self.page.unroute(self.PATTERN)


class HeldSaves:
    """Holds the autosave requests on their way to the server until released."""

    def __init__(self, page):
        self.routes = []
        self.released = False
        page.route(re.compile(r"/assessments/\d+/statements/"), self._hold)

    def _hold(self, route):
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self):
        self.released = True
        for route in self.routes:
            route.continue_()


def record_section_posts(page: Page) -> list[str]:
    """The section forms the page posts from now on (the autosaves post elsewhere)."""
    posts: list[str] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and "/sections/" in r.url and posts.append(r.url),
    )
    return posts


def sign_up(page: Page, organisation: str, email: str, *, commissioner: bool = False) -> None:
    page.goto("/signup")
    if commissioner:
        page.get_by_label(re.compile("^We commission care")).check()
    page.get_by_label("Name of your service or organisation").fill(organisation)
    page.get_by_label("Your name").fill("Owner Person")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill("a browser test password")
    page.get_by_label("Type the password again").fill("a browser test password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(organisation)


def start_assessment(page: Page, title: str) -> None:
    page.goto("/assessments/new")
    page.get_by_label("Person-centred support at home").check()
    page.get_by_label("Title or period").fill(title)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def rate_every_section(page: Page, keep: str = "") -> None:
    """From the current section on, rate each statement at the top of the scale (except those
    already rated `keep`), then save and move to the next section, until the last is saved."""
    while True:
        title = page.get_by_role("heading", level=1).inner_text()
        autosave_idle(page)  # the script is ready: each change below is saved as it is made
        statements = page.locator("article.statement").all()
        for statement in statements:
            if not (keep and statement.get_by_label(keep).is_checked()):
                statement.get_by_label(TOP).check()
        autosave_idle(page)
        expect(page.locator("[data-role=rated-count]")).to_have_text(str(len(statements)))
        following = page.get_by_role("button", name=re.compile("^Save and go to"))
        if following.count() == 0:
            page.get_by_role("button", name="Save", exact=True).click()
            expect_saved_section(page, title)
            return
        next_title = re.search(r"“(.+)”", following.inner_text()).group(1)
        following.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(next_title)
        expect_saved_section(page, title)
