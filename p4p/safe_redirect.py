"""Only redirect to our own pages: a `next=` value must be a local path."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, url_for
from werkzeug.wrappers import Response


def is_local_path(target: str | None) -> bool:
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_next(target: str | None, fallback_endpoint: str = "main.home") -> Response:
    return redirect(target if is_local_path(target) else url_for(fallback_endpoint))
