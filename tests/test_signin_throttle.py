"""Sign-in throttling: per (client address, e-mail) pair and per client address, with a growing
delay rather than a lock-out; counted atomically; the client address believed only through the
configured number of trusted proxies."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from p4p import create_app
from p4p.auth import service as accounts
from p4p.auth.models import SignInThrottle
from p4p.config import ConfigError
from p4p.extensions import db
from p4p.timeutil import utcnow
from tests.conftest import make_config
from tests.helpers import PASSWORD, csrf_token, submit

WRONG = "wrong password!"


def attempt(client, email: str, password: str, address: str = "127.0.0.1", **headers):
    page = client.get("/signin", environ_base={"REMOTE_ADDR": address}, headers=headers)
    return client.post(
        "/signin",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def throttle(scope: str, subject: str) -> SignInThrottle | None:
    db.session.expire_all()
    return db.session.scalar(
        select(SignInThrottle).where(
            SignInThrottle.scope == scope, SignInThrottle.subject == subject
        )
    )


def let_the_wait_pass(scope: str, subject: str) -> None:
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.scope == scope, SignInThrottle.subject == subject)
        .values(locked_until_dt=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_the_right_password_from_another_address_still_works(client, world, app):
    owner = world.provider()
    for _ in range(app.config["SIGNIN_MAX_FAILURES"]):
        attempt(client, owner.email, WRONG, address="203.0.113.9")
    assert attempt(client, owner.email, PASSWORD, address="203.0.113.9").status_code == 429
    assert attempt(client, owner.email, PASSWORD, address="198.51.100.4").status_code == 302


def test_each_further_failure_doubles_the_wait_up_to_the_cap(client, world, app):
    owner = world.provider()
    limit = app.config["SIGNIN_MAX_FAILURES"]
    pair = f"127.0.0.1|{owner.email}"
    for _ in range(limit - 1):
        assert attempt(client, owner.email, WRONG).status_code == 200
    assert throttle("pair", pair).locked_until_dt is None
    waits = []
    for _ in range(8):
        before = utcnow()
        response = attempt(client, owner.email, WRONG)
        assert response.status_code == 429
        assert "Too many unsuccessful attempts" in response.get_data(as_text=True)
        waits.append(round((throttle("pair", pair).locked_until_dt - before).total_seconds()))
        # Waiting is refused without being counted, however often it is tried.
        assert attempt(client, owner.email, PASSWORD).status_code == 429
        let_the_wait_pass("pair", pair)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
    assert throttle("pair", pair).failures == limit + 7
    # Once the wait is over, the owner's right password works and clears the count.
    assert attempt(client, owner.email, PASSWORD).status_code == 302
    assert throttle("pair", pair) is None


def test_counts_are_forgotten_after_a_quiet_window(client, world, app):
    owner = world.provider()
    pair = f"127.0.0.1|{owner.email}"
    for _ in range(app.config["SIGNIN_MAX_FAILURES"]):
        attempt(client, owner.email, WRONG)
    quiet = timedelta(seconds=app.config["SIGNIN_WINDOW_SECONDS"] + 1)
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.subject == pair)
        .values(locked_until_dt=utcnow() - quiet, window_start_dt=utcnow() - 2 * quiet)
    )
    db.session.commit()
    assert attempt(client, owner.email, WRONG).status_code == 200
    assert throttle("pair", pair).failures == 1


def test_an_address_has_its_own_higher_limit(client, world, app):
    owner = world.provider()
    per_address = app.config["SIGNIN_MAX_FAILURES_PER_ADDRESS"]
    assert per_address > app.config["SIGNIN_MAX_FAILURES"]
    for number in range(per_address):
        attempt(client, f"guess{number}@example.org", WRONG, address="192.0.2.1")
    assert throttle("ip", "192.0.2.1").failures == per_address
    assert attempt(client, owner.email, PASSWORD, address="192.0.2.1").status_code == 429
    assert attempt(client, owner.email, PASSWORD, address="192.0.2.2").status_code == 302


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(client, world, app):
    owner = world.provider()
    for number in range(app.config["SIGNIN_MAX_FAILURES"]):
        attempt(client, owner.email, WRONG, **{"X-Forwarded-For": f"198.51.100.{number}"})
    response = attempt(client, owner.email, PASSWORD, **{"X-Forwarded-For": "192.0.2.77"})
    assert response.status_code == 429
    assert throttle("pair", f"127.0.0.1|{owner.email}").failures == 5


def test_forwarded_addresses_are_believed_through_the_configured_proxies(
    database_url, world, tmp_path
):
    owner = world.provider()
    behind_proxy = create_app(
        make_config(database_url, P4P_TRUSTED_PROXIES=1, PDF_CACHE_DIR=str(tmp_path / "pdf"))
    )
    try:
        client = behind_proxy.test_client()
        limit = behind_proxy.config["SIGNIN_MAX_FAILURES"]
        for _ in range(limit):
            attempt(client, owner.email, WRONG, **{"X-Forwarded-For": "203.0.113.5"})
        # The proxy appends the real client; anything the client sent before it is not believed.
        spoofed = {"X-Forwarded-For": "192.0.2.1, 203.0.113.5"}
        assert attempt(client, owner.email, PASSWORD, **spoofed).status_code == 429
        assert throttle("pair", f"203.0.113.5|{owner.email}").failures == limit
        elsewhere = {"X-Forwarded-For": "198.51.100.20"}
        assert attempt(client, owner.email, PASSWORD, **elsewhere).status_code == 302
    finally:
        with behind_proxy.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("value", ["-1", "two", "11", "1.5"])
def test_trusted_proxies_must_be_a_small_whole_number(value):
    with pytest.raises(ConfigError, match="P4P_TRUSTED_PROXIES"):
        create_app(make_config("sqlite://", P4P_TRUSTED_PROXIES=value))


def test_parallel_wrong_passwords_are_each_counted_and_none_is_checked_past_the_limit(app, world):
    email = world.provider().email  # read here: the threads have no application context
    limit = app.config["SIGNIN_MAX_FAILURES"]
    parallel = 30
    browsers = [app.test_client() for _ in range(parallel)]
    tokens = [csrf_token(b.get("/signin").get_data(as_text=True)) for b in browsers]
    start = threading.Barrier(parallel)
    statuses: list[int | str] = []

    def guess(browser, token):
        start.wait()
        try:
            response = browser.post(
                "/signin", data={"email": email, "password": WRONG, "csrf_token": token}
            )
            statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - a server error is what is being looked for
            statuses.append(repr(error))

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # limit - 1 ordinary refusals, then the failure that starts the wait and every attempt
    # refused during it: all 429, none a 500, and no password checked past the limit.
    assert sorted(statuses, key=str) == [200] * (limit - 1) + [429] * (parallel - limit + 1)
    assert throttle("pair", f"127.0.0.1|{email}").failures == limit
    assert throttle("ip", "127.0.0.1").failures == limit


def test_an_unknown_address_costs_one_check_and_no_new_hash(client, world, monkeypatch):
    calls = {"generate": 0, "check": 0}
    generate, check = accounts.generate_password_hash, accounts.check_password_hash

    def counting_generate(*args, **kwargs):
        calls["generate"] += 1
        return generate(*args, **kwargs)

    def counting_check(*args, **kwargs):
        calls["check"] += 1
        return check(*args, **kwargs)

    monkeypatch.setattr(accounts, "generate_password_hash", counting_generate)
    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    for number in range(3):
        calls.update(generate=0, check=0)
        response = submit(
            client, "/signin", {"email": f"nobody{number}@example.org", "password": WRONG}
        )
        assert response.status_code == 200
        assert calls["check"] == 1
        # The dummy hash is made at most once per process (perhaps by an earlier test), never
        # once per sign-in.
        assert calls["generate"] == 0 if number else calls["generate"] <= 1


def test_a_zero_delay_configuration_still_answers(client, world, app):
    """SIGNIN_DELAY_SECONDS = 0 turns the wait off; the doubling must not loop for ever."""
    owner = world.provider()
    app.config["SIGNIN_DELAY_SECONDS"] = 0
    for _ in range(app.config["SIGNIN_MAX_FAILURES"] + 2):
        assert attempt(client, owner.email, WRONG).status_code in (200, 429)
    assert attempt(client, owner.email, PASSWORD).status_code == 302
