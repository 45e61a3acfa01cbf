"""Charts as SVG made on the server, so the page and the PDF show the same picture.

Colours are the Okabe–Ito palette, told apart by people with the common colour-vision
differences; every bar also carries its value as text, and pages put a data table beside it.

The chart is drawn for a phone first: each section's title sits on its own lines above that
section's bars (wrapped, never cut short), and the drawing is a narrow column that scales with
its container (a `viewBox` and `width="100%"`, no fixed size). Its text is `FONT_SIZE` units
tall in a column `COLUMN_WIDTH` units wide, so on a 320 px screen (288 px of page) it is
still as large as the page's small print. Wider places (a desktop page, an A4 page) ask for
two columns of sections side by side, so the chart is not twice as tall as it needs to be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from p4p.progress.service import Snapshot

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MAX_SERIES = len(PALETTE)

COLUMN_WIDTH = 300  # units of the viewBox, one column of sections
COLUMN_GAP = 28
FONT_SIZE = 16
LINE = 20  # the height of one line of text
BAR, BAR_GAP = 16, 4
SECTION_GAP = 18
# Widths of characters, as a share of the font size: DejaVu Sans's, rounded up (it is wider
# than Arial, Helvetica or Roboto, the other fonts a browser may use), so that text measured
# with them fits whichever font draws it. Bold is at most 12 % wider.
WIDE, CAPITAL, NORMAL, SPACE = 1.0, 0.8, 0.64, 0.32
WIDE_CHARACTERS = frozenset("mwMW%&—…@")
BOLD = 1.12
# Room for the widest value ("100%") after a bar that reaches the right-hand end.
VALUE_ROOM = 4 + 3 * NORMAL * FONT_SIZE + WIDE * FONT_SIZE + 2
PLOT_WIDTH = COLUMN_WIDTH - VALUE_ROOM
INK, MUTED, GRID = "#1d2428", "#505a5f", "#b1b4b6"


@dataclass(frozen=True)
class Series:
    label: str
    values: dict[str, int | None]  # section key -> per cent (None: not in that version)


def text_width(text: str, *, bold: bool = False) -> float:
    """The most units `text` can take at FONT_SIZE."""
    share = sum(
        WIDE if c in WIDE_CHARACTERS else SPACE if c == " " else CAPITAL if c.isupper() else NORMAL
        for c in text
    )
    return share * FONT_SIZE * (BOLD if bold else 1)


def wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    """`text` in lines that each fit `width` units at FONT_SIZE: whole words where they fit,
    a word longer than a line broken, nothing left out."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, bold=bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for character in word:  # a word wider than the line: broken where it must be
            if line and text_width(line + character, bold=bold) > width:
                lines.append(line)
                line = ""
            line += character
    return [*lines, line] if line or not lines else lines


def _lines(x: float, y: float, lines: list[str], **attributes: str) -> str:
    """One <text> of several lines, the first baseline at `y`."""
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}"{extra}>{spans}</text>'


def section_bars(
    sections: list[tuple[str, str]],
    series: list[Series],
    *,
    title: str,
    chart_id: str,
    columns: int = 1,
) -> Markup:
    """Horizontal bars, 0–100 %: one block a section (its title above, one bar an assessment),
    in `columns` columns of sections."""
    series = series[-MAX_SERIES:]
    columns = max(1, min(columns, len(sections) or 1))
    width = columns * COLUMN_WIDTH + (columns - 1) * COLUMN_GAP

    parts: list[str] = []
    y = 0.0
    # Legend: a swatch and the assessment's name, wrapped, one assessment a line.
    for index, item in enumerate(series):
        lines = wrap(item.label, width - 24)
        parts.append(f'<rect x="0" y="{y + 3:g}" width="16" height="16" fill="{PALETTE[index]}"/>')
        parts.append(_lines(24, y + 16, lines, fill=INK))
        y += LINE * len(lines) + 4
    y += 12

    bars_height = len(series) * (BAR + BAR_GAP)
    for row_start in range(0, len(sections), columns):
        row = sections[row_start : row_start + columns]
        labels = [wrap(section_title, COLUMN_WIDTH, bold=True) for _, section_title in row]
        label_height = LINE * max(len(lines) for lines in labels)
        for column, ((key, section_title), lines) in enumerate(zip(row, labels, strict=True)):
            x0 = column * (COLUMN_WIDTH + COLUMN_GAP)
            parts.append(_lines(x0, y + 15, lines, fill=INK, font_weight="bold"))
            top = y + label_height + 4
            for tick in (0, 25, 50, 75, 100):
                tx = x0 + PLOT_WIDTH * tick / 100
                parts.append(
                    f'<line x1="{tx:g}" x2="{tx:g}" y1="{top - 2:g}" '
                    f'y2="{top + bars_height - BAR_GAP + 2:g}" stroke="{GRID}" stroke-width="1"/>'
                )
            for index, item in enumerate(series):
                value = item.values.get(key)
                by = top + index * (BAR + BAR_GAP)
                if value is None:
                    parts.append(
                        f'<text x="{x0 + 4:g}" y="{by + 13:g}" fill="{MUTED}">'
                        "not in this version</text>"
                    )
                    continue
                length = max(PLOT_WIDTH * value / 100, 1)
                parts.append(
                    f'<rect x="{x0:g}" y="{by:g}" width="{length:g}" height="{BAR}" '
                    f'fill="{PALETTE[index]}"><title>{escape(item.label)}: '
                    f"{escape(section_title)} {value}%</title></rect>"
                )
                parts.append(
                    f'<text x="{x0 + length + 4:g}" y="{by + 13:g}" fill="{INK}">{value}%</text>'
                )
        y += label_height + 4 + bars_height + SECTION_GAP
    # The scale, under each column.
    for column in range(columns):
        x0 = column * (COLUMN_WIDTH + COLUMN_GAP)
        for tick, anchor in ((0, "start"), (50, "middle"), (100, "middle")):
            parts.append(
                f'<text x="{x0 + PLOT_WIDTH * tick / 100:g}" y="{y + 10:g}" '
                f'text-anchor="{anchor}" fill="{MUTED}">{tick}%</text>'
            )
    height = y + 16

    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{columns}-column'
        f'{"s" if columns != 1 else ""}" viewBox="0 0 {width:g} {height:g}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">Score of each section, as a percentage, for '
        f"{len(series)} assessment{'s' if len(series) != 1 else ''}: "
        f"{escape(', '.join(s.label for s in series))}. "
        "The same figures are in the table that follows.</desc>"
    )
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 - every value went through escape()


def history_chart(
    snapshots: Sequence[Snapshot], *, title: str, chart_id: str, columns: int = 1
) -> Markup:
    """Section scores of completed assessments over time, on the latest one's sections: the one
    chart that both the progress page and the assessment report show."""
    sections = snapshots[-1].sections
    series = [
        Series(
            label=f"{s.title} ({s.stage_label})",
            values={key: s.section_percent(key) for key, _ in sections},
        )
        for s in snapshots
    ]
    return section_bars(sections, series, title=title, chart_id=chart_id, columns=columns)
