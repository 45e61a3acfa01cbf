"""Sessions: each sign-in is a row, and ending it (signing out, 'Your sign-ins', a password
reset, removal from a team) ends it for good, whatever copy of its cookies is replayed."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select, update

from p4p.auth import service as accounts
from p4p.auth.models import Role, SignIn
from p4p.extensions import db
from p4p.timeutil import utcnow
from tests.helpers import PASSWORD, csrf_token, sign_in, submit

REMEMBER = "remember_token"
SESSION = "session"


def remembered_sign_in(client, user):
    response = submit(
        client, "/signin", {"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return response


def replay(app, **cookies):
    """A fresh browser holding copies of the given cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def open_sign_ins(user_id: int) -> list[SignIn]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SignIn).where(SignIn.user_id == user_id, SignIn.ended_dt.is_(None))
        )
    )


def test_signing_out_ends_the_session_and_its_remember_cookie_for_good(app, client, world):
    owner = world.provider()
    remembered_sign_in(client, owner)
    session, remember = client.get_cookie(SESSION).value, client.get_cookie(REMEMBER).value
    # Each copy works on its own while the sign-in lasts.
    assert replay(app, session=session).get("/team/").status_code == 200
    assert replay(app, remember_token=remember).get("/team/").status_code == 200

    assert submit(client, "/", action="/signout").status_code == 302
    for copied in (
        {SESSION: session},
        {REMEMBER: remember},
        {SESSION: session, REMEMBER: remember},
    ):
        response = replay(app, **copied).get("/team/")
        assert response.status_code == 302, copied
        assert response.headers["Location"].startswith("/signin")
    assert open_sign_ins(owner.id) == []


def test_remember_cookie_is_random_per_sign_in_lax_and_stored_hashed(app, world):
    owner = world.provider()
    values = []
    for _ in range(2):
        browser = app.test_client()
        response = remembered_sign_in(browser, owner)
        cookie = next(
            c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=")
        )
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
        values.append(browser.get_cookie(REMEMBER).value)
    assert values[0] != values[1]
    rows = open_sign_ins(owner.id)
    assert len(rows) == 2 and all(row.remember for row in rows)
    for value in values:
        payload = value.rpartition("|")[0]  # Flask-Login signs "user:sign-in:secret|digest"
        user_id, sign_in_id, secret = payload.split(":")
        row = db.session.get(SignIn, int(sign_in_id))
        assert int(user_id) == owner.id
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in row.token_hash
        # Kept for REMEMBER_COOKIE_DURATION (30 days), not a year.
        assert timedelta(days=29) < row.expires_dt - row.created_dt <= timedelta(days=30)


def test_the_csrf_token_changes_at_sign_in(client, world):
    owner = world.provider()
    before = csrf_token(client.get("/signin").get_data(as_text=True))
    response = client.post(
        "/signin", data={"email": owner.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    after = csrf_token(client.get("/").get_data(as_text=True))
    assert after != before
    # The token known before signing in no longer works.
    assert client.post("/signout", data={"csrf_token": before}).status_code == 400
    assert client.post("/signout", data={"csrf_token": after}).status_code == 302


def test_your_sign_ins_lists_them_and_ends_any_of_them(app, client, world):
    owner = world.provider()
    phone, tablet = app.test_client(), app.test_client()
    sign_in(client, owner)
    submit(
        phone,
        "/signin",
        {"email": owner.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120.0"},
    )
    sign_in(tablet, owner)
    assert phone.get("/team/").status_code == 200

    page = client.get("/account/sign-ins")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chrome on Android" in html and html.count('class="tag">this one<') == 1
    assert len(re.findall(r"/account/sign-ins/\d+/end", html)) == 3

    phone_row = next(row for row in open_sign_ins(owner.id) if row.device == "Chrome on Android")
    response = submit(client, "/account/sign-ins", action=f"/account/sign-ins/{phone_row.id}/end")
    assert response.status_code == 302
    assert phone.get("/team/").status_code == 302  # that browser must sign in again
    assert tablet.get("/team/").status_code == 200
    # Ending it twice, or ending a sign-in that is not yours, finds nothing.
    again = submit(client, "/account/sign-ins", action=f"/account/sign-ins/{phone_row.id}/end")
    assert again.status_code == 404

    submit(client, "/account/sign-ins", action="/account/sign-ins/end-others")
    assert tablet.get("/team/").status_code == 302
    assert client.get("/team/").status_code == 200
    assert len(open_sign_ins(owner.id)) == 1


def test_nobody_can_end_another_persons_sign_in(app, client, world):
    owner = world.provider()
    colleague = world.member(owner.organisation, Role.VIEWER)
    theirs = app.test_client()
    sign_in(theirs, colleague)
    (their_row,) = open_sign_ins(colleague.id)
    sign_in(client, owner)
    response = submit(client, "/account/sign-ins", action=f"/account/sign-ins/{their_row.id}/end")
    assert response.status_code == 404
    assert theirs.get("/team/").status_code == 200
    assert colleague.email not in client.get("/account/sign-ins").get_data(as_text=True)


def test_a_password_reset_ends_every_sign_in(app, client, world):
    owner = world.provider()
    sign_in(client, owner)
    remembered = app.test_client()
    remembered_sign_in(remembered, owner)
    accounts.set_password(owner, "a brand new password")
    db.session.commit()
    assert client.get("/team/").status_code == 302
    remember = remembered.get_cookie(REMEMBER).value
    assert replay(app, remember_token=remember).get("/team/").status_code == 302
    assert open_sign_ins(owner.id) == []


def test_the_session_is_refused_once_its_sign_in_expires_or_with_a_wrong_secret(app, client, world):
    owner = world.provider()
    sign_in(client, owner)
    (row,) = open_sign_ins(owner.id)
    with app.test_request_context():
        assert accounts.signed_in_user(f"{owner.id}:{row.id}:{'x' * 43}") is None
        assert accounts.signed_in_user(f"{owner.id + 1}:{row.id}:{'x' * 43}") is None
        assert accounts.signed_in_user(f"{owner.id}:{row.id}") is None
    assert client.get("/team/").status_code == 200
    db.session.execute(update(SignIn).values(expires_dt=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/team/").status_code == 302


def test_last_seen_is_written_every_few_minutes_not_every_request(client, world, count_queries):
    owner = world.provider()
    sign_in(client, owner)
    (row,) = open_sign_ins(owner.id)
    with count_queries() as queries:
        assert client.get("/account/sign-ins").status_code == 200
    assert not [q for q in queries if q.startswith("UPDATE sign_ins")]

    earlier = utcnow() - accounts.LAST_SEEN_EVERY - timedelta(seconds=1)
    db.session.execute(
        update(SignIn)
        .where(SignIn.id == row.id)
        .values(last_seen_dt=earlier, expires_dt=utcnow() + timedelta(minutes=1))
    )
    db.session.commit()
    with count_queries() as queries:
        assert client.get("/account/sign-ins").status_code == 200
    assert len([q for q in queries if q.startswith("UPDATE sign_ins")]) == 1
    (row,) = open_sign_ins(owner.id)
    assert row.last_seen_dt > earlier
    # A sign-in without "keep me signed in" lasts while it is used.
    assert row.expires_dt > utcnow() + timedelta(hours=7)


def test_the_remember_cookie_alone_keeps_a_person_signed_in(app, client, world):
    owner = world.provider()
    remembered_sign_in(client, owner)
    browser = replay(app, remember_token=client.get_cookie(REMEMBER).value)
    assert "Sign out" in browser.get("/").get_data(as_text=True)
