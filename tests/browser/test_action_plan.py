"""A manager plans an improvement action, completes the assessment and downloads the plan."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import (
    assert_accessible,
    autosave_idle,
    rate_every_section,
    sign_up,
    start_assessment,
)


def test_add_action_complete_and_download_the_plan(page):
    sign_up(page, "Plan Ahead Care", "owner@plan-ahead.example")
    start_assessment(page, "Winter 2027")
    page.locator(".sections-table a").first.click()
    autosave_idle(page)

    first = page.locator("article.statement").first
    first.get_by_label("We have started").check()
    autosave_idle(page)
    expect(first.locator("[data-role=status]")).to_contain_text("Saved at")
    first.get_by_role("link", name=re.compile("^Plan an improvement action")).click()
    expect(
        page.get_by_role("heading", name="A starting point: what good looks like")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What we will do").fill("Introduce every new worker in person first")
    page.get_by_label("Who leads it").fill("Robin Rota")
    page.get_by_label("By when").fill("2027-02-28")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".statement-actions").first).to_contain_text(
        "Introduce every new worker in person first"
    )

    # Rate everything else at the top of the scale and complete.
    rate_every_section(page, keep="We have started")
    page.get_by_role("link", name="All sections").click()
    page.get_by_role("link", name="Mark as complete").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Result: Winter 2027")

    # The plan is made off the request: a page says so and starts the download when it is ready.
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("link", name="Improvement action plan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Preparing the improvement action plan"
        )
    download = info.value
    expect(page.locator("[data-render-wait]")).to_contain_text("It is ready")
    assert_accessible(page)
    assert re.match(
        r"plan-ahead-care_homecare_winter-2027_action-plan_\d{4}-\d\d-\d\d\.pdf",
        download.suggested_filename,
    )
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Introduce every new worker in person first" in text and "Robin Rota" in text

    page.goto("/actions/")
    expect(
        page.get_by_role("link", name="Introduce every new worker in person first")
    ).to_be_visible()
    assert_accessible(page)
    page.goto("/progress/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress")
    assert_accessible(page)


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_a_document_being_prepared_downloads_when_ready(browser, live_server, script):
    """The first download of a document waits on a page that says it is being prepared; with
    script, p4p.js asks in the background and starts the download; without, the page refreshes
    (meta refresh in noscript) to a 'ready' page that sends the browser on to the file once."""
    context = browser.new_context(base_url=live_server, java_script_enabled=script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        suffix = "script" if script else "plain"
        sign_up(page, f"Prepared Care {suffix}", f"owner@prepared-{suffix}.example")
        page.goto("/assessments/new")
        page.get_by_label("Person-centred support at home").check()
        page.get_by_label("Title or period").fill("Spring 2028")
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2028")

        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("link", name="Assessment report").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Preparing the assessment report"
            )
        assert info.value.path().read_bytes().startswith(b"%PDF")
        if script:
            expect(page.locator("[data-render-wait]")).to_contain_text("It is ready")
            assert_accessible(page)
        else:  # (axe needs script: the page is the same template as the pages it checks)
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "The assessment report is ready"
            )
            expect(page.get_by_role("link", name="Download the assessment report")).to_be_visible()
    finally:
        context.close()
