"""The arithmetic of benchmarks and the rules that keep every member anonymous. Pure Python.

- A group of fewer than `MIN_GROUP` (5) providers is never shown, not even as a count.
- A breakdown (by region or size) shows a subgroup only if it has at least `MIN_BREAKDOWN` (10)
  providers *and* the rest of the group has at least as many: otherwise the whole group's figure
  minus the subgroup's would describe the few providers left out (a difference attack).
- Inside a shown group, a count of 1 to 4 providers (how many are at a stage) is shown as
  "fewer than 5"; when that leaves exactly one such cell, the next smallest is hidden too, so
  no hidden count follows from the total by subtraction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from p4p.scoring import percent

MIN_GROUP = 5
MIN_BREAKDOWN = 10
HIDDEN = None  # a suppressed count


@dataclass(frozen=True)
class Spread:
    """Lower quartile, median and upper quartile of whole per cents."""

    lower: float
    median: float
    upper: float

    @property
    def text(self) -> str:
        return f"median {self.median:g}% (middle half {self.lower:g}% to {self.upper:g}%)"


def _quantile(ordered: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (the 'inclusive' method, as spreadsheets'
    QUARTILE.INC), rounded to one decimal place."""
    position = (len(ordered) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    value = ordered[below] + (ordered[above] - ordered[below]) * (position - below)
    return round(value, 1)


def spread(values: Sequence[float]) -> Spread | None:
    """Quartiles of the values, or None for a group too small to show."""
    if len(values) < MIN_GROUP:
        return None
    ordered = sorted(values)
    return Spread(_quantile(ordered, 0.25), _quantile(ordered, 0.5), _quantile(ordered, 0.75))


def shown(group_size: int) -> bool:
    return group_size >= MIN_GROUP


def subgroup_shown(subgroup_size: int, group_size: int) -> bool:
    """May a breakdown show this subgroup of a group? Both it and the rest must be large."""
    return subgroup_size >= MIN_BREAKDOWN and group_size - subgroup_size >= MIN_BREAKDOWN


def counts(cells: Mapping[str, int]) -> dict[str, int | None]:
    """Counts per category (stage) with small ones hidden, and a second one hidden when a
    single hidden count could be worked out from the total."""
    result: dict[str, int | None] = {
        key: (HIDDEN if 0 < value < MIN_GROUP else value) for key, value in cells.items()
    }
    hidden = [key for key, value in result.items() if value is HIDDEN]
    if len(hidden) == 1:
        candidates = sorted(
            (value, key) for key, value in cells.items() if key not in hidden and value > 0
        )
        if candidates:
            result[candidates[0][1]] = HIDDEN
    return result


def share_percent(part: int, whole: int) -> int | None:
    """Whole per cent of a shown group (None when the group is too small)."""
    if whole < MIN_GROUP:
        return None
    return percent(part, whole)


QUARTER_NAMES = ("bottom quarter", "lower middle quarter", "upper middle quarter", "top quarter")


def quarter(value: float, others: Sequence[float]) -> str | None:
    """Which quarter of the group a member's value falls in (the group includes the member),
    or None for a group too small to show."""
    if len(others) < MIN_GROUP:
        return None
    ordered = sorted(others)
    lower, median, upper = (_quantile(ordered, f) for f in (0.25, 0.5, 0.75))
    if value > upper:
        return QUARTER_NAMES[3]
    if value > median:
        return QUARTER_NAMES[2]
    if value > lower:
        return QUARTER_NAMES[1]
    return QUARTER_NAMES[0]
