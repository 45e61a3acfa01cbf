"""Configuration in layers: defaults here, then the instance folder, then P4P_* environment
variables, then a mapping passed to the factory (tests). Production refuses a weak secret."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import click

PLACEHOLDER_SECRETS = {"", "dev", "change-me", "changeme", "secret", "p4p-development"}
MIN_SECRET_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "P4P_ENV": "production",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 60 * 60,  # "keep me signed in": 30 days at most
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 8,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "PASSWORD_HASH_METHOD": "scrypt",
    # Sign-in throttling (p4p.auth.service.authenticate): failures are counted per pair of
    # client address and e-mail address, and per client address; past the limit each failure
    # doubles the wait before the next attempt, from SIGNIN_DELAY_SECONDS up to
    # SIGNIN_MAX_DELAY_SECONDS. Counts are forgotten after SIGNIN_WINDOW_SECONDS of quiet.
    "SIGNIN_MAX_FAILURES": 5,
    "SIGNIN_MAX_FAILURES_PER_ADDRESS": 50,
    "SIGNIN_WINDOW_SECONDS": 60 * 60,
    "SIGNIN_DELAY_SECONDS": 30,
    "SIGNIN_MAX_DELAY_SECONDS": 15 * 60,
    # How many proxies in front of p4p may be believed about the client's address and scheme
    # (X-Forwarded-For, X-Forwarded-Proto): 0 believes none. See README, "Configuration".
    "P4P_TRUSTED_PROXIES": 0,
    "INVITATION_DAYS": 14,
    "NOTE_MAX_LENGTH": 4000,
    "PDF_CACHE_MAX_AGE_DAYS": 30,
    # Renders run outside the request: "internal" starts one render thread (its WeasyPrint in a
    # child process) inside each web process when first needed; "external" leaves them to
    # `flask render-worker` (docs/architecture.md, "PDFs are made off the request").
    "P4P_RENDER_WORKER": "internal",
    "PDF_RENDER_TIME_LIMIT": 120,  # seconds; a render that takes longer is stopped, and fails
    "PDF_RENDER_RETRY_AFTER": 600,  # seconds before a failed document is tried again
    # At most this many actions per statement in a PDF, the most urgent; the rest are counted
    # there, and all are in the CSV. 72 statements x 3 = 216 at most: about 8 s to render.
    "PDF_ACTIONS_PER_STATEMENT": 3,
    "RATE_LIMIT_ACTIONS_PER_HOUR": 200,  # new improvement actions, per organisation
    "RATE_LIMIT_ASSESSMENTS_PER_HOUR": 20,  # new assessments, per organisation
    # API requests per personal access token and minute, counted by each worker process.
    "API_REQUESTS_PER_MINUTE": 120,
}

# Environment variables read, with the config key each one sets.
ENVIRONMENT = {
    "P4P_ENV": "P4P_ENV",
    "P4P_SECRET_KEY": "SECRET_KEY",
    "P4P_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "P4P_CHECKLISTS_DIR": "CHECKLISTS_DIR",
    "P4P_BASE_URL": "BASE_URL",
    "P4P_TRUSTED_PROXIES": "P4P_TRUSTED_PROXIES",
    "P4P_RENDER_WORKER": "P4P_RENDER_WORKER",
}


SECRET_MESSAGE = (
    "Refusing to start: set P4P_SECRET_KEY to a random value of at least "
    f"{MIN_SECRET_LENGTH} characters (for example: python -c 'import secrets; "
    "print(secrets.token_urlsafe(48))'), or set P4P_ENV=development on your own machine."
)


BASE_URL_MESSAGE = (
    "Refusing to start: set P4P_BASE_URL to the address people use to reach p4p, such as "
    "https://p4p.example.org. Links that p4p hands out (invitations) are built from it, never "
    "from the Host header of a request, which anyone can set."
)


class ConfigError(RuntimeError):
    """The app cannot start safely with this configuration."""


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def build(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    root = Path(__file__).resolve().parent.parent
    config["CHECKLISTS_DIR"] = str(root / "checklists")
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(instance_path) / 'p4p.sqlite3'}"

    instance_file = Path(instance_path) / "config.py"
    if instance_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)  # noqa: S102 - operator-owned file
        config.update({k: v for k, v in namespace.items() if k.isupper()})

    for variable, key in ENVIRONMENT.items():
        if os.environ.get(variable):
            config[key] = os.environ[variable]
    config.update(overrides or {})
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])

    proxies = str(config["P4P_TRUSTED_PROXIES"]).strip()
    if not (proxies.isascii() and proxies.isdigit() and int(proxies) <= 10):
        raise ConfigError(
            "P4P_TRUSTED_PROXIES must be the number of proxies in front of p4p (0 to 10), "
            f"not {config['P4P_TRUSTED_PROXIES']!r}"
        )
    config["P4P_TRUSTED_PROXIES"] = int(proxies)

    env = config["P4P_ENV"]
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"P4P_ENV must be production, development or testing, not {env!r}")
    if env in {"development", "testing"}:
        # Plain http on 127.0.0.1: a secure-only cookie would never come back.
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in (overrides or {}):
                config[key] = False
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _development_secret(Path(instance_path))
    config["TESTING"] = env == "testing" or bool(config.get("TESTING"))
    if config["P4P_RENDER_WORKER"] not in {"internal", "external"}:
        raise ConfigError(
            "P4P_RENDER_WORKER must be internal (renders in a thread of the web app) or "
            f"external (`flask render-worker`), not {config['P4P_RENDER_WORKER']!r}"
        )

    secret = str(config.get("SECRET_KEY") or "")
    weak = secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH
    if env == "production" and weak and click.get_current_context(silent=True) is not None:
        # An operator command (validate, load, migrate...) issues no sessions, so it may run
        # with a throw-away key; create_app makes such an app refuse every web request.
        config["SECRET_KEY"] = secrets.token_urlsafe(48)
        config["P4P_EPHEMERAL_SECRET"] = True
    elif env == "production" and weak:
        raise ConfigError(SECRET_MESSAGE)
    base = str(config.get("BASE_URL") or "")
    cli = click.get_current_context(silent=True) is not None
    if env == "production" and not cli and not base.startswith("https://"):
        raise ConfigError(BASE_URL_MESSAGE)
    return config


def _development_secret(instance: Path) -> str:
    """A per-checkout random secret kept in the instance folder, so sessions survive restarts."""
    path = instance / "development-secret-key"
    if path.is_file():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
