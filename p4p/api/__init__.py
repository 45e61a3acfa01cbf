"""The read-only JSON API (/api/v1/...), authenticated by personal access tokens.

`bearer` decides who asks (a token acts as its user; the reach is worked out per request),
`errors` gives every error under /api/ one JSON shape, `present` turns rows into the JSON the
OpenAPI document (`openapi`) describes, and `routes` holds the endpoints."""

PREFIX = "/api/"


def serves(path: str) -> bool:
    """Is this an API request? By path, so that errors raised before a view is found (an
    unknown address, a wrong method) are answered in JSON too."""
    return path == PREFIX.rstrip("/") or path.startswith(PREFIX)
