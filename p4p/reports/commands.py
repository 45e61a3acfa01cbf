"""flask report action-plan|assessment ASSESSMENT_ID --output FILE and flask report
blank-checklist KEY VERSION --output FILE (render here and now); flask render-worker (makes the
documents web requests queued)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from p4p import tenancy
from p4p.assessments.service import get_assessment
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.reports import blank, jobs, pdf, renderer
from p4p.reports.documents import make

report_cli = AppGroup("report", help="Make PDF documents for operators and batch use.")

output_option = click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF.",
)


def _write(assessment_id: int, kind: str, output: Path) -> None:
    with tenancy.within(tenancy.everything("an operator's `flask report` command")):
        try:
            assessment = get_assessment(assessment_id)
        except tenancy.OutOfReach:
            raise click.ClickException(
                f"There is no assessment with id {assessment_id}. "
                "`flask --app p4p assessments list` shows them."
            ) from None
        document, _ = make(assessment, kind)
    output.write_bytes(document.content)
    click.echo(f"Wrote {output} ({len(document.content):,} bytes).")


@report_cli.command("action-plan")
@click.argument("assessment_id", type=int)
@output_option
def action_plan(assessment_id: int, output: Path) -> None:
    """The improvement action plan of an assessment."""
    _write(assessment_id, "action-plan", output)


@report_cli.command("assessment")
@click.argument("assessment_id", type=int)
@output_option
def assessment_report(assessment_id: int, output: Path) -> None:
    """The full assessment report, with progress and the action plan."""
    _write(assessment_id, "assessment-report", output)


@report_cli.command("blank-checklist")
@click.argument("key")
@click.argument("version")
@output_option
def blank_checklist(key: str, version: str, output: Path) -> None:
    """A checklist version printed blank, to rate on paper (any edition, members-only too)."""
    found = db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist)
        .where(Checklist.key == key, ChecklistVersion.version == version)
    )
    if found is None:
        raise click.ClickException(f"There is no version {version} of the checklist {key}.")
    document = pdf.document(blank.KIND, blank.data(found), key=blank.fingerprint(found))
    output.write_bytes(document.content)
    click.echo(f"Wrote {output} ({len(document.content):,} bytes).")


@click.command("render-worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop.")
@click.option(
    "--poll",
    default=jobs.IDLE_POLL_SECONDS,
    show_default=True,
    type=click.FloatRange(0.1, 60),
    help="Seconds between looks at the queue when it is empty.",
)
def render_worker(once: bool, poll: float) -> None:
    """Make the PDFs web requests asked for (with P4P_RENDER_WORKER=external).

    Each job is rendered in a child process with the time limit PDF_RENDER_TIME_LIMIT,
    reading only its own organisation's data; each organisation has one render at a time."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("The render worker is waiting for jobs (stop it with Ctrl-C).")
    try:
        while not stop.is_set():
            ran = jobs.run_pending_jobs()
            if ran:
                click.echo(f"Made {ran} document{'s' if ran != 1 else ''}.")
            db.session.remove()
            if once:
                break
            stop.wait(poll)
    except KeyboardInterrupt:
        pass
    finally:
        renderer.shared().close()
