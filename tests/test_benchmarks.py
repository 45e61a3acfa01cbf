"""An association's benchmarks: only members who allow them, only groups of 5 or more, no
breakdown that singles anyone out, and nothing that names a member."""

from __future__ import annotations

import itertools

import pytest

from p4p.associations import service as associations
from p4p.auth.models import OrganisationKind
from p4p.benchmarks import service as benchmarks
from p4p.extensions import db
from tests.helpers import completed_assessment, csrf_token, sign_in

EMAILS = itertools.count()


@pytest.fixture
def network(world):
    return world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)


def add_member(world, network, homecare, name, level, *, allow=True, region=None):
    """A member whose every statement is rated 'doing' when its index is below `level` (out of
    the version's statements), else 'not-yet'."""
    owner = world.provider(name, owner_email=f"owner-{next(EMAILS)}@members.example")
    member = world.join(owner, network)
    completed_assessment(
        owner, homecare, "Latest", lambda i, _: ("doing" if i < level else "not-yet", "secret")
    )
    if allow:
        associations.set_benchmarks(owner.organisation.id, member.id, True)
    if region:
        associations.set_profile(owner.organisation.id, region, None)
    db.session.commit()
    return owner, member


def test_figures_rest_only_on_members_who_allow_them(world, network, homecare):
    total = len([s for section in homecare.sections for s in section.statements])
    for index in range(5):
        add_member(world, network, homecare, f"Member {index}", total // 2)
    add_member(world, network, homecare, "Refuser", total, allow=False)
    result = benchmarks.benchmark(network.organisation.id, homecare)
    assert result.shown and result.figures.size == 5
    half = total // 2
    expected = (200 * half + total) // (2 * total)  # each of the five scores this
    assert result.figures.overall.median == expected  # the refuser's 100% is not in it
    assert all(s.at_top_percent in (0, 100) for s in result.statements)
    # Lenses as sections: every member scored the same, so each lens's middle half is one value.
    assert result.figures.lenses, "lens figures from the stored lens results"
    for spread in result.figures.lenses.values():
        assert spread is not None and spread.lower == spread.median == spread.upper


def test_fewer_than_five_shows_nothing_not_even_a_count(world, client, network, homecare):
    for index in range(4):
        add_member(world, network, homecare, f"Member {index}", 10)
    result = benchmarks.benchmark(network.organisation.id, homecare)
    assert not result.shown and result.figures is None
    sign_in(client, network)
    page = client.get("/association/benchmarks").get_data(as_text=True)
    assert "Fewer than 5 members" in page and ": 4 providers" not in page
    csv = client.get(f"/association/benchmarks.csv?version={homecare.id}").get_data(as_text=True)
    assert "not shown: fewer than 5 members" in csv


def test_stopping_to_allow_removes_a_member_from_every_figure_at_once(world, network, homecare):
    members = [add_member(world, network, homecare, f"M{i}", 20) for i in range(5)]
    assert benchmarks.benchmark(network.organisation.id, homecare).shown
    owner, member = members[0]
    associations.set_benchmarks(owner.organisation.id, member.id, False)
    db.session.commit()
    assert not benchmarks.benchmark(network.organisation.id, homecare).shown


def test_a_breakdown_never_shows_a_group_that_differs_from_another_view_by_one(
    world, network, homecare
):
    for index in range(19):
        add_member(world, network, homecare, f"North {index}", 30, region="North West")
    add_member(world, network, homecare, "Lonely South", 60, region="South West")
    result = benchmarks.benchmark(network.organisation.id, homecare, "region")
    assert result.figures.size == 20
    # North West (19) would differ from the whole group by one provider: not shown; the South
    # West (1) is far too small.
    assert result.subgroups == () and result.hidden_subgroups == 2
    # Ten and ten: both show, and each leaves ten outside it.
    for index in range(10):
        add_member(world, network, homecare, f"South {index}", 60, region="South West")
    result = benchmarks.benchmark(network.organisation.id, homecare, "region")
    assert [(g.label, g.size) for g in result.subgroups] == [
        ("North West", 19),
        ("South West", 11),
    ]


def test_the_page_names_no_member_and_shows_no_note(world, client, network, homecare):
    for index in range(6):
        add_member(world, network, homecare, f"Hidden Name {index}", 10 + index)
    sign_in(client, network)
    page = client.get("/association/benchmarks?by=region").get_data(as_text=True)
    assert "6 providers" in page and "Most common gaps" in page
    assert "CQC key questions" in page and "Well-led" in page
    assert "Hidden Name" not in page and "secret" not in page
    csv = client.get(f"/association/benchmarks.csv?version={homecare.id}").get_data(as_text=True)
    assert "Hidden Name" not in csv and "secret" not in csv and "Overall score" in csv
    assert "CQC key questions: Well-led" in csv


def test_a_member_sees_where_it_stands_only_when_it_allows(world, client, network, homecare):
    owners = [add_member(world, network, homecare, f"M{i}", 10 * i)[0] for i in range(6)]
    best = owners[-1]
    sign_in(client, best)
    page = client.get("/memberships/")
    member_id = best.organisation.id and associations.memberships_of(best.organisation.id)[0].id
    standing = client.get(f"/memberships/{member_id}/standing").get_data(as_text=True)
    assert "you are in the <strong>top quarter</strong>" in standing
    token = csrf_token(page.get_data(as_text=True))
    client.post(f"/memberships/{member_id}/benchmarks", data={"csrf_token": token, "allowed": "no"})
    standing = client.get(f"/memberships/{member_id}/standing").get_data(as_text=True)
    assert "top quarter" not in standing and "once your own results count" in standing


def test_region_and_size_are_chosen_from_lists(world, client, network, homecare):
    owner, _ = add_member(world, network, homecare, "Profiled", 10)
    sign_in(client, owner)
    token = csrf_token(client.get("/memberships/").get_data(as_text=True))
    bad = client.post(
        "/memberships/profile", data={"csrf_token": token, "region": "Atlantis", "size_band": ""}
    )
    assert bad.status_code == 422
    good = client.post(
        "/memberships/profile",
        data={"csrf_token": token, "region": "London", "size_band": "25 to 99 people"},
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert (owner.organisation.region, owner.organisation.size_band) == (
        "London",
        "25 to 99 people",
    )
