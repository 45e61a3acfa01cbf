"""Accounts, sign-in throttling and invitations. Functions flush; the request commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from p4p import tenancy
from p4p.auth.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SignInThrottle,
    User,
)
from p4p.extensions import db
from p4p.forms import normalise_email
from p4p.timeutil import utcnow

# Checked against when an address is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError("An account with this e-mail address already exists.")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin
    )
    db.session.add(user)
    db.session.flush()
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
    with tenancy.within(tenancy.everything("signing up creates a new organisation")):
        user = create_user(email, name, password)
        organisation = Organisation(name=organisation_name.strip(), kind=kind.value)
        db.session.add(organisation)
        db.session.add(Membership(user=user, organisation=organisation, role=Role.OWNER.value))
        db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1  # signs out every existing session of this user
    db.session.flush()


# --- sign-in throttling -------------------------------------------------------------------


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None = None
    locked_until: datetime | None = None


def _throttle(scope: str, subject: str) -> SignInThrottle | None:
    return db.session.scalar(
        select(SignInThrottle).where(
            SignInThrottle.scope == scope, SignInThrottle.subject == subject
        )
    )


def _limits(scope: str) -> int:
    failures = current_app.config["SIGNIN_MAX_FAILURES"]
    # One address may be a whole office behind one router: allow it more.
    return failures * 10 if scope == "ip" else failures


def authenticate(email: str, password: str, client: str) -> SignInOutcome:
    email = normalise_email(email)
    now = utcnow()
    subjects = (("email", email), ("ip", client or "unknown"))
    for scope, subject in subjects:
        row = _throttle(scope, subject)
        if row and row.locked_until_dt and row.locked_until_dt > now:
            return SignInOutcome(locked_until=row.locked_until_dt)

    user = find_user(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASH.setdefault(method, generate_password_hash("x" * 16, method=method))
        check_password_hash(dummy, password)
        valid = False
    else:
        valid = check_password_hash(user.password_hash, password) and user.is_active

    if valid and user is not None:
        for scope, subject in subjects[:1]:
            row = _throttle(scope, subject)
            if row is not None:
                db.session.delete(row)
        user.last_signin_dt = now
        db.session.flush()
        return SignInOutcome(user=user)

    locked_until = None
    window = timedelta(seconds=current_app.config["SIGNIN_WINDOW_SECONDS"])
    for scope, subject in subjects:
        row = _throttle(scope, subject)
        if row is None:
            row = SignInThrottle(scope=scope, subject=subject, failures=0, window_start_dt=now)
            db.session.add(row)
        if row.window_start_dt + window < now:
            row.failures, row.window_start_dt, row.locked_until_dt = 0, now, None
        row.failures += 1
        if row.failures >= _limits(scope):
            row.locked_until_dt = now + timedelta(seconds=current_app.config["SIGNIN_LOCK_SECONDS"])
            locked_until = row.locked_until_dt
    db.session.flush()
    return SignInOutcome(locked_until=locked_until)


# --- invitations --------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(organisation: Organisation, email: str, role: Role, by: User) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the secret token, which is never stored."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(
            "That e-mail address already has a p4p account. "
            "Ask the person for a different address to invite."
        )
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


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    if invitation.status != "pending":
        raise AccountError(f"This invitation is {invitation.status} and cannot be used.")
    # create_user refuses an address that already has an account: an invitation link proves
    # the token, not control of somebody's existing account.
    with tenancy.within(tenancy.organisation(invitation.organisation_id)):
        user = create_user(invitation.email, name, password)
        db.session.add(
            Membership(user=user, organisation_id=invitation.organisation_id, role=invitation.role)
        )
        invitation.accepted_dt = utcnow()
        db.session.flush()
    return user
