import datetime as dt
from dataclasses import replace

from p4p.catalogue.content import ChecklistDef, ScaleOption, SectionDef, Stage, StatementDef
from p4p.scoring import score

SCALE = (
    ScaleOption("not-yet", "Not yet", 0),
    ScaleOption("started", "Started", 1),
    ScaleOption("doing", "Doing", 2),
)
STAGES = (
    Stage("gs", "Getting started"),
    Stage("gp", "Good progress"),
    Stage("ah", "Aiming high"),
)


def statement(key: str, text: str, stage: str) -> StatementDef:
    return StatementDef(key=key, text=text, stage=stage, guidance="", evidence=())


CHECKLIST = ChecklistDef(
    key="test",
    title="Test",
    summary="",
    version="1.0.0",
    published=dt.date(2026, 1, 1),
    publisher="p4p",
    licence="CC-BY-4.0",
    language="en-GB",
    scale=SCALE,
    stages=STAGES,
    sections=(
        SectionDef(
            "a",
            "Section A",
            None,
            (
                statement("a1", "A one", "gs"),
                statement("a2", "A two", "gp"),
                statement("a3", "A three", "ah"),
            ),
        ),
        SectionDef(
            "b",
            "Section B",
            None,
            (
                statement("b1", "B one", "gs"),
                statement("b2", "B two", "gp"),
            ),
        ),
    ),
)


def test_section_scores_are_points_out_of_possible():
    result = score(CHECKLIST, {"a1": "doing", "a2": "started", "b1": "not-yet"})
    a, b = result.sections
    assert (a.points, a.possible, a.rated, a.total) == (3, 6, 2, 3)
    assert a.percent == 50
    assert (b.points, b.possible, b.rated, b.total) == (0, 4, 1, 2)
    assert (result.overall.points, result.overall.possible) == (3, 10)
    assert result.unrated == 2


def test_percent_rounds_half_up_and_handles_nothing_possible():
    result = score(CHECKLIST, {"a1": "started"})  # 1 of 6 = 16.67%
    assert result.sections[0].percent == 17
    empty = replace(CHECKLIST, stages=(), sections=(SectionDef("e", "E", None, ()),))
    assert score(empty, {}).sections[0].percent == 0


def test_no_stage_until_every_first_stage_statement_is_at_the_top():
    result = score(CHECKLIST, {"a1": "doing", "b1": "started", "a2": "doing", "b2": "doing"})
    assert result.stage_reached is None
    assert result.next_stage.key == "gs"
    assert [b.key for b in result.blockers] == ["b1"]
    assert result.blockers[0].rating == "started"


def test_a_stage_needs_the_stages_before_it():
    # Everything of "good progress" is at the top but one "getting started" statement is not:
    # no stage is reached, and the blockers name both stages' shortfalls in stage order.
    ratings = {"a1": "doing", "b1": None, "a2": "doing", "b2": "doing", "a3": "doing"}
    result = score(CHECKLIST, ratings)
    assert result.stage_reached is None
    assert [(b.key, b.stage) for b in result.blockers] == [("b1", "gs")]


def test_stage_reached_and_blockers_for_the_next():
    ratings = {"a1": "doing", "b1": "doing", "a2": "started"}
    result = score(CHECKLIST, ratings)
    assert result.stage_reached.key == "gs"
    assert result.next_stage.key == "gp"
    assert [(b.key, b.rating) for b in result.blockers] == [("a2", "started"), ("b2", None)]
    assert [(s.key, s.at_top, s.total, s.complete) for s in result.stages] == [
        ("gs", 2, 2, True),
        ("gp", 0, 2, False),
        ("ah", 0, 1, False),
    ]


def test_final_stage_has_no_next_and_no_blockers():
    ratings = {k: "doing" for k in ("a1", "a2", "a3", "b1", "b2")}
    result = score(CHECKLIST, ratings)
    assert result.stage_reached.key == "ah"
    assert result.next_stage is None
    assert result.blockers == ()
    assert result.overall.percent == 100


def test_unknown_scale_values_score_nothing():
    result = score(CHECKLIST, {"a1": "bogus"})
    assert result.sections[0].rated == 0
    assert result.sections[0].points == 0


def tagged(statement_def: StatementDef, **schemes: tuple[str, ...]) -> StatementDef:
    return replace(
        statement_def,
        tag_pairs=tuple((scheme.replace("_", "-"), tags) for scheme, tags in schemes.items()),
    )


TAGGED = replace(
    CHECKLIST,
    sections=(
        SectionDef(
            "a",
            "Section A",
            None,
            (
                tagged(statement("a1", "A one", "gs"), cqc=("safe", "caring")),
                tagged(statement("a2", "A two", "gp"), cqc=("caring",), making_it_real=("w",)),
                statement("a3", "A three", "ah"),
            ),
        ),
        SectionDef(
            "b",
            "Section B",
            None,
            (tagged(statement("b1", "B one", "gs"), cqc=("safe",), new_scheme=("x",)),),
        ),
    ),
)


def test_a_lens_scores_the_statements_tagged_with_it_wherever_they_are():
    result = score(TAGGED, {"a1": "doing", "a2": "started", "b1": "not-yet"})
    by_tag = {(lens.scheme, lens.tag): lens for lens in result.lenses}
    assert set(by_tag) == {
        ("cqc", "safe"),
        ("cqc", "caring"),
        ("making-it-real", "w"),
        ("new-scheme", "x"),
    }
    safe = by_tag[("cqc", "safe")]  # a1 (doing, 2) and b1 (not yet, 0), across sections
    assert (safe.points, safe.possible, safe.rated, safe.total) == (2, 4, 2, 2)
    assert safe.percent == 50
    caring = by_tag[("cqc", "caring")]  # a1 counts in both of its tags
    assert (caring.points, caring.possible, caring.total) == (3, 4, 2)
    assert caring.percent == 75
    assert by_tag[("new-scheme", "x")].total == 1  # any scheme is scored, none listed here


def test_unrated_statements_score_nothing_in_a_lens_and_untagged_ones_count_in_none():
    result = score(TAGGED, {"a1": "doing"})
    by_tag = {(lens.scheme, lens.tag): lens for lens in result.lenses}
    safe = by_tag[("cqc", "safe")]
    assert (safe.points, safe.possible, safe.rated, safe.total) == (2, 4, 1, 2)
    assert sum(lens.total for lens in result.lenses) == 6  # 3 statements, 2 tags each; a3 none
    assert score(CHECKLIST, {}).lenses == ()


def test_a_statement_that_does_not_apply_counts_in_no_lens():
    from p4p.catalogue.content import ChecklistDef, ScaleOption, SectionDef, StatementDef

    statements = (
        StatementDef("a", "A", None, "g", ("e",), (("cqc", ("safe",)),), may_not_apply=True),
        StatementDef("b", "B", None, "g", ("e",), (("cqc", ("safe",)),)),
    )
    checklist = ChecklistDef(
        key="t",
        title="T",
        summary="s",
        version="1.0.0",
        published=__import__("datetime").date(2026, 1, 1),
        publisher="p",
        licence="l",
        language="en-GB",
        scale=(ScaleOption("no", "No", 0), ScaleOption("yes", "Yes", 2)),
        stages=(),
        sections=(SectionDef("s", "S", None, statements),),
    )
    result = score(checklist, {"a": None, "b": "yes"}, not_applicable={"a"})
    [safe] = [lens for lens in result.lenses if lens.tag == "safe"]
    assert (safe.points, safe.possible, safe.total) == (2, 2, 1)
