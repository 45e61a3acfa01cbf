"""Homecare 2.0.0 and managers 2.0.0 answer the review of the 1.0.0 editions (issue 10): what
they must hold, checked on the files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from p4p.catalogue import parse_checklist
from p4p.catalogue.versions import compare_versions, required_bump

CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"


def load(edition: str, version: str):
    path = CHECKLISTS / edition / f"{version}.yaml"
    return parse_checklist(path.read_bytes(), str(path))


OLD, NEW = load("homecare", "1.0.0"), load("homecare", "2.0.0")
STATEMENTS = list(NEW.statements())
MANAGERS_OLD, MANAGERS = load("managers", "1.0.0"), load("managers", "2.0.0")
REVISED = [*STATEMENTS, *MANAGERS.statements()]


@pytest.mark.parametrize(("old", "new"), [(OLD, NEW), (MANAGERS_OLD, MANAGERS)], ids=["hc", "mg"])
def test_it_follows_1_0_0_by_the_rules(old, new):
    assert compare_versions(old, new, "2.0.0.yaml") == []
    assert required_bump(old, new).level == "major"
    assert (new.published.isoformat(), new.scale) == ("2026-11-27", old.scale)
    assert [s.key for s in new.stages] == [s.key for s in old.stages]
    kept = {s.key for s in old.sections} & {s.key for s in new.sections}
    assert kept == {s.key for s in old.sections}, "every 1.0.0 section key persists"
    stages = Counter(s.stage for s in new.statements())
    old_stages = Counter(s.stage for s in old.statements())
    total, old_total = sum(stages.values()), sum(old_stages.values())
    assert stages["getting-started"] / total < old_stages["getting-started"] / old_total


@pytest.mark.parametrize("statement", REVISED, ids=lambda s: s.key)
def test_every_statement_is_fully_described(statement):
    assert statement.started and statement.guidance and statement.evidence
    assert statement.started != statement.guidance
    assert 1 <= len(statement.tags.get("cqc-qs", ())) <= 3
    assert statement.tags.get("cqc") and statement.tags.get("making-it-real")
    assert "sometimes" not in statement.text.lower()
    guidance = statement.guidance.lower()
    assert "to check" in guidance, "says what to sample"
    assert "ask" in guidance, "asks people, not only records"
    assert "top of the scale" in guidance or "at the top" in guidance


def test_the_practices_the_review_found_missing_are_there():
    keys = {s.key for s in STATEMENTS}
    new = {s.key for s in STATEMENTS if not s.origins}
    assert new <= keys
    for key in (
        "hc-money-handled-openly",
        "hc-financial-abuse-spotted",
        "hc-safe-recruitment-checks",
        "hc-legal-arrangements-known",
        "hc-future-wishes",
        "hc-end-of-life-support",
        "hc-identity-and-culture",
        "hc-preferred-language",
        "hc-concerns-welcomed",
        "hc-complaints-lead-to-change",
        "hc-hospital-information-travels",
        "hc-coming-home",
        "hc-moving-on-handover",
        "hc-self-funders-clear-prices",
        "hc-direct-payment-holders",
        "hc-staff-shape-change",
        "hc-success-stories-shared",
    ):
        assert key in new, key
    assert "DBS" in NEW.statement("hc-safe-recruitment-checks").text
    assert "30 minutes" in NEW.statement("hc-minimum-visit-length").guidance


def test_statements_that_mixed_two_practices_are_split():
    origins = Counter(o.key for s in STATEMENTS for o in s.origins if o.relation == "narrower")
    for old in ("hc-safeguarding-known", "hc-plan-belongs-to-person", "hc-small-named-team"):
        assert origins[old] == 2, old
        assert NEW.statement(old) is None
    for old in ("hc-recruit-around-people", "hc-family-knowledge-valued", "hc-capacity-understood"):
        assert NEW.statement(old) is None
        assert any(o.key == old for s in STATEMENTS for o in s.origins), old


def test_stages_are_rebalanced_with_baseline_practices_first():
    stages = Counter(s.stage for s in STATEMENTS)
    assert stages["getting-started"] / len(STATEMENTS) < 31 / 72
    for key in ("hc-learning-from-incidents", "hc-person-led-safeguarding", "hc-advocacy"):
        statement = NEW.statement(key)
        assert statement.stage == "getting-started", key
        assert "Getting started" in statement.guidance, "says why it moved"


def test_practices_that_depend_on_commissioning_may_not_apply():
    may_not_apply = {s.key for s in STATEMENTS if s.may_not_apply}
    assert {"hc-individual-service-funds", "hc-monthly-statements"} <= may_not_apply
    for key in may_not_apply:
        assert "Does not apply here" in NEW.statement(key).guidance, key
    assert not NEW.statement("hc-safe-recruitment-checks").may_not_apply


def test_removed_statements_say_why():
    assert [r.key for r in NEW.removed] == ["hc-know-our-workers"]
    assert all(len(r.reason) > 40 for r in NEW.removed)


def test_managers_gets_the_same_treatment_where_the_same_problems_exist():
    mg = {s.key: s for s in MANAGERS.statements()}
    split = Counter(o.key for s in mg.values() for o in s.origins if o.relation == "narrower")
    for old in ("mg-families-welcomed", "mg-matching", "mg-concerns-welcomed"):
        assert split[old] == 2 and old not in mg, old
    assert [o.relation for o in mg["mg-capacity-in-practice"].origins] == ["related"]
    for key in ("mg-advocacy", "mg-safeguarding-personal", "mg-learning-from-incidents"):
        assert mg[key].stage == "getting-started", key
    for key in ("mg-safe-recruitment-checks", "mg-legal-arrangements-known", "mg-future-wishes"):
        assert key in mg and not mg[key].origins, key
    assert {"mg-individual-service-funds", "mg-monthly-accounts"} <= {
        k for k, s in mg.items() if s.may_not_apply
    }
    assert MANAGERS.removed == ()
