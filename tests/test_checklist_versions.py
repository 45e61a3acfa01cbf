"""Rules across versions of an edition: every earlier statement accounted for, `from` and
`removed:` naming real statements of the previous version, and a number that follows the change."""

from __future__ import annotations

import pytest

from p4p.catalogue import parse_checklist, validate_paths
from p4p.catalogue.loading import CatalogueConflict, read_all
from p4p.catalogue.versions import (
    check_editions,
    compare_versions,
    next_version,
    previous_version,
    required_bump,
)
from tests.test_checklist_format import VALID

# VALID is version 1.2.3 with statements s-one (section one) and s-two (section two).
OLD = parse_checklist(VALID, "old.yaml")


S_ONE_KEPT = ("{key: old-one, relation: equal}", "{key: s-one, relation: equal}")


def newer(version: str, *changes: tuple[str, str], extra: str = "", keep_from=False) -> str:
    """VALID as `version`, with `changes`; s-one's `from` (naming "old-one", which 1.2.3 does
    not have) names s-one itself unless keep_from."""
    document = VALID.replace("version: 1.2.3", f"version: {version}")
    if not keep_from:
        document = document.replace(*S_ONE_KEPT)
    for old, new in changes:
        assert old in document, old
        document = document.replace(old, new, 1)
    return document + extra


def parsed(document: str):
    return parse_checklist(document, "new.yaml")


ADD_S_THREE = (
    "        evidence: [Another record, A third]\n",
    "        evidence: [Another record, A third]\n"
    "      - key: s-three\n"
    "        text: We do a third thing.\n"
    "        stage: second\n"
    "        guidance: Even more.\n"
    "        evidence: [A note]\n",
)
REKEY_S_TWO = (
    "      - key: s-two\n",
    "      - key: s-two-b\n        from: [{key: s-two, relation: equal}]\n",
)


@pytest.mark.parametrize(
    ("changes", "level", "reason"),
    [
        ([("We do the first thing.", "We do the first thing well.")], "patch", "wording"),
        ([("guidance: More.", "guidance: Much more.")], "patch", "wording or guidance only"),
        ([("tags: {cqc: [safe], ", "tags: {cqc: [caring], ")], "patch", "wording"),
        ([ADD_S_THREE], "minor", "statements added (s-three)"),
        ([("        stage: second", "        stage: first")], "minor", "another stage (s-two)"),
        (
            [("evidence: [A record]\n", "evidence: [A record]\n        may-not-apply: true\n")],
            "minor",
            '"may-not-apply" changed (s-one)',
        ),
        (
            [("  - key: two\n    title: Section two", "  - key: deux\n    title: Section two")],
            "minor",
            "another section (s-two)",
        ),
        (
            [
                (
                    "      - key: s-two\n",
                    "      - key: s-two\n        from: [{key: s-two, relation: broader}]\n",
                )
            ],
            "minor",
            "kept statements whose ratings need a fresh look (s-two)",
        ),
        (
            [
                (
                    "      - key: s-two\n",
                    "      - key: s-two\n        from: [{key: s-two, relation: equal}]\n",
                )
            ],
            "patch",
            "wording",
        ),
        ([REKEY_S_TWO], "major", "statements removed or re-keyed (s-two)"),
        ([("    points: 2", "    points: 3")], "major", "the scale changed"),
        (
            [("  - key: second\n    label: Second", "  - key: later\n    label: Later")],
            "major",
            "the stages changed",
        ),
    ],
)
def test_the_bump_rule(changes, level, reason):
    document = VALID
    for old, new in changes:
        assert old in document, old
        document = document.replace(old, new, 1)
    if "key: later" in document:
        document = document.replace("stage: second", "stage: later")
    bump = required_bump(OLD, parsed(document))
    assert bump.level == level
    assert any(reason in r for r in bump.reasons), bump.reasons


def test_the_bump_rule_names_every_reason_of_the_deciding_level():
    document = newer("1.3.0", ADD_S_THREE, ("        stage: second", "        stage: first"))
    bump = required_bump(OLD, parsed(document))
    assert bump.reasons == (
        "statements added (s-three)",
        "statements moved to another stage (s-two)",
    )


def test_next_version():
    assert next_version("1.4.2", "major") == "2.0.0"
    assert next_version("1.4.2", "minor") == "1.5.0"
    assert next_version("1.4.2", "patch") == "1.4.3"
    with pytest.raises(ValueError, match="unknown level"):
        next_version("1.4.2", "huge")


@pytest.mark.parametrize(
    ("version", "changes"),
    [
        ("1.2.4", [("We do the first thing.", "We do the first thing well.")]),
        ("1.3.0", [ADD_S_THREE]),
        ("2.0.0", [REKEY_S_TWO]),
    ],
)
def test_a_version_that_follows_its_change_passes(version, changes):
    assert compare_versions(OLD, parsed(newer(version, *changes)), "new.yaml") == []


@pytest.mark.parametrize(
    ("version", "changes", "expected"),
    [
        (
            "1.3.0",
            [("We do the first thing.", "We do it.")],
            "which needs a patch version; number this version 1.2.4",
        ),
        (
            "1.2.4",
            [ADD_S_THREE],
            "statements added (s-three), which needs a minor version; number this version 1.3.0",
        ),
        ("1.3.0", [REKEY_S_TWO], "which needs a major version; number this version 2.0.0"),
        ("2.0.0", [ADD_S_THREE], "number this version 1.3.0"),
        ("1.2.5", [("We do the first thing.", "We do it.")], "number this version 1.2.4"),
    ],
)
def test_a_wrong_number_is_refused_proposing_the_right_one(version, changes, expected):
    (problem,) = compare_versions(OLD, parsed(newer(version, *changes)), "new.yaml")
    assert (problem.file, problem.line, problem.field) == ("new.yaml", 5, "version")
    assert problem.message.startswith(f"version {version} does not follow the change from 1.2.3: ")
    assert problem.message.endswith(expected)


def test_a_from_key_must_be_a_statement_of_the_previous_version():
    assert compare_versions(OLD, parsed(newer("1.2.4")), "new.yaml") == []
    (problem,) = compare_versions(OLD, parsed(newer("1.2.4", keep_from=True)), "new.yaml")
    # VALID's s-one names "old-one", which version 1.2.3 does not have.
    assert (problem.line, problem.field) == (33, "sections[0].statements[0].from[0].key")
    assert problem.message == '"old-one" is not a statement of sample 1.2.3, the previous version'


def test_a_removed_key_must_be_a_statement_of_the_previous_version():
    removal = "removed:\n  - key: s-gone\n    reason: Never existed.\n"
    document = newer("2.0.0", REKEY_S_TWO, extra=removal)
    (problem,) = compare_versions(OLD, parsed(document), "new.yaml")
    assert problem.field == "removed[0].key"
    assert problem.line == document.splitlines().index("  - key: s-gone") + 1
    assert problem.message == '"s-gone" is not a statement of sample 1.2.3, the previous version'


def test_every_statement_of_the_previous_version_is_accounted_for():
    dropped = ("      - key: s-two\n", "      - key: s-new\n")
    document = newer("2.0.0", dropped)
    (problem,) = compare_versions(OLD, parsed(document), "new.yaml")
    assert problem.field == "sections"
    assert problem.message.startswith('statement "s-two" of sample 1.2.3, the previous version, ')
    assert "list it under `removed:` with a reason" in problem.message
    # Listing it as removed, with a reason, accounts for it.
    fixed = document + "removed:\n  - key: s-two\n    reason: We no longer ask about this.\n"
    assert compare_versions(OLD, parsed(fixed), "new.yaml") == []


def test_the_previous_version_is_the_highest_lower_version_of_the_same_edition():
    v124 = parsed(newer("1.2.4"))
    v130 = parsed(newer("1.3.0"))
    other = parsed(newer("1.2.9").replace("key: sample", "key: other"))
    assert previous_version(v130, [OLD, v124, v130, other]) is v124
    assert previous_version(OLD, [OLD, v124, v130, other]) is None


def test_check_editions_compares_each_version_with_the_one_before():
    files = [
        ("a/1.2.3.yaml", OLD),
        ("a/1.2.4.yaml", parsed(newer("1.2.4"))),
        ("a/1.3.0.yaml", parsed(newer("1.3.0"))),  # nothing changed: 1.2.5
    ]
    problems = check_editions(files)
    assert [(p.file, p.field) for p in problems] == [("a/1.3.0.yaml", "version")]
    assert "number this version 1.2.5" in problems[0].message


def write_edition(root, **versions):
    folder = root / "sample"
    folder.mkdir(parents=True)
    for version, document in versions.items():
        (folder / f"{version}.yaml").write_text(document)
    return folder


def test_validate_checks_across_versions_in_a_folder_and_beside_a_file(tmp_path):
    folder = write_edition(
        tmp_path, **{"1.2.3": VALID, "1.3.0": newer("1.3.0", ("We do the", "We really do the"))}
    )
    for given in (tmp_path, folder / "1.3.0.yaml"):
        found = validate_paths([given])
        assert [(p.file, p.line, p.field) for p in found] == [
            (str(folder / "1.3.0.yaml"), 5, "version"),
        ], given
    # The earlier version, given alone, has nothing before it to follow.
    assert validate_paths([folder / "1.2.3.yaml"]) == []


def test_a_folder_with_a_broken_file_reports_that_file_only(tmp_path):
    folder = write_edition(
        tmp_path, **{"1.2.3": VALID.replace("title: Sample checklist", 'title: ""')}
    )
    (folder / "1.3.0.yaml").write_text(newer("1.3.0", ("We do the", "We really do the")))
    found = validate_paths([tmp_path])
    assert [(p.file, p.field) for p in found] == [(str(folder / "1.2.3.yaml"), "title")]


def test_load_refuses_a_version_that_breaks_the_rules(tmp_path):
    write_edition(
        tmp_path, **{"1.2.3": VALID, "1.2.4": newer("1.2.4", REKEY_S_TWO, keep_from=True)}
    )
    with pytest.raises(CatalogueConflict) as caught:
        read_all(tmp_path)
    messages = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert any("number this version 2.0.0" in m for m in messages), messages
    assert any(m.startswith("sections[0].statements[0].from[0].key") for m in messages)
