"""Two to six providers of one edition side by side: section (or lens) scores, and every
statement's rating in words. Providers on different versions meet by statement key; a
statement one version does not have says so. Evidence notes are never read here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from p4p.assessments.models import Rating
from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.models import Statement
from p4p.commissioning import lenses
from p4p.commissioning import table as providers_table
from p4p.commissioning.table import Cell
from p4p.extensions import db

FEWEST, MOST = 2, 6


class CannotCompare(ValueError):
    """The choice cannot be compared; the message says why and what to do."""


@dataclass(frozen=True)
class GridRow:
    key: str
    text: str
    section_title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Comparison:
    providers: list[providers_table.ProviderRow]
    edition_title: str
    lens: lenses.Lens
    columns: list[providers_table.Column]
    figures: dict[int, dict[str, providers_table.Figure]]
    grid: list[GridRow]
    rule: str


def compare(commissioner_id: int, provider_ids: Sequence[int], lens: str | None) -> Comparison:
    """LookupError when a provider does not share with the commissioner (404); CannotCompare
    when the choice is not 2–6 providers with completed assessments of one edition."""
    chosen_ids = tuple(dict.fromkeys(provider_ids))[: MOST + 1]
    cat = providers_table.catalogue()
    shown = providers_table.everything(
        providers_table.Criteria(commissioner_id, provider_ids=chosen_ids), cat, lens
    )
    found = {row.provider_id: row for row in shown.rows}
    if set(found) != set(chosen_ids):
        raise LookupError(set(chosen_ids) - set(found))
    if not FEWEST <= len(chosen_ids) <= MOST:
        raise CannotCompare(f"Choose between {FEWEST} and {MOST} providers to compare.")
    rows = [found[provider_id] for provider_id in chosen_ids]
    unassessed = [row.name for row in rows if row.assessment_id is None]
    if unassessed:
        raise CannotCompare(
            f"{', '.join(unassessed)} {'has' if len(unassessed) == 1 else 'have'} no completed "
            "assessment yet, so there is nothing to compare."
        )
    editions = {row.checklist_key for row in rows}
    if len(editions) > 1:
        raise CannotCompare(
            "These providers used different editions ("
            + ", ".join(sorted({row.edition_title or "" for row in rows}))
            + "). Choose providers whose latest assessment used the same edition."
        )
    versions = {row.assessment_id: _version_of(cat, row) for row in rows}
    return Comparison(
        providers=rows,
        edition_title=rows[0].edition_title or "",
        lens=shown.lens,
        columns=shown.columns,
        figures=shown.figures,
        grid=_grid(rows, versions),
        rule=lenses.rule(shown.lens),
    )


def _version_of(cat: providers_table.Catalogue, row: providers_table.ProviderRow) -> ChecklistDef:
    for version in cat.versions.values():
        if version.checklist.key == row.checklist_key and version.version == row.version:
            return version.content
    raise LookupError(row.version)


def _grid(
    rows: list[providers_table.ProviderRow], versions: dict[int | None, ChecklistDef]
) -> list[GridRow]:
    """Every statement any of the versions has, newest version's order first; one cell per
    provider. Only the scale key of each rating is read: never a note."""
    ratings: dict[int, dict[str, tuple[str | None, str | None]]] = {}
    for assessment_id, key, scale_key, reason in db.session.execute(
        select(Rating.assessment_id, Statement.key, Rating.scale_key, Rating.not_applicable_reason)
        .join(Statement, Statement.id == Rating.statement_id)
        .where(Rating.assessment_id.in_([row.assessment_id for row in rows]))
    ):
        ratings.setdefault(assessment_id, {})[key] = (scale_key, reason)
    newest_first = sorted(
        {id(v): v for v in versions.values()}.values(),
        key=lambda v: [int(part) for part in v.version.split(".")],
        reverse=True,
    )
    order: dict[str, tuple[str, str]] = {}
    for version in newest_first:
        for section in version.sections:
            for statement in section.statements:
                order.setdefault(statement.key, (statement.text, section.title))
    grid = []
    for key, (text, section_title) in order.items():
        cells = []
        for row in rows:
            version = versions[row.assessment_id]
            if version.statement(key) is None:
                cells.append(Cell(f"Not in version {version.version}", "absent"))
                continue
            scale_key, reason = ratings.get(row.assessment_id or 0, {}).get(key, (None, None))
            cells.append(providers_table.rating_cell(version, scale_key, reason))
        grid.append(GridRow(key, text, section_title, tuple(cells)))
    return grid
