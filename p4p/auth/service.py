"""Accounts, sign-in throttling and invitations. Functions flush; the request commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, literal, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from p4p import tenancy
from p4p.auth.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SignIn,
    SignInThrottle,
    User,
)
from p4p.extensions import db
from p4p.forms import normalise_email
from p4p.timeutil import UTCDateTime, utcnow

# Checked against when an address is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


ACCOUNT_EXISTS = "An account with this e-mail address already exists."
ALREADY_IN_A_TEAM = (
    "Your p4p account is already in a team, and a person belongs to one team at a time. Sign in "
    "as usual, or ask whoever invited you for an invitation to another e-mail address."
)


@contextmanager
def _refusing_duplicates() -> Iterator[None]:
    """Run a block in a savepoint; a unique e-mail address or membership that a parallel
    request (a double-click) took first is the person's 'already exists', not a server error."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        message = str(error.orig).lower()
        if "email" in message:
            raise AccountError(ACCOUNT_EXISTS) from error
        if "memberships" in message:
            raise AccountError(ALREADY_IN_A_TEAM) from error
        raise


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(ACCOUNT_EXISTS)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin
    )
    with _refusing_duplicates():
        db.session.add(user)
    return user


def sign_up(
    organisation_name: str,
    name: str,
    email: str,
    password: str,
    kind: OrganisationKind = OrganisationKind.PROVIDER,
) -> User:
    """A new organisation with its first owner. Nobody is signed in yet, so this is one of the
    few places that reaches beyond the viewer's own organisation, to create a new one."""
    with (
        tenancy.within(tenancy.everything("signing up creates a new organisation")),
        _refusing_duplicates(),
    ):
        user = create_user(email, name, password)
        organisation = Organisation(name=organisation_name.strip(), kind=kind.value)
        db.session.add(organisation)
        db.session.add(Membership(user=user, organisation=organisation, role=Role.OWNER.value))
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1
    end_every_sign_in(user.id)  # signs out every existing session of this user
    db.session.flush()


# --- sign-ins -----------------------------------------------------------------------------

# A sign-in's last_seen_dt is written at most this often, not on every request.
LAST_SEEN_EVERY = timedelta(minutes=5)


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def device_summary(user_agent: str | None) -> str:
    """A few words a person recognises ("Firefox on Windows"), from the User-Agent header."""
    agent = user_agent or ""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for mark, name in browsers if mark in agent), "A browser")
    system = next((name for mark, name in systems if mark in agent), None)
    return f"{browser} on {system}" if system else browser


def _idle_limit() -> timedelta:
    return current_app.permanent_session_lifetime


def _remember_for() -> timedelta:
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def begin_sign_in(user: User, *, remember: bool, user_agent: str | None) -> SignIn:
    """A new sign-in for this browser, with a fresh random secret (kept on the user object
    for Flask-Login's get_id, never stored). A remembered sign-in lasts REMEMBER_COOKIE_DURATION
    from now; another lasts while it is used (PERMANENT_SESSION_LIFETIME without a request)."""
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    sign_in = SignIn(
        user_id=user.id,
        token_hash=_secret_hash(secret),
        created_dt=now,
        last_seen_dt=now,
        device=device_summary(user_agent)[:100],
        remember=remember,
        expires_dt=now + (_remember_for() if remember else _idle_limit()),
    )
    db.session.add(sign_in)
    db.session.flush()
    user.current_sign_in, user.sign_in_secret = sign_in, secret
    return sign_in


def parse_identifier(identifier: str) -> tuple[int, int, str] | None:
    """(user id, sign-in id, secret) from what the session or remember cookie carries."""
    parts = identifier.split(":")
    if len(parts) != 3:
        return None
    user_id, sign_in_id, secret = parts
    for number in (user_id, sign_in_id):
        if not (number.isascii() and number.isdigit() and len(number) <= 9):
            return None
    if not 20 <= len(secret) <= 100:
        return None
    return int(user_id), int(sign_in_id), secret


def signed_in_user(identifier: str) -> User | None:
    """The user a session names, if its sign-in is still open and the secret matches: one
    query, with the membership and organisation (who is signed in decides the reach)."""
    parsed = parse_identifier(identifier)
    if parsed is None:
        return None
    user_id, sign_in_id, secret = parsed
    now = utcnow()
    with tenancy.within(tenancy.everything("finding who is signed in")):
        row = db.session.execute(
            select(User, SignIn)
            .join(SignIn, SignIn.user_id == User.id)
            .where(
                User.id == user_id,
                SignIn.id == sign_in_id,
                SignIn.ended_dt.is_(None),
                SignIn.expires_dt > now,
            )
            .options(joinedload(User.membership).joinedload(Membership.organisation))
        ).first()
    if row is None:
        return None
    user, sign_in = row
    if not hmac.compare_digest(sign_in.token_hash, _secret_hash(secret)):
        return None
    if sign_in.last_seen_dt + LAST_SEEN_EVERY < now:
        sign_in.last_seen_dt = now
        if not sign_in.remember:
            sign_in.expires_dt = now + _idle_limit()
    user.current_sign_in, user.sign_in_secret = sign_in, secret
    return user


def active_sign_ins(user_id: int) -> list[SignIn]:
    return list(
        db.session.scalars(
            select(SignIn)
            .where(
                SignIn.user_id == user_id,
                SignIn.ended_dt.is_(None),
                SignIn.expires_dt > utcnow(),
            )
            .order_by(SignIn.last_seen_dt.desc(), SignIn.id.desc())
        )
    )


def end_sign_in(user_id: int, sign_in_id: int) -> bool:
    """End one of the user's own sign-ins; False when there is no such open sign-in."""
    result = db.session.execute(
        update(SignIn)
        .where(SignIn.id == sign_in_id, SignIn.user_id == user_id, SignIn.ended_dt.is_(None))
        .values(ended_dt=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def end_every_sign_in(user_id: int, *, except_id: int | None = None) -> int:
    """End all the user's open sign-ins (but `except_id`); how many were ended."""
    statement = update(SignIn).where(SignIn.user_id == user_id, SignIn.ended_dt.is_(None))
    if except_id is not None:
        statement = statement.where(SignIn.id != except_id)
    result = db.session.execute(
        statement.values(ended_dt=utcnow()).execution_options(synchronize_session=False)
    )
    return result.rowcount


# --- sign-in throttling -------------------------------------------------------------------


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None = None
    locked_until: datetime | None = None


def client_address(address: str | None) -> str:
    """The client address sign-ins are counted by: the connecting address, or the one the
    configured trusted proxies vouch for (P4P_TRUSTED_PROXIES, applied by ProxyFix)."""
    return (address or "unknown")[:64]


def _pair(address: str, email: str) -> str:
    return f"{address}|{email}"


def _limit(scope: str) -> int:
    config = current_app.config
    # One address may be a whole office behind one router: allow it more.
    return (
        config["SIGNIN_MAX_FAILURES_PER_ADDRESS"]
        if scope == "ip"
        else config["SIGNIN_MAX_FAILURES"]
    )


def delay_after(failures: int, limit: int) -> timedelta | None:
    """How long the next attempt waits after `failures` failures: nothing below the limit,
    then SIGNIN_DELAY_SECONDS, doubling with each further failure up to SIGNIN_MAX_DELAY_SECONDS."""
    if failures < limit:
        return None
    base = current_app.config["SIGNIN_DELAY_SECONDS"]
    cap = current_app.config["SIGNIN_MAX_DELAY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** min(failures - limit, 30), cap))


def _locked_until(scope: str, subject: str, now: datetime) -> datetime | None:
    until = db.session.scalar(
        select(SignInThrottle.locked_until_dt).where(
            SignInThrottle.scope == scope, SignInThrottle.subject == subject
        )
    )
    return until if until is not None and until > now else None


def _insert_ignoring_conflict(**values: object) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(SignInThrottle)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["scope", "subject"])
    )


def _count_failure(
    scope: str, subject: str, now: datetime, *, unless_locked: bool
) -> tuple[int, datetime | None] | None:
    """Count one failure for (scope, subject) in one conditional UPDATE, so that parallel
    attempts are each counted (none lost, none a duplicate-row error), and set the wait its
    count calls for in the same statement. With `unless_locked`, a subject that must wait is
    not counted: None. Returns the new count and the time the next attempt must wait for."""
    _insert_ignoring_conflict(scope=scope, subject=subject, failures=0, window_start_dt=now)
    table = SignInThrottle
    at = lambda moment: literal(moment, UTCDateTime())  # noqa: E731
    window = timedelta(seconds=current_app.config["SIGNIN_WINDOW_SECONDS"])
    forgotten = func.coalesce(table.locked_until_dt, table.window_start_dt) <= at(now - window)
    failures = case((forgotten, 1), else_=table.failures + 1)
    limit = _limit(scope)
    cap = timedelta(seconds=current_app.config["SIGNIN_MAX_DELAY_SECONDS"])
    waits = [(failures < limit, null())]
    count = limit
    while count < limit + 32 and (delay := delay_after(count, limit)) is not None and delay < cap:
        waits.append((failures == count, at(now + delay)))
        count += 1
    statement = update(table).where(table.scope == scope, table.subject == subject)
    if unless_locked:
        statement = statement.where(
            or_(table.locked_until_dt.is_(None), table.locked_until_dt <= at(now))
        )
    row = db.session.execute(
        statement.values(
            failures=failures,
            window_start_dt=case((forgotten, at(now)), else_=table.window_start_dt),
            locked_until_dt=case(*waits, else_=at(now + cap)),
        )
        .returning(table.failures, table.locked_until_dt)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return row[0], row[1]


def _check_without_account(password: str) -> None:
    """As long as checking a real password: the dummy hash is made once per method."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    dummy = _DUMMY_HASH.get(method)
    if dummy is None:
        dummy = _DUMMY_HASH[method] = generate_password_hash("x" * 16, method=method)
    check_password_hash(dummy, password)


def authenticate(email: str, password: str, client: str | None) -> SignInOutcome:
    """Check a password, throttled per (client address, e-mail) and per client address.

    The attempt is counted against its pair before the password is checked, atomically, so
    that parallel guesses cannot all be checked against the same count; a right password
    then clears the pair's count. Nobody at another address is affected by the pair's wait,
    and its owner faces a growing delay, never a lock-out."""
    email = normalise_email(email)
    address = client_address(client)
    now = utcnow()
    if (until := _locked_until("ip", address, now)) is not None:
        return SignInOutcome(locked_until=until)
    pair = _pair(address, email)
    counted = _count_failure("pair", pair, now, unless_locked=True)
    if counted is None:
        return SignInOutcome(locked_until=_locked_until("pair", pair, now) or now)

    user = find_user(email)
    if user is None:
        _check_without_account(password)
        valid = False
    else:
        valid = check_password_hash(user.password_hash, password) and user.is_active

    if valid and user is not None:
        db.session.execute(
            delete(SignInThrottle).where(
                SignInThrottle.scope == "pair", SignInThrottle.subject == pair
            )
        )
        user.last_signin_dt = now
        db.session.flush()
        return SignInOutcome(user=user)

    _, pair_until = counted
    _, address_until = _count_failure("ip", address, now, unless_locked=False) or (0, None)
    waits = [until for until in (pair_until, address_until) if until is not None]
    return SignInOutcome(locked_until=max(waits) if waits else None)


# --- invitations --------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(organisation: Organisation, email: str, role: Role, by: User) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the secret token, which is never stored.

    Whether the address has a p4p account elsewhere is not looked at here, so the form tells
    an owner nothing about other organisations' people: the joining page sorts that out with
    the person who holds the link (see `join_with_account`). Only someone already in the
    owner's own team, whom the owner can see anyway, is refused."""
    email = normalise_email(email)
    in_team = db.session.scalar(
        select(Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(User.email == email, Membership.organisation_id == organisation.id)
    )
    if in_team is not None:
        raise AccountError("That person is already in your team.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role.value,
        token_hash=_token_hash(token),
        created_by=by,
        expires_dt=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The invitation a joining link names. The secret token is the authority here (the person
    is not signed in), so the look-up reaches every organisation's invitations."""
    if not token or len(token) > 100:
        return None
    with tenancy.within(tenancy.everything("an invitation link names its invitation")):
        return db.session.scalar(
            select(Invitation)
            .where(Invitation.token_hash == _token_hash(token))
            .options(joinedload(Invitation.organisation))
        )


def _claim(invitation: Invitation) -> None:
    """Mark the invitation used, on condition that it is still pending: of two requests using
    one link at once (a double-click), one wins and the other is told the link is used."""
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_dt.is_(None),
            Invitation.revoked_dt.is_(None),
            Invitation.expires_dt > now,
        )
        .values(accepted_dt=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(invitation)
    if claimed != 1:
        raise AccountError(f"This invitation is {invitation.status} and cannot be used.")


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    """Join with a new account. An address that already has one joins with its password
    instead (`join_with_account`): the link proves the token, not control of an account."""
    # One savepoint: if any step is refused, the invitation is not used up either.
    with tenancy.within(tenancy.organisation(invitation.organisation_id)), _refusing_duplicates():
        _claim(invitation)
        user = create_user(invitation.email, name, password)
        db.session.add(
            Membership(user=user, organisation_id=invitation.organisation_id, role=invitation.role)
        )
    return user


def join_with_account(invitation: Invitation, password: str, client: str | None) -> SignInOutcome:
    """Join with the account the invited address already has (someone removed from a team, for
    example), proving control of it with its password, throttled like signing in. A person
    belongs to one team at a time, so an account already in a team is refused, and said so
    only once the password is right."""
    outcome = authenticate(invitation.email, password, client)
    user = outcome.user
    if user is None:
        return outcome
    if user.is_admin:
        raise AccountError("An operator account cannot join a team. Ask for another invitation.")
    with tenancy.within(tenancy.everything("is the joining account already in a team?")):
        in_a_team = db.session.scalar(select(Membership.id).where(Membership.user_id == user.id))
    if in_a_team is not None:
        raise AccountError(ALREADY_IN_A_TEAM)
    with tenancy.within(tenancy.organisation(invitation.organisation_id)), _refusing_duplicates():
        _claim(invitation)
        db.session.add(
            Membership(
                user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role
            )
        )
    db.session.expire(user, ["membership"])
    return outcome
