"""What changed between two versions: the pure diff, the command and the catalogue page."""

from __future__ import annotations

from markupsafe import escape

from p4p.catalogue.diff import as_text, diff
from tests.helpers import csrf_token, sign_in
from tests.test_carrying import TINY, tiny
from tests.test_not_applicable import tiny as tiny_loaded  # noqa: F401 - fixture
from tests.test_publishing import FILE, network, upload  # noqa: F401 - fixture


def test_diff_of_adjacent_versions():
    d = diff(tiny("1.0.0"), tiny("1.1.0"))
    assert [a.statement.key for a in d.added] == ["t-recruit"]
    assert d.removed == ()
    assert [(c.new.key, c.old.key, c.relation) for c in d.reworded] == [
        ("t-review", "t-review", "equal"),
        ("t-safeguarding", "t-safeguarding", "narrower"),
        ("t-safe-person", "t-safeguarding", "narrower"),
    ]
    assert d.moved == [] and d.restaged == []
    # t-profile, t-match, t-isf (may-not-apply is no change of wording), t-sometimes
    assert d.unchanged == 4
    later = diff(tiny("1.1.0"), tiny("2.0.0"))
    assert [(g.key, g.version) for g in later.removed] == [("t-sometimes", "2.0.0")]
    assert later.removed[0].reason.startswith("It said “sometimes”")


def test_diff_across_a_chain_composes_relations_and_finds_moves_and_stages():
    d = diff(tiny("1.0.0"), tiny("2.0.0"), [tiny("1.1.0")])
    assert {a.statement.key for a in d.added} == {"t-money", "t-recruit"}
    assert [g.key for g in d.removed] == ["t-sometimes"]
    [moved] = d.moved
    assert (moved.new.key, moved.old_section, moved.new_section) == (
        "t-review",
        "Knowing the person",
        "Our team",
    )
    [restaged] = d.restaged
    assert (restaged.old_stage, restaged.new_stage) == ("Getting started", "Aiming high")
    relations = {(c.new.key, c.old.key): c.relation for c in d.related}
    assert relations == {
        ("t-safe-skills", "t-safeguarding"): "narrower",
        ("t-safe-person", "t-safeguarding"): "narrower",
        ("t-team-fit", "t-match"): "broader",
    }


def test_a_version_compared_with_itself_has_no_changes():
    d = diff(tiny("2.0.0"), tiny("2.0.0"))
    assert d.is_empty and d.unchanged == 8
    assert as_text(d)[-1] == "No statement changed."


def test_the_command_prints_every_kind_of_change(runner):
    result = runner.invoke(
        args=["checklists", "diff", str(TINY / "1.0.0.yaml"), str(TINY / "2.0.0.yaml")]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("tiny: 1.0.0 -> 2.0.0")
    assert "Added (2):" in out and "+ t-money [Knowing the person, Getting started]" in out
    assert "Removed (1):" in out and "reason (2.0.0): It said “sometimes”" in out
    assert "~ t-review (equal to t-review)" in out
    assert "old: We review what works with each person." in out
    assert "new: We review with each person what is working and what is not." in out
    assert "> t-review (equal to t-review): Knowing the person -> Our team" in out
    assert "^ t-review (equal to t-review): Getting started -> Aiming high" in out
    assert "t-safe-skills (narrower to t-safeguarding)" in out  # through 1.1.0, found beside it


def test_the_command_refuses_two_editions(runner, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text((TINY / "1.0.0.yaml").read_text().replace("key: tiny", "key: other"))
    result = runner.invoke(args=["checklists", "diff", str(other), str(TINY / "2.0.0.yaml")])
    assert result.exit_code == 1 and "edition 'other'" in result.output


def test_the_catalogue_page_shows_the_same_for_any_two_versions(client, world, tiny_loaded):  # noqa: F811
    sign_in(client, world.provider("Reader Care"))
    page = client.get("/checklists/tiny/changes").get_data(as_text=True)  # 1.1.0 -> 2.0.0
    assert "From version 1.1.0 to 2.0.0" in page and "Added (1)" in page
    assert "Removed (1)" in page
    page = client.get("/checklists/tiny/changes?from=1.0.0&to=2.0.0").get_data(as_text=True)
    assert "From version 1.0.0 to 2.0.0" in page
    assert "Removed (1)" in page and str(escape("It said “sometimes”")) in page
    assert "We review what works with each person." in page
    assert "from “Knowing the person” to “Our team”" in page
    assert "from “Getting started” to “Aiming high”" in page
    backwards = client.get("/checklists/tiny/changes?from=2.0.0&to=1.0.0").get_data(as_text=True)
    assert "Choose an earlier version" in backwards
    assert client.get("/checklists/nothing/changes").status_code == 404
    show = client.get("/checklists/tiny/2.0.0").get_data(as_text=True)
    assert "/checklists/tiny/changes?to=2.0.0" in show


def test_the_page_reaches_only_editions_the_organisation_may_use(world, client, network):  # noqa: F811
    member, outsider = world.provider("Member Care"), world.provider("Outside Care")
    world.join(member, network)
    sign_in(client, network)
    assert upload(client, FILE).status_code == 302
    sign_out(client)
    sign_in(client, outsider)
    assert client.get("/checklists/network-homecare/changes").status_code == 404
    sign_out(client)
    sign_in(client, member)
    page = client.get("/checklists/network-homecare/changes")
    assert page.status_code == 200 and "only one version so far" in page.get_data(as_text=True)


def sign_out(client):
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token(page)})
