"""Who asks the API: the person whose token is in the Authorization header.

API requests use no session and no cookie, in either direction: the session interface hands
them a null session (nothing read, nothing saved, no Set-Cookie), and Flask-Login is told that
nobody is signed in before anything asks. So a browser's p4p cookies never authenticate an API
request, and there is nothing for a cross-site request to ride on (no CSRF). The token is the
only credential; its user's reach is worked out afresh on every request, so a revoked share,
an ended membership or a deactivated account counts at once."""

from __future__ import annotations

import re
import threading
import time
from collections import deque

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import Forbidden, TooManyRequests

from p4p import api, tenancy
from p4p.access import Rule
from p4p.api.errors import BearerRequired
from p4p.extensions import login
from p4p.tokens import service as tokens

BEARER = re.compile(r"Bearer +([^\s]+)", re.IGNORECASE)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except for API requests, which get none."""

    def open_session(self, app: Flask, request):  # type: ignore[override]
        if api.serves(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)


def begin_request() -> None:
    """Nobody is signed in and nothing is reached until the API's own check says otherwise
    (run before any view of the app can ask Flask-Login, which would read the session)."""
    g._login_user = login.anonymous_user()
    tenancy.enter(tenancy.NOTHING)


def check(rule: Rule) -> None:
    """The API blueprint's before_request: a usable token, of an account whose organisation
    the endpoint's rule allows; then that account's reach."""
    if rule.anonymous:
        return
    header = request.headers.get("Authorization")
    if header is None:
        raise BearerRequired("No API token was sent: send 'Authorization: Bearer <token>'.")
    match = BEARER.fullmatch(header.strip())
    found = tokens.authenticate(match.group(1)) if match else None
    if found is None:
        raise BearerRequired(
            "The API token is not valid: it may be mistyped, revoked or expired, or its "
            "account deactivated.",
            invalid=True,
        )
    token, user = found
    g.api_token = token
    _limit_rate(token.token_hash)
    if not rule.allows(user):
        raise Forbidden(
            "Your token's organisation may not use this endpoint."
            if user.organisation is not None
            else "Your token's account is not in any organisation, so it reaches no data."
        )
    g._login_user = user
    tenancy.enter(tenancy.reach_of(tenancy.Viewer.of(user)))


# --- per-token rate limit -----------------------------------------------------------------
# Counted in the memory of each worker process (a sliding minute): cheap, no write per request,
# and enough to stop a runaway script; with N workers a token gets up to N times the limit.

# Keyed by the token's hash (never reused, unlike ids).
_recent: dict[str, deque[float]] = {}
_lock = threading.Lock()


class RateLimited(TooManyRequests):
    pass


def _limit_rate(token_key: str) -> None:
    limit = int(current_app.config.get("API_REQUESTS_PER_MINUTE", 0) or 0)
    if limit <= 0:
        return
    now = time.monotonic()
    with _lock:
        times = _recent.setdefault(token_key, deque())
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= limit:
            wait = max(1, int(60 - (now - times[0])) + 1)
            raise RateLimited(
                f"This token made {limit} requests in the last minute, the most p4p allows; "
                f"try again in {wait} seconds.",
                retry_after=wait,
            )
        times.append(now)
        if len(_recent) > 10_000:  # forget idle tokens rather than grow without bound
            for idle in [t for t, q in _recent.items() if not q or q[-1] <= now - 60]:
                del _recent[idle]
