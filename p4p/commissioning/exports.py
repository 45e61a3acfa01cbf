"""The providers table as a spreadsheet: CSV and XLSX, with the lens in view and the filters
applied. Plain values only, and nothing personal: the table holds no notes or names."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from p4p.commissioning.table import Everything
from p4p.spreadsheets import spreadsheet_safe  # the one rule against formula injection


def table_rows(shown: Everything) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows, as plain values (numbers as numbers, dates as YYYY-MM-DD)."""
    header = [
        "Provider",
        "Scope shared",
        "Edition",
        "Version",
        "Completed",
        "Stage reached",
        "Overall %",
        "Previous overall %",
        "Change since the previous",
    ]
    for column in shown.columns:
        header += [f"{column.label} %", f"{column.label}: statements"]
    header += [f"Pinned: {pin.text}" for pin in shown.pins]
    header += ["Open actions", "Overdue actions"]
    rows = []
    for row in shown.rows:
        figures = shown.figures.get(row.assessment_id or 0, {})
        line: list[Any] = [
            row.name,
            row.scope,
            row.edition_title or "",
            row.version or "",
            row.completed_dt.date().isoformat() if row.completed_dt else "",
            row.stage_label or ("Not yet at a stage" if row.assessment_id else ""),
            row.overall_percent,
            row.previous_overall_percent,
            row.change_text,
        ]
        for column in shown.columns:
            figure = figures.get(column.key)
            line += [figure.percent, figure.statements] if figure else [None, None]
        pinned = shown.pinned.get(row.assessment_id or 0, {})
        for pin in shown.pins:
            cell = pinned.get(pin.statement_key)
            line.append(
                cell.label if cell else ("Not in this version" if row.assessment_id else "")
            )
        line += [row.open_actions, row.overdue_actions]
        rows.append(line)
    return header, rows


def as_csv(shown: Everything) -> str:
    """UTF-8 text with a byte order mark (so Excel reads accents right), one header row."""
    header, rows = table_rows(shown)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow(
            [
                "" if cell is None else spreadsheet_safe(cell) if isinstance(cell, str) else cell
                for cell in row
            ]
        )
    return "\ufeff" + out.getvalue()


def as_xlsx(shown: Everything, title: str) -> bytes:
    """A workbook of one sheet: a bold, shaded header row, frozen so it stays in view."""
    header, rows = table_rows(shown)
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E5A")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # Text is text: a provider called "=SUM(...)" stays a name, never a formula.
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
