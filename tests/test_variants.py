"""Local variants: an association adapts another publisher's edition under a key of its own,
licence permitting, and says what it adapts (the attribution shown wherever it is)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from p4p.auth.models import OrganisationKind
from p4p.catalogue import ChecklistInvalid, parse_checklist, publishing
from p4p.catalogue.export import to_yaml
from p4p.catalogue.licences import variant_licence_problem, variant_rule
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db
from tests.helpers import sign_in
from tests.test_publishing import FILE

ATTRIBUTION = """\
based-on:
  key: homecare
  version: 2.0.0
  title: Person-centred support at home
  publisher: p4p open checklists
  licence: CC-BY-4.0
"""
VARIANT = FILE.replace("key: network-homecare", "key: homecare-network") + ATTRIBUTION


@pytest.fixture
def network(world, empty_catalogue):
    world.load_checklists()
    return world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)


def versions() -> int:
    return db.session.scalar(select(func.count(ChecklistVersion.id)))


@pytest.mark.parametrize(
    ("licence", "allowed", "required"),
    [
        ("CC-BY-4.0", True, None),
        ("cc0-1.0", True, None),
        ("OGL-UK-3.0", True, None),
        ("CC-BY-SA-4.0", True, "CC-BY-SA-4.0"),
        ("CC-BY-ND-4.0", False, None),
        ("CC-BY-NC-4.0", False, None),
        ("All rights reserved", False, None),
    ],
)
def test_the_original_licence_decides_whether_a_variant_may_be_made(licence, allowed, required):
    rule = variant_rule(licence)
    assert rule.allowed is allowed
    assert rule.required_licence == required
    assert bool(rule.reason) is not allowed


def test_share_alike_requires_the_same_licence():
    assert variant_licence_problem("CC-BY-SA-4.0", "CC-BY-SA-4.0") is None
    problem = variant_licence_problem("CC-BY-SA-4.0", "CC-BY-4.0")
    assert problem and "must carry the same licence" in problem
    assert "NoDerivatives" in variant_licence_problem("CC-BY-ND-4.0", "CC-BY-ND-4.0")


def test_a_variant_cannot_reuse_the_key_it_adapts():
    same_key = FILE.replace("key: network-homecare", "key: homecare") + ATTRIBUTION
    with pytest.raises(ChecklistInvalid) as error:
        parse_checklist(same_key, "v.yaml")
    assert [p.field for p in error.value.problems] == ["based-on.key"]


def test_a_file_without_based_on_keeps_its_content_hash():
    """An optional field appears in the content only when given, so earlier files keep their
    hashes (loaded databases stay valid)."""
    plain = parse_checklist(FILE, "a.yaml")
    assert "based-on" not in plain.to_dict()
    variant = parse_checklist(
        FILE.replace("key: network-homecare", "key: homecare-network") + ATTRIBUTION, "b.yaml"
    )
    assert variant.to_dict()["based-on"]["key"] == "homecare"


def test_an_association_publishes_a_variant_with_its_attribution(world, client, network):
    version = publishing.publish_upload(
        network.organisation, VARIANT.encode(), "v.yaml", "Our take on homecare.", "members"
    )
    assert version.content.based_on.publisher == "p4p open checklists"
    member = world.provider("Member Care")
    world.join(member, network)
    sign_in(client, member)
    page = client.get("/checklists/homecare-network/1.0.0").get_data(as_text=True)
    assert (
        "Adapted from “Person-centred support at home”, version 2.0.0, published by "
        "p4p open checklists under CC-BY-4.0." in page
    )
    assert 'href="/checklists/homecare/2.0.0"' in page
    yaml_file = client.get("/checklists/homecare-network/1.0.0/checklist.yaml")
    assert "# Adapted from “Person-centred support at home”" in yaml_file.get_data(as_text=True)
    assert parse_checklist(yaml_file.data, "x.yaml").content_hash == version.content_hash
    assert to_yaml(version.content).count("based-on:") == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("version: 2.0.0", "version: 9.0.0"), "based-on", "no published version 9.0.0"),
        (("key: homecare\n", "key: nowhere\n"), "based-on", "of “nowhere”"),
        (
            ("publisher: p4p open checklists", "publisher: Somebody"),
            "based-on.publisher",
            "must be “p4p open checklists”",
        ),
        (
            ("title: Person-centred support at home", "title: Homecare"),
            "based-on.title",
            "must be “Person-centred support at home”",
        ),
    ],
)
def test_a_variant_must_name_a_real_version_truthfully(network, change, field, message):
    before = versions()
    content = FILE.replace("key: network-homecare", "key: homecare-network") + ATTRIBUTION.replace(
        *change
    )
    with pytest.raises(ChecklistInvalid) as error:
        publishing.check_upload(network.organisation, content.encode(), "v.yaml")
    problems = {p.field: p.message for p in error.value.problems}
    assert field in problems and message in problems[field]
    assert versions() == before


def test_a_variant_of_an_edition_whose_licence_forbids_it_is_refused(world, network):
    owner = world.provider("Closed Network", kind=OrganisationKind.ASSOCIATION)
    closed = (
        FILE.replace("key: network-homecare", "key: closed-edition")
        .replace("publisher: Care Network", "publisher: Closed Network")
        .replace("licence: CC-BY-4.0", "licence: CC-BY-ND-4.0")
    )
    publishing.publish_upload(owner.organisation, closed.encode(), "c.yaml", "Ours.", "everyone")
    variant = FILE.replace("key: network-homecare", "key: closed-variant") + (
        "based-on:\n  key: closed-edition\n  version: 1.0.0\n"
        "  title: Network homecare checklist\n  publisher: Closed Network\n"
        "  licence: CC-BY-ND-4.0\n"
    )
    with pytest.raises(ChecklistInvalid) as error:
        publishing.check_upload(network.organisation, variant.encode(), "v.yaml")
    assert any(
        p.field == "based-on" and "does not allow adapted versions" in p.message
        for p in error.value.problems
    )


def test_a_members_only_edition_of_another_association_cannot_be_adapted(world, network):
    other = world.provider("Other Network", kind=OrganisationKind.ASSOCIATION)
    private = FILE.replace("key: network-homecare", "key: private-edition").replace(
        "publisher: Care Network", "publisher: Other Network"
    )
    publishing.publish_upload(other.organisation, private.encode(), "p.yaml", "Ours.", "members")
    variant = FILE.replace("key: network-homecare", "key: private-variant") + (
        "based-on:\n  key: private-edition\n  version: 1.0.0\n"
        "  title: Network homecare checklist\n  publisher: Other Network\n"
        "  licence: CC-BY-4.0\n"
    )
    with pytest.raises(ChecklistInvalid, match="that you can see"):
        publishing.check_upload(network.organisation, variant.encode(), "v.yaml")


def test_a_variant_prints_its_attribution_on_the_blank_checklist(world, client, network):
    from tests.test_printed_documents import made, text_of

    publishing.publish_upload(
        network.organisation, VARIANT.encode(), "v.yaml", "Our take on homecare.", "members"
    )
    db.session.commit()
    sign_in(client, network)
    text = text_of(made(client, "/checklists/homecare-network/1.0.0/blank.pdf"))
    assert "Published by Care Network" in text
    assert "Adapted from “Person-centred support at home”, version 2.0.0" in text
