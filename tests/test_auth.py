import re

from sqlalchemy import select

from p4p.auth.models import Membership, Organisation, Role, SignInThrottle, User
from p4p.extensions import db
from tests.helpers import PASSWORD, csrf_token, sign_in, submit


def signup_data(**overrides):
    data = {
        "organisation": "Kindly Care at Home",
        "name": "Priya Shah",
        "email": "Priya@Kindly.example",
        "password": "a long enough password",
        "confirm": "a long enough password",
    }
    data.update(overrides)
    return data


def test_sign_up_creates_the_organisation_and_its_owner_and_signs_in(client):
    response = submit(client, "/signup", signup_data())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "priya@kindly.example"))
    assert user is not None
    assert user.password_hash.startswith("pbkdf2:") and "a long enough" not in user.password_hash
    assert user.organisation.name == "Kindly Care at Home"
    assert user.organisation.kind == "provider"
    assert user.role == Role.OWNER
    home = client.get("/").get_data(as_text=True)
    assert "Kindly Care at Home" in home and "Sign out" in home


def test_sign_up_errors_keep_what_was_typed(client, world):
    world.provider(owner_email="taken@example.org")
    response = submit(client, "/signup", signup_data(email="taken@example.org", confirm="other"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The two passwords differ." in html
    assert 'value="Kindly Care at Home"' in html
    response = submit(client, "/signup", signup_data(email="taken@example.org"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An account with this e-mail address already exists." in html
    assert 'value="Kindly Care at Home"' in html and 'value="taken@example.org"' in html
    assert (
        db.session.scalar(select(Organisation).where(Organisation.name == "Kindly Care at Home"))
        is None
    )


def test_sign_up_refuses_short_password_and_password_equal_to_email(client):
    html = submit(client, "/signup", signup_data(password="short", confirm="short")).get_data(
        as_text=True
    )
    assert "Use between 10 and 128 characters." in html
    email = "someone@example.org"
    html = submit(
        client, "/signup", signup_data(email=email, password=email, confirm=email)
    ).get_data(as_text=True)
    assert "must not be your e-mail address" in html


def test_sign_in_and_out(client, world):
    owner = world.provider()
    sign_in(client, owner)
    assert "Sign out" in client.get("/").get_data(as_text=True)
    response = submit(client, "/", action="/signout")
    assert response.status_code == 302
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_sign_out_needs_csrf(client, world):
    sign_in(client, world.provider())
    assert client.post("/signout").status_code == 400
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    owner = world.provider()
    for email in (owner.email, "nobody@example.org"):
        response = submit(client, "/signin", {"email": email, "password": "wrong password!"})
        assert response.status_code == 200
        assert "do not match an account" in response.get_data(as_text=True)


def _pair_row(email: str, address: str = "127.0.0.1") -> SignInThrottle | None:
    db.session.expire_all()
    return db.session.scalar(
        select(SignInThrottle).where(
            SignInThrottle.scope == "pair", SignInThrottle.subject == f"{address}|{email}"
        )
    )


def test_sign_in_is_throttled_after_repeated_failures(client, world, app):
    owner = world.provider()
    for _ in range(app.config["SIGNIN_MAX_FAILURES"]):
        submit(client, "/signin", {"email": owner.email, "password": "wrong password!"})
    # Even the right password must wait, from the address that made the failures.
    response = submit(client, "/signin", {"email": owner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many unsuccessful attempts" in response.get_data(as_text=True)
    row = _pair_row(owner.email)
    assert row.failures == app.config["SIGNIN_MAX_FAILURES"] and row.locked_until_dt is not None


def test_successful_sign_in_clears_earlier_failures(client, world):
    owner = world.provider()
    submit(client, "/signin", {"email": owner.email, "password": "wrong password!"})
    assert _pair_row(owner.email).failures == 1
    sign_in(client, owner)
    assert _pair_row(owner.email) is None


def test_next_is_followed_only_within_the_site(client, world):
    owner = world.provider()
    for target, expected in [
        ("/team/", "/team/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        client.get("/")
        page = client.get("/signin", query_string={"next": target})
        response = client.post(
            "/signin",
            query_string={"next": target},
            data={
                "email": owner.email,
                "password": PASSWORD,
                "csrf_token": csrf_token(page.get_data(as_text=True)),
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target
        submit(client, "/", action="/signout")


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/assessments/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin?next=")


def test_session_cookie_is_http_only_and_lax(client, world):
    owner = world.provider()
    response = submit(client, "/signin", {"email": owner.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_invitation_journey(client, world, app):
    owner = world.provider("Oak Lodge Care")
    sign_in(client, owner)
    response = submit(
        client,
        "/team/",
        {"email": "new.colleague@oak.example", "role": "contributor"},
        action="/team/invitations",
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    link = re.search(r'value="(http://localhost/join/[^"]+)"', html).group(1)
    submit(client, "/", action="/signout")

    path = link.removeprefix("http://localhost")
    page = client.get(path).get_data(as_text=True)
    assert "Oak Lodge Care" in page and "new.colleague@oak.example" in page
    response = submit(
        client,
        path,
        {
            "name": "Sam Lee",
            "password": "another fine password",
            "confirm": "another fine password",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.colleague@oak.example"))
    assert user.role == Role.CONTRIBUTOR and user.organisation.name == "Oak Lodge Care"

    # Single use: the same link no longer works.
    submit(client, "/", action="/signout")
    assert client.get(path).status_code == 410


def test_unknown_invitation_token_is_404(client):
    assert client.get("/join/not-a-real-token").status_code == 404


def test_owner_changes_roles_but_never_leaves_the_team_without_an_owner(client, world):
    owner = world.provider("Ash Care")
    colleague = world.member(owner.organisation, Role.VIEWER)
    sign_in(client, owner)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    submit(client, "/team/", {"role": "manager"}, action=f"/team/members/{membership.id}/role")
    db.session.expire_all()
    assert colleague.role == Role.MANAGER

    own = owner.membership
    response = submit(client, "/team/", {"role": "viewer"}, action=f"/team/members/{own.id}/role")
    assert response.status_code == 302
    db.session.expire_all()
    assert owner.role == Role.OWNER
    assert "Every team needs an owner" in client.get("/team/").get_data(as_text=True)


def test_removed_member_loses_access_at_once(client, world, app):
    owner = world.provider("Pine Care")
    colleague = world.member(owner.organisation, Role.MANAGER)
    other = app.test_client()
    sign_in(other, colleague)
    assert other.get("/assessments/").status_code == 200

    sign_in(client, owner)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    submit(client, "/team/", {"confirmed": "yes"}, action=f"/team/members/{membership.id}/remove")
    # Their session ended (session version bumped): sent to sign in.
    assert other.get("/assessments/").status_code == 302


def test_owner_cannot_touch_another_organisations_members(client, world):
    owner = world.provider("Cedar Care")
    stranger = world.provider("Willow Care")
    sign_in(client, owner)
    response = submit(
        client,
        "/team/",
        {"confirmed": "yes"},
        action=f"/team/members/{stranger.membership.id}/remove",
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert stranger.membership is not None


def test_removing_someone_asks_first_and_owners_do_not_change_their_own_role(client, world):
    from p4p.auth.models import Role

    owner = world.provider("Careful Team")
    carer = world.member(owner.organisation, Role.CONTRIBUTOR)
    membership_id = carer.membership.id
    sign_in(client, owner)
    team = client.get("/team/").get_data(as_text=True)
    assert team.count("Change role<span") == 1  # the carer's row only, not the owner's own
    assert "Another owner can change your role." in team
    asked = submit(client, "/team/", action=f"/team/members/{membership_id}/remove")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f"Remove {carer.name} from the team?" in page
    assert db.session.get(Membership, membership_id) is not None
    done = submit(
        client, "/team/", {"confirmed": "yes"}, action=f"/team/members/{membership_id}/remove"
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is None


def test_every_sign_up_error_speaks_in_the_same_voice(client):
    response = submit(
        client,
        "/signup",
        {
            "organisation": "x" * 201,
            "name": "Sam",
            "email": "not-an-address",
            "password": "a long enough password",
            "confirm": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an e-mail address in the form name@example.org." in html
    assert "Type the password again." in html
    assert "Keep this to 200 characters or fewer." in html
    for bare in ("This field is required.", "Invalid email address.", "Field cannot be longer"):
        assert bare not in html
