"""The rules that keep benchmarks anonymous (pure arithmetic)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from p4p.benchmarks import stats


def test_quartiles_match_the_spreadsheet_method():
    spread = stats.spread([10, 20, 30, 40, 50])
    assert (spread.lower, spread.median, spread.upper) == (20, 30, 40)
    assert stats.spread([1, 2, 3, 4, 5, 6]) == stats.Spread(2.2, 3.5, 4.8)


def test_a_group_of_fewer_than_five_shows_nothing():
    assert stats.spread([50, 60, 70, 80]) is None
    assert stats.share_percent(2, 4) is None
    assert stats.quarter(50, [40, 50, 60, 70]) is None
    assert not stats.shown(4) and stats.shown(5)


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_total():
    shown = stats.counts({"none": 12, "first": 3, "second": 0})
    # 3 is hidden; alone it would follow from the total (15 - 12), so 12 is hidden too.
    assert shown == {"none": None, "first": None, "second": 0}
    assert stats.counts({"none": 6, "first": 2, "second": 1}) == {
        "none": 6,
        "first": None,
        "second": None,
    }
    assert stats.counts({"none": 5, "first": 7}) == {"none": 5, "first": 7}


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1))
def test_no_hidden_count_follows_from_the_total(cells):
    assume(sum(cells.values()) >= stats.MIN_GROUP)  # counts are only shown for a shown group
    shown = stats.counts(cells)
    hidden = [key for key, value in shown.items() if value is None]
    assert len(hidden) != 1  # one hidden cell would be the total minus the others
    assert all(value is None or value == 0 or value >= stats.MIN_GROUP for value in shown.values())


def test_a_breakdown_needs_ten_in_the_subgroup_and_ten_outside_it():
    assert stats.subgroup_shown(10, 20)
    assert not stats.subgroup_shown(9, 40)
    # The difference attack: a region of 19 out of 20 would show the one left out by
    # subtracting it from the whole group's figures.
    assert not stats.subgroup_shown(19, 20)
    assert not stats.subgroup_shown(20, 20)


@given(
    group=st.integers(0, 60),
    first=st.integers(0, 60),
)
def test_two_views_differing_by_one_provider_never_both_show(group, first):
    """Any two shown views (the whole group, or a subgroup of it) differ by at least 5."""
    sizes = [group] if stats.shown(group) else []
    if first <= group and stats.shown(group) and stats.subgroup_shown(first, group):
        sizes.append(first)
    for a in sizes:
        for b in sizes:
            assert a == b or abs(a - b) >= stats.MIN_GROUP


def test_quarters():
    group = [10, 20, 30, 40, 50, 60, 70, 80]
    assert stats.quarter(80, group) == "top quarter"
    assert stats.quarter(10, group) == "bottom quarter"
    assert stats.quarter(50, group) == "upper middle quarter"
    assert stats.quarter(30, group) == "lower middle quarter"
