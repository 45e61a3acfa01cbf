"""flask report action-plan|assessment ASSESSMENT_ID --output FILE"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from p4p import tenancy
from p4p.assessments.service import get_assessment
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
