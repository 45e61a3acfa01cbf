"""Local variants written in the browser: an association adapts another publisher's edition
under a key of its own (p4p/associations/drafts.py `start_variant`, and the editor's pages)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from p4p.associations import drafts
from p4p.associations.models import ChecklistDraft
from p4p.auth.models import OrganisationKind
from p4p.catalogue import ChecklistInvalid, publishing
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from tests.helpers import csrf_token, main_headings, sign_in
from tests.test_checklist_drafts import fields as statement_fields
from tests.test_checklist_editor import page, post, statement_data
from tests.test_publishing import FILE

ATTRIBUTION = (
    "Adapted from “Person-centred support at home”, version 2.0.0, published by "
    "p4p open checklists under CC-BY-4.0."
)


@pytest.fixture
def network(world, empty_catalogue):
    world.load_checklists()
    return world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)


def homecare() -> ChecklistVersion:
    return db.session.scalar(
        select(ChecklistVersion)
        .join(Checklist)
        .where(Checklist.key == "homecare", ChecklistVersion.version == "2.0.0")
    )


def edition_of(world, publisher: str, key: str, licence: str, audience: str) -> ChecklistVersion:
    """An edition another association publishes, under `licence`."""
    owner = world.provider(publisher, kind=OrganisationKind.ASSOCIATION)
    text = (
        FILE.replace("key: network-homecare", f"key: {key}")
        .replace("publisher: Care Network", f"publisher: {publisher}")
        .replace("licence: CC-BY-4.0", f"licence: {licence}")
    )
    version = publishing.publish_upload(
        owner.organisation, text.encode(), "e.yaml", "Ours.", audience
    )
    db.session.commit()
    return version


def start(network, original=None, key="homecare-ours", title="Homecare, our way"):
    draft = drafts.start_variant(
        network.organisation, original or homecare(), key, title, network.id
    )
    db.session.commit()
    return draft


def statements(document) -> list[dict]:
    return [st for s in document["sections"] for st in s["statements"]]


def test_a_variant_starts_as_a_copy_of_the_original_under_its_own_key(network):
    original = homecare()
    draft = start(network)
    assert draft.checklist_id is None and draft.base_version_id == original.id
    assert drafts.is_variant(draft) and drafts.previous(draft) is None
    document = draft.document
    assert (document["key"], document["title"]) == ("homecare-ours", "Homecare, our way")
    assert document["publisher"] == "Care Network"
    assert (document["version"], document["licence"]) == ("1.0.0", "CC-BY-4.0")
    assert document["based-on"] == {
        "key": "homecare",
        "version": "2.0.0",
        "title": original.title,
        "publisher": original.publisher,
        "licence": original.licence,
    }
    assert "removed" not in document
    assert all("from" not in st for st in statements(document))
    assert [st["key"] for st in statements(document)] == [
        st.key for st in original.content.statements()
    ]
    assert draft.attribution == ATTRIBUTION
    assert drafts.problems(draft) == {}
    proposal = drafts.proposed_version(draft)
    assert proposal.version == "1.0.0"
    assert proposal.bump.reasons == ("the first version of a new edition",)
    with pytest.raises(drafts.WrongVersion, match="1.0.0"):
        drafts.check_version(draft, "2.0.1")


def test_the_suggestions_name_the_original_and_the_association(network):
    original = homecare()
    assert drafts.suggested_key(original, network.organisation) == "homecare-care-network"
    assert drafts.suggested_title(original, network.organisation) == (
        "Person-centred support at home (Care Network)"
    )
    start(network, key="homecare-care-network")
    # Taken by the open draft: the next suggestion is numbered.
    assert drafts.suggested_key(original, network.organisation) == "homecare-care-network-2"


@pytest.mark.parametrize(
    ("licence", "message"),
    [
        ("CC-BY-ND-4.0", "its licence, CC-BY-ND-4.0, does not allow adapted versions"),
        ("CC-BY-NC-4.0", "allows adapted versions for non-commercial use only"),
        ("All rights reserved", "is not one p4p knows to allow adapted versions"),
    ],
)
def test_a_licence_that_does_not_allow_variants_refuses_them(world, network, licence, message):
    closed = edition_of(world, "Closed Network", "closed-edition", licence, "everyone")
    with pytest.raises(drafts.EditRefused, match=re.escape(message)) as refused:
        start(network, closed)
    assert refused.value.field == "original"
    assert "ask its publisher for permission" in refused.value.message
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 0


def test_a_members_only_edition_of_another_association_cannot_be_adapted(world, network):
    private = edition_of(world, "Other Network", "private-edition", "CC-BY-4.0", "members")
    with pytest.raises(drafts.EditRefused, match="no published version you can see"):
        start(network, private)


def test_its_own_edition_is_not_adapted_but_revised(network):
    own = publishing.publish_upload(
        network.organisation, FILE.encode(), "o.yaml", "Ours.", "members"
    )
    with pytest.raises(drafts.EditRefused, match="your own"):
        start(network, own)


@pytest.mark.parametrize(
    ("key", "title", "field", "message"),
    [
        ("homecare", "Ours", "key", "is the key of a published edition"),
        ("Homecare Ours", "Ours", "key", "lower-case letters"),
        ("h", "Ours", "key", "2 to 40"),
        ("homecare-ours", "  ", "title", "Enter the title"),
    ],
)
def test_the_key_and_title_must_do(network, key, title, field, message):
    with pytest.raises(drafts.EditRefused, match=message) as refused:
        start(network, key=key, title=title)
    assert refused.value.field == field


def test_a_key_an_open_variant_draft_uses_is_taken(network):
    start(network)
    with pytest.raises(drafts.EditRefused, match="uses the key") as refused:
        start(network, title="Another")
    assert refused.value.field == "key"


def test_a_variant_ignores_relations_and_removes_without_recording(network):
    draft = start(network)
    key = statements(draft.document)[0]["key"]
    fields = statement_fields(
        draft, key, text="We reword it our way.", relation="narrower", origin=key
    )
    drafts.edit(draft, draft.revision, None, drafts.set_statement(key, fields, relates=False))
    assert "from" not in statements(draft.document)[0]
    second = statements(draft.document)[1]["key"]
    drafts.edit(draft, draft.revision, None, drafts.remove_statement(second, "", None))
    assert "removed" not in draft.document
    db.session.commit()
    assert drafts.problems(draft) == {}
    assert drafts.proposed_version(draft).version == "1.0.0"


def test_publishing_a_variant_makes_an_edition_of_the_association_then_ordinary_drafts(
    world, client, network
):
    draft = start(network)
    first = statements(draft.document)[0]
    drafts.edit(
        draft,
        draft.revision,
        None,
        drafts.set_statement(
            first["key"],
            statement_fields(draft, first["key"], text="We reword the first statement."),
            relates=False,
        ),
    )
    version = drafts.publish(draft, "1.0.0", "Homecare as our members work.", "members")
    db.session.commit()
    edition = version.checklist
    assert (edition.key, edition.owner_organisation_id) == (
        "homecare-ours",
        network.organisation.id,
    )
    assert edition.audience == "members"
    assert version.content.based_on.attribution == ATTRIBUTION
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 0
    member = world.provider("Member Care")
    world.join(member, network)
    sign_in(client, member)
    shown = page(client, "/checklists/homecare-ours/1.0.0")
    assert ATTRIBUTION in shown and "We reword the first statement." in shown

    # Its next version is an ordinary draft of its own edition, still attributed.
    following = drafts.start_draft(network.organisation, version, network.id)
    assert not drafts.is_variant(following)
    assert following.document["based-on"]["key"] == "homecare"
    section = following.document["sections"][0]["key"]
    added = drafts.edit(
        following,
        following.revision,
        None,
        drafts.add_statement(section, "People choose their visit times.", "", set()),
    )
    drafts.edit(
        following,
        following.revision,
        None,
        drafts.set_statement(
            added,
            statement_fields(
                following,
                added,
                guidance="Times suit the person.",
                evidence=["Visit schedules"],
            ),
        ),
    )
    assert drafts.proposed_version(following).version == "1.1.0"
    newer = drafts.publish(following, "1.1.0", "A statement on visit times.", "members")
    db.session.commit()
    assert newer.content.based_on.attribution == ATTRIBUTION
    assert newer.checklist_id == edition.id


def test_share_alike_keeps_the_licence(world, network):
    shared = edition_of(world, "Open Network", "open-edition", "CC-BY-SA-4.0", "everyone")
    draft = start(network, shared, key="open-ours")
    assert draft.document["licence"] == "CC-BY-SA-4.0"
    drafts.edit(draft, draft.revision, None, drafts.set_details("Ours", "Ours.", "CC-BY-4.0"))
    found = drafts.problems(draft)
    assert "ShareAlike" in found["licence"][0]
    with pytest.raises(drafts.DraftInvalid):
        drafts.publish(draft, "1.0.0", "Ours.", "members")
    db.session.rollback()
    drafts.edit(draft, draft.revision, None, drafts.set_details("Ours", "Ours.", "CC-BY-SA-4.0"))
    version = drafts.publish(draft, "1.0.0", "Ours.", "members")
    assert version.licence == "CC-BY-SA-4.0"


def test_the_licence_of_a_cc_by_original_may_change(network):
    draft = start(network)
    drafts.edit(
        draft, draft.revision, None, drafts.set_details("Ours", "Ours.", "All rights reserved")
    )
    assert drafts.problems(draft) == {}
    version = drafts.publish(draft, "1.0.0", "Ours.", "everyone")
    assert version.licence == "All rights reserved"
    assert version.content.based_on.licence == "CC-BY-4.0"


def test_publishing_still_checks_the_attribution(network):
    """The publishing path runs variant_problems: an attribution changed by a crafted save is
    refused."""
    draft = start(network)

    def misattribute(document):
        document["based-on"]["publisher"] = "Somebody else"

    drafts.edit(draft, draft.revision, None, misattribute)
    with pytest.raises(ChecklistInvalid, match="must be “p4p open checklists”"):
        drafts.publish(draft, "1.0.0", "Ours.", "members")


# --- the pages, without JavaScript -----------------------------------------------------------


def test_the_listing_offers_to_adapt_what_the_licence_allows(world, client, network):
    edition_of(world, "Closed Network", "closed-edition", "CC-BY-ND-4.0", "everyone")
    edition_of(world, "Other Network", "private-edition", "CC-BY-4.0", "members")
    sign_in(client, network)
    listing = page(client, "/association/checklists")
    adapt = listing[listing.index('id="adapt-heading"') :]
    assert "Adapt another publisher's edition" in adapt
    assert f'href="/association/drafts/adapt/{homecare().id}"' in adapt
    assert "published by p4p open checklists under CC-BY-4.0" in adapt
    assert "It cannot be adapted: its licence, CC-BY-ND-4.0, does not allow adapted" in adapt
    assert "private-edition" not in listing
    closed = db.session.scalar(select(Checklist).where(Checklist.key == "closed-edition"))
    refused = page(client, f"/association/drafts/adapt/{closed.versions[-1].id}")
    assert "You cannot publish a local variant of this edition" in refused
    assert 'name="key"' not in refused
    response = client.post(
        f"/association/drafts/adapt/{closed.versions[-1].id}",
        data={"csrf_token": csrf_token(refused), "key": "closed-ours", "title": "Ours"},
    )
    assert response.status_code == 422
    assert "does not allow adapted versions" in response.get_data(as_text=True)
    private = db.session.scalar(select(Checklist).where(Checklist.key == "private-edition"))
    assert client.get(f"/association/drafts/adapt/{private.versions[-1].id}").status_code == 404


def test_start_page_errors_sit_beside_the_fields_and_keep_what_was_written(client, network):
    sign_in(client, network)
    url = f"/association/drafts/adapt/{homecare().id}"
    html = page(client, url)
    assert main_headings(html)[0] == (1, "Adapt “Person-centred support at home”")
    assert 'value="homecare-care-network"' in html
    assert 'value="Person-centred support at home (Care Network)"' in html
    response = client.post(
        url, data={"csrf_token": csrf_token(html), "key": "homecare", "title": "Our title"}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'href="#key"' in text and 'id="key-error"' in text
    assert "is the key of a published edition" in text
    assert 'value="Our title"' in text
    missing = client.post(url, data={"csrf_token": csrf_token(html), "key": "", "title": ""})
    assert missing.status_code == 422
    assert "Enter a key for your variant." in missing.get_data(as_text=True)
    assert client.post(url, data={"key": "homecare-x", "title": "X"}).status_code in (400, 422)
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 0


def test_an_association_adapts_rewords_and_publishes_a_variant(world, client, network):
    sign_in(client, network)
    url = f"/association/drafts/adapt/{homecare().id}"
    html = page(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(html),
            "key": "homecare-care-network",
            "title": "Homecare (Care Network)",
        },
    )
    assert response.status_code == 302
    draft = db.session.scalar(select(ChecklistDraft))
    d = f"/association/drafts/{draft.id}"
    assert response.headers["Location"] == d
    shown = page(client, d)
    assert "Draft of your local variant" in shown and ATTRIBUTION in shown
    assert 'name="licence"' in shown  # CC-BY: the association chooses its variant's licence
    listing = page(client, "/association/checklists")
    assert "Variants you are writing" in listing and f'href="{d}"' in listing

    key = statements(draft.document)[0]["key"]
    statement_page = page(client, f"{d}/statements/{key}")
    assert 'name="relation"' not in statement_page and 'name="origin"' not in statement_page
    assert "The original, version 2.0.0" in statement_page
    data = statement_data(statement_page)
    assert "relation" not in data
    data["text"] = "We reword this our way."
    saved = post(client, f"{d}/statements/{key}", data, statement_page)
    assert saved.status_code == 302
    db.session.expire_all()
    assert statements(draft.document)[0]["text"] == "We reword this our way."

    section = draft.document["sections"][0]
    listed = page(client, f"{d}/sections/{section['key']}")
    assert "· new" not in listed  # every statement is the original's
    left_out = section["statements"][1]["key"]
    remove_page = page(client, f"{d}/statements/{left_out}/remove")
    assert 'name="reason"' not in remove_page
    assert "nothing is recorded as removed" in remove_page
    assert post(client, f"{d}/statements/{left_out}/remove", {}, remove_page).status_code == 302
    db.session.expire_all()
    assert "removed" not in draft.document

    changes = page(client, f"{d}/changes")
    assert main_headings(changes)[0] == (1, "What you changed from the original")
    assert "1 left out, 1 reworded" in changes and "We reword this our way." in changes

    publish_page = page(client, f"{d}/publish")
    assert "the first version of a new edition" in publish_page
    assert 'value="1.0.0"' in publish_page
    published = post(
        client,
        f"{d}/publish",
        {"version": "1.0.0", "summary": "Our members' homecare.", "audience": "members"},
        publish_page,
    )
    assert published.status_code == 302, published.get_data(as_text=True)
    edition = db.session.scalar(select(Checklist).where(Checklist.key == "homecare-care-network"))
    assert edition.owner_organisation_id == network.organisation.id

    member = world.provider("Member Care")
    world.join(member, network)
    client.delete_cookie("session")
    sign_in(client, member)
    seen = page(client, "/checklists/homecare-care-network/1.0.0")
    assert ATTRIBUTION in seen and "We reword this our way." in seen


def test_another_association_sees_nothing_of_a_variant_draft(world, client, network):
    draft = start(network)
    other = world.provider("Other Network", kind=OrganisationKind.ASSOCIATION)
    sign_in(client, other)
    assert client.get(f"/association/drafts/{draft.id}").status_code == 404
    assert "homecare-ours" not in page(client, "/association/checklists")
