"""flask checklists validate|load"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from p4p.catalogue import validate_paths
from p4p.catalogue.loading import CatalogueConflict, load_all
from p4p.extensions import db

checklists_cli = AppGroup("checklists", help="Validate and load checklist files.")


@checklists_cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check checklist files (or folders of them) against the format."""
    problems = validate_paths(paths)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("All checklist files are valid.", err=True)


@checklists_cli.command("load")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of checklist files (default: the checklists/ folder of this project).",
)
def load(directory: Path | None) -> None:
    """Load every checklist file into the database. Running it again changes nothing."""
    root = directory or Path(current_app.config["CHECKLISTS_DIR"])
    try:
        report = load_all(root)
    except CatalogueConflict as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was loaded.", err=True)
        sys.exit(1)
    db.session.commit()
    for label in report.added:
        click.echo(f"loaded {label}")
    for label in report.unchanged:
        click.echo(f"already loaded {label}")
