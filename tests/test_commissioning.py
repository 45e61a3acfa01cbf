"""The commissioner's providers table, lenses, pinned statements, comparing and exports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from p4p import tenancy
from p4p.actions import service as actions
from p4p.auth.models import OrganisationKind
from p4p.commissioning import table as providers_table
from p4p.extensions import db
from p4p.sharing.models import ShareView
from tests.helpers import completed_assessment, csrf_token, sign_in, submit

NOTE = "Mrs Bramble told us about her son"
LEAD = "Annabel Leadworthy"
INVOLVEMENT = "Asked Mr Quill's daughter"


def rate_all(scale_key: str, note: str = NOTE):
    return lambda index, _: (scale_key, f"{note} {index}")


def rate_mixed(top_every: int):
    """Every `top_every`th statement at the top, the others part way."""
    return lambda index, _: ("doing" if index % top_every == 0 else "started", f"{NOTE} {index}")


@pytest.fixture
def council(world):
    return world.provider("Northshire Council", kind=OrganisationKind.COMMISSIONER)


@pytest.fixture
def sharing(world, homecare, council):
    """Two providers sharing with the council (one summary, one full), one not sharing."""
    improving = world.provider("Alder Homecare")
    completed_assessment(improving, homecare, "Last year", rate_all("started"), days_ago=200)
    latest = completed_assessment(improving, homecare, "This year", rate_mixed(2), days_ago=10)
    actions.create(
        latest,
        homecare.sections[0].statements[1],
        improving.id,
        what="Write one-page profiles",
        lead=LEAD,
        due_on=date(2020, 1, 31),
        involvement=INVOLVEMENT,
    )
    slipping = world.provider("Birch Care")
    completed_assessment(slipping, homecare, "Old", rate_all("doing"), days_ago=500)
    completed_assessment(slipping, homecare, "Stale", rate_mixed(3), days_ago=400)
    cedar = world.provider("Cedar Homecare")  # shares, never assessed
    hidden = world.provider("Hidden Homecare")
    completed_assessment(hidden, homecare, "Secret", rate_all("doing"), days_ago=5)
    db.session.commit()
    world.share(improving, council, "summary")
    world.share(slipping, council, "full")
    world.share(cedar, council, "summary")
    return improving, slipping, cedar, hidden


def rows(council, **kwargs) -> providers_table.ProviderPage:
    with tenancy.within(tenancy.reach_of(tenancy.Viewer.of(council))):
        return providers_table.provider_rows(council.organisation.id, **kwargs)


def test_the_table_lists_sharing_providers_with_their_figures(sharing, council, homecare):
    improving, slipping, cedar, hidden = sharing
    page = rows(council)
    assert [r.name for r in page.items] == ["Alder Homecare", "Birch Care", "Cedar Homecare"]
    assert page.total == 3 and page.pages == 1
    alder, birch, cedar_row = page.items
    assert alder.scope == "summary" and birch.scope == "full"
    assert alder.checklist_key == "homecare" and alder.version == homecare.version
    assert alder.previous_overall_percent == 50
    assert alder.overall_percent > 50
    assert alder.change_text == f"Up from 50% to {alder.overall_percent}%"
    assert birch.previous_overall_percent == 100
    assert birch.change_text.startswith("Down from 100% to ")
    assert set(alder.section_percents) == {s.key for s in homecare.sections}
    assert alder.open_actions == 1 and alder.overdue_actions == 1
    assert cedar_row.assessment_id is None and cedar_row.change_text == "No assessment yet"


def test_filters_sort_and_search(sharing, council):
    assert [r.name for r in rows(council, overdue_only=True).items] == ["Alder Homecare"]
    assert [r.name for r in rows(council, stale_only=True).items] == [
        "Birch Care",
        "Cedar Homecare",
    ]
    assert [r.name for r in rows(council, search="birch").items] == ["Birch Care"]
    assert [r.name for r in rows(council, search="%").items] == []
    assert [r.name for r in rows(council, edition="managers").items] == []
    by_overall = [r.name for r in rows(council, sort="overall", descending=True).items]
    assert by_overall == ["Alder Homecare", "Birch Care", "Cedar Homecare"]
    ascending = [r.name for r in rows(council, sort="overall").items]
    assert ascending == ["Birch Care", "Alder Homecare", "Cedar Homecare"]  # none last
    by_change = [r.name for r in rows(council, sort="change").items]
    assert by_change[0] == "Birch Care"
    paged = rows(council, per_page=2, page=2)
    assert [r.name for r in paged.items] == ["Cedar Homecare"] and paged.pages == 2


def test_the_page_shows_the_table_and_records_the_views(client, sharing, council):
    improving, slipping, cedar, hidden = sharing
    sign_in(client, council)
    response = client.get("/commissioning/providers?sort=overall&order=desc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Alder Homecare" in html and "Hidden Homecare" not in html
    assert 'aria-sort="descending"' in html
    assert "Up from 50% to" in html
    # Alder shares a summary, Birch in full: the table shows nothing personal of either.
    summary_id, full_id = improving.organisation.id, slipping.organisation.id
    with tenancy.within(tenancy.reach_of(tenancy.Viewer.of(council))):
        assert not tenancy.shows_personal(summary_id)
        assert tenancy.shows_personal(full_id)
    for personal in (NOTE, LEAD, INVOLVEMENT):
        assert personal not in html
    with tenancy.within(tenancy.everything("test: reading the record of views")):
        seen = db.session.scalars(select(ShareView.provider_id)).all()
    assert sorted(seen) == sorted(
        [improving.organisation.id, slipping.organisation.id, cedar.organisation.id]
    )


def test_the_tables_queries_do_not_grow_with_the_number_of_providers(
    world, client, homecare, council, count_queries
):
    def add_providers(count: int, start: int) -> None:
        for n in range(start, start + count):
            owner = world.provider(f"Provider {n:03d}", owner_email=f"owner{n}@many.example")
            completed_assessment(owner, homecare, "One", rate_all("started"), days_ago=300)
            completed_assessment(owner, homecare, "Two", rate_mixed(2), days_ago=3)
            world.share(owner, council, "summary" if n % 2 else "full")

    sign_in(client, council)
    url = "/commissioning/providers?sort=section:before-support-starts&order=desc"
    add_providers(2, 0)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_providers(6, 2)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_lenses_show_stored_scores_with_their_rule_and_basis(client, sharing, council, homecare):
    from p4p.assessments.models import LensResult

    improving = sharing[0]
    with tenancy.within(tenancy.organisation(improving.organisation.id)):
        stored = db.session.scalars(select(LensResult).where(LensResult.scheme == "cqc")).all()
    assert stored and {r.tag for r in stored} <= {
        "safe",
        "effective",
        "caring",
        "responsive",
        "well-led",
    }
    sign_in(client, council)
    html = client.get("/commissioning/providers?lens=cqc&sort=lens:cqc:safe&order=desc").get_data(
        as_text=True
    )
    assert "CQC key questions" in html and "Well-led" in html
    assert "statements tagged with that key question" in html
    caring = sum(
        1 for s in homecare.sections for st in s.statements if "caring" in st.tags.get("cqc", [])
    )
    assert f"({caring})" in html
    assert 'aria-sort="descending"' in html
    for lens in ("making-it-real", "pamms", "section", "nonsense"):
        assert client.get(f"/commissioning/providers?lens={lens}").status_code == 200


def test_exports_carry_the_lens_and_filters_and_are_safe_in_a_spreadsheet(
    world, client, sharing, council, homecare
):
    import csv
    import io

    from openpyxl import load_workbook

    improving, slipping, cedar, hidden = sharing
    for name in ('=HYPERLINK("http://x")', "+1 Care", "-Minus Care", "@At Care"):
        owner = world.provider(name, owner_email=f"owner{len(name)}{name[0] == '='}@inj.example")
        completed_assessment(owner, homecare, "One", rate_all("started"), days_ago=2)
        world.share(owner, council, "full")
    sign_in(client, council)

    response = client.get("/commissioning/providers.csv?lens=cqc&sort=name")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][:3] == ["Provider", "Scope shared", "Edition"]
    assert "Safe %" in lines[0] and "Safe: statements" in lines[0]
    names = [line[0] for line in lines[1:]]
    assert '\'=HYPERLINK("http://x")' in names and "'+1 Care" in names
    assert "'-Minus Care" in names and "'@At Care" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    assert "Hidden Homecare" not in names and len(names) == 7
    for personal in (NOTE, LEAD, INVOLVEMENT):
        assert personal not in text

    filtered = client.get("/commissioning/providers.csv?overdue=1").get_data(as_text=True)
    assert [line[0] for line in csv.reader(io.StringIO(filtered.lstrip("\ufeff")))][1:] == [
        "Alder Homecare"
    ]

    response = client.get("/commissioning/providers.xlsx?lens=pamms&q=I")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Provider" and all(cell.font.bold for cell in sheet[1])
    assert any(h and h.startswith("Quality of management") for h in header)
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://x")' in values  # kept as text, not a formula
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    assert "Alder Homecare" not in values  # the search applied
    everything = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    for personal in (NOTE, LEAD, INVOLVEMENT):
        assert personal not in everything

    with tenancy.within(tenancy.everything("test: reading the record of views")):
        seen = db.session.execute(select(ShareView.provider_id, ShareView.what)).all()
    exported = {p for p, what in seen if what == "Providers table, exported (CSV)"}
    assert len(exported) == 7 and hidden.organisation.id not in exported


def test_a_revoked_provider_leaves_the_table_and_exports_at_once(world, client, sharing, council):
    from p4p.sharing import service as sharing_service

    improving = sharing[0]
    sign_in(client, council)
    assert "Alder Homecare" in client.get("/commissioning/providers").get_data(as_text=True)
    share = sharing_service.active_share(improving.organisation.id, council.organisation.id)
    with tenancy.within(tenancy.organisation(improving.organisation.id)):
        sharing_service.revoke(improving.organisation.id, share.id, tenancy.Viewer.of(improving))
        db.session.commit()
    assert "Alder Homecare" not in client.get("/commissioning/providers").get_data(as_text=True)
    assert "Alder Homecare" not in client.get("/commissioning/providers.csv").get_data(as_text=True)


def test_comparing_providers_side_by_side_never_shows_notes(client, sharing, council, homecare):
    improving, slipping, cedar, hidden = sharing
    sign_in(client, council)
    a, b = improving.organisation.id, slipping.organisation.id
    response = client.get(f"/commissioning/compare?provider={a}&provider={b}&lens=making-it-real")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Alder Homecare" in html and "Birch Care" in html
    assert "Making it Real themes" in html and "Workforce" in html
    first = homecare.sections[0].statements[0]
    assert first.text in html
    labels = {option["label"] for option in homecare.scale}
    assert any(label in html for label in labels)
    assert 'class="rating rating-top"' in html or 'class="rating rating-middle"' in html
    for personal in (NOTE, LEAD, INVOLVEMENT):
        assert personal not in html  # Birch shares in full: notes are still never shown here
    with tenancy.within(tenancy.everything("test: reading the record of views")):
        seen = db.session.execute(select(ShareView.provider_id, ShareView.what)).all()
    assert {p for p, what in seen if what == "Comparison of providers"} == {a, b}


def test_comparing_needs_two_to_six_sharing_providers_with_assessments(
    world, client, sharing, council
):
    from p4p.catalogue.models import Checklist

    improving, slipping, cedar, hidden = sharing
    sign_in(client, council)
    a, c = improving.organisation.id, cedar.organisation.id
    assert client.get(f"/commissioning/compare?provider={a}").status_code == 422
    assert client.get(f"/commissioning/compare?provider={a}&provider={c}").status_code == 422
    hidden_id = hidden.organisation.id
    assert (
        client.get(f"/commissioning/compare?provider={a}&provider={hidden_id}").status_code == 404
    )
    assert client.get(f"/commissioning/compare?provider={a}&provider=99999").status_code == 404
    assert client.get(f"/commissioning/compare?provider={a}&provider=x").status_code == 422
    other = world.provider("Managers Only Care")
    managers = db.session.scalar(select(Checklist).where(Checklist.key == "managers")).versions[-1]
    completed_assessment(other, managers, "M", rate_all("started"), days_ago=1)
    world.share(other, council)
    response = client.get(f"/commissioning/compare?provider={a}&provider={other.organisation.id}")
    assert response.status_code == 422
    assert "different editions" in response.get_data(as_text=True)


def test_providers_on_different_versions_meet_by_statement_key(
    empty_catalogue, world, client, app, council
):
    """A newer version without one statement: that cell says so."""
    from dataclasses import replace

    from p4p.catalogue.content import Removal
    from p4p.catalogue.loading import load_version
    from p4p.catalogue.models import Checklist
    from tests.helpers import parsed_checklists

    world.load_checklists()
    published = dict(parsed_checklists(app.config["CHECKLISTS_DIR"]))["homecare/1.0.0.yaml"]
    first, *others = published.sections
    dropped = first.statements[1]
    newer = replace(
        published,
        version="1.1.0",
        sections=(replace(first, statements=first.statements[:1] + first.statements[2:]), *others),
        removed=(Removal(dropped.key, "Merged into the first statement."),),
        content_hash="1" * 64,
    )
    load_version(newer, "homecare/1.1.0.yaml")
    db.session.commit()
    old_version, new_version = db.session.scalar(
        select(Checklist).where(Checklist.key == "homecare")
    ).versions[:2]  # 1.0.0 and 1.1.0 (2.0.0 sorts after them)
    on_old = world.provider("Old Version Care")
    completed_assessment(on_old, old_version, "Old", rate_all("doing"), days_ago=3)
    on_new = world.provider("New Version Care")
    completed_assessment(on_new, new_version, "New", rate_all("started"), days_ago=3)
    world.share(on_old, council)
    world.share(on_new, council)
    sign_in(client, council)
    ids = f"provider={on_new.organisation.id}&provider={on_old.organisation.id}"
    html = client.get(f"/commissioning/compare?{ids}").get_data(as_text=True)
    assert dropped.text in html
    assert "Not in version 1.1.0" in html
    assert html.count("Not in version") == 1


def test_pinned_statements_are_columns_of_the_table_in_words(
    world, app, client, sharing, council, homecare
):
    from p4p.auth.models import Role
    from p4p.commissioning.models import PinnedStatement

    viewer = world.member(council.organisation, Role.VIEWER)  # any of its people may pin
    sign_in(client, viewer)
    statements = [st for section in homecare.sections for st in section.statements]
    for statement in statements[:10]:
        response = submit(
            client,
            "/commissioning/pins?edition=homecare",
            {"edition": "homecare", "statement": statement.key},
            action="/commissioning/pins",
        )
        assert response.status_code == 302
    html = client.get("/commissioning/pins?edition=homecare").get_data(as_text=True)
    assert "10 of 10 pinned" in html and "Pin the statement" not in html
    token = csrf_token(html)
    eleventh = client.post(
        "/commissioning/pins",
        data={"edition": "homecare", "statement": statements[10].key, "csrf_token": token},
    )
    assert eleventh.status_code == 422
    assert "at most 10 statements" in eleventh.get_data(as_text=True)
    twice = client.post(
        "/commissioning/pins",
        data={"edition": "homecare", "statement": statements[0].key, "csrf_token": token},
    )
    assert twice.status_code == 302  # harmless
    unknown = client.post(
        "/commissioning/pins",
        data={"edition": "homecare", "statement": "no-such-statement", "csrf_token": token},
    )
    assert unknown.status_code == 422

    html = client.get(f"/commissioning/providers?sort=pin:{statements[0].key}&order=desc").get_data(
        as_text=True
    )
    assert "Pinned: " in html
    top_label = homecare.scale[-1]["label"]
    assert f'<span class="rating rating-top">{top_label}</span>' in html
    for personal in (NOTE, LEAD, INVOLVEMENT):
        assert personal not in html
    exported = client.get("/commissioning/providers.csv").get_data(as_text=True)
    assert f"Pinned: {statements[0].text}" in exported

    with tenancy.within(tenancy.everything("test: a pin to remove")):
        first_pin = db.session.scalar(select(PinnedStatement.id).order_by(PinnedStatement.id))
    other = world.provider("Southshire Council", kind=OrganisationKind.COMMISSIONER)
    elsewhere = app.test_client()
    sign_in(elsewhere, other)
    assert "Pinned: " not in elsewhere.get("/commissioning/providers").get_data(as_text=True)
    response = submit(
        elsewhere, "/commissioning/pins", action=f"/commissioning/pins/{first_pin}/remove"
    )
    assert response.status_code == 404
    response = submit(
        client, "/commissioning/pins", action=f"/commissioning/pins/{first_pin}/remove"
    )
    assert response.status_code == 302
    html = client.get("/commissioning/pins?edition=homecare").get_data(as_text=True)
    assert "9 of 10 pinned" in html
