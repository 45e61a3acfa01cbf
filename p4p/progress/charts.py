"""Charts as SVG made on the server, so the page and the PDF show the same picture.

Colours are the Okabe–Ito palette, told apart by people with the common colour-vision
differences; every bar also carries its value as text, and pages put a data table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from p4p.progress.service import Snapshot

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MAX_SERIES = len(PALETTE)


@dataclass(frozen=True)
class Series:
    label: str
    values: dict[str, int | None]  # section key -> per cent (None: not in that version)


def section_bars(
    sections: list[tuple[str, str]], series: list[Series], *, title: str, chart_id: str
) -> Markup:
    """Grouped horizontal bars: one group per section, one bar per assessment, 0–100 %."""
    series = series[-MAX_SERIES:]
    label_width, plot_width, right = 250, 380, 50
    bar, gap, group_gap = 11, 2, 12
    legend_row = 18
    top = 28 + legend_row * len(series)
    group = len(series) * (bar + gap) + group_gap
    height = top + group * len(sections) + 24
    width = label_width + plot_width + right

    def x(percent: float) -> float:
        return label_width + plot_width * percent / 100

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Score of each section, as a percentage, for '
        f"{len(series)} assessments: {escape(', '.join(s.label for s in series))}. "
        "The same figures are in the table that follows.</desc>",
    ]
    for index, item in enumerate(series):
        y = 14 + legend_row * index
        parts.append(
            f'<rect x="{label_width}" y="{y - 9}" width="12" height="12" fill="{PALETTE[index]}"/>'
        )
        parts.append(f'<text x="{label_width + 18}" y="{y + 1}">{escape(item.label)}</text>')
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 6}" '
            f'y2="{height - 20}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 6}" text-anchor="middle" '
            f'fill="#505a5f">{tick}%</text>'
        )
    for row, (key, section_title) in enumerate(sections):
        y0 = top + group * row
        short = section_title if len(section_title) <= 40 else section_title[:38] + "…"
        middle = y0 + (len(series) * (bar + gap)) / 2 + 3
        parts.append(
            f'<text x="{label_width - 8}" y="{middle:.1f}" text-anchor="end" '
            f'fill="#1d2428">{escape(short)}<title>{escape(section_title)}</title></text>'
        )
        for index, item in enumerate(series):
            value = item.values.get(key)
            y = y0 + index * (bar + gap)
            if value is None:
                parts.append(
                    f'<text x="{label_width + 4}" y="{y + bar - 2}" fill="#505a5f" '
                    'font-size="9">not in this version</text>'
                )
                continue
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{max(x(value) - label_width, 1):.1f}" '
                f'height="{bar}" fill="{PALETTE[index]}"><title>{escape(item.label)}: '
                f"{escape(section_title)} {value}%</title></rect>"
            )
            parts.append(
                f'<text x="{x(value) + 4:.1f}" y="{y + bar - 2}" font-size="9" '
                f'fill="#1d2428">{value}%</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above went through escape()


def history_chart(snapshots: Sequence[Snapshot], *, title: str, chart_id: str) -> Markup:
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
    return section_bars(sections, series, title=title, chart_id=chart_id)
