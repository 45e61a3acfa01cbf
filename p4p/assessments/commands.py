"""flask assessments list"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from p4p import tenancy
from p4p.assessments.models import Assessment
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db

assessments_cli = AppGroup("assessments", help="Look at assessments.")


@assessments_cli.command("list")
def list_assessments() -> None:
    """One line per assessment: id, provider, edition, version, status, completion date."""
    tenancy.enter(tenancy.everything("the operator's `flask assessments list` command"))
    rows = db.session.scalars(
        select(Assessment)
        .options(
            selectinload(Assessment.organisation),
            selectinload(Assessment.version).selectinload(ChecklistVersion.checklist),
        )
        .order_by(Assessment.id)
    )
    for a in rows:
        completed = a.completed_dt.date().isoformat() if a.completed_dt else "-"
        click.echo(
            "\t".join(
                [
                    str(a.id),
                    a.organisation.name,
                    a.version.checklist.key,
                    a.version.version,
                    a.status,
                    completed,
                ]
            )
        )
