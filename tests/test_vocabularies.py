"""Tag vocabularies: versioned data files, checked when read, with display labels for pages."""

from __future__ import annotations

import textwrap
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from p4p.catalogue import ChecklistInvalid, parse_checklist, scheme_title, tag_label, vocabularies
from p4p.catalogue.tags import VOCABULARIES_DIR, VocabularyInvalid, parse_vocabulary
from tests.helpers import sign_in
from tests.test_checklist_format import VALID

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_vocabularies():
    found = vocabularies()
    assert list(found) == ["cqc", "cqc-qs", "making-it-real", "pamms"]
    assert all(v.version == "1.0.0" for v in found.values())
    assert found["cqc"].keys == ("safe", "effective", "caring", "responsive", "well-led")
    assert len(found["making-it-real"].keys) == 6
    assert len(found["pamms"].keys) == 5


def test_cqc_quality_statements_are_grouped_under_the_key_questions():
    qs = vocabularies()["cqc-qs"]
    assert qs.title == "CQC quality statements"
    assert len(qs.tags) == 34
    assert [key for key, _ in qs.groups] == list(vocabularies()["cqc"].keys)
    per_group = {key: sum(t.group == key for t in qs.tags) for key, _ in qs.groups}
    assert per_group == {"safe": 8, "effective": 6, "caring": 5, "responsive": 7, "well-led": 8}
    assert qs.tag("safeguarding").group == "safe"
    assert qs.group_label(qs.tag("freedom-to-speak-up").group) == "Well-led"
    assert tag_label("cqc-qs", "safe-systems-pathways-transitions") == (
        "Safe systems, pathways and transitions"
    )
    assert tag_label("cqc-qs", "responding-immediate-needs") == (
        "Responding to people's immediate needs"
    )


def test_labels_and_titles_for_pages():
    assert tag_label("making-it-real", "flexible-and-integrated-care") == (
        "Flexible and integrated care and support"
    )
    assert tag_label("cqc", "well-led") == "Well-led"
    assert scheme_title("making-it-real") == "Making it Real"
    assert scheme_title("cqc") == "CQC key questions"
    # A tag stored under an older vocabulary still shows, by its key, rather than failing.
    assert tag_label("cqc", "retired-tag") == "retired-tag"
    assert scheme_title("retired-scheme") == "retired-scheme"


def test_a_checklist_may_use_cqc_quality_statements():
    document = VALID.replace(
        "tags: {cqc: [safe], making-it-real: [workforce]}",
        "tags: {cqc: [safe], cqc-qs: [safeguarding, learning-culture]}",
    )
    statement = next(parse_checklist(document, "sample.yaml").statements())
    assert statement.tags["cqc-qs"] == ("safeguarding", "learning-culture")


def test_an_unknown_quality_statement_is_refused_naming_the_expected_tags():
    document = VALID.replace(
        "tags: {cqc: [safe], making-it-real: [workforce]}", "tags: {cqc-qs: [safe-care]}"
    )
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(document, "sample.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (31, "sections[0].statements[0].tags.cqc-qs")
    assert problem.message.startswith(
        'unknown tag "safe-care" in CQC quality statements (cqc-qs 1.0.0); expected one of: '
        "learning-culture, safe-systems-pathways-transitions, safeguarding,"
    )
    assert "environmental-sustainability" in problem.message


def test_an_unknown_scheme_is_refused_naming_the_schemes():
    document = VALID.replace(
        "tags: {cqc: [safe], making-it-real: [workforce]}", "tags: {cqc-2025: [safe]}"
    )
    with pytest.raises(ChecklistInvalid) as caught:
        parse_checklist(document, "sample.yaml")
    (problem,) = caught.value.problems
    assert problem.message == (
        'unknown field "cqc-2025"; expected one of: cqc, cqc-qs, making-it-real, pamms'
    )


GOOD = textwrap.dedent(
    """\
    scheme: colours
    title: Colours
    version: 1.0.0
    groups:
      - {key: warm, label: Warm}
    tags:
      - {key: red, label: Red, group: warm}
      - {key: blue, label: Blue}
    """
)


def test_a_vocabulary_file_is_read_with_its_groups():
    vocabulary = parse_vocabulary(GOOD, "colours.yaml")
    assert vocabulary.keys == ("red", "blue")
    assert vocabulary.tag("red").group == "warm" and vocabulary.tag("blue").group is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("scheme: colours", "scheme: colors", 'scheme "colors" belongs in colors.yaml'),
        ("version: 1.0.0", "version: 2025", "version must be a semantic version"),
        ("title: Colours", "title: ''", "title must be non-empty text"),
        ("{key: blue, label: Blue}", "{key: red, label: Blue}", 'tags[1]: duplicate tag key "red"'),
        ("group: warm}", "group: cold}", 'tags[0]: unknown group "cold"; expected one of: warm'),
        ("{key: blue, label: Blue}", "{key: Blue, label: Blue}", 'key "Blue" is not a valid key'),
        ("{key: blue, label: Blue}", "{key: blue}", "tags[1]: label must be non-empty text"),
        ("{key: blue, label: Blue}", "{key: blue, label: B, colour: x}", "unknown field(s)"),
        ("title: Colours", "title: Colours\nowner: me", "unknown field(s): owner"),
        ("version: 1.0.0", "version: !!python/object:object {}", "not valid YAML"),
    ],
)
def test_a_broken_vocabulary_file_is_refused_with_a_reason(old, new, message):
    assert old in GOOD
    with pytest.raises(VocabularyInvalid) as caught:
        parse_vocabulary(GOOD.replace(old, new, 1), "colours.yaml")
    assert str(caught.value).startswith("colours.yaml")
    assert message in str(caught.value)


def test_the_vocabulary_files_are_shipped_in_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["p4p"]
    files = sorted(VOCABULARIES_DIR.glob("*.yaml"))
    assert files
    for file in files:
        inside = file.relative_to(ROOT / "p4p").as_posix()
        assert any(fnmatch(inside, pattern) for pattern in patterns), inside


def test_the_checklist_page_shows_tag_labels(client, world, homecare):
    owner = world.provider()
    sign_in(client, owner)
    page = client.get(f"/checklists/homecare/{homecare.version}").get_data(as_text=True)
    assert "Making it Real" in page
    assert "Flexible and integrated care and support" in page
    assert "flexible-and-integrated-care" not in page
    assert "CQC key questions" in page
