"""Drafts written in the browser: the service (p4p/associations/drafts.py)."""

from __future__ import annotations

import os
import textwrap
import threading

import pytest
from sqlalchemy import func, select

from p4p import tenancy
from p4p.assessments import service as assessments
from p4p.associations import drafts
from p4p.associations.models import ChecklistDraft
from p4p.auth.models import OrganisationKind
from p4p.catalogue import ChecklistInvalid, publishing
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db
from tests.helpers import completed_assessment
from tests.locks import backend_waiting_on_a_lock, in_other_session, until

FILE = textwrap.dedent(
    """\
    format: p4p-checklist/1
    key: network-visits
    title: Visits that keep to what matters
    summary: Our members' own checklist.
    version: 1.0.0
    published: 2026-11-27
    publisher: Care Network
    licence: CC-BY-4.0
    scale:
      - {key: not-yet, label: Not yet, points: 0}
      - {key: started, label: Started, points: 1}
      - {key: doing, label: We do this for everyone, points: 2}
    stages:
      - {key: getting-started, label: Getting started}
      - {key: aiming-high, label: Aiming high}
    sections:
      - key: visits
        title: Visits
        statements:
          - key: nw-on-time
            text: Workers arrive when the person expects them.
            stage: getting-started
            guidance: Visits start within the agreed window.
            evidence: [Call monitoring records]
          - key: nw-same-faces
            text: People see the same few workers.
            stage: aiming-high
            guidance: A small team knows each person.
            evidence: [Rotas]
      - key: planning
        title: Planning
        statements:
          - key: nw-plan-together
            text: Plans are written with the person.
            stage: getting-started
            guidance: The person's words are in the plan.
            evidence: [Care plans]
    """
)


@pytest.fixture
def network(world, empty_catalogue):
    world.load_checklists()
    owner = world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)
    publishing.publish_upload(owner.organisation, FILE.encode(), "c.yaml", "First.", "members")
    db.session.commit()
    return owner


def base_version() -> ChecklistVersion:
    return db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.title == "Visits that keep to what matters")
    )


@pytest.fixture
def draft(network):
    started = drafts.start_draft(network.organisation, base_version(), network.id)
    db.session.commit()
    return started


def change(draft, edit):
    drafts.edit(draft, draft.revision, None, edit)
    db.session.commit()


def base():
    return base_version().content


def fields(draft, key, **changes):
    i, j = drafts.statement_place(draft.document, key)
    st = draft.document["sections"][i]["statements"][j]
    origin = st["from"][0] if st.get("from") else {"key": None, "relation": drafts.NEW}
    values = {
        "text": st["text"],
        "stage": st.get("stage"),
        "guidance": st["guidance"],
        "started": st.get("started"),
        "evidence": st["evidence"],
        "tags": st.get("tags", {}),
        "may_not_apply": st.get("may-not-apply", False),
        "relation": origin["relation"],
        "origin": origin["key"],
    }
    values.update(changes)
    return drafts.StatementFields(**values)


def test_a_draft_starts_as_the_base_with_every_statement_equal_to_itself(network, draft):
    document = draft.document
    assert document["publisher"] == "Care Network"
    assert "removed" not in document
    statements = [st for s in document["sections"] for st in s["statements"]]
    assert [st["from"] for st in statements] == [
        [{"key": st["key"], "relation": "equal"}] for st in statements
    ]
    assert drafts.problems(draft) == {}
    # Unchanged, it would be a patch (nothing to publish but wording).
    assert drafts.proposed_version(draft).version == "1.0.1"
    # One open draft per edition: starting again gives the same one.
    assert drafts.start_draft(network.organisation, base_version()).id == draft.id
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 1


def test_one_reworded_is_a_patch(draft):
    change(draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", text="On time.")))
    proposal = drafts.proposed_version(draft)
    assert (proposal.version, proposal.bump.level) == ("1.0.1", "patch")


def test_one_new_is_minor(draft):
    taken = drafts.used_keys(draft)
    key = drafts.add_statement("visits", "People are told when a worker is late.", "", taken)
    added = drafts.edit(draft, draft.revision, None, key)
    assert added == "nw-people-are-told-when-a-worker"
    # A new statement starts without guidance or evidence: problems by field path.
    found = drafts.problems(draft)
    assert found["sections[0].statements[2].guidance"] == ["must not be empty"]
    assert found["sections[0].statements[2].evidence"] == ["must have at least 1 example"]
    place = drafts.place_of(draft.document, "sections[0].statements[2].guidance")
    assert (place.kind, place.key, place.field) == ("statement", added, "guidance")
    change(
        draft,
        drafts.set_statement(
            added, fields(draft, added, guidance="Within ten minutes.", evidence=["Call logs"])
        ),
    )
    assert drafts.problems(draft) == {}
    proposal = drafts.proposed_version(draft)
    assert (proposal.version, proposal.bump.level) == ("1.1.0", "minor")
    assert "statements added" in proposal.bump.reasons[0]


def test_one_removed_is_major_and_needs_a_reason(draft):
    with pytest.raises(drafts.EditRefused, match="Say why"):
        drafts.edit(draft, draft.revision, None, drafts.remove_statement("nw-on-time", " ", base()))
    change(draft, drafts.remove_statement("nw-on-time", "Covered by the rota now.", base()))
    assert draft.document["removed"] == [
        {"key": "nw-on-time", "reason": "Covered by the rota now."}
    ]
    proposal = drafts.proposed_version(draft)
    assert (proposal.version, proposal.bump.level) == ("2.0.0", "major")
    with pytest.raises(drafts.WrongVersion, match="need a new major version, 2.0.0"):
        drafts.check_version(draft, "1.1.0")
    # A removed key is never given to a new statement.
    with pytest.raises(drafts.EditRefused, match="taken"):
        drafts.edit(
            draft,
            draft.revision,
            None,
            drafts.add_statement("visits", "Again", "nw-on-time", drafts.used_keys(draft)),
        )


def test_a_relation_other_than_equal_is_minor_and_a_wrong_origin_is_found(draft):
    change(
        draft,
        drafts.set_statement("nw-same-faces", fields(draft, "nw-same-faces", relation="narrower")),
    )
    assert drafts.proposed_version(draft).bump.level == "minor"
    # Naming no statement of the previous version leaves it unaccounted for.
    change(
        draft,
        drafts.set_statement("nw-same-faces", fields(draft, "nw-same-faces", relation="new")),
    )
    # The key is kept, so the statement is still the same one: no problem.
    assert drafts.problems(draft) == {}
    change(
        draft,
        drafts.set_statement(
            "nw-same-faces", fields(draft, "nw-same-faces", origin="nw-nowhere", relation="equal")
        ),
    )
    found = drafts.problems(draft)
    assert "sections[0].statements[1].from[0].key" in found
    place = drafts.place_of(draft.document, "sections[0].statements[1].from[0].key")
    assert (place.key, place.field) == ("nw-same-faces", "origin")


def test_reorder_sections_and_statements(draft):
    change(draft, drafts.move_section("planning", -1))
    assert [s["key"] for s in draft.document["sections"]] == ["planning", "visits"]
    change(draft, drafts.move_statement("nw-same-faces", -1))
    keys = [st["key"] for st in draft.document["sections"][1]["statements"]]
    assert keys == ["nw-same-faces", "nw-on-time"]
    # Moving past the end changes nothing.
    change(draft, drafts.move_statement("nw-same-faces", -1))
    assert [st["key"] for st in draft.document["sections"][1]["statements"]] == keys
    # Order alone is wording: a patch.
    assert drafts.proposed_version(draft).version == "1.0.1"


def test_a_statement_moved_to_another_section_goes_to_its_end_and_is_minor(draft):
    change(
        draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", section="planning"))
    )
    sections = {s["key"]: [st["key"] for st in s["statements"]] for s in draft.document["sections"]}
    assert sections == {"visits": ["nw-same-faces"], "planning": ["nw-plan-together", "nw-on-time"]}
    proposal = drafts.proposed_version(draft)
    assert proposal.version == "1.1.0"
    assert any("section" in reason for reason in proposal.bump.reasons)
    with pytest.raises(drafts.EditRefused):
        drafts.edit(
            draft,
            draft.revision,
            None,
            drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", section="nowhere")),
        )


def test_a_section_added_is_invalid_until_it_has_a_statement(draft):
    key = drafts.edit(draft, draft.revision, None, drafts.add_section("Ending support well"))
    assert key == "ending-support-well"
    assert drafts.problems(draft) == {"sections[2].statements": ["must have at least 1 statement"]}
    place = drafts.place_of(draft.document, "sections[2].statements")
    assert (place.kind, place.key, place.field) == ("section", key, "statements")
    change(draft, drafts.remove_section(key, "", base()))  # no statements of the base: no reason
    assert drafts.problems(draft) == {}


def test_removing_a_section_removes_its_statements_of_the_base_with_the_reason(draft):
    change(draft, drafts.remove_section("planning", "Planning has its own checklist.", base()))
    assert draft.document["removed"] == [
        {"key": "nw-plan-together", "reason": "Planning has its own checklist."}
    ]


def test_an_empty_wording_is_kept_and_reported_beside_the_field(draft):
    change(draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", text="  ")))
    assert draft.document["sections"][0]["statements"][0]["text"] == ""
    found = drafts.problems(draft)
    assert found == {"sections[0].statements[0].text": ["must not be empty"]}
    assert drafts.problems_at(draft.document, found, "statement", "nw-on-time") == {
        "text": ["must not be empty"]
    }
    with pytest.raises(drafts.DraftInvalid):
        drafts.proposed_version(draft)


def test_a_stale_revision_is_refused(draft):
    revision = draft.revision
    change(draft, drafts.set_details("New title", "New summary."))
    with pytest.raises(drafts.StaleDraft):
        drafts.edit(draft, revision, None, drafts.set_details("Mine", "Mine."))
    # Even if the row in memory is out of date, the conditional UPDATE refuses.
    with pytest.raises(drafts.StaleDraft):
        drafts.save(draft, draft.document, revision, None)
    db.session.rollback()
    assert draft.document["title"] == "New title"


def test_publish_loads_the_version_and_members_carry_their_answers(world, network, draft):
    member = world.provider("Member Care")
    world.join(member, network)
    first = base_version()
    done = completed_assessment(member, first, "Spring", lambda i, _: ("doing", "noted"))
    change(draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", text="On time.")))
    taken = drafts.used_keys(draft)
    added = drafts.edit(
        draft,
        draft.revision,
        None,
        drafts.add_statement("visits", "Told if late.", "nw-late", taken),
    )
    change(
        draft,
        drafts.set_statement(added, fields(draft, added, guidance="A call.", evidence=["Logs"])),
    )
    with pytest.raises(drafts.StaleDraft):
        drafts.publish(draft, "1.1.0", "Adds one.", "members", draft.revision - 1)
    db.session.rollback()
    with pytest.raises(drafts.WrongVersion):
        drafts.publish(draft, "1.0.1", "Adds one.", "members", draft.revision)
    db.session.rollback()
    published = drafts.publish(draft, "1.1.0", "Adds one.", "members", draft.revision)
    db.session.commit()
    assert published.version == "1.1.0" and published.changes_summary == "Adds one."
    assert published.published.isoformat() == __import__("datetime").date.today().isoformat()
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 0
    content = published.content
    assert content.statement("nw-on-time").text == "On time."
    assert content.statement("nw-late").text == "Told if late."

    started = assessments.start(member.organisation.id, published, "Autumn", member.id, done)
    db.session.commit()
    carried = assessments.ratings_by_key(started)
    assert set(carried) == {"nw-on-time", "nw-same-faces", "nw-plan-together"}
    assert carried["nw-on-time"].scale_key == "doing" and carried["nw-on-time"].carried_over


def test_a_published_version_number_cannot_be_used_again(network, draft):
    """The publishing checks (the path of uploads) run too: a second 1.0.1 is refused."""
    change(draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", text="On time.")))
    drafts.publish(draft, "1.0.1", "Rewording.", "members", draft.revision)
    db.session.commit()
    again = drafts.start_draft(network.organisation, base_version(), network.id)
    db.session.commit()
    assert again.base_version.version == "1.0.0"  # the base named, though 1.0.1 is newer
    with pytest.raises((ChecklistInvalid, drafts.WrongVersion)):
        drafts.publish(again, "1.0.1", "Again.", "members", again.revision)
    db.session.rollback()


@pytest.mark.skipif(not os.environ.get("P4P_TEST_DATABASE_URL"), reason="row locks need PostgreSQL")
def test_two_publishes_of_one_draft_at_once_load_one_version(app, database_url, network, draft):
    change(draft, drafts.set_statement("nw-on-time", fields(draft, "nw-on-time", text="On time.")))
    draft_id, revision = draft.id, draft.revision
    organisation_id = network.organisation.id

    def publish():
        return drafts.publish(drafts.get(draft_id), "1.0.1", "Words.", "members", revision)

    with tenancy.within(tenancy.organisation(organisation_id)):
        publish()  # not committed: holds the draft's row
    outcome, pid = [], []
    thread = threading.Thread(
        target=in_other_session, args=(database_url, organisation_id, publish, outcome, pid)
    )
    thread.start()
    until(lambda: pid and backend_waiting_on_a_lock(pid[0]), "the second publish to wait")
    db.session.commit()
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], drafts.StaleDraft), outcome
    published = db.session.scalar(
        select(func.count(ChecklistVersion.id)).where(
            ChecklistVersion.version == "1.0.1", ChecklistVersion.title == base_version().title
        )
    )
    assert published == 1


def test_an_edition_without_stages_is_edited_and_published_without_them(world, network):
    """A checklist with no stages leaves the field out: its draft must not gain an empty list
    (which the validator reads as "this checklist has stages" and refuses every statement)."""
    plain = "\n".join(
        line
        for line in FILE.splitlines()
        if "stage" not in line
        and "getting-started, label" not in line
        and "aiming-high, label" not in line
    ).replace("key: network-visits", "key: plain-visits")
    version = publishing.publish_upload(
        network.organisation, plain.encode(), "p.yaml", "First.", "members"
    )
    db.session.commit()
    started = drafts.start_draft(network.organisation, version)
    db.session.commit()
    assert "stages" not in started.document
    change(started, drafts.set_statement("nw-on-time", fields(started, "nw-on-time", text="Late?")))
    assert drafts.problems(started) == {}
    assert drafts.proposed_version(started).version == "1.0.1"


def test_a_renumbered_checklist_is_what_parsing_it_with_that_number_gives(draft):
    """The draft is parsed once and renumbered for the version its changes call for: the same
    checklist, and the same content hash, as parsing it again with that number."""
    taken = drafts.used_keys(draft)
    change(draft, drafts.add_statement("visits", "Told when late.", "nw-late", taken))
    i, j = drafts.statement_place(draft.document, "nw-late")
    draft.document["sections"][i]["statements"][j].update(guidance="Called.", evidence=["Log"])
    found = drafts.definition(draft)
    assert found.version == "1.1.0"
    again = drafts._parse(draft.document, "1.1.0")
    assert found == again and found.content_hash == again.content_hash
