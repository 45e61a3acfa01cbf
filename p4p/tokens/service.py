"""Making, finding and revoking personal access tokens. Functions flush; the request (or the
command) commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from p4p import tenancy
from p4p.auth.models import Membership, User
from p4p.extensions import db
from p4p.timeutil import utcnow
from p4p.tokens.models import ApiToken

# Recognisable in logs, config files and secret scanners; the rest is 32 random bytes.
PREFIX = "p4p_"
SECRET_BYTES = 32
# A token's last use is written at most this often, so that reading the API does not write.
LAST_USED_EVERY = timedelta(minutes=5)
MAX_ACTIVE_PER_USER = 20
MAX_EXPIRY_DAYS = 3650


class TokenError(ValueError):
    """Something the person can put right; the message says how."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_token(text: str) -> bool:
    return (
        text.startswith(PREFIX)
        and 30 <= len(text) <= 100
        and text.isascii()
        and all(c.isalnum() or c in "-_" for c in text)
    )


def create(user: User, name: str, expires_days: int | None = None) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, such as the program that will use it.")
    if len(name) > 100:
        raise TokenError("Keep the name to 100 characters or fewer.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenError(f"A token lasts between 1 and {MAX_EXPIRY_DAYS} days, or until revoked.")
    if not user.is_active:
        raise TokenError("This account is deactivated, so it cannot have tokens.")
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_dt.is_(None),
            (ApiToken.expires_dt.is_(None)) | (ApiToken.expires_dt > utcnow()),
        )
    )
    if active >= MAX_ACTIVE_PER_USER:
        raise TokenError(
            f"You have {active} tokens in use, the most p4p allows. Revoke one you no longer "
            "need first."
        )
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        hint=secret[: len(PREFIX) + 4],
        token_hash=_hash(secret),
        created_dt=now,
        expires_dt=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def tokens_of(user_id: int) -> list[ApiToken]:
    """The person's tokens, those still usable first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.id.desc())
        )
    )


def revoke(user_id: int, token_id: int) -> ApiToken:
    """End one of the person's own tokens at once; LookupError for anyone else's (or none)."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    )
    if token is None:
        raise LookupError(token_id)
    if token.revoked_dt is None:
        token.revoked_dt = utcnow()
        db.session.flush()
    return token


def revoke_every_token(user_id: int) -> int:
    """End all the person's tokens (an operator deactivating or resetting an account)."""
    return db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_dt.is_(None))
        .values(revoked_dt=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def authenticate(secret: str, now: datetime | None = None) -> tuple[ApiToken, User] | None:
    """The token and its user, if the secret names a usable token of an active account: one
    query by the hash (a unique index), with the user's membership and organisation, which
    decide the reach. The stored hash is compared again in constant time."""
    if not looks_like_token(secret):
        return None
    now = now or utcnow()
    wanted = _hash(secret)
    with tenancy.within(tenancy.everything("a token names its user")):
        row = db.session.execute(
            select(ApiToken, User)
            .join(User, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == wanted)
            .options(joinedload(User.membership).joinedload(Membership.organisation))
        ).first()
    if row is None:
        return None
    token, user = row
    if not hmac.compare_digest(token.token_hash, wanted):
        return None
    if not token.is_usable(now) or not user.is_active:
        return None
    if token.last_used_dt is None or token.last_used_dt + LAST_USED_EVERY < now:
        token.last_used_dt = now
    return token, user
