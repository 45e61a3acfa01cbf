"""Personal access tokens: made and revoked by their owner on 'API tokens' (shown once, stored
hashed, CSRF on every form) and by `flask tokens`."""

from __future__ import annotations

import re

from sqlalchemy import select

from p4p.auth.models import OrganisationKind
from p4p.extensions import db
from p4p.tokens import service as tokens
from p4p.tokens.models import ApiToken
from tests.helpers import csrf_token, sign_in, submit

SECRET = re.compile(r"p4p_[A-Za-z0-9_-]{40,}")


def test_a_token_is_shown_once_then_only_its_start(client, world):
    owner = world.provider("Hazel Care")
    sign_in(client, owner)
    response = submit(client, "/account/api-tokens/", {"name": "Dashboard", "expires": "30"})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    shown = SECRET.findall(page)
    assert len(set(shown)) == 1
    secret = shown[0]
    assert "only this once" in page
    assert response.headers["Cache-Control"] == "no-store"

    stored = db.session.scalar(select(ApiToken))
    assert stored.name == "Dashboard" and stored.user_id == owner.id
    assert stored.expires_dt is not None
    assert secret not in (stored.token_hash, stored.hint)
    assert tokens.authenticate(secret) is not None

    again = client.get("/account/api-tokens/").get_data(as_text=True)
    assert secret not in again
    assert f"{stored.hint}…" in again and "Dashboard" in again


def test_a_token_may_last_until_revoked_and_the_form_checks_its_fields(client, world):
    sign_in(client, world.provider("Hazel Care"))
    assert (
        submit(client, "/account/api-tokens/", {"name": "Forever", "expires": "never"}).status_code
        == 201
    )
    assert db.session.scalar(select(ApiToken)).expires_dt is None
    for data, message in (
        ({"name": "", "expires": "90"}, "Give the token a name"),
        ({"name": "x" * 101, "expires": "90"}, "100 characters or fewer"),
        ({"name": "Odd", "expires": "7"}, "Choose when the token expires."),
    ):
        response = submit(client, "/account/api-tokens/", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == 1


def test_revoking_ends_a_token_at_once(client, world):
    owner = world.provider("Hazel Care")
    new = tokens.create(owner, "Script")
    db.session.commit()
    sign_in(client, owner)
    response = submit(
        client, "/account/api-tokens/", action=f"/account/api-tokens/{new.token.id}/revoke"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, new.token.id).revoked_dt is not None
    assert tokens.authenticate(new.secret) is None
    assert "revoked" in client.get("/account/api-tokens/").get_data(as_text=True)


def test_nobody_can_revoke_or_see_another_persons_token(client, world):
    owner = world.provider("Hazel Care")
    theirs = tokens.create(owner, "Their script")
    db.session.commit()
    stranger = world.provider("Juniper Care")
    sign_in(client, stranger)
    page = client.get("/account/api-tokens/").get_data(as_text=True)
    assert "Their script" not in page and theirs.token.hint not in page
    response = submit(
        client, "/account/api-tokens/", action=f"/account/api-tokens/{theirs.token.id}/revoke"
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.token.id).revoked_dt is None
    assert tokens.authenticate(theirs.secret) is not None


def test_the_token_forms_need_their_csrf_token(client, world):
    owner = world.provider("Hazel Care")
    new = tokens.create(owner, "Script")
    db.session.commit()
    sign_in(client, owner)
    assert (
        client.post("/account/api-tokens/", data={"name": "x", "expires": "90"}).status_code == 400
    )
    response = client.post(
        f"/account/api-tokens/{new.token.id}/revoke", data={"csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == 1
    db.session.expire_all()
    assert db.session.get(ApiToken, new.token.id).revoked_dt is None
    # With the page's token, both work.
    token = csrf_token(client.get("/account/api-tokens/").get_data(as_text=True))
    assert (
        client.post(
            "/account/api-tokens/", data={"name": "x", "expires": "90", "csrf_token": token}
        ).status_code
        == 201
    )


def test_a_person_has_at_most_so_many_tokens_in_use(client, world):
    owner = world.provider("Hazel Care")
    for n in range(tokens.MAX_ACTIVE_PER_USER):
        tokens.create(owner, f"t{n}")
    db.session.commit()
    sign_in(client, owner)
    response = submit(client, "/account/api-tokens/", {"name": "One more", "expires": "90"})
    assert response.status_code == 422
    assert "Revoke one you no longer need" in response.get_data(as_text=True)


def test_the_header_links_to_api_tokens(client, world):
    sign_in(client, world.provider("Hazel Care"))
    assert 'href="/account/api-tokens/"' in client.get("/").get_data(as_text=True)


def test_tokens_from_the_command_line(runner, world):
    commissioner = world.provider("Fen Council", kind=OrganisationKind.COMMISSIONER)
    result = runner.invoke(
        args=[
            "tokens",
            "create",
            "--email",
            commissioner.email,
            "--name",
            "Nightly export",
            "--expires-days",
            "30",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert SECRET.fullmatch(secret)
    found = tokens.authenticate(secret)
    assert found is not None and found[1].id == commissioner.id
    assert found[0].name == "Nightly export" and found[0].expires_dt is not None

    listed = runner.invoke(args=["tokens", "list", "--email", commissioner.email])
    assert listed.exit_code == 0
    assert "Nightly export" in listed.output and secret not in listed.output

    revoked = runner.invoke(
        args=["tokens", "revoke", "--email", commissioner.email, str(found[0].id)]
    )
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert tokens.authenticate(secret) is None


def test_the_command_line_explains_mistakes(runner, world):
    owner = world.provider("Hazel Care")
    unknown = runner.invoke(args=["tokens", "create", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output
    too_long = runner.invoke(
        args=["tokens", "create", "--email", owner.email, "--expires-days", "0"]
    )
    assert too_long.exit_code != 0 and "between 1 and" in too_long.output
    other = runner.invoke(args=["tokens", "revoke", "--email", owner.email, "999"])
    assert other.exit_code != 0 and "has no token 999" in other.output
