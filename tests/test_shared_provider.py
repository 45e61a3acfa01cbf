"""A commissioner opens one sharing provider: overview, completed assessments, progress,
actions and PDFs, within the share's scope; revoking ends it at once; every look recorded."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from p4p import tenancy
from p4p.actions import service as actions
from p4p.actions.models import ActionStatus
from p4p.assessments.models import Assessment
from p4p.auth.models import OrganisationKind
from p4p.extensions import db
from p4p.reports.jobs import run_pending_jobs
from p4p.reports.models import RenderJob
from p4p.sharing import service as sharing
from p4p.sharing.models import Scope, ShareView
from p4p.tenancy import Viewer
from tests.helpers import completed_assessment, csrf_token, download_pdf, sign_in

NOTE = "Mrs Baker likes her tea at seven"
LEAD = "Annie Leadbetter"
INVOLVEMENT = "Ask Mr Jones's daughter Priya"
DONE_LEAD = "Bob Finisher"
OWNER_NAME = "Owner of Sunrise Homecare"  # who completed the assessments: never shown
PERSONAL = (NOTE, LEAD, INVOLVEMENT, DONE_LEAD)


@pytest.fixture
def council(world):
    return world.provider("Northshire Council", kind=OrganisationKind.COMMISSIONER)


@pytest.fixture
def provider(world, homecare):
    """A provider with two completed assessments (a note on every rating), an action done in
    between, an open action with a lead and involvement, and a draft."""
    owner = world.provider("Sunrise Homecare")
    first = completed_assessment(
        owner, homecare, "Spring review", lambda i, _: ("started", NOTE), days_ago=200
    )
    statements = [s for section in homecare.sections for s in section.statements]
    done = actions.create(
        first,
        statements[0],
        owner.id,
        what="Start profiles",
        lead=DONE_LEAD,
        due_on=date.today() - timedelta(days=150),
    )
    actions.update(
        done,
        owner.id,
        what=done.what,
        lead=done.lead,
        due_on=done.due_on,
        involvement="",
        status=ActionStatus.DONE,
        completed_on=date.today() - timedelta(days=120),
    )
    db.session.commit()
    second = completed_assessment(
        owner,
        homecare,
        "Autumn review",
        lambda i, _: ("doing" if i % 2 else "started", NOTE),
        days_ago=20,
    )
    actions.create(
        second,
        statements[1],
        owner.id,
        what="Write one-page profiles",
        lead=LEAD,
        due_on=date.today() - timedelta(days=3),
        involvement=INVOLVEMENT,
    )
    draft = Assessment(
        organisation_id=owner.organisation.id,
        version=homecare,
        title="Winter draft",
        created_by=owner,
    )
    db.session.add(draft)
    db.session.commit()
    return owner, first, second, draft


def pages(provider_id: int, assessment_id: int) -> dict[str, str]:
    base = f"/commissioning/provider/{provider_id}"
    return {
        "overview": f"{base}/",
        "assessment": f"{base}/assessments/{assessment_id}",
        "progress": f"{base}/progress/homecare",
        "actions": f"{base}/actions",
    }


def pdf_urls(provider_id: int, assessment_id: int) -> dict[str, str]:
    base = f"/commissioning/provider/{provider_id}/assessments/{assessment_id}"
    return {"action-plan": f"{base}/action-plan.pdf", "report": f"{base}/report.pdf"}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_summary_scope_pages_show_results_without_notes_or_names(world, client, council, provider):
    owner, first, second, _ = provider
    world.share(owner, council, "summary")
    sign_in(client, council)
    urls = pages(owner.organisation.id, second.id)
    seen = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        seen[name] = response.get_data(as_text=True)
        for secret in (*PERSONAL, OWNER_NAME):
            assert secret not in seen[name], (name, secret)
        assert "summary" in seen[name]
    assert "Spring review" in seen["overview"] and "Winter draft" not in seen["overview"]
    assert "1 overdue" in seen["overview"]
    # Ratings and scores are shared; notes are not.
    assert ">Evidence note<" not in seen["assessment"]
    assert homecare_statement_text(second) in seen["assessment"]
    assert "Improvement actions completed in between (1)" in seen["progress"]
    assert "Start profiles" in seen["progress"]
    assert "Write one-page profiles" in seen["actions"] and "Overdue" in seen["actions"]
    assert '<th scope="col">Lead</th>' not in seen["actions"]


def homecare_statement_text(assessment: Assessment) -> str:
    return assessment.version.sections[0].statements[0].text


def test_full_scope_pages_show_notes_and_leads_but_never_staff_names(
    world, client, council, provider
):
    owner, first, second, _ = provider
    world.share(owner, council, "full")
    sign_in(client, council)
    urls = pages(owner.organisation.id, second.id)
    seen = {name: client.get(url).get_data(as_text=True) for name, url in urls.items()}
    assert NOTE in seen["assessment"]
    assert LEAD in seen["actions"] and INVOLVEMENT.replace("'", "&#39;") in seen["actions"]
    assert DONE_LEAD in seen["progress"]
    assert all(OWNER_NAME not in page for page in seen.values())


@pytest.mark.parametrize("scope", ["summary", "full"])
def test_pdfs_follow_the_scope(world, client, council, provider, scope):
    owner, first, second, _ = provider
    world.share(owner, council, scope)
    sign_in(client, council)
    for kind, url in pdf_urls(owner.organisation.id, second.id).items():
        response = download_pdf(client, url)
        text = pdf_text(response.data)
        assert "Sunrise Homecare" in text and "Autumn review" in text
        assert OWNER_NAME not in text
        assert "/assessments/" not in text  # no link to the provider's own CSV
        if scope == "summary":
            for secret in PERSONAL:
                assert secret not in text, (kind, secret)
            assert "Shared in the summary scope" in text
        else:
            assert LEAD in text, kind
            assert "Shared in the summary scope" not in text
            if kind == "report":
                assert NOTE in text and DONE_LEAD in text


def test_a_full_scope_pdf_is_never_served_to_a_summary_viewer(world, client, council, provider):
    owner, _, second, _ = provider
    share = world.share(owner, council, "full")
    url = pdf_urls(owner.organisation.id, second.id)["report"]
    sign_in(client, council)
    assert NOTE in pdf_text(download_pdf(client, url).data)
    sharing.change_scope(owner.organisation.id, share.id, Scope.SUMMARY)
    db.session.commit()
    # Same assessment, same day, same data: only the scope changed, and with it the key.
    first = client.get(url)
    assert first.status_code == 202
    assert NOTE not in pdf_text(download_pdf(client, url).data)
    # The provider's own report (own audience) is another document again, with its notes.
    client.post("/signout", data={"csrf_token": _token(client)})
    sign_in(client, owner)
    own = download_pdf(client, f"/assessments/{second.id}/report.pdf")
    assert NOTE in pdf_text(own.data)


def _token(client) -> str:
    return csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))


def test_a_commissioners_render_job_is_its_own_and_rendered_within_the_share(
    world, client, council, provider
):
    owner, _, second, _ = provider
    share = world.share(owner, council, "summary")
    sign_in(client, council)
    url = pdf_urls(owner.organisation.id, second.id)["action-plan"]
    assert client.get(url).status_code == 202
    [job] = db.session.scalars(select(RenderJob)).all()
    assert (job.organisation_id, job.assessment_id) == (council.organisation.id, second.id)
    # The provider's reach does not see the commissioner's job, nor the other way round.
    with tenancy.within(tenancy.reach_of(Viewer.of(owner))):
        assert db.session.scalars(select(RenderJob)).all() == []
    # Revoked before the worker runs: the worker, with the commissioner's reach, cannot read it.
    sharing.revoke(owner.organisation.id, share.id, Viewer.of(owner))
    db.session.commit()
    assert run_pending_jobs() == 1
    db.session.expire_all()
    job = db.session.get(RenderJob, job.id)
    assert job.status == "failed"
    assert client.get(url).status_code == 404


def test_revoking_ends_access_at_once(world, client, council, provider):
    owner, _, second, _ = provider
    share = world.share(owner, council, "full")
    sign_in(client, council)
    urls = [*pages(owner.organisation.id, second.id).values()]
    urls += [*pdf_urls(owner.organisation.id, second.id).values()]
    assert all(client.get(url).status_code in (200, 202) for url in urls)
    sharing.revoke(owner.organisation.id, share.id, Viewer.of(owner))
    db.session.commit()
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_drafts_other_providers_and_unshared_ids_are_404(world, client, council, provider):
    owner, first, second, draft = provider
    world.share(owner, council, "full")
    other = world.provider("Elsewhere Care")
    elsewhere = completed_assessment(
        other, second.version, "Theirs", lambda i, _: ("started", "x"), days_ago=1
    )
    sign_in(client, council)
    base = f"/commissioning/provider/{owner.organisation.id}"
    assert client.get(f"{base}/assessments/{draft.id}").status_code == 404
    assert client.get(f"{base}/assessments/{draft.id}/report.pdf").status_code == 404
    assert client.get(f"{base}/assessments/{elsewhere.id}").status_code == 404
    assert client.get(f"{base}/progress/managers").status_code == 404
    assert client.get(f"{base}/progress/nonsense").status_code == 404
    for url in pages(other.organisation.id, elsewhere.id).values():
        assert client.get(url).status_code == 404
    # Through the other provider's URL, this provider's assessment is 404 too.
    wrong = f"/commissioning/provider/{other.organisation.id}/assessments/{second.id}"
    assert client.get(wrong).status_code == 404
    assert client.get(f"/commissioning/provider/{council.organisation.id}/").status_code == 404


def test_a_provider_is_refused(world, client, council, provider):
    owner, _, second, _ = provider
    world.share(owner, council, "full")
    sign_in(client, owner)
    for url in pages(owner.organisation.id, second.id).values():
        assert client.get(url).status_code == 403


def test_every_look_is_recorded_for_the_provider(world, client, council, provider):
    owner, _, second, _ = provider
    world.share(owner, council, "summary")
    sign_in(client, council)
    for url in pages(owner.organisation.id, second.id).values():
        client.get(url)
    url = pdf_urls(owner.organisation.id, second.id)["action-plan"]
    first = client.get(url)
    assert first.status_code == 202  # being prepared: not a look yet
    response = download_pdf(client, url)
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    rows = db.session.scalars(select(ShareView).order_by(ShareView.id)).all()
    assert [row.what for row in rows] == [
        "Overview",
        "Assessment “Autumn review”",
        f"Progress: {second.version.checklist.title}",
        "Improvement actions",
        "Action plan PDF of “Autumn review”",
    ]
    assert {(r.provider_id, r.commissioner_id, r.viewer_name) for r in rows} == {
        (owner.organisation.id, council.organisation.id, council.name)
    }
    # The provider sees them on its sharing page.
    client.post("/signout", data={"csrf_token": _token(client)})
    sign_in(client, owner)
    page = client.get("/sharing/").get_data(as_text=True)
    assert "Action plan PDF of “Autumn review”" in page


def test_a_statement_that_does_not_apply_shows_so_with_its_reason(
    world, client, council, provider, homecare
):
    """In every commissioner view: the assessment, the comparison grid and pinned columns."""
    from p4p.assessments.models import Rating

    owner, _, second, _ = provider
    statement = next(
        s for section in homecare.sections for s in section.statements if s.may_not_apply
    )
    rating = db.session.scalar(
        select(Rating).where(Rating.assessment_id == second.id, Rating.statement_id == statement.id)
    )
    reason = "The council does not commission individual service funds here"
    rating.scale_key, rating.not_applicable_reason = None, reason
    other = world.provider("Other Homecare")
    completed_assessment(other, homecare, "Other", lambda i, _: ("doing", ""), days_ago=5)
    world.share(owner, council, "summary")
    world.share(other, council, "summary")
    db.session.commit()
    sign_in(client, council)
    provider_id = owner.organisation.id
    page = client.get(f"/commissioning/provider/{provider_id}/assessments/{second.id}")
    assert page.status_code == 200
    assert "Does not apply here" in page.get_data(as_text=True)
    assert reason in page.get_data(as_text=True)
    ids = f"provider={provider_id}&provider={other.organisation.id}"
    grid = client.get(f"/commissioning/compare?{ids}").get_data(as_text=True)
    assert f"Does not apply here: {reason}" in grid
