"""flask checklists validate|load|diff"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from p4p.catalogue import ChecklistInvalid, discover, parse_checklist, validate_paths
from p4p.catalogue.content import ChecklistDef, version_sort_key
from p4p.catalogue.diff import as_text, diff
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


def _read(path: Path) -> ChecklistDef:
    try:
        return parse_checklist(path.read_bytes(), str(path))
    except ChecklistInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)


def _between(old: ChecklistDef, new: ChecklistDef, folder: Path) -> list[ChecklistDef]:
    """Versions of the same edition between `old` and `new` found beside NEW.yaml, so that
    relations are followed through them (each version's `from` names the one before it)."""
    low, high = version_sort_key(old.version), version_sort_key(new.version)
    found = []
    for path in discover(folder):
        try:
            other = parse_checklist(path.read_bytes(), str(path))
        except ChecklistInvalid:
            continue
        if other.key == new.key and low < version_sort_key(other.version) < high:
            found.append(other)
    return sorted(found, key=lambda d: version_sort_key(d.version))


@checklists_cli.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def diff_command(old: Path, new: Path) -> None:
    """Print what changed from OLD.yaml to NEW.yaml: statements added, removed (with the
    reason), reworded, moved between sections and with a changed stage, with their relations.
    Versions of the edition between the two, in NEW.yaml's folder, are followed too."""
    before, after = _read(old), _read(new)
    if before.key != after.key:
        click.echo(f"{old} is edition {before.key!r}, {new} is {after.key!r}.", err=True)
        sys.exit(1)
    for line in as_text(diff(before, after, _between(before, after, new.parent))):
        click.echo(line)
