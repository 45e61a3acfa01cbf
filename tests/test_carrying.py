"""Carrying answers across versions (p4p.catalogue.carrying): pure functions, no database."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p4p.catalogue import parse_checklist
from p4p.catalogue.carrying import (
    Answer,
    chain_links,
    compose,
    plan,
    removed,
    step_links,
)
from p4p.catalogue.content import (
    ChecklistDef,
    Origin,
    Removal,
    ScaleOption,
    SectionDef,
    StatementDef,
)

TINY = Path(__file__).parent / "data" / "carrying" / "tiny"
RELATIONS = ["equal", "narrower", "broader", "related"]


@functools.cache
def tiny(version: str) -> ChecklistDef:
    path = TINY / f"{version}.yaml"
    return parse_checklist(path.read_bytes(), str(path))


# --- composing relations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("equal", "equal", "equal"),
        ("equal", "narrower", "narrower"),
        ("equal", "broader", "broader"),
        ("equal", "related", "related"),
        ("narrower", "equal", "narrower"),
        ("broader", "equal", "broader"),
        ("related", "equal", "related"),
        ("narrower", "narrower", "narrower"),
        ("broader", "broader", "broader"),
        ("narrower", "broader", "related"),
        ("broader", "narrower", "related"),
        ("related", "related", "related"),
        ("narrower", "related", "related"),
        ("related", "broader", "related"),
    ],
)
def test_compose(first, then, expected):
    assert compose(first, then) == expected


# --- a small edition built in code ----------------------------------------------------------

SCALE = (ScaleOption("no", "No", 0), ScaleOption("part", "Part", 1), ScaleOption("yes", "Yes", 2))


def statement(key, *origins, may_not_apply=False) -> StatementDef:
    return StatementDef(
        key=key,
        text=f"Statement {key}",
        stage=None,
        guidance="g",
        evidence=("e",),
        origins=tuple(Origin(k, r) for k, r in origins),
        may_not_apply=may_not_apply,
    )


def version(number, *statements, removed=()) -> ChecklistDef:
    return ChecklistDef(
        key="built",
        title="Built",
        summary="s",
        version=number,
        published=dt.date(2026, 1, 1),
        publisher="p",
        licence="CC-BY-4.0",
        language="en-GB",
        scale=SCALE,
        stages=(),
        sections=(SectionDef("one", "One", None, tuple(statements)),),
        removed=tuple(Removal(k, r) for k, r in removed),
    )


@pytest.mark.parametrize("relation", RELATIONS)
def test_each_relation_carries_the_answer_equal_as_it_is_the_others_into_review(relation):
    old = version("1.0.0", statement("a"))
    new = version("2.0.0", statement("b", ("a", relation)))
    result = plan([old, new], {"a": Answer("part", "A note")})
    [item] = result.carried
    assert (item.key, item.from_key, item.relation) == ("b", "a", relation)
    assert item.answer == Answer("part", "A note")
    assert item.review is (relation != "equal")
    assert result.new == () and result.removed == ()


def test_a_kept_key_is_the_same_statement_and_a_new_key_starts_unrated():
    old = version("1.0.0", statement("a"))
    new = version("1.1.0", statement("a"), statement("fresh"))
    result = plan([old, new], {"a": Answer("yes")})
    assert [(c.key, c.relation, c.review) for c in result.carried] == [("a", "equal", False)]
    assert result.new == ("fresh",)


def test_several_origins_prefer_an_equal_path_otherwise_review():
    old = version("1.0.0", statement("a"), statement("b"))
    merged = version("2.0.0", statement("m", ("a", "related"), ("b", "equal")))
    result = plan([old, merged], {"a": Answer("no"), "b": Answer("yes", "kept")})
    [item] = result.carried
    assert (item.from_key, item.relation, item.review) == ("b", "equal", False)
    assert item.answer == Answer("yes", "kept")

    both_broader = version("2.0.0", statement("m", ("a", "broader"), ("b", "narrower")))
    [item] = plan([old, both_broader], {"a": Answer("no"), "b": Answer("yes")}).carried
    assert (item.from_key, item.relation, item.review) == ("a", "broader", True)
    # Only the answered origin counts.
    [item] = plan([old, both_broader], {"b": Answer("yes")}).carried
    assert (item.from_key, item.relation) == ("b", "narrower")


def test_removed_statements_are_listed_with_the_reason():
    old = version("1.0.0", statement("a"), statement("b"), statement("c"))
    new = version("2.0.0", statement("a"), removed=[("b", "It said two things.")])
    assert [(g.key, g.reason, g.version) for g in removed([old, new])] == [
        ("b", "It said two things.", "2.0.0"),
        ("c", "", "2.0.0"),
    ]


def test_not_applicable_answers_carry_only_to_statements_that_may_not_apply():
    old = version("1.0.0", statement("a", may_not_apply=True), statement("b", may_not_apply=True))
    new = version(
        "2.0.0",
        statement("a", may_not_apply=True),
        statement("b"),  # now always applies
    )
    answers = {"a": Answer(None, "n", "No ISFs here"), "b": Answer(None, "", "No ISFs")}
    a, b = plan([old, new], answers).carried
    assert (a.answer, a.review) == (Answer(None, "n", "No ISFs here"), False)
    assert (b.answer, b.review) == (Answer(None, ""), True)  # answered afresh, in review


def test_not_applicable_through_a_narrower_statement_goes_to_review_with_the_reason():
    old = version("1.0.0", statement("a", may_not_apply=True))
    new = version("2.0.0", statement("b", ("a", "narrower"), may_not_apply=True))
    [item] = plan([old, new], {"a": Answer(None, "", "Not commissioned")}).carried
    assert item.answer.not_applicable_reason == "Not commissioned" and item.review


def test_a_rating_off_the_new_scale_is_dropped_into_review():
    old = version("1.0.0", statement("a"))
    new = version("2.0.0", statement("a"))
    [item] = plan([old, new], {"a": Answer("gone-from-scale", "note")}).carried
    assert item.answer == Answer(None, "note") and item.review


# --- chains: the tiny edition, 1.0.0 -> 1.1.0 -> 2.0.0 ---------------------------------------


def test_step_links_follow_from_and_kept_keys():
    links = step_links(tiny("1.0.0"), tiny("1.1.0"))
    assert links["t-profile"] == {"t-profile": "equal"}
    assert links["t-review"] == {"t-review": "equal"}
    assert links["t-safeguarding"] == {"t-safeguarding": "narrower"}  # a kept key, narrowed
    assert links["t-safe-person"] == {"t-safeguarding": "narrower"}
    assert links["t-recruit"] == {}


def test_chain_links_compose_along_the_chain():
    links = chain_links([tiny("1.0.0"), tiny("1.1.0"), tiny("2.0.0")])
    assert links["t-profile"] == {"t-profile": "equal"}
    assert links["t-review"] == {"t-review": "equal"}  # reworded, then moved: still equal
    assert links["t-safe-skills"] == {"t-safeguarding": "narrower"}  # narrower twice
    assert links["t-safe-person"] == {"t-safeguarding": "narrower"}  # narrower, then equal
    assert links["t-team-fit"] == {"t-match": "broader"}  # t-recruit is newer than 1.0.0
    assert links["t-money"] == {} and links["t-recruit"] == {}


def test_a_chain_in_one_step():
    chain = [tiny("1.0.0"), tiny("1.1.0"), tiny("2.0.0")]
    answers = {
        "t-profile": Answer("doing", "Profiles checked"),
        "t-review": Answer("started", "Reviews yearly"),
        "t-safeguarding": Answer("doing", "Everyone trained"),
        "t-match": Answer("started", ""),
        "t-isf": Answer("not-yet", ""),
        "t-sometimes": Answer("started", "Sometimes"),
    }
    result = plan(chain, answers)
    carried = {c.key: c for c in result.carried}
    assert set(carried) == {
        "t-profile",
        "t-review",
        "t-safe-skills",
        "t-safe-person",
        "t-isf",
        "t-team-fit",
    }
    assert not carried["t-profile"].review and carried["t-profile"].answer == answers["t-profile"]
    assert not carried["t-review"].review and carried["t-review"].answer == answers["t-review"]
    assert carried["t-safe-skills"].review and carried["t-safe-skills"].relation == "narrower"
    assert carried["t-safe-skills"].answer.scale_key == "doing"
    assert carried["t-team-fit"].review and carried["t-team-fit"].relation == "broader"
    assert set(result.new) == {"t-money", "t-recruit"}
    [gone] = result.removed
    assert (gone.key, gone.version) == ("t-sometimes", "2.0.0")
    assert gone.reason.startswith("It said “sometimes”")


def test_a_chain_of_one_version_carries_everything_as_it_is():
    answers = {st.key: Answer("started", st.key) for st in tiny("1.0.0").statements()}
    result = plan([tiny("1.0.0")], answers)
    assert all(not c.review and c.answer == answers[c.key] for c in result.carried)
    assert len(result.carried) == len(answers) and result.removed == ()


# --- the property: an equal path never loses or changes a rating ---------------------------


@st.composite
def editions(draw):
    """A random chain of 2-4 versions of a small edition, with random relations, removals and
    may-not-apply flags, and random answers to the first version."""
    size = draw(st.integers(2, 6))
    keys = [f"s{i}" for i in range(size)]
    chain = [version("1.0.0", *(statement(k) for k in keys))]
    counter = size
    for number in range(1, draw(st.integers(2, 4))):
        previous = [s.key for s in chain[-1].statements()]
        statements = []
        for key in previous:
            kind = draw(st.sampled_from(["keep", "from", "drop"]))
            if kind == "keep":
                statements.append(statement(key))
            elif kind == "from":
                counter += 1
                origins = [(key, draw(st.sampled_from(RELATIONS)))]
                if draw(st.booleans()):
                    origins.append((draw(st.sampled_from(previous)), "related"))
                statements.append(statement(f"s{counter}", *origins))
        if draw(st.booleans()):
            counter += 1
            statements.append(statement(f"s{counter}"))
        if not statements:
            statements.append(statement(f"s{counter + 1}"))
            counter += 1
        chain.append(version(f"{number + 1}.0.0", *statements))
    answers = {
        k: Answer(draw(st.sampled_from(["no", "part", "yes", None])), f"note {k}")
        for k in keys
        if draw(st.booleans())
    }
    return chain, answers


@settings(max_examples=200, deadline=None)
@given(editions())
def test_a_rating_with_an_equal_path_is_never_dropped_or_changed(edition):
    chain, answers = edition
    links = chain_links(chain)
    result = plan(chain, answers)
    carried = {c.key: c for c in result.carried}
    for statement_ in chain[-1].statements():
        equal_from = [old for old, rel in links.get(statement_.key, {}).items() if rel == "equal"]
        answered = [old for old in equal_from if old in answers]
        if not answered:
            continue
        item = carried[statement_.key]
        assert item.relation == "equal" and not item.review
        assert item.answer == answers[item.from_key]
    # and every statement of the first version is either carried somewhere or listed as removed
    reached = {old for origins in links.values() for old in origins}
    gone = {g.key for g in result.removed}
    assert reached | gone == {s.key for s in chain[0].statements()}
    assert not reached & gone
