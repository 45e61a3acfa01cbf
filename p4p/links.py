"""Links p4p hands out to be used elsewhere (an invitation sent by e-mail or message)."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link from the configured P4P_BASE_URL (required in production), never from
    the request's Host header, which a client chooses."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)  # development and tests on 127.0.0.1
