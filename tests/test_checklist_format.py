"""The checklist file format: every validation problem names the right line, field and reason."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from p4p.catalogue import (
    MAX_FILE_BYTES,
    ChecklistInvalid,
    discover,
    parse_checklist,
    parse_version,
    validate_paths,
    vocabularies,
)
from p4p.catalogue.tags import parse_vocabulary
from p4p.catalogue.versions import check_editions, required_bump

# Line numbers below refer to this document (line 1 is "format: ...").
VALID = textwrap.dedent(
    """\
    format: p4p-checklist/1
    key: sample
    title: Sample checklist
    summary: A checklist for the tests.
    version: 1.2.3
    published: 2026-11-22
    publisher: Tests
    licence: CC-BY-4.0
    scale:
      - key: not-yet
        label: Not yet
        points: 0
      - key: doing
        label: Doing
        points: 2
        description: Everyone, every time.
    stages:
      - key: first
        label: First
      - key: second
        label: Second
    sections:
      - key: one
        title: Section one
        statements:
          - key: s-one
            text: We do the first thing.
            stage: first
            guidance: What good looks like.
            evidence: [A record]
            tags: {cqc: [safe], making-it-real: [workforce]}
            from:
              - {key: old-one, relation: equal}
      - key: two
        title: Section two
        summary: The second section.
        statements:
          - key: s-two
            text: We do the second thing.
            stage: second
            guidance: More.
            evidence: [Another record, A third]
    """
)


def problems(document: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(document, "sample.yaml")
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def only_problem(document: str) -> tuple[int, str, str]:
    found = problems(document)
    assert len(found) == 1, found
    return found[0]


def replace(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def test_a_valid_document_parses():
    checklist = parse_checklist(VALID, "sample.yaml")
    assert (checklist.key, checklist.version, checklist.language) == ("sample", "1.2.3", "en-GB")
    assert checklist.published.isoformat() == "2026-11-22"
    assert [(o.key, o.points) for o in checklist.scale] == [("not-yet", 0), ("doing", 2)]
    assert checklist.scale[1].description == "Everyone, every time."
    assert [s.key for s in checklist.stages] == ["first", "second"]
    assert [s.key for s in checklist.sections] == ["one", "two"]
    assert checklist.sections[1].summary == "The second section."
    first = checklist.sections[0].statements[0]
    assert first.tags == {"cqc": ("safe",), "making-it-real": ("workforce",)}
    assert [(o.key, o.relation) for o in first.origins] == [("old-one", "equal")]
    assert [s.key for s in checklist.statements()] == ["s-one", "s-two"]
    assert checklist.sections[1].statements[0].evidence == ("Another record", "A third")
    assert len(checklist.content_hash) == 64


def test_problem_reads_file_line_field_message():
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(replace("key: sample", "key: Sample"), "x/sample.yaml")
    assert str(caught.value.problems[0]).startswith('x/sample.yaml:2: key: "Sample" is not a valid')


def test_content_hash_ignores_comments_layout_and_key_order():
    reformatted = "# a comment\n" + VALID.replace(
        "tags: {cqc: [safe], making-it-real: [workforce]}",
        "tags:\n          making-it-real: [workforce]\n          cqc:\n            - safe",
    ).replace("licence: CC-BY-4.0\n", "").replace(
        "publisher: Tests\n", "licence: CC-BY-4.0\npublisher: Tests\n"
    )
    assert (
        parse_checklist(reformatted, "a").content_hash == parse_checklist(VALID, "b").content_hash
    )
    reworded = replace("We do the first thing.", "We do the first thing well.")
    assert parse_checklist(reworded, "c").content_hash != parse_checklist(VALID, "b").content_hash


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("format: p4p-checklist/1", "format: p4p-checklist/2", 1, "format", "unsupported format"),
        ("key: sample", "key: Sample Key", 2, "key", "is not a valid key"),
        ("title: Sample checklist", 'title: ""', 3, "title", "must not be empty"),
        ("title: Sample checklist", f"title: {'x' * 201}", 3, "title", "at most 200"),
        ("title: Sample checklist", "title: 2026", 3, "title", "must be text"),
        ("version: 1.2.3", "version: 1.0", 5, "version", "semantic version such as 1.0.0"),
        ("version: 1.2.3", "version: v1", 5, "version", "semantic version such as 1.0.0"),
        ("version: 1.2.3", "version: 01.2.3", 5, "version", "semantic version"),
        ("published: 2026-11-22", "published: 22/11/2026", 6, "published", "YYYY-MM-DD"),
        ("published: 2026-11-22", "published: 2026-02-30", 6, "published", "real date"),
        ("    points: 0", "    points: low", 12, "scale[0].points", "whole number"),
        ("    points: 0", "    points: true", 12, "scale[0].points", "whole number"),
        ("    points: 0", "    points: -1", 12, "scale[0].points", "must not be negative"),
        ("    points: 2", "    points: 0", 15, "scale[1].points", "points must increase"),
        (
            "  - key: doing",
            "  - key: not-yet",
            13,
            "scale[1].key",
            'duplicate scale key "not-yet" (first used on line 10)',
        ),
        ("  - key: second", "  - key: first", 20, "stages[1].key", 'duplicate stage key "first"'),
        (
            "  - key: two",
            "  - key: one",
            34,
            "sections[1].key",
            'duplicate section key "one" (first used on line 23)',
        ),
        (
            "      - key: s-two",
            "      - key: s-one",
            38,
            "sections[1].statements[0].key",
            'duplicate statement key "s-one" (first used on line 26)',
        ),
        (
            "        stage: second",
            "        stage: third",
            40,
            "sections[1].statements[0].stage",
            'unknown stage "third"; expected one of: first, second',
        ),
        (
            "        guidance: More.",
            "        guidance: More.\n        colour: red",
            42,
            "sections[1].statements[0].colour",
            'unknown field "colour"',
        ),
        (
            "evidence: [A record]",
            "evidence: []",
            30,
            "sections[0].statements[0].evidence",
            "at least 1 example",
        ),
        (
            "evidence: [A record]",
            "evidence: A record",
            30,
            "sections[0].statements[0].evidence",
            "must be a list",
        ),
        (
            "tags: {cqc: [safe], making-it-real: [workforce]}",
            "tags: {cqc: [safe], nhs: [x]}",
            31,
            "sections[0].statements[0].tags.nhs",
            'unknown field "nhs"',
        ),
        (
            "tags: {cqc: [safe], making-it-real: [workforce]}",
            "tags: {cqc: [kind]}",
            31,
            "sections[0].statements[0].tags.cqc",
            'unknown tag "kind"',
        ),
        (
            "{key: old-one, relation: equal}",
            "{key: old-one, relation: same}",
            33,
            "sections[0].statements[0].from[0].relation",
            'unknown relation "same"; expected one of: equal, narrower, broader, related',
        ),
        (
            "  - key: one\n    title: Section one\n",
            "  - key: one\n",
            23,
            "sections[0].title",
            "required field is missing",
        ),
        (
            "        text: We do the first thing.\n",
            "",
            26,
            "sections[0].statements[0].text",
            "required field is missing",
        ),
        ("licence: CC-BY-4.0\n", "", 1, "licence", "required field is missing"),
        ("sections:\n", "sections: []\nunused:\n", 22, "sections", "at least 1 section"),
        ("scale:\n", "colour: blue\nscale:\n", 9, "colour", 'unknown field "colour"'),
    ],
)
def test_each_problem_names_line_field_and_reason(old, new, line, field, message):
    found = problems(replace(old, new))
    matching = [p for p in found if p[1] == field]
    assert matching, found
    got_line, _, got_message = matching[0]
    assert got_line == line, found
    assert message in got_message, found


def test_scale_needs_two_options():
    document = VALID.replace(
        "  - key: doing\n    label: Doing\n    points: 2\n    description: Everyone, every time.\n",
        "",
    )
    assert only_problem(document) == (10, "scale", "must have at least 2 options")


def test_stage_is_required_when_the_checklist_has_stages():
    line, field, message = only_problem(replace("        stage: first\n", ""))
    assert (line, field) == (26, "sections[0].statements[0].stage")
    assert "required field is missing" in message


def test_statements_must_not_name_a_stage_when_there_are_none():
    document = replace(
        "stages:\n  - key: first\n    label: First\n  - key: second\n    label: Second\n", ""
    )
    found = problems(document)
    assert [(line, field) for line, field, _ in found] == [
        (23, "sections[0].statements[0].stage"),
        (35, "sections[1].statements[0].stage"),
    ]
    assert all("has no stages" in message for *_, message in found)


def test_duplicate_field_in_one_mapping_is_caught():
    line, field, message = only_problem(
        replace("publisher: Tests", "publisher: Tests\ntitle: Again")
    )
    assert (line, field) == (8, "title")
    assert "duplicate field (first given on line 3)" in message


def test_field_names_must_be_text():
    line, field, message = only_problem(replace("publisher: Tests", "publisher: Tests\n3: three"))
    assert (line, message) == (8, "field names must be text")


def test_aliases_and_anchors_are_refused():
    document = replace("publisher: Tests", "publisher: &who Tests\nlicence_again: *who")
    assert only_problem(document) == (7, "yaml", "aliases and anchors are not allowed")


def test_alias_bomb_is_refused_without_expanding_it():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    assert only_problem(bomb) == (1, "yaml", "aliases and anchors are not allowed")


def test_deeply_nested_yaml_is_a_problem_with_its_line_not_a_crash(tmp_path):
    deep = "format: p4p-checklist/1\nkey: " + "[" * 30000 + "]" * 30000 + "\n"
    assert len(deep) < 100 * 1024
    line, field, message = only_problem(deep)
    assert (line, field) == (2, "yaml") and "nested more than 20 levels" in message
    block = "format: p4p-checklist/1\ntitle:\n" + "".join(
        "  " * depth + "- \n" for depth in range(1, 25)
    )
    line, field, message = only_problem(block)
    assert field == "yaml" and "nested" in message and line > 2
    path = tmp_path / "deep.yaml"
    path.write_text(deep)
    assert [str(p) for p in validate_paths([path])] == [
        f"{path}:2: yaml: lists and mappings are nested more than 20 levels deep; "
        "a checklist needs no more than 6"
    ]


def test_not_yaml_at_all():
    line, field, message = only_problem("format: p4p-checklist/1\nkey: [unclosed\ntitle: x\n")
    assert field == "yaml" and line == 3
    assert message.startswith("this is not valid YAML")


def test_top_level_must_be_a_mapping_and_not_empty():
    assert only_problem("- just\n- a list\n") == (1, "file", "must be a mapping of field: value")
    assert only_problem("") == (1, "file", "the file is empty")


def test_file_size_limit_and_encoding():
    with pytest.raises(ChecklistInvalid, match="at most 1,048,576"):
        parse_checklist(b"#" * (MAX_FILE_BYTES + 1), "big.yaml")
    with pytest.raises(ChecklistInvalid, match="not UTF-8"):
        parse_checklist(b"title: \xff\xfe", "latin.yaml")


def test_all_problems_are_reported_in_line_order():
    document = replace("key: sample", "key: Bad").replace("version: 1.2.3", "version: 2")
    document = document.replace("        stage: second", "        stage: nowhere")
    found = problems(document)
    assert [field for _, field, _ in found] == ["key", "version", "sections[1].statements[0].stage"]
    assert [line for line, _, _ in found] == sorted(line for line, _, _ in found)


def test_validate_paths_over_folders_and_files(tmp_path):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "1.2.3.yaml").write_text(VALID)
    (tmp_path / "bad.yml").write_text(replace("key: sample", "key: X"))
    (tmp_path / "notes.txt").write_text("not a checklist")
    assert discover(tmp_path) == [tmp_path / "bad.yml", tmp_path / "good" / "1.2.3.yaml"]
    found = validate_paths([tmp_path, tmp_path / "missing.yaml"])
    assert [(Path(p.file).name, p.line, p.field) for p in found] == [
        ("bad.yml", 2, "key"),
        ("missing.yaml", 1, "file"),
    ]
    assert "cannot be read" in found[1].message
    assert validate_paths([tmp_path / "good"]) == []


def test_parse_version():
    assert parse_version("1.10.0") > parse_version("1.9.9")
    with pytest.raises(ValueError, match="semantic version"):
        parse_version("1.0")


CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"


@pytest.mark.parametrize(
    ("edition", "version", "sections", "statements"),
    [
        ("homecare", "1.0.0", 8, 40),
        ("homecare", "2.0.0", 14, 85),
        ("managers", "1.0.0", 6, 30),
        ("managers", "2.0.0", 10, 55),
    ],
)
def test_published_editions_are_complete(edition, version, sections, statements):
    path = CHECKLISTS / edition / f"{version}.yaml"
    checklist = parse_checklist(path.read_bytes(), str(path))
    assert len(checklist.sections) >= sections
    all_statements = list(checklist.statements())
    assert len(all_statements) >= statements
    assert [o.key for o in checklist.scale] == ["not-yet", "started", "doing"]
    assert len(checklist.stages) == 3
    for statement in all_statements:
        assert statement.guidance and statement.evidence and statement.stage, statement.key
        assert statement.tags.get("cqc") and statement.tags.get("making-it-real"), statement.key
    stages_used = {s.stage for s in all_statements}
    assert stages_used == {s.key for s in checklist.stages}


def test_every_published_file_is_valid():
    assert validate_paths([CHECKLISTS]) == []


DOCUMENTATION = CHECKLISTS.parent / "docs" / "checklist-format.md"


def documented_checklists() -> list:
    blocks = [b.split("```")[0] for b in DOCUMENTATION.read_text().split("```yaml\n")[1:]]
    return [parse_checklist(b, "docs example") for b in blocks if b.startswith("format:")]


def test_the_examples_in_the_format_documentation_are_valid():
    first, second = documented_checklists()
    assert (first.key, first.version, second.key, second.version) == (
        "example",
        "1.0.0",
        "example",
        "2.0.0",
    )
    assert check_editions([("1.0.0.yaml", first), ("2.0.0.yaml", second)]) == []
    assert required_bump(first, second).level == "major"
    # The worked example shows every part of a new version.
    statements = {s.key: s for s in second.statements()}
    assert [r.key for r in second.removed] == ["ex-newsletter"]
    assert statements["ex-budget"].may_not_apply and not statements["ex-budget"].origins
    assert all(s.started for s in statements.values())
    relations = {o.relation for s in statements.values() for o in s.origins}
    assert relations == {"equal", "narrower"}


def test_the_documented_version_number_message_is_the_real_one():
    first, second = documented_checklists()
    wrong = dataclasses.replace(second, version="1.1.0")
    (problem,) = check_editions([("1.0.0.yaml", first), ("checklists/example/1.1.0.yaml", wrong)])
    assert str(problem) in DOCUMENTATION.read_text()


def test_the_documentation_lists_every_vocabulary_tag_with_its_label():
    documentation = DOCUMENTATION.read_text()
    for vocabulary in vocabularies().values():
        assert f"`{vocabulary.scheme}`: {vocabulary.title} (version {vocabulary.version})" in (
            documentation
        )
        for tag in vocabulary.tags:
            assert f"| `{tag.key}` | {tag.label} |" in documentation, tag.key
    snippet = documentation.split("```yaml\n")[1].split("```")[0]
    assert parse_vocabulary(snippet, "cqc-qs.yaml").tag("safeguarding").label == "Safeguarding"


WITH_ADDITIONS = VALID.replace(
    "        evidence: [A record]\n",
    "        evidence: [A record]\n"
    "        started: Some people, some of the time.\n"
    "        may-not-apply: true\n",
    1,
) + textwrap.dedent(
    """\
    removed:
      - key: old-two
        reason: Folded into s-one.
    """
)


def test_started_may_not_apply_and_removed_parse():
    checklist = parse_checklist(WITH_ADDITIONS, "sample.yaml")
    first, second = checklist.statements()
    assert (first.started, first.may_not_apply) == ("Some people, some of the time.", True)
    assert (second.started, second.may_not_apply) == (None, False)
    assert [(r.key, r.reason) for r in checklist.removed] == [("old-two", "Folded into s-one.")]


def test_optional_additions_change_the_hash_only_when_used():
    """A version that does not use the newer fields keeps the hash it was published with."""
    plain = parse_checklist(VALID, "sample.yaml")
    explicit = parse_checklist(
        VALID.replace(
            "evidence: [A record]\n", "evidence: [A record]\n        may-not-apply: false\n"
        ),
        "sample.yaml",
    )
    assert explicit.content_hash == plain.content_hash
    assert parse_checklist(WITH_ADDITIONS, "sample.yaml").content_hash != plain.content_hash


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("may-not-apply: true", "may-not-apply: sometimes", "may-not-apply", "true or false"),
        ("  - key: old-two\n", "  - key: s-two\n", "removed[0].key", "is a statement of this"),
        ("    reason: Folded into s-one.\n", "", "removed[0].reason", "required field"),
    ],
)
def test_additions_are_validated(old, new, field, message):
    found = problems(WITH_ADDITIONS.replace(old, new, 1))
    assert any(f.endswith(field) and message in m for _, f, m in found), found
