"""Every error under /api/ has one shape: {"error": {"status", "code", "message"}}."""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException, Unauthorized

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

# Werkzeug's own descriptions speak of "the server" and "the URL"; these speak of the API.
MESSAGES = {
    400: "The request is not one the API understands.",
    401: "A valid API token is needed: send 'Authorization: Bearer <token>'.",
    403: "Your token's organisation may not use this endpoint.",
    404: "There is nothing at this address.",
    405: "This address only answers GET.",
    429: "Too many requests with this token; wait before trying again.",
    500: "Something went wrong in p4p. It has been logged; please try again later.",
    503: "p4p is not available at the moment.",
}


class BearerRequired(Unauthorized):
    """401 with the RFC 6750 challenge: no token, or one that is not valid (any more)."""

    def __init__(self, description: str, *, invalid: bool = False):
        super().__init__(description=description)
        self.challenge = 'Bearer realm="p4p"' + (', error="invalid_token"' if invalid else "")

    def get_headers(self, environ=None, scope=None):  # type: ignore[override]
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", self.challenge)]


def error_body(status: int, message: str) -> dict:
    return {"error": {"status": status, "code": CODES.get(status, "error"), "message": message}}


def error_response(error: HTTPException) -> Response:
    status = error.code or 500
    own = error.description and error.description != type(error).description
    message = error.description if own else MESSAGES.get(status, error.name)
    response = jsonify(error_body(status, str(message)))
    response.status_code = status
    for header, value in error.get_headers():  # Retry-After of a 429, Allow of a 405, ...
        if header.lower() != "content-type":
            response.headers[header] = value
    return response
