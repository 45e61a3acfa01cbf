"""Every route, for every kind of visitor: who gets in, who is refused, who sees nothing.

Expected outcomes: ok (the page or action works: 2xx, a PDF being prepared (202) included, or
a redirect that is not to sign-in),
login (sent to sign in), 403 (signed in but not allowed), 404 (another organisation's record).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from p4p.assessments.models import Assessment
from p4p.auth import service as accounts
from p4p.auth.models import OrganisationKind, Role
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from tests.helpers import completed_assessment, csrf_token, sign_in

VISITORS = [
    "anonymous",
    "owner",
    "manager",
    "contributor",
    "viewer",
    "other_provider",
    "commissioner",
    "shared_commissioner",
    "association",
    "operator",
]


@dataclass
class Route:
    endpoint: str
    method: str
    url: str
    expect: dict[str, str]
    data: dict | None = None


def outcome_for(**groups: str) -> dict[str, str]:
    """Expand shorthand groups into one outcome per visitor."""
    expand = {
        "team": ["owner", "manager", "contributor", "viewer"],
        "raters": ["owner", "manager", "contributor"],
        "managers": ["owner", "manager"],
        "signed_in": VISITORS[1:],
        "everyone": VISITORS,
    }
    result: dict[str, str] = {}
    for name, value in groups.items():
        for visitor in expand.get(name, [name]):
            result[visitor] = value
    if "commissioner" in groups:
        # A share changes what a commissioner reads, never what it may do to a provider; an
        # association, like a commissioner, may use no provider page.
        if "shared_commissioner" not in groups:
            result["shared_commissioner"] = groups["commissioner"]
        if "association" not in groups:
            result["association"] = groups["commissioner"]
    missing = set(VISITORS) - set(result)
    assert not missing, f"no expectation for {missing}"
    return result


@pytest.fixture
def scene(world, empty_catalogue):
    world.load_checklists()
    version = db.session.scalar(select(Checklist).where(Checklist.key == "homecare")).versions[-1]
    owner = world.provider("Matrix Homecare")
    organisation = owner.organisation
    people = {
        "owner": owner,
        "manager": world.member(organisation, Role.MANAGER),
        "contributor": world.member(organisation, Role.CONTRIBUTOR),
        "viewer": world.member(organisation, Role.VIEWER),
        "other_provider": world.provider("Elsewhere Care"),
        "commissioner": world.provider("Shire Council", kind=OrganisationKind.COMMISSIONER),
        "shared_commissioner": world.provider("Dale Council", kind=OrganisationKind.COMMISSIONER),
    }
    share = world.share(owner, people["shared_commissioner"], "summary")
    people["association"] = world.provider("Care Network", kind=OrganisationKind.ASSOCIATION)
    member = world.join(owner, people["association"])
    from p4p.commissioning.models import PinnedStatement

    pinned = PinnedStatement(
        organisation_id=people["shared_commissioner"].organisation.id,
        checklist_id=version.checklist_id,
        statement_key=version.sections[0].statements[2].key,
        position=1,
    )
    db.session.add(pinned)
    people["operator"] = accounts.create_user(
        "ops@p4p.example", "Operator", "an operator password", is_admin=True
    )
    from tests.helpers import PASSWORD  # noqa: F401 - the password every World user has

    assessment = Assessment(
        organisation=organisation, version=version, title="Draft", created_by=owner
    )
    db.session.add(assessment)
    invitation, token = accounts.invite(organisation, "invitee@matrix.example", Role.VIEWER, owner)
    # The owner signed in on another browser too: only the owner may end that sign-in.
    owners_other_sign_in = accounts.begin_sign_in(owner, remember=False, user_agent="Firefox/1")
    db.session.flush()
    from datetime import date

    from p4p.actions import service as actions

    action = actions.create(
        assessment,
        version.sections[0].statements[1],
        owner.id,
        what="Write profiles",
        lead="Ann",
        due_on=date(2027, 3, 1),
    )
    from p4p.tokens import service as tokens

    owners_token = tokens.create(owner, "Owner's script").token
    db.session.commit()
    # The association's own edition, and a draft of its next version.
    from p4p.associations import drafts
    from p4p.catalogue import publishing
    from tests.test_checklist_drafts import FILE as EDITION_FILE

    network = people["association"].organisation
    edition = publishing.publish_upload(
        network, EDITION_FILE.encode(), "c.yaml", "First.", "members"
    )
    draft = drafts.start_draft(network, edition, people["association"].id)
    db.session.commit()
    d = f"/association/drafts/{draft.id}"
    # Each change the association makes moves the draft's revision on by one; the routes below
    # run in order, so each names the revision the one before it left.
    revisions = (str(n) for n in range(1, 100))
    # A draft is its association's own: everyone else is refused by kind (403), and another
    # association's draft is out of reach (404: test_another_association_sees_nothing_of_a_draft).
    its_own = outcome_for(anonymous="login", signed_in="403", association="ok")
    completed = completed_assessment(
        owner, version, "Matrix spring", lambda i, _: ("started", "a note"), days_ago=10
    )
    p = f"/commissioning/provider/{organisation.id}"
    c = f"{p}/assessments/{completed.id}"
    section = version.sections[0]
    statement = section.statements[0]
    viewer_membership = people["viewer"].membership.id
    other_sign_in = owners_other_sign_in.id
    a = f"/assessments/{assessment.id}"
    rating = {
        f"{statement.key}-scale": "started",
        f"{statement.key}-note": "n",
        f"{statement.key}-revision": "0",
    }
    routes = [
        Route("main.home", "GET", "/", outcome_for(everyone="ok")),
        Route("main.health", "GET", "/healthz", outcome_for(everyone="ok")),
        Route("auth.signup", "GET", "/signup", outcome_for(everyone="ok")),
        Route("auth.signin", "GET", "/signin", outcome_for(everyone="ok")),
        Route("auth.join", "GET", f"/join/{token}", outcome_for(anonymous="ok", signed_in="409")),
        Route(
            "catalogue.index", "GET", "/checklists/", outcome_for(anonymous="login", signed_in="ok")
        ),
        Route(
            "catalogue.show",
            "GET",
            f"/checklists/homecare/{version.version}",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "catalogue.changes",
            "GET",
            "/checklists/homecare/changes",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "team.index",
            "GET",
            "/team/",
            outcome_for(anonymous="login", signed_in="ok", operator="403"),
        ),
        Route(
            "team.invite",
            "POST",
            "/team/invitations",
            outcome_for(
                anonymous="login",
                signed_in="403",
                owner="ok",
                other_provider="ok",
                commissioner="ok",
            ),
            {"email": "someone.new@matrix.example", "role": "viewer"},
        ),
        Route(
            "team.revoke",
            "POST",
            f"/team/invitations/{invitation.id}/revoke",
            outcome_for(
                anonymous="login",
                signed_in="403",
                owner="ok",
                other_provider="404",
                commissioner="404",
            ),
        ),
        Route(
            "team.change_role",
            "POST",
            f"/team/members/{viewer_membership}/role",
            outcome_for(
                anonymous="login",
                signed_in="403",
                owner="ok",
                other_provider="404",
                commissioner="404",
            ),
            {"role": "viewer"},
        ),
        Route(
            "assessments.index",
            "GET",
            "/assessments/",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="ok",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "assessments.new",
            "GET",
            "/assessments/new",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="ok"),
        ),
        Route(
            "assessments.show",
            "GET",
            a,
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "assessments.section",
            "GET",
            f"{a}/sections/{section.key}",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "assessments.result",
            "GET",
            f"{a}/result",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "assessments.save_section",
            "POST",
            f"{a}/sections/{section.key}",
            outcome_for(anonymous="login", signed_in="403", raters="ok", other_provider="404"),
            rating,
        ),
        Route(
            "assessments.confirm_carried_over",
            "POST",
            f"{a}/sections/{section.key}/confirm-carried-over",
            outcome_for(anonymous="login", signed_in="403", raters="ok", other_provider="404"),
            None,
        ),
        Route(
            "assessments.save_statement",
            "POST",
            f"{a}/statements/{statement.key}",
            outcome_for(anonymous="login", signed_in="403", raters="ok", other_provider="404"),
            rating,
        ),
        Route(
            "assessments.complete",
            "GET",
            f"{a}/complete",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
        ),
        Route(
            "assessments.complete",
            "POST",
            f"{a}/complete",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
        ),
        Route(
            "actions.index",
            "GET",
            "/actions/",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="ok",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "actions.show",
            "GET",
            f"/actions/{action.id}",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "actions.new",
            "GET",
            f"{a}/statements/{statement.key}/actions/new",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
        ),
        Route(
            "actions.new",
            "POST",
            f"{a}/statements/{statement.key}/actions/new",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
            {"what": "Meet families", "lead": "Bo", "due_on": "2027-01-31"},
        ),
        Route(
            "actions.update",
            "POST",
            f"/actions/{action.id}",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
            {
                "what": "Write profiles",
                "lead": "Ann",
                "due_on": "2027-03-01",
                "status": "in-progress",
            },
        ),
        Route(
            "progress.index",
            "GET",
            "/progress/",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="ok",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "progress.edition",
            "GET",
            "/progress/homecare",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="ok",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "progress.compare",
            "GET",
            "/progress/homecare/compare",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="ok",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "reports.action_plan",
            "GET",
            f"{a}/action-plan.pdf",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "reports.assessment_report",
            "GET",
            f"{a}/report.pdf",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "reports.actions_csv",
            "GET",
            f"{a}/actions.csv",
            outcome_for(
                anonymous="login",
                team="ok",
                other_provider="404",
                commissioner="403",
                operator="403",
            ),
        ),
        Route(
            "admin.index",
            "GET",
            "/admin/",
            outcome_for(anonymous="login", signed_in="403", operator="ok"),
        ),
        Route(
            "auth.sign_ins",
            "GET",
            "/account/sign-ins",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "auth.end_sign_in",
            "POST",
            f"/account/sign-ins/{other_sign_in}/end",
            outcome_for(anonymous="login", signed_in="404", owner="ok"),
        ),
        Route(
            "auth.end_other_sign_ins",
            "POST",
            "/account/sign-ins/end-others",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "sharing.index",
            "GET",
            "/sharing/",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="ok"),
        ),
        Route(
            "sharing.check",
            "POST",
            "/sharing/check",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="ok"),
            data={"code": "not a code"},
        ),
        Route(
            "sharing.create",
            "POST",
            "/sharing/",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="ok"),
            data={"code": "not a code", "scope": "summary"},
        ),
        Route(
            "sharing.change_scope",
            "POST",
            f"/sharing/{share.id}/scope",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="404"),
            data={"scope": "summary"},
        ),
        Route(
            "commissioning.index",
            "GET",
            "/commissioning/",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.code",
            "GET",
            "/commissioning/code",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.providers",
            "GET",
            "/commissioning/providers?lens=cqc&sort=overall&order=desc&overdue=1",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.providers_csv",
            "GET",
            "/commissioning/providers.csv?lens=pamms",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.providers_xlsx",
            "GET",
            "/commissioning/providers.xlsx?stale=1",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.compare",
            "GET",
            f"/commissioning/compare?provider={organisation.id}",
            outcome_for(
                anonymous="login",
                signed_in="403",
                commissioner="404",
                shared_commissioner="ok",
                association="403",
            ),
        ),
        Route(
            "commissioning.pins_index",
            "GET",
            "/commissioning/pins?edition=homecare",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "commissioning.pin",
            "POST",
            "/commissioning/pins",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
            {"edition": "homecare", "statement": statement.key},
        ),
        Route(
            "commissioning.unpin",
            "POST",
            f"/commissioning/pins/{pinned.id}/remove",
            outcome_for(
                anonymous="login",
                signed_in="403",
                commissioner="404",
                shared_commissioner="ok",
                association="403",
            ),
        ),
        Route(
            "commissioning.replace_code",
            "POST",
            "/commissioning/code/replace",
            outcome_for(anonymous="login", signed_in="403", commissioner="ok", association="403"),
        ),
        Route(
            "memberships.index",
            "GET",
            "/memberships/",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="ok"),
        ),
        Route(
            "memberships.check",
            "POST",
            "/memberships/check",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="ok"),
            data={"code": "not a code"},
        ),
        Route(
            "memberships.join",
            "POST",
            "/memberships/",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="ok"),
            data={"code": "not a code"},
        ),
        Route(
            "memberships.benchmarks",
            "POST",
            f"/memberships/{member.id}/benchmarks",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="404"),
            data={"allowed": "yes"},
        ),
        Route(
            "association.index",
            "GET",
            "/association/",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            "association.members",
            "GET",
            "/association/members",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            "association.benchmark_page",
            "GET",
            "/association/benchmarks",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            # No member allows benchmarks yet: there is no version to export.
            "association.benchmark_csv",
            "GET",
            "/association/benchmarks.csv",
            outcome_for(anonymous="login", signed_in="403", association="404"),
        ),
        Route(
            "memberships.profile",
            "POST",
            "/memberships/profile",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="ok"),
            data={"region": "London", "size_band": ""},
        ),
        Route(
            "memberships.standing",
            "GET",
            f"/memberships/{member.id}/standing",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
        ),
        Route(
            # As the CSV: no member allows benchmarks yet, so there is no version to brief on.
            "association.benchmark_pdf",
            "GET",
            "/association/benchmarks.pdf",
            outcome_for(anonymous="login", signed_in="403", association="404"),
        ),
        Route(
            # Queued for the asking organisation: an operator, of none, is refused.
            "catalogue.blank_pdf",
            "GET",
            f"/checklists/homecare/{version.version}/blank.pdf",
            outcome_for(anonymous="login", signed_in="ok", operator="403"),
        ),
        Route(
            "association.checklists",
            "GET",
            "/association/checklists",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            "association.upload",
            "POST",
            "/association/checklists",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
            data={"summary": "no file"},
        ),
        Route(
            "drafts.start",
            "POST",
            "/association/drafts/",
            its_own,
            {"edition": str(edition.checklist_id)},
        ),
        Route(
            # p4p's homecare (CC-BY-4.0) may be adapted; the start page is the association's.
            "drafts.adapt",
            "GET",
            f"/association/drafts/adapt/{version.id}",
            its_own,
        ),
        Route(
            "drafts.adapt",
            "POST",
            f"/association/drafts/adapt/{version.id}",
            its_own,
            {"key": "homecare-care-network", "title": "Homecare (Care Network)"},
        ),
        Route(
            "drafts.show",
            "GET",
            d,
            its_own,
        ),
        Route(
            "drafts.save_details",
            "POST",
            d,
            its_own,
            {"revision": next(revisions), "title": "Visits", "summary": "Ours."},
        ),
        Route(
            "drafts.section",
            "GET",
            f"{d}/sections/visits",
            its_own,
        ),
        Route(
            "drafts.save_section",
            "POST",
            f"{d}/sections/visits",
            its_own,
            {"revision": next(revisions), "title": "Visits", "summary": ""},
        ),
        Route(
            "drafts.add_section",
            "POST",
            f"{d}/sections",
            its_own,
            {"revision": next(revisions), "section_title": "Extra"},
        ),
        Route(
            "drafts.move_section",
            "POST",
            f"{d}/sections/extra/move",
            its_own,
            {"revision": next(revisions), "direction": "up"},
        ),
        Route(
            "drafts.statement",
            "GET",
            f"{d}/statements/nw-on-time",
            its_own,
        ),
        Route(
            "drafts.save_statement",
            "POST",
            f"{d}/statements/nw-on-time",
            its_own,
            {
                "revision": next(revisions),
                "text": "Workers arrive on time.",
                "stage": "getting-started",
                "guidance": "Within the window.",
                "evidence": "Call records",
                "relation": "equal",
                "origin": "nw-on-time",
            },
        ),
        Route(
            "drafts.add_statement",
            "POST",
            f"{d}/sections/visits/statements",
            its_own,
            {"revision": next(revisions), "text": "Told when late.", "key": ""},
        ),
        Route(
            "drafts.move_statement",
            "POST",
            f"{d}/statements/nw-same-faces/move",
            its_own,
            {"revision": next(revisions), "direction": "up"},
        ),
        Route(
            "drafts.remove_statement",
            "GET",
            f"{d}/statements/nw-same-faces/remove",
            its_own,
        ),
        Route(
            "drafts.remove_statement",
            "POST",
            f"{d}/statements/nw-same-faces/remove",
            its_own,
            {"revision": next(revisions), "reason": "Not ours to judge."},
        ),
        Route(
            "drafts.remove_section",
            "GET",
            f"{d}/sections/extra/remove",
            its_own,
        ),
        Route(
            "drafts.remove_section",
            "POST",
            f"{d}/sections/extra/remove",
            its_own,
            {"revision": next(revisions), "reason": ""},
        ),
        Route(
            "drafts.preview",
            "GET",
            f"{d}/preview",
            its_own,
        ),
        Route(
            "drafts.preview_section",
            "GET",
            f"{d}/preview/sections/visits",
            its_own,
        ),
        Route(
            "drafts.changes",
            "GET",
            f"{d}/changes",
            its_own,
        ),
        Route(
            "drafts.publish",
            "GET",
            f"{d}/publish",
            its_own,
        ),
        Route(
            # A wrong number (the change is major): refused beside the field, nothing published.
            "drafts.publish",
            "POST",
            f"{d}/publish",
            its_own,
            {"revision": "10", "version": "1.0.1", "summary": "Changes.", "audience": "members"},
        ),
        Route(
            "drafts.discard",
            "GET",
            f"{d}/discard",
            its_own,
        ),
        Route(
            "drafts.discard",
            "POST",
            f"{d}/discard",
            its_own,
            {"revision": "10"},
        ),
        Route(
            "catalogue.download",
            "GET",
            f"/checklists/homecare/{version.version}/checklist.yaml",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "association.replace_code",
            "POST",
            "/association/code/replace",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            "association.remove",
            "POST",
            f"/association/members/{member.id}/remove",
            outcome_for(anonymous="login", signed_in="403", association="ok"),
        ),
        Route(
            "tokens.index",
            "GET",
            "/account/api-tokens/",
            outcome_for(anonymous="login", signed_in="ok"),
        ),
        Route(
            "tokens.create",
            "POST",
            "/account/api-tokens/",
            outcome_for(anonymous="login", signed_in="ok"),
            {"name": "Matrix token", "expires": "90"},
        ),
        Route(
            "tokens.revoke",
            "POST",
            f"/account/api-tokens/{owners_token.id}/revoke",
            outcome_for(anonymous="login", signed_in="404", owner="ok"),
        ),
        # The JSON API reads a bearer token, never the session: without a token, everyone is
        # 401, signed in or not (what each token may read: test_api_token_matrix).
        Route("api.openapi_document", "GET", "/api/v1/openapi.json", outcome_for(everyone="ok")),
        Route("api.providers", "GET", "/api/v1/providers", outcome_for(everyone="401")),
        Route(
            "api.provider_assessments",
            "GET",
            f"/api/v1/providers/{organisation.id}/assessments",
            outcome_for(everyone="401"),
        ),
        Route(
            "api.assessment",
            "GET",
            f"/api/v1/assessments/{assessment.id}",
            outcome_for(everyone="401"),
        ),
        *[
            Route(
                endpoint,
                "GET",
                url,
                outcome_for(
                    anonymous="login",
                    signed_in="403",
                    commissioner="404",
                    shared_commissioner="ok",
                    association="403",
                ),
            )
            for endpoint, url in (
                ("shared.index", f"{p}/"),
                ("shared.assessment", c),
                ("shared.progress_edition", f"{p}/progress/homecare"),
                ("shared.action_list", f"{p}/actions"),
                ("shared.action_plan", f"{c}/action-plan.pdf"),
                ("shared.assessment_report", f"{c}/report.pdf"),
            )
        ],
        # Destructive routes last.
        Route(
            "memberships.leave",
            "POST",
            f"/memberships/{member.id}/leave",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="404"),
        ),
        Route(
            "sharing.revoke",
            "POST",
            f"/sharing/{share.id}/revoke",
            outcome_for(anonymous="login", signed_in="403", owner="ok", other_provider="404"),
        ),
        Route(
            "team.remove",
            "POST",
            f"/team/members/{viewer_membership}/remove",
            outcome_for(
                anonymous="login",
                signed_in="403",
                owner="ok",
                other_provider="404",
                commissioner="404",
            ),
        ),
        Route(
            "assessments.delete",
            "POST",
            f"{a}/delete",
            outcome_for(anonymous="login", signed_in="403", managers="ok", other_provider="404"),
        ),
        Route("auth.signout", "POST", "/signout", outcome_for(anonymous="login", signed_in="ok")),
    ]
    return people, routes


def judge(response) -> str:
    if response.status_code in (302, 303):
        return "login" if response.headers["Location"].startswith("/signin") else "ok"
    if response.status_code in (200, 201, 202, 422):
        return "ok"
    return str(response.status_code)


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(client, scene, visitor):
    people, routes = scene
    if visitor == "operator":
        response = client.get("/signin")
        client.post(
            "/signin",
            data={
                "email": "ops@p4p.example",
                "password": "an operator password",
                "csrf_token": csrf_token(response.get_data(as_text=True)),
            },
        )
    elif visitor != "anonymous":
        sign_in(client, people[visitor])
    token = (
        csrf_token(client.get("/signin").get_data(as_text=True))
        if visitor == "anonymous"
        else csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
    )
    wrong = []
    for route in routes:
        if route.method == "GET":
            response = client.get(route.url)
        else:
            response = client.post(route.url, data={"csrf_token": token, **(route.data or {})})
        got, expected = judge(response), route.expect[visitor]
        if got != expected:
            wrong.append(
                f"{route.method} {route.url}: expected {expected}, got {got} "
                f"({response.status_code})"
            )
    assert not wrong, "\n".join(wrong)


def test_matrix_covers_every_endpoint(app, scene):
    _, routes = scene
    covered = {route.endpoint for route in routes}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - covered == set()


def test_every_view_declares_an_access_rule(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access_rule")
    ]
    assert undeclared == []


@pytest.mark.own_app
def test_a_view_without_a_rule_is_refused(app, client):
    from flask import Blueprint

    from p4p import access

    bp = access.protect(Blueprint("forgotten", __name__))

    @bp.get("/forgotten")
    def forgotten():
        return "should never be served"

    app.register_blueprint(bp)
    assert client.get("/forgotten").status_code == 403


def test_api_token_matrix(client, scene, homecare):
    """Every API endpoint, for a token of every kind of visitor (and none, and a revoked one):
    200, 401, 403 (wrong kind of organisation for the endpoint) or 404 (out of reach)."""
    from p4p.tokens import service as tokens
    from tests.helpers import completed_assessment

    people, _ = scene
    matrix = people["owner"].organisation.id
    completed = completed_assessment(
        people["owner"], homecare, "Completed", lambda i, s: ("doing", "note")
    )
    draft = db.session.scalar(select(Assessment).where(Assessment.status == "draft"))
    secrets = {name: tokens.create(user, "matrix").secret for name, user in people.items()}
    revoked = tokens.create(people["commissioner"], "revoked")
    tokens.revoke(people["commissioner"].id, revoked.token.id)
    secrets["revoked token"] = revoked.secret
    secrets["no token"] = None
    db.session.commit()

    team = {"owner", "manager", "contributor", "viewer"}
    nobody = {"no token": "401", "revoked token": "401"}

    def expect(team_: str, other: str, commissioner: str, shared: str) -> dict[str, str]:
        return {
            **{name: team_ for name in team},
            "other_provider": other,
            "commissioner": commissioner,
            "shared_commissioner": shared,
            "association": "403",  # API_READ: providers and commissioners only
            "operator": "403",  # in no organisation: reaches nothing
            **nobody,
        }

    endpoints = {
        "/api/v1/openapi.json": {name: "200" for name in secrets},
        "/api/v1/providers": expect("403", "403", "200", "200"),
        f"/api/v1/providers/{matrix}/assessments": expect("200", "404", "404", "200"),
        f"/api/v1/assessments/{completed.id}": expect("200", "404", "404", "200"),
        f"/api/v1/assessments/{draft.id}": expect("404", "404", "404", "404"),
        "/api/v1/assessments/99999": expect("404", "404", "404", "404"),
    }
    wrong = []
    for url, expected in endpoints.items():
        assert set(expected) == set(secrets), url
        for name, secret in secrets.items():
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            response = client.get(url, headers=headers)
            assert response.mimetype == "application/json"
            if str(response.status_code) != expected[name]:
                wrong.append(
                    f"{name} GET {url}: expected {expected[name]}, got {response.status_code}"
                )
    assert not wrong, "\n".join(wrong)
