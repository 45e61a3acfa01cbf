"""Loading checklist files into the database, and the commands around it."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from p4p.catalogue.models import ChecklistVersion, Statement
from p4p.extensions import db

DATA = Path(__file__).parent / "data" / "checklists"


@pytest.fixture
def library(tmp_path, empty_catalogue):
    root = tmp_path / "checklists"
    shutil.copytree(DATA, root)
    return root


def load(runner, root):
    return runner.invoke(args=["checklists", "load", "--dir", str(root)])


def test_load_is_idempotent(runner, library):
    first = load(runner, library)
    assert first.exit_code == 0, first.output
    assert "loaded mini 1.0.0" in first.output
    second = load(runner, library)
    assert second.exit_code == 0
    assert "already loaded mini 1.0.0" in second.output
    assert db.session.scalar(select(func.count(ChecklistVersion.id))) == 1
    assert db.session.scalar(select(func.count(Statement.id))) == 4


def test_loaded_content_matches_the_file(runner, library):
    load(runner, library)
    version = db.session.scalar(select(ChecklistVersion))
    assert (version.checklist.key, version.version, version.publisher) == (
        "mini",
        "1.0.0",
        "p4p tests",
    )
    assert [s.key for s in version.sections] == ["knowing", "team"]
    assert [st.key for st in version.sections[1].statements] == ["mini-match", "mini-isf"]
    assert version.content.scale_keys == ("not-yet", "started", "doing")
    statement = version.sections[0].statements[0]
    assert statement.stage_key == "getting-started"
    assert statement.tags == {
        "cqc": ["responsive"],
        "making-it-real": ["wellbeing-and-independence"],
    }


def test_a_changed_published_version_is_refused(runner, library):
    load(runner, library)
    path = library / "mini" / "1.0.0.yaml"
    path.write_text(path.read_text().replace("We match staff", "We pair staff"))
    result = load(runner, library)
    assert result.exit_code == 1
    assert "already published with different content" in result.output
    assert "1.0.1" in result.output
    assert "Nothing was loaded." in result.output
    text = db.session.scalar(select(Statement.text).where(Statement.key == "mini-match"))
    assert text.startswith("We match staff")


def test_comments_and_formatting_do_not_count_as_a_change(runner, library):
    load(runner, library)
    path = library / "mini" / "1.0.0.yaml"
    path.write_text("# reformatted\n" + path.read_text().replace("points: 2}", "points:   2 }"))
    result = load(runner, library)
    assert result.exit_code == 0, result.output


def test_a_new_version_is_added_beside_the_old(runner, library):
    load(runner, library)
    new = library / "mini" / "1.0.1.yaml"
    new.write_text(
        (library / "mini" / "1.0.0.yaml")
        .read_text()
        .replace("version: 1.0.0", "version: 1.0.1")
        .replace("We match staff", "We pair staff")
    )
    result = load(runner, library)
    assert result.exit_code == 0, result.output
    versions = db.session.scalars(
        select(ChecklistVersion.version).order_by(ChecklistVersion.sort_key)
    ).all()
    assert versions == ["1.0.0", "1.0.1"]


def test_file_in_the_wrong_place_is_refused(runner, library):
    (library / "mini" / "1.0.0.yaml").rename(library / "mini" / "2.0.0.yaml")
    result = load(runner, library)
    assert result.exit_code == 1
    assert "belongs at mini/1.0.0.yaml" in result.output


def test_load_is_all_or_nothing(runner, library):
    (library / "broken").mkdir()
    (library / "broken" / "1.0.0.yaml").write_text("format: p4p-checklist/1\nkey: broken\n")
    result = load(runner, library)
    assert result.exit_code == 1
    assert "broken/1.0.0.yaml:1: title: required field is missing" in result.output
    assert "required field is missing" in result.output
    assert db.session.scalar(select(func.count(ChecklistVersion.id))) == 0


def test_validate_command(runner, library, tmp_path):
    ok = runner.invoke(args=["checklists", "validate", str(library)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: p4p-checklist/1\nkey: Bad Key\n")
    result = runner.invoke(args=["checklists", "validate", str(library), str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert f'{bad}:2: key: "Bad Key" is not a valid key' in "\n".join(lines)
    assert all(line.count(":") >= 3 for line in lines)


def test_the_published_checklists_load(runner, empty_catalogue):
    result = runner.invoke(args=["checklists", "load"])
    assert result.exit_code == 0, result.output
    keys = db.session.scalars(select(ChecklistVersion.title)).all()
    assert len(keys) >= 2
