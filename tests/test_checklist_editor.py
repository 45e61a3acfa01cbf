"""The checklist editor's pages, without JavaScript (and the answers its script gets)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from p4p.associations.models import ChecklistDraft
from p4p.auth.models import OrganisationKind
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from tests.helpers import csrf_token, main_headings, sign_in
from tests.test_checklist_drafts import base_version
from tests.test_checklist_drafts import network as network  # noqa: F401 - the fixture


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def revision_of(html: str) -> str:
    return re.search(r'name="revision" type="hidden" value="(\d+)"', html)[1]


def post(client, url, data, html=None, **kwargs):
    html = html or page(client, url if "/move" not in url else "/association/checklists")
    fields = {"csrf_token": csrf_token(html), **data}
    if "revision" not in fields:
        fields["revision"] = revision_of(html)
    return client.post(url, data=fields, **kwargs)


@pytest.fixture
def editing(client, network):  # noqa: F811 - the fixture imported above
    sign_in(client, network)
    listing = page(client, "/association/checklists")
    assert "Write the next version" in listing
    edition = db.session.scalar(select(Checklist).where(Checklist.key == "network-visits"))
    response = client.post(
        "/association/drafts/",
        data={"csrf_token": csrf_token(listing), "edition": str(edition.id)},
    )
    assert response.status_code == 302
    draft = db.session.scalar(select(ChecklistDraft))
    assert response.headers["Location"] == f"/association/drafts/{draft.id}"
    return f"/association/drafts/{draft.id}"


def statement_data(html: str) -> dict:
    """The statement form as the page shows it (what a browser would send unchanged)."""
    data = {}
    for name in ("text", "guidance", "started", "evidence"):
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
        data[name] = found[1] if found else ""
    for name in ("stage", "section"):
        found = re.search(rf'name="{name}">.*?<option selected value="([^"]*)"', html, re.S)
        data[name] = found[1] if found else ""
    relation = re.search(r'checked[^>]*name="relation"[^>]*value="([^"]*)"', html)
    if relation:  # a variant's statements relate to no previous version
        data["relation"] = relation[1]
        origin = re.search(r'name="origin">.*?<option selected value="([^"]*)"', html, re.S)
        data["origin"] = origin[1] if origin else ""
    return data


def test_the_listing_offers_a_draft_and_continue(client, editing):
    listing = page(client, "/association/checklists")
    assert "Continue" in listing and editing in listing
    # Starting again continues the open draft.
    edition = db.session.scalar(select(Checklist).where(Checklist.key == "network-visits"))
    again = client.post(
        "/association/drafts/", data={"csrf_token": csrf_token(listing), "edition": edition.id}
    )
    assert again.headers["Location"] == editing
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 1


def test_pages_have_their_headings_in_order(client, editing):
    html = page(client, editing)
    assert main_headings(html)[0] == (
        1,
        "Draft of the next version of Visits that keep to what matters",
    )
    section = page(client, f"{editing}/sections/visits")
    assert "Workers arrive when the person expects them." in section
    statement = page(client, f"{editing}/statements/nw-on-time")
    assert "<h1>Statement" in statement
    assert "Care Quality Commission" in statement or "CQC" in statement
    preview = page(client, f"{editing}/preview")
    assert preview.count("Preview of your draft: not published") == 1
    # The members' own template: the scale, the stages and every statement.
    assert "We do this for everyone" in preview and "Aiming high" in preview
    assert "People see the same few workers." in preview
    assert "No statement changed" in page(client, f"{editing}/changes")
    # Each section as members rate it: the rating page's statements and scale, disabled.
    assert f'href="{editing}/preview/sections/visits"' in preview
    rating = page(client, f"{editing}/preview/sections/visits")
    assert "Preview of your draft: not published" in rating
    assert '<fieldset disabled class="preview-fieldset">' in rating
    assert "Workers arrive when the person expects them." in rating
    assert rating.count('type="radio"') == 2 * 4  # two statements, three options + not rated
    assert "Where are we?" in rating and "What good looks like" in rating
    assert client.get(f"{editing}/preview/sections/nowhere").status_code == 404


def test_a_statement_saved_without_script_and_an_error_beside_the_field(client, editing):
    url = f"{editing}/statements/nw-on-time"
    html = page(client, url)
    data = statement_data(html)
    assert data["relation"] == "equal" and data["origin"] == "nw-on-time"
    response = post(client, url, {**data, "text": "Workers arrive on time."}, html)
    assert response.status_code == 302 and response.headers["Location"] == url
    html = page(client, url)
    assert "Workers arrive on time." in html
    # Emptied: saved as written (nothing is lost), and the problem is shown beside the field.
    response = post(client, url, {**statement_data(html), "text": ""}, html)
    html = page(client, response.headers["Location"])
    assert 'id="text-error"' in html and "Wording: must not be empty" in html
    assert 'href="#text"' in html  # the error summary links to the field
    overview = page(client, editing)
    assert "Before it can be published" in overview
    assert f'href="{url}#text"' in overview


def test_a_statement_moves_to_another_section_from_its_page(client, editing):
    url = f"{editing}/statements/nw-on-time"
    html = page(client, url)
    assert statement_data(html)["section"] == "visits"
    response = post(client, url, {**statement_data(html), "section": "planning"}, html)
    assert response.status_code == 302
    html = page(client, url)
    assert statement_data(html)["section"] == "planning"
    assert "Workers arrive when the person expects them." in page(
        client, f"{editing}/sections/planning"
    )
    assert "Workers arrive when" not in page(client, f"{editing}/sections/visits")


def test_too_long_is_kept_and_explained(client, editing):
    url = f"{editing}/statements/nw-on-time"
    html = page(client, url)
    long_text = "x" * 700
    post(client, url, {**statement_data(html), "text": long_text}, html)
    html = page(client, url)
    assert long_text in html
    assert "is 700 characters long; at most 600 are allowed" in html


def test_a_stale_revision_is_refused_with_409_and_the_input_kept(client, editing):
    url = f"{editing}/statements/nw-on-time"
    html = page(client, url)
    data = statement_data(html)
    post(client, url, {**data, "text": "First change."}, html)
    response = post(client, url, {**data, "text": "My own change."}, html)  # the old revision
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "someone else changed this draft" in body and "My own change." in body
    # Asked for JSON (the script), the answer says so too.
    response = post(
        client, url, {**data, "text": "Mine."}, html, headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    assert "Someone else changed this draft" in response.get_json()["message"]


def test_autosave_answers_revision_and_problems_in_json(client, editing):
    url = f"{editing}/statements/nw-on-time"
    html = page(client, url)
    data = statement_data(html)
    response = post(client, url, {**data, "text": ""}, html, headers={"Accept": "application/json"})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["revision"] == int(revision_of(html)) + 1
    assert answer["problems"] == {"text": "Wording: must not be empty"}


def test_add_reorder_and_remove_without_script(client, editing):
    section = f"{editing}/sections/visits"
    html = page(client, section)
    response = post(
        client,
        f"{section}/statements",
        {"text": "People are told when a worker is late.", "key": ""},
        html,
    )
    assert response.status_code == 302
    added = response.headers["Location"].rsplit("/", 1)[1]
    assert added == "nw-people-are-told-when-a-worker"
    # A key taken before is refused beside the field, the wording kept.
    html = page(client, section)
    response = post(client, f"{section}/statements", {"text": "Again.", "key": "nw-on-time"}, html)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "is taken" in body and "Again." in body
    # Move it up.
    html = page(client, section)
    response = post(client, f"{editing}/statements/{added}/move", {"direction": "up"}, html)
    assert response.status_code == 302
    draft = db.session.scalar(select(ChecklistDraft))
    keys = [st["key"] for st in draft.document["sections"][0]["statements"]]
    assert keys == ["nw-on-time", added, "nw-same-faces"]
    # Removing a statement of the previous version asks why, on its own page.
    remove = f"{editing}/statements/nw-same-faces/remove"
    html = page(client, remove)
    assert "Why is it removed?" in html
    response = post(client, remove, {"reason": ""}, html)
    assert response.status_code == 422
    assert "Say why it is removed" in response.get_data(as_text=True)
    response = post(client, remove, {"reason": "Rotas are the council's choice."}, html)
    assert response.status_code == 302
    db.session.expire_all()
    draft = db.session.scalar(select(ChecklistDraft))
    assert draft.document["removed"] == [
        {"key": "nw-same-faces", "reason": "Rotas are the council's choice."}
    ]
    # A section added, moved first, then removed (nothing of the base in it: no reason).
    html = page(client, editing)
    response = post(client, f"{editing}/sections", {"section_title": "Ending well"}, html)
    assert response.headers["Location"] == f"{editing}/sections/ending-well"
    html = page(client, editing)
    post(client, f"{editing}/sections/ending-well/move", {"direction": "up"}, html)
    db.session.expire_all()
    draft = db.session.scalar(select(ChecklistDraft))
    assert [s["key"] for s in draft.document["sections"]] == ["visits", "ending-well", "planning"]
    html = page(client, f"{editing}/sections/ending-well/remove")
    assert "no reason is needed" in html
    assert post(client, f"{editing}/sections/ending-well/remove", {}, html).status_code == 302


def test_publish_proposes_refuses_a_wrong_number_and_publishes(client, editing, world, network):  # noqa: F811
    url = f"{editing}/statements/nw-same-faces/remove"
    post(client, url, {"reason": "No longer ours to judge."}, page(client, url))
    html = page(client, f"{editing}/publish")
    assert 'value="2.0.0"' in html and "statements removed or re-keyed" in html
    response = post(
        client,
        f"{editing}/publish",
        {"version": "1.1.0", "summary": "One gone.", "audience": "members"},
        html,
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="version-error"' in body
    assert "The changes need a new major version, 2.0.0" in body
    # A stale revision is refused: what is published is what was previewed.
    stale = str(int(revision_of(html)) - 1)
    response = post(
        client,
        f"{editing}/publish",
        {"version": "2.0.0", "summary": "One gone.", "audience": "members", "revision": stale},
        html,
    )
    assert response.status_code == 409
    response = post(
        client,
        f"{editing}/publish",
        {"version": "2.0.0", "summary": "One gone.", "audience": "members"},
        html,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/association/checklists"
    published = db.session.scalar(
        select(ChecklistVersion).where(
            ChecklistVersion.version == "2.0.0", ChecklistVersion.title == base_version().title
        )
    )
    assert published.changes_summary == "One gone."
    assert published.content.statement("nw-same-faces") is None
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 0
    # The draft has ended: every page of it is 404, and no request changes the version.
    before = published.content_hash
    assert client.get(editing).status_code == 404
    token = csrf_token(page(client, "/association/checklists"))
    for path, data in (
        ("", {"title": "Changed", "summary": "Changed"}),
        ("/statements/nw-on-time", {"text": "Changed", "relation": "equal"}),
        ("/publish", {"version": "2.0.0", "summary": "Again", "audience": "members"}),
    ):
        response = client.post(editing + path, data={"csrf_token": token, "revision": "9", **data})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ChecklistVersion, published.id).content_hash == before
    assert (
        base_version().content_hash
        == db.session.get(ChecklistVersion, base_version().id).content_hash
    )


def test_another_association_sees_nothing_of_a_draft(world, client, editing):
    other = world.provider("Other Network", kind=OrganisationKind.ASSOCIATION)
    client.post("/signout", data={"csrf_token": csrf_token(page(client, editing))})
    sign_in(client, other)
    token = csrf_token(page(client, "/association/checklists"))
    assert client.get(editing).status_code == 404
    assert client.get(f"{editing}/preview").status_code == 404
    response = client.post(editing, data={"csrf_token": token, "revision": "1", "title": "Mine"})
    assert response.status_code == 404
    # Nor may it start a draft of an edition it does not own.
    edition = db.session.scalar(select(Checklist).where(Checklist.key == "network-visits"))
    response = client.post(
        "/association/drafts/", data={"csrf_token": token, "edition": str(edition.id)}
    )
    assert response.status_code == 404


def test_requests_no_page_sends_are_400_and_a_missing_title_is_explained(client, editing):
    html = page(client, editing)
    assert post(client, editing, {"revision": "abc", "title": "x"}, html).status_code == 400
    assert post(client, editing, {"revision": "", "title": "x"}, html).status_code == 400
    response = post(client, f"{editing}/sections", {"section_title": "  "}, html)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="section_title-error"' in body and "Enter the new section&#39;s title." in body
    url = f"{editing}/statements/nw-on-time"
    statement = page(client, url)
    response = post(client, url, {**statement_data(statement), "stage": "no-such-stage"}, statement)
    assert response.status_code == 422
    assert 'id="stage-error"' in response.get_data(as_text=True)
    assert client.get(f"{editing}/statements/no-such-key").status_code == 404
    assert client.get(f"{editing}/sections/no-such-key").status_code == 404


def test_an_invalid_draft_cannot_be_previewed_or_published(client, editing):
    section = f"{editing}/sections/visits"
    post(
        client,
        f"{section}/statements",
        {"text": "Told when late.", "key": "nw-late"},
        page(client, section),
    )
    for path in ("/preview", "/changes", "/publish"):
        html = page(client, editing + path)
        assert "problems to put right" in html
        assert f'href="{editing}/statements/nw-late#guidance"' in html
        # Listed away from its page, each problem names its field.
        assert "What it looks like at the top of the scale: must not be empty" in html
        assert "Examples of evidence: must have at least 1 example" in html
    html = page(client, editing)
    response = post(
        client,
        f"{editing}/publish",
        {"version": "1.1.0", "summary": "New.", "audience": "members"},
        html,
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ChecklistDraft.id))) == 1


def test_a_version_published_meanwhile_is_said_on_the_draft(client, editing, network):  # noqa: F811
    from p4p.catalogue import publishing
    from tests.test_checklist_drafts import FILE

    newer = FILE.replace("version: 1.0.0", "version: 1.0.1").replace(
        "Plans are written with the person.", "Plans are written with the person, in their words."
    )
    publishing.publish_upload(network.organisation, newer.encode(), "c.yaml", "Words.", "members")
    db.session.commit()
    html = page(client, editing)
    assert "Version 1.0.1 was published after this draft started" in html
    response = post(
        client,
        f"{editing}/publish",
        {"version": "1.0.1", "summary": "Again.", "audience": "members"},
        page(client, f"{editing}/publish"),
    )
    assert response.status_code == 422
    assert "already published" in response.get_data(as_text=True)
