"""Associations publish their own editions by uploading checklist files."""

from __future__ import annotations

import html
import io
import textwrap

import pytest
from sqlalchemy import func, select

from p4p.auth.models import OrganisationKind
from p4p.catalogue import MAX_FILE_BYTES, ChecklistInvalid, publishing
from p4p.catalogue.models import ChecklistVersion
from p4p.catalogue.schema import parse_checklist
from p4p.extensions import db
from tests.helpers import completed_assessment, csrf_token, sign_in

FILE = textwrap.dedent(
    """\
    format: p4p-checklist/1
    key: network-homecare
    title: Network homecare checklist
    summary: Our members' own checklist.
    version: 1.0.0
    published: 2026-11-27
    publisher: Care Network
    licence: CC-BY-4.0
    scale:
      - {key: not-yet, label: Not yet, points: 0}
      - {key: doing, label: We do this for everyone, points: 2}
    sections:
      - key: visits
        title: Visits
        statements:
          - key: nw-on-time
            text: Workers arrive when the person expects them.
            guidance: Visits start within the agreed window.
            evidence: [Call monitoring records]
    """
)


@pytest.fixture
def network(world, empty_catalogue):
    """Publishing changes the catalogue: start from the published checklists, loaded anew."""
    world.load_checklists()
    return world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)


def upload(client, content: bytes | str, summary="First version.", audience="members"):
    page = client.get("/association/checklists")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "summary": summary,
        "audience": audience,
        "file": (io.BytesIO(content.encode() if isinstance(content, str) else content), "c.yaml"),
    }
    return client.post("/association/checklists", data=data, content_type="multipart/form-data")


def versions() -> int:
    return db.session.scalar(select(func.count(ChecklistVersion.id)))


def test_an_association_publishes_to_its_members_only(world, client, network):
    member = world.provider("Member Care")
    world.join(member, network)
    outsider = world.provider("Outside Care")
    sign_in(client, network)
    response = upload(client, FILE)
    assert response.status_code == 302
    listing = client.get("/association/checklists").get_data(as_text=True)
    assert "Network homecare checklist" in listing and "First version." in listing
    client.post("/signout", data={"csrf_token": csrf_token(listing)})

    sign_in(client, member)
    assert "Network homecare checklist" in client.get("/checklists/").get_data(as_text=True)
    assert "Network homecare checklist" in client.get("/assessments/new").get_data(as_text=True)
    yaml_file = client.get("/checklists/network-homecare/1.0.0/checklist.yaml")
    assert yaml_file.status_code == 200
    assert (
        parse_checklist(yaml_file.data, "x.yaml").content_hash
        == parse_checklist(FILE, "y.yaml").content_hash
    )
    client.post(
        "/signout",
        data={
            "csrf_token": csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
        },
    )

    sign_in(client, outsider)
    assert "Network homecare" not in client.get("/checklists/").get_data(as_text=True)
    assert "Network homecare" not in client.get("/assessments/new").get_data(as_text=True)
    assert client.get("/checklists/network-homecare/1.0.0").status_code == 404
    assert client.get("/checklists/network-homecare/1.0.0/checklist.yaml").status_code == 404


def test_an_edition_for_everyone_reaches_every_provider(world, client, network):
    outsider = world.provider("Outside Care")
    sign_in(client, network)
    assert upload(client, FILE, audience="everyone").status_code == 302
    client.post(
        "/signout",
        data={
            "csrf_token": csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
        },
    )
    sign_in(client, outsider)
    assert client.get("/checklists/network-homecare/1.0.0").status_code == 200


@pytest.mark.parametrize(
    ("content", "summary", "message"),
    [
        ("format: p4p-checklist/1\nkey: caf\xe9\n".encode("latin-1"), "s", "not UTF-8"),
        ("key: [unclosed", "s", "not valid YAML"),
        (FILE.replace("licence: CC-BY-4.0", "licence: &l CC-BY-4.0"), "s", "anchors"),
        (FILE.replace("title: Network", "title: A\ntitle: Network"), "s", "duplicate field"),
        (
            FILE.replace("!!", "").replace("summary: Our", "summary: !!python/name:os.system Our"),
            "s",
            "must be text",
        ),
        (FILE.replace("key: network-homecare", "key: homecare"), "s", "published by p4p"),
        (
            FILE.replace("publisher: Care Network", "publisher: Someone Else"),
            "s",
            "must be “Care Network”",
        ),
        (FILE, "", "Say what changed"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_saved(
    client, network, content, summary, message
):
    before = versions()
    sign_in(client, network)
    response = upload(client, content, summary=summary)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert versions() == before


def test_a_published_version_cannot_be_uploaded_again(client, network):
    sign_in(client, network)
    assert upload(client, FILE).status_code == 302
    changed = FILE.replace("Workers arrive", "Our workers arrive")
    response = upload(client, changed)
    assert response.status_code == 422
    assert "version 1.0.0 of “network-homecare” is already published" in response.get_data(
        as_text=True
    )
    assert upload(client, changed.replace("version: 1.0.0", "version: 1.0.1")).status_code == 302


def test_another_association_cannot_publish_under_its_key(world, client, network):
    sign_in(client, network)
    upload(client, FILE)
    rival = world.provider("Rival Network", kind=OrganisationKind.ASSOCIATION)
    client.post(
        "/signout",
        data={
            "csrf_token": csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
        },
    )
    sign_in(client, rival)
    response = upload(
        client,
        FILE.replace("publisher: Care Network", "publisher: Rival Network").replace(
            "version: 1.0.0", "version: 2.0.0"
        ),
    )
    assert response.status_code == 422
    assert "is an edition published by Care Network" in response.get_data(as_text=True)


def test_a_file_over_one_mebibyte_is_refused_before_it_is_read_as_yaml(network):
    """(Checked on the service: a test request this large leaves the test client's own
    spooled temporary file open.)"""
    with pytest.raises(ChecklistInvalid, match="checklist files may be at most"):
        publishing.check_upload(network.organisation, b"x" * (MAX_FILE_BYTES + 1), "c.yaml")


def test_members_see_a_new_version_of_an_edition_they_use_on_their_home_page(
    world, client, network
):
    member = world.provider("Member Care")
    world.join(member, network)
    sign_in(client, network)
    upload(client, FILE)
    first = db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.title == "Network homecare checklist")
    )
    completed_assessment(member, first, "Spring", lambda i, _: ("doing", ""))
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    newer = FILE.replace("version: 1.0.0", "version: 1.1.0").replace(
        "      - key: nw-on-time",
        "      - key: nw-told-if-late\n"
        "        text: People are told when a worker will be late.\n"
        "        guidance: A call before the window closes.\n"
        "        evidence: [Call logs]\n"
        "      - key: nw-on-time",
    )
    assert "nw-told-if-late" in newer
    summary = "Adds a statement about being told when a worker is late."
    response = upload(client, newer, summary=summary)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token(home)})
    sign_in(client, member)
    page = client.get("/").get_data(as_text=True)
    assert "New: Network homecare checklist, version 1.1.0" in page
    assert "Adds a statement about being told when a worker is late." in page
    assert "/assessments/new?edition=network-homecare" in page
    assert "What changed since version 1.0.0" in page
    changes = client.get("/checklists/network-homecare/changes?to=1.1.0&from=1.0.0")
    assert changes.status_code == 200
    assert "People are told when a worker will be late." in changes.get_data(as_text=True)


NEW_STATEMENT = (
    "      - key: nw-told-if-late\n"
    "        text: People are told when a worker will be late.\n"
    "        guidance: A call before the window closes.\n"
    "        evidence: [Call logs]\n"
    "      - key: nw-on-time"
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A statement added is a minor change: 1.0.1 is refused, proposing 1.1.0.
        (
            lambda f: f.replace("version: 1.0.0", "version: 1.0.1").replace(
                "      - key: nw-on-time", NEW_STATEMENT
            ),
            "number this version 1.1.0",
        ),
        # `from` must name statements of the previous version.
        (
            lambda f: f.replace("version: 1.0.0", "version: 1.1.0").replace(
                "      - key: nw-on-time",
                NEW_STATEMENT.replace(
                    "evidence: [Call logs]",
                    "evidence: [Call logs]\n        from: [{key: nw-ghost, relation: related}]",
                ),
            ),
            '"nw-ghost" is not a statement of network-homecare 1.0.0',
        ),
        # A statement dropped without a word is refused.
        (
            lambda f: f.replace("version: 1.0.0", "version: 2.0.0").replace(
                "nw-on-time", "nw-punctual"
            ),
            'statement "nw-on-time" of network-homecare 1.0.0, the previous version, is not '
            "accounted for",
        ),
        (lambda f: f.replace("version: 1.0.0", "version: 0.9.0"), "must come after 1.0.0"),
    ],
)
def test_a_new_version_must_follow_the_last_one(client, network, change, message):
    sign_in(client, network)
    assert upload(client, FILE).status_code == 302
    before = versions()
    response = upload(client, change(FILE), summary="Next")
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert versions() == before
