"""The read-only JSON API: tokens as credentials, reach per request, scopes, errors, and every
answer checked against the OpenAPI document it serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from p4p.actions import service as actions
from p4p.assessments.models import Assessment
from p4p.auth.models import Membership, OrganisationKind, Role, User
from p4p.extensions import db
from p4p.sharing import service as sharing
from p4p.sharing.models import ShareView
from p4p.tenancy import Viewer
from p4p.timeutil import utcnow
from p4p.tokens import service as tokens
from p4p.tokens.models import ApiToken
from tests.helpers import completed_assessment, sign_in

# --- checking answers against the document ------------------------------------------------


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def conforms(spec: dict, path: str, status: int, response) -> dict:
    """The response's body, after checking it against the schema the document gives for this
    path (as templated there) and status."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    body = response.get_json()
    answers = spec["paths"][path]["get"]["responses"]
    assert str(status) in answers, f"{path} does not document {status}"
    schema = answers[str(status)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": spec["components"]}, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return body


def error_conforms(spec: dict, response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    body = response.get_json()
    Draft202012Validator(schema).validate(body)
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body


# --- the scene ----------------------------------------------------------------------------

NOTE = "NOTE-Mrs-Jones-at-number-12"
LEAD = "LEAD-Priya-Shah"
INVOLVEMENT = "INVOLVEMENT-Mr-Brown"


@dataclass
class Scene:
    summary_owner: User  # shares in the summary scope
    full_owner: User  # shares in the full scope
    loner: User  # shares with nobody
    commissioner: User
    bystander: User  # a commissioner nobody shares with
    summary_assessment: Assessment
    full_assessment: Assessment
    loner_assessment: Assessment
    draft: Assessment


def token_for(user: User, name: str = "test") -> str:
    secret = tokens.create(user, name).secret
    db.session.commit()
    return secret


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def rate(index, statement):
    return ("doing" if index % 3 else "started", f"{NOTE} ({statement.key})")


@pytest.fixture
def scene(world, homecare) -> Scene:
    summary_owner = world.provider("Alder Homecare")
    full_owner = world.provider("Birch Homecare")
    loner = world.provider("Cedar Homecare")
    commissioner = world.provider("Northshire Council", kind=OrganisationKind.COMMISSIONER)
    bystander = world.provider("Southshire Council", kind=OrganisationKind.COMMISSIONER)
    world.share(summary_owner, commissioner, "summary")
    world.share(full_owner, commissioner, "full")
    made = {}
    for owner in (summary_owner, full_owner, loner):
        completed_assessment(owner, homecare, "Spring review", rate, days_ago=200)
        latest = completed_assessment(owner, homecare, "Autumn review", rate, days_ago=10)
        statement = homecare.sections[0].statements[0]
        actions.create(
            latest,
            homecare.content.statement(statement.key),
            owner.id,
            what="Write one-page profiles",
            lead=LEAD,
            due_on=date.today() - timedelta(days=3),
            involvement=INVOLVEMENT,
        )
        made[owner.id] = latest
    draft = Assessment(
        organisation_id=full_owner.organisation.id,
        version=homecare,
        title="Draft in progress",
        created_by=full_owner,
    )
    db.session.add(draft)
    db.session.commit()
    return Scene(
        summary_owner,
        full_owner,
        loner,
        commissioner,
        bystander,
        made[summary_owner.id],
        made[full_owner.id],
        made[loner.id],
        draft,
    )


# --- the document ----------------------------------------------------------------------


def test_the_document_is_openapi_3_1_with_valid_schemas_and_every_endpoint(app, spec):
    assert spec["openapi"].startswith("3.1")
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    served = {
        rule.rule.removeprefix("/api/v1").replace("<id:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert served == set(spec["paths"])


def test_the_document_needs_no_token_and_sets_no_cookie(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- providers ----------------------------------------------------------------------------


def test_a_commissioner_lists_its_sharing_providers_with_the_tables_figures(
    client, scene, spec, homecare
):
    secret = token_for(scene.commissioner)
    response = client.get("/api/v1/providers", headers=auth(secret))
    assert response.status_code == 200
    body = conforms(spec, "/providers", 200, response)
    assert [p["name"] for p in body["items"]] == ["Alder Homecare", "Birch Homecare"]
    assert body["pagination"] == {"page": 1, "per_page": 25, "total": 2, "pages": 1}
    alder = body["items"][0]
    assert alder["scope"] == "summary"
    assert body["items"][1]["scope"] == "full"
    latest = alder["latest_assessment"]
    assert latest["id"] == scene.summary_assessment.id
    assert latest["checklist"] == {
        "key": "homecare",
        "title": homecare.checklist.title,
        "version": homecare.version,
    }
    expected = round(100 * scene.summary_assessment.points / scene.summary_assessment.possible)
    assert latest["overall_percent"] == expected
    assert latest["previous_overall_percent"] == expected  # both rated alike
    assert set(latest["section_percents"]) == {s.key for s in homecare.sections}
    assert alder["actions"] == {"open": 1, "overdue": 1}
    # The look is recorded for each provider shown.
    views = db.session.scalars(select(ShareView).order_by(ShareView.provider_id)).all()
    assert [(v.provider_id, v.what) for v in views] == [
        (scene.summary_owner.organisation.id, "API: providers list"),
        (scene.full_owner.organisation.id, "API: providers list"),
    ]
    assert views[0].user_id == scene.commissioner.id


def test_providers_are_paginated_sorted_filtered_and_searched(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    body = conforms(
        spec, "/providers", 200, client.get("/api/v1/providers?per_page=1&page=2", headers=headers)
    )
    assert [p["name"] for p in body["items"]] == ["Birch Homecare"]
    assert body["pagination"] == {"page": 2, "per_page": 1, "total": 2, "pages": 2}
    body = client.get("/api/v1/providers?sort=name&order=desc", headers=headers).get_json()
    assert [p["name"] for p in body["items"]] == ["Birch Homecare", "Alder Homecare"]
    body = client.get("/api/v1/providers?q=birch", headers=headers).get_json()
    assert [p["name"] for p in body["items"]] == ["Birch Homecare"]
    body = client.get("/api/v1/providers?stale=true", headers=headers).get_json()
    assert body["items"] == []
    body = client.get("/api/v1/providers?overdue=1&edition=homecare", headers=headers).get_json()
    assert len(body["items"]) == 2
    body = client.get("/api/v1/providers?page=9", headers=headers).get_json()
    assert body["items"] == [] and body["pagination"]["total"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "per_page=101",
        "sort=secret",
        "order=up",
        "overdue=maybe",
        "q=" + "x" * 101,
    ],
)
def test_bad_parameters_are_400_in_json(client, scene, spec, query):
    response = client.get(f"/api/v1/providers?{query}", headers=auth(token_for(scene.commissioner)))
    body = error_conforms(spec, response, 400, "bad_request")
    assert "'" in body["error"]["message"]  # names the parameter


def test_a_providers_token_may_not_list_providers(client, scene, spec):
    response = client.get("/api/v1/providers", headers=auth(token_for(scene.summary_owner)))
    error_conforms(spec, response, 403, "forbidden")


def test_the_providers_query_count_does_not_grow_with_the_providers(
    client, world, scene, homecare, count_queries
):
    headers = auth(token_for(scene.commissioner))
    client.get("/api/v1/providers", headers=headers)  # notes the token's first use
    with count_queries() as few:
        assert client.get("/api/v1/providers", headers=headers).status_code == 200
    for n in range(4):
        owner = world.provider(f"Extra Care {'ABCD'[n]}")
        world.share(owner, scene.commissioner, "summary")
        completed_assessment(owner, homecare, "Review", rate)
    with count_queries() as many:
        body = client.get("/api/v1/providers", headers=headers).get_json()
    assert len(body["items"]) == 6
    assert len(many) == len(few)


# --- scopes: notes and names ----------------------------------------------------------------


def every_api_answer(client, headers, scene) -> str:
    """All the API says to this token about the scene's providers, as one text."""
    texts = [client.get("/api/v1/providers", headers=headers).get_data(as_text=True)]
    for owner, assessment in (
        (scene.summary_owner, scene.summary_assessment),
        (scene.full_owner, scene.full_assessment),
    ):
        provider = owner.organisation.id
        texts.append(
            client.get(f"/api/v1/providers/{provider}/assessments", headers=headers).get_data(
                as_text=True
            )
        )
        texts.append(
            client.get(f"/api/v1/assessments/{assessment.id}", headers=headers).get_data(
                as_text=True
            )
        )
    return "\n".join(texts)


def test_a_summary_share_never_reveals_notes_or_names_and_a_full_one_does(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    summary = conforms(
        spec,
        "/assessments/{assessment_id}",
        200,
        client.get(f"/api/v1/assessments/{scene.summary_assessment.id}", headers=headers),
    )
    assert summary["personal_information"] is False
    assert summary["provider"]["access"] == "summary"
    assert all("note" not in r for r in summary["ratings"].values())
    assert summary["actions"] and all(
        {"lead", "involvement", "drop_reason"}.isdisjoint(a) for a in summary["actions"]
    )
    assert summary["actions"][0]["what"] == "Write one-page profiles"
    assert summary["actions"][0]["overdue"] is True
    text = client.get(
        f"/api/v1/assessments/{scene.summary_assessment.id}", headers=headers
    ).get_data(as_text=True)
    for secret in (NOTE, LEAD, INVOLVEMENT, scene.summary_owner.name):
        assert secret not in text

    full = conforms(
        spec,
        "/assessments/{assessment_id}",
        200,
        client.get(f"/api/v1/assessments/{scene.full_assessment.id}", headers=headers),
    )
    assert full["personal_information"] is True
    assert full["provider"]["access"] == "full"
    assert all(r["note"].startswith(NOTE) for r in full["ratings"].values())
    assert full["actions"][0]["lead"] == LEAD
    assert full["actions"][0]["involvement"] == INVOLVEMENT


def test_no_answer_to_a_summary_share_holds_a_note_or_a_name(client, scene):
    # Make the full share a summary one too: then nothing anywhere may hold a note or name.
    share = sharing.active_share(
        scene.full_owner.organisation.id, scene.commissioner.organisation.id
    )
    sharing.change_scope(share.provider_id, share.id, sharing.Scope.SUMMARY)
    db.session.commit()
    everything = every_api_answer(client, auth(token_for(scene.commissioner)), scene)
    for secret in (NOTE, LEAD, INVOLVEMENT, scene.summary_owner.name, scene.full_owner.name):
        assert secret not in everything
    assert "Alder Homecare" in everything  # the organisations' names are no secret


def test_ratings_come_by_statement_key_with_labels_and_section_scores(
    client, scene, spec, homecare
):
    body = conforms(
        spec,
        "/assessments/{assessment_id}",
        200,
        client.get(
            f"/api/v1/assessments/{scene.full_assessment.id}",
            headers=auth(token_for(scene.commissioner)),
        ),
    )
    content = homecare.content
    assert set(body["ratings"]) == {s.key for s in content.statements()}
    first = next(iter(content.statements()))
    assert body["ratings"][first.key]["scale"] == "started"
    assert body["ratings"][first.key]["label"] == content.label_of("started")
    assert [s["key"] for s in body["sections"]] == [s.key for s in content.sections]
    assert body["stage_rule"] == content.stage_rule
    assert body["status"] == "completed"
    views = db.session.scalars(select(ShareView)).all()
    assert [v.what for v in views] == ["API: assessment “Autumn review”"]


# --- reach: shares, ids, drafts -----------------------------------------------------------


def test_a_revoked_share_takes_effect_at_once(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    provider = scene.summary_owner.organisation.id
    assert (
        client.get(f"/api/v1/providers/{provider}/assessments", headers=headers).status_code == 200
    )
    share = sharing.active_share(provider, scene.commissioner.organisation.id)
    sharing.revoke(provider, share.id, Viewer.of(scene.summary_owner))
    db.session.commit()

    body = client.get("/api/v1/providers", headers=headers).get_json()
    assert [p["name"] for p in body["items"]] == ["Birch Homecare"]
    error_conforms(
        spec,
        client.get(f"/api/v1/providers/{provider}/assessments", headers=headers),
        404,
        "not_found",
    )
    error_conforms(
        spec,
        client.get(f"/api/v1/assessments/{scene.summary_assessment.id}", headers=headers),
        404,
        "not_found",
    )


def test_ids_out_of_reach_are_404_exactly_like_unknown_ids(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    answers = {
        "unknown provider": client.get("/api/v1/providers/99999/assessments", headers=headers),
        "unshared provider": client.get(
            f"/api/v1/providers/{scene.loner.organisation.id}/assessments", headers=headers
        ),
        "itself": client.get(
            f"/api/v1/providers/{scene.commissioner.organisation.id}/assessments",
            headers=headers,
        ),
        "unknown assessment": client.get("/api/v1/assessments/99999", headers=headers),
        "unshared assessment": client.get(
            f"/api/v1/assessments/{scene.loner_assessment.id}", headers=headers
        ),
        "a sharing provider's draft": client.get(
            f"/api/v1/assessments/{scene.draft.id}", headers=headers
        ),
        "too big an id": client.get("/api/v1/assessments/99999999999999", headers=headers),
    }
    bodies = {name: error_conforms(spec, r, 404, "not_found") for name, r in answers.items()}
    assert len({str(b) for b in bodies.values()}) == 1, bodies  # nothing tells them apart


def test_a_providers_own_token_reads_its_own_completed_assessments_only(client, scene, spec):
    headers = auth(token_for(scene.full_owner))
    provider = scene.full_owner.organisation.id
    body = conforms(
        spec,
        "/providers/{provider_id}/assessments",
        200,
        client.get(f"/api/v1/providers/{provider}/assessments", headers=headers),
    )
    assert body["provider"] == {"id": provider, "name": "Birch Homecare", "access": "own"}
    assert [a["title"] for a in body["items"]] == ["Autumn review", "Spring review"]
    detail = conforms(
        spec,
        "/assessments/{assessment_id}",
        200,
        client.get(f"/api/v1/assessments/{scene.full_assessment.id}", headers=headers),
    )
    assert detail["personal_information"] is True
    # Drafts are not served, even to the provider's own token.
    assert client.get(f"/api/v1/assessments/{scene.draft.id}", headers=headers).status_code == 404
    # Nor is any other provider's data, shared with a commissioner or not.
    for url in (
        f"/api/v1/providers/{scene.summary_owner.organisation.id}/assessments",
        f"/api/v1/assessments/{scene.summary_assessment.id}",
        f"/api/v1/assessments/{scene.loner_assessment.id}",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    # A provider's look at its own data is not recorded.
    assert db.session.scalars(select(ShareView)).all() == []


def test_listing_a_providers_assessments_is_paginated_and_recorded(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    provider = scene.summary_owner.organisation.id
    body = conforms(
        spec,
        "/providers/{provider_id}/assessments",
        200,
        client.get(f"/api/v1/providers/{provider}/assessments?per_page=1", headers=headers),
    )
    assert [a["title"] for a in body["items"]] == ["Autumn review"]
    assert body["pagination"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2}
    assert body["provider"]["access"] == "summary"
    assert [v.what for v in db.session.scalars(select(ShareView))] == ["API: list of assessments"]


# --- authentication -------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client, scene, spec):
    for url in (
        "/api/v1/providers",
        f"/api/v1/providers/{scene.summary_owner.organisation.id}/assessments",
        f"/api/v1/assessments/{scene.summary_assessment.id}",
    ):
        response = client.get(url)
        error_conforms(spec, response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="p4p"'


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token p4p_abc",
        "Bearer p4p_not-a-real-token-but-long-enough-to-look-up",
        "Bearer p4p_" + "a" * 200,
        "Bearer ghp_0123456789012345678901234567890123456789",
        "Bearer p4p_two tokens",
        "Bearer p4p_" + "\u00e9" * 40,
    ],
)
def test_malformed_or_wrong_authorization_headers_are_401_json(client, scene, spec, header):
    response = client.get("/api/v1/providers", headers={"Authorization": header})
    error_conforms(spec, response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_token_in_the_query_string_is_not_accepted(client, scene, spec):
    secret = token_for(scene.commissioner)
    response = client.get(f"/api/v1/providers?access_token={secret}")
    error_conforms(spec, response, 401, "unauthorized")


def test_revoked_and_expired_tokens_and_deactivated_accounts_fail(client, scene, spec):
    url = "/api/v1/providers"
    revoked = tokens.create(scene.commissioner, "revoked")
    tokens.revoke(scene.commissioner.id, revoked.token.id)
    expired = tokens.create(scene.commissioner, "expired", expires_days=1)
    expired.token.expires_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for secret in (revoked.secret, expired.secret):
        response = client.get(url, headers=auth(secret))
        error_conforms(spec, response, 401, "unauthorized")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    working = token_for(scene.commissioner)
    assert client.get(url, headers=auth(working)).status_code == 200
    scene.commissioner.is_active_account = False
    db.session.commit()
    error_conforms(spec, client.get(url, headers=auth(working)), 401, "unauthorized")


def test_a_person_removed_from_their_organisation_reaches_nothing(client, scene, spec, world):
    colleague = world.member(scene.commissioner.organisation, Role.VIEWER)
    headers = auth(token_for(colleague))
    assert client.get("/api/v1/providers", headers=headers).status_code == 200
    db.session.delete(
        db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    )
    db.session.commit()
    for url in ("/api/v1/providers", f"/api/v1/assessments/{scene.summary_assessment.id}"):
        error_conforms(spec, client.get(url, headers=headers), 403, "forbidden")


def test_a_session_cookie_does_not_authenticate_the_api_and_no_cookie_is_set(client, scene):
    sign_in(client, scene.commissioner)
    assert client.get("/commissioning/").status_code == 200
    response = client.get("/api/v1/providers")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    response = client.get("/api/v1/providers", headers=auth(token_for(scene.commissioner)))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"
    # The browser's session is untouched by the API requests.
    assert client.get("/commissioning/").status_code == 200


def test_last_use_is_written_at_most_every_few_minutes(client, scene):
    secret = token_for(scene.commissioner)
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_dt is None
    client.get("/api/v1/providers", headers=auth(secret))
    db.session.refresh(token)
    first = token.last_used_dt
    assert first is not None
    client.get("/api/v1/providers", headers=auth(secret))
    db.session.refresh(token)
    assert token.last_used_dt == first
    token.last_used_dt = first - tokens.LAST_USED_EVERY - timedelta(seconds=1)
    db.session.commit()
    client.get("/api/v1/providers", headers=auth(secret))
    db.session.refresh(token)
    assert token.last_used_dt > first


def test_tokens_are_stored_hashed_and_recognisable(scene):
    new = tokens.create(scene.commissioner, "stored")
    db.session.commit()
    assert new.secret.startswith("p4p_") and len(new.secret) >= 40
    stored = db.session.get(ApiToken, new.token.id)
    assert new.secret not in (stored.token_hash, stored.hint)
    assert len(stored.token_hash) == 64
    assert stored.hint == new.secret[:8]


# --- errors -------------------------------------------------------------------------------


def test_other_methods_unknown_addresses_and_nul_bytes_answer_in_json(client, scene, spec):
    headers = auth(token_for(scene.commissioner))
    response = client.post("/api/v1/providers", headers=headers)
    error_conforms(spec, response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    error_conforms(
        spec, client.delete("/api/v1/assessments/1", headers=headers), 405, "method_not_allowed"
    )
    error_conforms(spec, client.get("/api/v1/nothing-here", headers=headers), 404, "not_found")
    error_conforms(spec, client.get("/api/v2/providers", headers=headers), 404, "not_found")
    error_conforms(spec, client.get("/api/v1/providers?q=%00", headers=headers), 400, "bad_request")


def test_too_many_requests_with_one_token_is_429_json_with_retry_after(app, client, scene, spec):
    app.config["API_REQUESTS_PER_MINUTE"] = 2
    headers = auth(token_for(scene.commissioner))
    assert client.get("/api/v1/providers", headers=headers).status_code == 200
    assert client.get("/api/v1/providers", headers=headers).status_code == 200
    response = client.get("/api/v1/providers", headers=headers)
    error_conforms(spec, response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    # Another token of the same person has its own count.
    assert (
        client.get("/api/v1/providers", headers=auth(token_for(scene.commissioner))).status_code
        == 200
    )


@pytest.mark.own_app
def test_a_server_error_under_the_api_is_json_too(app, client):
    from p4p import access

    def crash():
        raise RuntimeError("boom")

    crash.access_rule = access.PUBLIC
    app.add_url_rule("/api/v1/crash", "api_crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/crash")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {
            "status": 500,
            "code": "server_error",
            "message": "Something went wrong in p4p. It has been logged; please try again later.",
        }
    }


def test_a_sharing_provider_without_a_completed_assessment_is_listed_without_figures(
    client, world, scene, spec
):
    newcomer = world.provider("Dogwood Homecare")
    world.share(newcomer, scene.commissioner, "full")
    headers = auth(token_for(scene.commissioner))
    body = conforms(
        spec, "/providers", 200, client.get("/api/v1/providers?q=dogwood", headers=headers)
    )
    assert body["items"] == [
        {
            "id": newcomer.organisation.id,
            "name": "Dogwood Homecare",
            "scope": "full",
            "latest_assessment": None,
            "actions": {"open": 0, "overdue": 0},
        }
    ]
    stale = client.get("/api/v1/providers?stale=true", headers=headers).get_json()
    assert [p["name"] for p in stale["items"]] == ["Dogwood Homecare"]
    # Sorted by a figure, those without it come last either way.
    for order in ("asc", "desc"):
        listed = client.get(f"/api/v1/providers?sort=overall&order={order}", headers=headers)
        assert listed.get_json()["items"][-1]["name"] == "Dogwood Homecare"


def test_a_search_for_wildcards_matches_them_literally(client, scene):
    headers = auth(token_for(scene.commissioner))
    for query in ("%25", "_", "%25%25"):
        body = client.get(f"/api/v1/providers?q={query}", headers=headers).get_json()
        assert body["items"] == [], query


def test_the_previous_score_is_of_the_assessment_before_in_the_same_edition(world, scene, homecare):
    from p4p.catalogue.models import Checklist
    from p4p.commissioning.table import provider_rows

    managers = db.session.scalar(select(Checklist).where(Checklist.key == "managers")).versions[-1]
    owner = world.provider("Elm Homecare")
    world.share(owner, scene.commissioner, "summary")
    first = completed_assessment(owner, homecare, "One", lambda i, s: ("not-yet", ""), 30)
    completed_assessment(owner, managers, "Other edition", lambda i, s: ("started", ""), 20)
    latest = completed_assessment(owner, homecare, "Two", rate, 10)
    page = provider_rows(scene.commissioner.organisation.id, search="elm")
    (row,) = page.items
    assert row.assessment_id == latest.id
    assert row.previous_overall_percent == round(100 * first.points / first.possible)
    assert row.section_percents and all(v is not None for v in row.section_percents.values())
