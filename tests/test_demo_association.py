"""`flask demo` also builds a demo association with members, its own edition and benchmarks."""

from __future__ import annotations

from sqlalchemy import select

from p4p.associations import demo as association_demo
from p4p.associations import drafts
from p4p.associations.models import AssociationMember, ChecklistDraft
from p4p.auth.models import Organisation
from p4p.benchmarks import service as benchmarks
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from tests.helpers import sign_in


def test_demo_builds_an_association_whose_benchmarks_show(runner, world, client, empty_catalogue):
    world.load_checklists()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "association@demo.example" in result.output
    association = db.session.scalar(
        select(Organisation).where(Organisation.name == association_demo.ASSOCIATION)
    )
    assert association.kind == "association" and association.is_demo
    members = db.session.scalars(
        select(AssociationMember).where(AssociationMember.association_id == association.id)
    ).all()
    assert len(members) >= 12
    allowing = [m for m in members if m.benchmarks_allowed]
    assert 5 <= len(allowing) < len(members)

    edition = db.session.scalar(
        select(Checklist).where(Checklist.owner_organisation_id == association.id)
    )
    assert edition.audience == "members" and edition.versions[0].changes_summary
    # A draft of its next version in progress: one statement reworded, one new and unfinished.
    draft = db.session.scalar(
        select(ChecklistDraft).where(ChecklistDraft.checklist_id == edition.id)
    )
    assert draft is not None and draft.organisation_id == association.id
    left = drafts.problems(draft)
    assert left and all(".statements[" in path for path in left)
    texts = [st["text"] for sec in draft.document["sections"] for st in sec["statements"]]
    assert any(t.startswith("People can ask not to be visited") for t in texts)

    versions = benchmarks.versions_with_results(association.id)
    shown = [v for v in versions if benchmarks.benchmark(association.id, v).shown]
    # Members on both homecare versions, each with enough allowing members to show figures.
    assert {(v.checklist.key, v.version) for v in shown} >= {
        ("homecare", "1.0.0"),
        ("homecare", "2.0.0"),
    }
    by_region = benchmarks.benchmark(association.id, shown[0], "region")
    assert by_region.hidden_subgroups >= 1  # a group too small to show, hidden

    # Run again: nothing added.
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert (
        db.session.scalars(
            select(AssociationMember).where(AssociationMember.association_id == association.id)
        ).all()
        == members
    )

    user = (
        db.session.scalar(select(Organisation).where(Organisation.id == association.id))
        .memberships[0]
        .user
    )
    sign_in(client, user, password="p4p-demo-password")
    page = client.get("/association/benchmarks").get_data(as_text=True)
    assert "All members allowing benchmarks" in page
