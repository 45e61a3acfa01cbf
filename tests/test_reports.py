"""Improvement action plans and assessment reports as PDFs."""

import io
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from p4p.actions import service as actions
from p4p.actions.models import Action, ActionStatus
from p4p.assessments.models import Assessment
from p4p.extensions import db
from p4p.reports.jobs import run_pending_jobs
from p4p.reports.pdf import LocalOnlyFetcher
from tests.helpers import completed_assessment, download_pdf, sign_in


@pytest.fixture
def owner(world, homecare):
    return world.provider("Printable Homecare")


@pytest.fixture
def assessment(owner, homecare):
    assessment = completed_assessment(
        owner,
        homecare,
        "Summer 2027",
        lambda index, _: ("doing" if index % 4 else "started", f"Evidence note number {index}"),
    )
    gap = next(
        s
        for i, s in enumerate(s for sec in homecare.sections for s in sec.statements)
        if i % 4 == 0 and i > 0
    )
    actions.create(
        assessment,
        gap,
        owner.id,
        what="Hold a profile workshop with every team",
        lead="Dana Lead",
        due_on=date.today() - timedelta(days=3),
        involvement="Invite two people we support to co-run it",
    )
    db.session.commit()
    return assessment


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_action_plan_holds_provider_actions_statements_and_ratings(
    client, owner, assessment, homecare
):
    sign_in(client, owner)
    response = download_pdf(client, f"/assessments/{assessment.id}/action-plan.pdf")
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert "printable-homecare_homecare_summer-2027_action-plan_" in disposition
    text = " ".join(text_of(response.data).split())
    assert "Printable Homecare" in text and "Improvement action plan" in text
    assert "Hold a profile workshop with every team" in text and "Dana Lead" in text
    assert "Overdue" in text and "We have started" in text
    assert f"Person-centred support at home, version {homecare.version}" in text
    assert "Page 1 of" in text


def test_assessment_report_holds_every_statement_with_rating_and_note(
    client, owner, assessment, homecare
):
    sign_in(client, owner)
    response = download_pdf(client, f"/assessments/{assessment.id}/report.pdf")
    text = " ".join(text_of(response.data).split())
    assert "Assessment report" in text and "Progress over time" in text
    assert "Evidence note number 0" in text and "Evidence note number 55" in text
    assert "Appendix: improvement action plan" in text
    assert "Hold a profile workshop with every team" in text
    last = homecare.sections[-1].statements[-1].text
    assert " ".join(last.split())[:50] in text


def test_pdf_is_tagged_with_title_and_language(client, owner, assessment):
    sign_in(client, owner)
    reader = PdfReader(
        io.BytesIO(download_pdf(client, f"/assessments/{assessment.id}/report.pdf").data)
    )
    assert reader.metadata.title == "Assessment report: Printable Homecare, Summer 2027"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]


def test_second_download_comes_from_the_cache_and_a_change_makes_a_new_document(
    client, owner, assessment, homecare
):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/action-plan.pdf"
    assert client.get(url).headers["X-P4P-Cache"] == "queued"
    assert run_pending_jobs() == 1
    first = client.get(url)
    second = client.get(url)
    assert (first.headers["X-P4P-Cache"], second.headers["X-P4P-Cache"]) == ("hit", "hit")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.data == second.data
    not_modified = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""

    action = db.session.scalar(select(Action).where(Action.assessment_id == assessment.id))
    actions.update(
        action,
        owner.id,
        what="A changed plan",
        lead=action.lead,
        due_on=action.due_on,
        involvement=action.involvement,
        status=ActionStatus.IN_PROGRESS,
    )
    db.session.commit()
    assert client.get(url).headers["X-P4P-Cache"] == "queued"
    third = download_pdf(client, url)
    assert third.headers["ETag"] != first.headers["ETag"]


def test_renderer_fetches_nothing_from_outside(tmp_path):
    allowed = tmp_path / "print"
    allowed.mkdir()
    (allowed / "ok.css").write_text("p {}")
    fetcher = LocalOnlyFetcher([allowed])
    for url in (
        "http://example.org/logo.png",
        "https://127.0.0.1/x",
        "file:///etc/passwd",
        f"file://{allowed}/../secret.txt",
        f"file://{allowed}/%2e%2e/secret.txt",  # encoded dots are decoded before resolving
        f"file://{allowed}/%2E%2E%2Fsecret.txt",
        f"file://attacker.example{allowed}/ok.css",  # a host is refused
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    for url, expected in ((f"file://{allowed}/ok.css", b"p {}"), ("data:text/plain,hi", b"hi")):
        response = fetcher.fetch(url)
        try:
            assert response.read() == expected
        finally:
            response.close()


def test_data_cannot_smuggle_in_a_fetch(client, owner, assessment, caplog):
    action = db.session.scalar(select(Assessment).where(Assessment.id == assessment.id))
    from p4p.actions.models import Action

    planned = db.session.scalar(select(Action))
    planned.what = (
        '<img src="http://attacker.example/x.png"> <link rel=stylesheet href="file:///etc/passwd">'
    )
    db.session.commit()
    sign_in(client, owner)
    response = download_pdf(client, f"/assessments/{action.id}/action-plan.pdf")
    # Escaped as text, never fetched.
    assert "attacker.example" in " ".join(text_of(response.data).split())
    assert "refused" not in caplog.text


def test_cli_writes_pdfs_and_refuses_an_unknown_id(runner, assessment, tmp_path):
    output = tmp_path / "plan.pdf"
    result = runner.invoke(
        args=["report", "action-plan", str(assessment.id), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "Hold a profile workshop" in text_of(output.read_bytes())
    result = runner.invoke(
        args=["report", "assessment", str(assessment.id), "-o", str(tmp_path / "report.pdf")]
    )
    assert result.exit_code == 0 and (tmp_path / "report.pdf").stat().st_size > 10_000
    missing = runner.invoke(args=["report", "assessment", "999999", "-o", str(tmp_path / "x")])
    assert missing.exit_code != 0 and "no assessment with id 999999" in missing.output
    assert not (tmp_path / "x").exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="make test installs poppler-utils")
def test_first_page_renders_to_png(client, owner, assessment, tmp_path):
    sign_in(client, owner)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(download_pdf(client, f"/assessments/{assessment.id}/action-plan.pdf").data)
    command = ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]
    # Our own fixed command line on files the test made.
    subprocess.run([*command, str(pdf), str(tmp_path / "page")], check=True, timeout=60)  # noqa: S603, S607
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5_000


def test_cache_forgets_documents_unused_for_a_month(app, client, owner, assessment):
    import os
    import time
    from pathlib import Path

    sign_in(client, owner)
    download_pdf(client, f"/assessments/{assessment.id}/action-plan.pdf")
    folder = Path(app.config["PDF_CACHE_DIR"])
    (kept,) = folder.glob("*.pdf")
    stale = folder / ("0" * 64 + ".pdf")
    stale.write_bytes(b"%PDF-old")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    download_pdf(client, f"/assessments/{assessment.id}/report.pdf")  # a new document prunes
    assert not stale.exists() and kept.exists()


def test_report_history_stops_at_its_own_assessment_even_on_the_same_day(owner, homecare):
    from p4p.reports import data as report_data

    first = completed_assessment(owner, homecare, "Morning review", lambda i, _: ("started", ""))
    completed_assessment(owner, homecare, "Afternoon review", lambda i, _: ("doing", ""))
    # Document data needs no request: the same service the CLI uses.
    history = report_data.assessment_report(db.session.get(Assessment, first.id))["history"]
    assert [h["title"] for h in history] == ["Morning review"]


def test_a_cached_document_is_found_without_gathering_its_data(
    client, owner, assessment, count_queries
):
    sign_in(client, owner)
    url = f"/assessments/{assessment.id}/report.pdf"
    download_pdf(client, url)
    with count_queries() as queries:
        again = client.get(url)
    assert again.headers["X-P4P-Cache"] == "hit"
    # Who is signed in (with their organisation, the provider), the assessment, and three
    # aggregates (ratings, actions, completed assessments): no rating, action or history rows.
    assert len(queries) == 5, queries
    reads = [q for q in queries if "FROM ratings" in q or "FROM actions" in q]
    assert reads and all("count(" in q for q in reads), reads


def test_html_asking_to_embed_a_file_is_refused_end_to_end(app, tmp_path):
    from weasyprint import HTML

    from p4p.reports.pdf import refuse_attachments

    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    for html in (
        f'<a rel="attachment" href="file://{secret}">x</a>',
        f'<link rel="Attachment  stylesheet" href="file://{secret}">',
    ):
        with pytest.raises(ValueError, match="attachments"):
            refuse_attachments(html)
    refuse_attachments('<a href="https://example.org" rel="noopener">a normal link</a>')
    # What the guard protects against: WeasyPrint would embed the file.
    embedded = HTML(string=f'<a rel="attachment" href="file://{secret}">x</a>').write_pdf()
    assert b"/EmbeddedFile" in embedded


def test_simultaneous_renders_of_one_document_in_one_process_both_succeed(app):
    """Each writer has a temporary file of its own (a per-process name was shared by threads,
    and one of two simultaneous downloads failed)."""
    import threading

    from p4p.reports import pdf

    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        with app.app_context():
            start.wait(timeout=10)
            try:
                for _ in range(20):
                    pdf.store("same-key", b"%PDF-" + bytes([number]) * 200_000)
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    with app.app_context():
        folder = pdf.cache_folder()
        content = (folder / "same-key.pdf").read_bytes()
        assert len(content) == 200_005 and len(set(content[5:])) == 1  # one whole file
        assert list(folder.glob("*.tmp")) == []
