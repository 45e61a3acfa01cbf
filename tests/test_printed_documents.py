"""Documents of a checklist version through the render queue: the blank checklist, for teams
who rate on paper first, and an association's benchmark briefing for its board."""

from __future__ import annotations

import io
import textwrap

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from p4p.associations import service as associations
from p4p.auth.models import OrganisationKind, Role
from p4p.extensions import db
from p4p.reports import jobs
from p4p.reports.models import RenderJob
from tests import test_publishing
from tests.helpers import csrf_token, sign_in
from tests.test_benchmarks import add_member
from tests.test_publishing import FILE, upload


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def job_rows() -> list[RenderJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(RenderJob).order_by(RenderJob.id)))


def made(client, url: str) -> bytes:
    """The document at `url`: queued (202), made by the worker, then sent (200)."""
    assert client.get(url).status_code == 202
    assert jobs.run_pending_jobs() >= 1
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def sign_out(client) -> None:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token(page)})


# --- the blank checklist ---------------------------------------------------------------------


def test_the_blank_checklist_is_queued_once_for_two_requests_then_sent(world, client, homecare):
    owner = world.provider("Paper Homecare")
    colleague = world.member(owner.organisation, Role.VIEWER)
    other_client = client.application.test_client()
    sign_in(client, owner)
    sign_in(other_client, colleague)
    page = client.get(f"/checklists/homecare/{homecare.version}").get_data(as_text=True)
    url = f"/checklists/homecare/{homecare.version}/blank.pdf"
    assert f'href="{url}"' in page
    waiting = client.get(url)
    assert waiting.status_code == 202
    body = waiting.get_data(as_text=True)
    assert "blank checklist" in body and homecare.title in body and "is being prepared" in body
    assert other_client.get(url).status_code == 202
    (job,) = job_rows()
    assert (job.kind, job.version_id, job.assessment_id, job.organisation_id) == (
        "blank-checklist",
        homecare.id,
        None,
        owner.organisation.id,
    )
    assert jobs.run_pending_jobs() == 1
    first, second = client.get(url), other_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Content-Disposition"].endswith(f'homecare-{homecare.version}-blank.pdf"')


def test_the_blank_checklist_says_how_to_use_it_and_lists_every_statement_in_order(
    world, client, homecare
):
    owner = world.provider("Paper Homecare")
    sign_in(client, owner)
    document = made(client, f"/checklists/homecare/{homecare.version}/blank.pdf")
    text = text_of(document)
    content = homecare.content
    # Tagged, in the checklist's language, like the other documents.
    root = PdfReader(io.BytesIO(document)).trailer["/Root"]
    assert root["/Lang"] == content.language and "/StructTreeRoot" in root
    assert f"Published by {content.publisher}" in text
    assert content.title in text and content.version in text
    assert "How to use this checklist" in text and content.stage_rule in text
    for option in content.scale:
        assert option.label in text and option.description in text
    for stage in content.stages:
        assert stage.label in text
    assert "Who was in the meeting" in text and "Date of the meeting" in text
    assert "Evidence and notes" in text and "Page 2 of" in text
    # Every statement, in the order of the checklist, with a box for each option after it
    # (compared without spaces: a line may break after the hyphen of "easy-to-follow").
    squashed = text.replace(" ", "")
    labels = [option.label.replace(" ", "") for option in content.scale]
    position = 0
    for statement in content.statements():
        found = squashed.find(statement.text.replace(" ", ""), position)
        assert found > position, statement.key
        position = found
        after = squashed[found + len(statement.text.replace(" ", "")) :]
        assert 0 < after.find(labels[0]) < after.find(labels[-1]), statement.key
    may_not_apply = [s for s in content.statements() if s.may_not_apply]
    assert may_not_apply, "homecare has statements that may not apply"
    assert text.count("Does not apply here") >= len(may_not_apply)
    assert "Why it does not apply" in text
    assert may_not_apply[0].evidence[0] in text


# The publishing tests' file, with a middle of the scale, a "started" description and a
# statement that may not apply.
MEMBERS_ONLY = FILE.replace(
    "  - {key: doing",
    "  - {key: started, label: We have started, points: 1}\n  - {key: doing",
).replace(
    "        evidence: [Call monitoring records]\n",
    textwrap.indent(
        textwrap.dedent(
            """\
              started: Most visits start on time.
              evidence: [Call monitoring records]
            - key: nw-night
              text: Night visits are arranged with the person.
              guidance: Night visits follow the person's wishes.
              may-not-apply: true
              evidence: [Rotas]
            """
        ),
        " " * 6,
    ),
)
network = test_publishing.network  # the publishing tests' fixture: a fresh catalogue


def test_a_members_only_edition_prints_with_the_association_s_name_for_members_only(
    world, client, network
):
    member = world.provider("Member Care")
    world.join(member, network)
    outsider = world.provider("Outside Care")
    sign_in(client, network)
    assert upload(client, MEMBERS_ONLY).status_code == 302
    url = "/checklists/network-homecare/1.0.0/blank.pdf"
    assert f'href="{url}"' in client.get("/association/checklists").get_data(as_text=True)
    text = text_of(made(client, url))  # the association's own, made for it
    assert "Published by Care Network" in text and "Network homecare checklist" in text
    assert text.index("Workers arrive when") < text.index("Night visits are arranged")
    for label in ("Not yet", "We have started", "We do this for everyone"):
        assert label in text
    assert "We have started: Most visits start on time." in text
    assert "We do this for everyone: Visits start within the agreed window." in text
    # Only the night visits may not apply: the box and the reason's line are theirs alone.
    on_time, night = text.index("Workers arrive when"), text.index("Night visits are arranged")
    assert "Does not apply here" not in text[on_time:night]
    assert "Does not apply here Why it does not apply" in text[night:]
    sign_out(client)

    sign_in(client, member)  # the file made for the association serves its members too
    assert client.get(url).status_code == 200
    sign_out(client)

    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    assert len(job_rows()) == 1


# --- the benchmark briefing ------------------------------------------------------------------


@pytest.fixture
def association(world):
    return world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)


def test_the_briefing_shows_no_figure_for_fewer_than_five_then_the_page_s_figures(
    world, client, association, homecare
):
    members = [
        add_member(world, association, homecare, f"Hidden Name {i}", 10 + 5 * i) for i in range(4)
    ]
    sign_in(client, association)
    url = f"/association/benchmarks.pdf?version={homecare.id}"
    text = text_of(made(client, url))
    assert "Care Network" in text and "Benchmark briefing" in text
    assert f"{homecare.title}, version {homecare.version}" in text
    assert "A group of fewer than 5 providers is never shown" in text
    assert "Fewer than 5 members that allow benchmarks" in text
    assert "Figures rest on" not in text and "4 members" not in text
    assert "Overall score" not in text and "Most common gaps" not in text

    # Two more allow benchmarks: the next request is a new document, with the figures.
    members.append(add_member(world, association, homecare, "Hidden Name 4", 40))
    members.append(add_member(world, association, homecare, "Hidden Name 5", 45))
    assert client.get(url).status_code == 202
    text = text_of(made(client, url))
    assert "Figures rest on 6 members that allow benchmarks" in text
    assert "Overall score" in text and "Most common gaps" in text
    assert "Statement by statement" in text
    csv = client.get(f"/association/benchmarks.csv?version={homecare.id}").get_data(as_text=True)
    overall = next(line for line in csv.splitlines() if "Overall score" in line)
    median = overall.split("median ")[1].split("%")[0]
    assert f"Overall score {median}%" in text  # the same figure as the CSV's
    for section in homecare.content.sections:
        assert section.title in text
    assert "Hidden Name" not in text and "secret" not in text
    six = client.get(url).headers["ETag"]

    # A member stops allowing benchmarks: at once a new document, on the five left.
    owner, member = members[0]
    associations.set_benchmarks(owner.organisation.id, member.id, False)
    db.session.commit()
    assert client.get(url).status_code == 202
    text = text_of(made(client, url))
    assert "Figures rest on 5 members" in text and "6 members" not in text
    assert client.get(url).headers["ETag"] != six

    # Another: four are left, and the figures vanish (the first document says so again).
    owner, member = members[1]
    associations.set_benchmarks(owner.organisation.id, member.id, False)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200 and response.headers["ETag"] != six
    text = text_of(response.data)
    assert "Fewer than 5 members" in text and "Overall score" not in text


def test_the_briefing_is_one_job_for_two_requests_and_keeps_the_breakdown(
    world, client, association, homecare
):
    for i in range(6):
        add_member(world, association, homecare, f"Member {i}", 10 + i, region="North West")
    colleague = world.member(association.organisation, Role.VIEWER)
    other_client = client.application.test_client()
    sign_in(client, association)
    sign_in(other_client, colleague)
    page = client.get("/association/benchmarks?by=region").get_data(as_text=True)
    url = f"/association/benchmarks.pdf?version={homecare.id}&amp;by=region"
    assert f'href="{url}"' in page
    url = url.replace("&amp;", "&")
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "benchmarks.csv" in waiting.get_data(as_text=True)
    assert other_client.get(url).status_code == 202
    (job,) = job_rows()
    assert (job.kind, job.version_id, job.params) == (
        "benchmark-briefing",
        homecare.id,
        '{"by": "region"}',
    )
    assert jobs.run_pending_jobs() == 1
    first, second = client.get(url), other_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] == second.headers["ETag"]
    text = text_of(first.data)
    # Six in the North West would leave none outside: the breakdown shows no group.
    assert "By region" in text and "No region has enough providers" in text
    assert "1 group is not shown" in text and "North West" not in text
    # Without the breakdown it is another document.
    assert client.get(f"/association/benchmarks.pdf?version={homecare.id}").status_code == 202


def test_a_queued_version_document_of_an_earlier_state_is_dropped_for_its_asker_only(
    world, homecare
):
    from p4p import tenancy
    from p4p.reports.subjects import Subject

    first = world.provider("First Care").organisation.id
    second = world.provider("Second Care").organisation.id

    def queue(organisation_id: int, key: str, params: str = "") -> None:
        subject = Subject("benchmark-briefing", organisation_id, None, homecare.id, params)
        with tenancy.within(tenancy.organisation(organisation_id)):
            jobs.queue(subject, key)
        db.session.commit()

    queue(first, "a" * 64)
    queue(first, "c" * 64, params='{"by": "region"}')
    queue(second, "d" * 64)
    queue(first, "b" * 64)  # the figures changed before the render began
    queue(second, "b" * 64)  # the same document for another organisation is its own job
    assert sorted((j.organisation_id, j.fingerprint[0]) for j in job_rows()) == [
        (first, "b"),
        (first, "c"),
        (second, "b"),
    ]


def test_an_operator_prints_a_blank_checklist_with_the_command(runner, homecare, tmp_path):
    output = tmp_path / "blank.pdf"
    args = ["report", "blank-checklist", "homecare", homecare.version, "-o", str(output)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"Published by {homecare.publisher}" in text_of(output.read_bytes())
    missing = runner.invoke(args=[*args[:3], "9.9.9", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code != 0 and "no version 9.9.9 of the checklist homecare" in missing.output
    assert not (tmp_path / "x.pdf").exists()
