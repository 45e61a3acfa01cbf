"""p4p: person-centred practice self-assessment for care providers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, make_response, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter

from p4p import api, tenancy
from p4p import config as config_layers
from p4p.catalogue.tags import scheme_title, tag_label, vocabularies
from p4p.dates import day
from p4p.extensions import csrf, db, login, migrate

ROOT = Path(__file__).resolve().parent.parent

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class RowIdConverter(BaseConverter):
    """`<id:...>` in a URL: a row id that fits the databases' integer columns (PostgreSQL's
    are 32-bit). Any other string of digits, however long, names no row: 404 for every method,
    never a 500 from the database."""

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value) if len(value) <= 10 else 0
        if not 1 <= number <= 2**31 - 1:
            raise NotFound()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("P4P_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config_layers.build(app.instance_path, config))
    app.url_map.converters["id"] = RowIdConverter
    from p4p.api.bearer import SessionInterface

    app.session_interface = SessionInterface()  # none at all for API requests
    app.jinja_env.filters["day"] = day
    vocabularies()  # read and checked once per process: a broken file stops start-up, here
    app.jinja_env.globals.update(tag_label=tag_label, scheme_title=scheme_title)
    if app.config["P4P_ENV"] == "production":
        app.config["SESSION_COOKIE_NAME"] = "__Host-p4p"
    if proxies := app.config["P4P_TRUSTED_PROXIES"]:
        # Believe X-Forwarded-For and -Proto from exactly this many proxies, no more: the
        # client address is what sign-in throttling counts by.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    db.init_app(app)
    _connection_settings(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    login.init_app(app)

    from p4p import models  # noqa: F401 - every table registered before anything uses metadata

    _register_blueprints(app)
    _register_commands(app)
    _register_request_hooks(app)
    return app


SQLITE_BUSY_MS = 30_000


def _connection_settings(app: Flask) -> None:
    """Set on every new connection.

    PostgreSQL compiles a query it thinks costly to machine code first (JIT, on by default
    since version 12). p4p's queries are short: compiling took 200 ms of a 245 ms providers
    table query (benchmarks/commissioner.py), so it is turned off.

    SQLite lets one connection write at a time; another writer waits for the lock, by default
    for 5 seconds and then fails with "database is locked" (a 500). On a busy machine two
    requests of a threaded server can hold each other up longer than that, so a writer waits up
    to 30 seconds instead."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def no_jit(connection, record) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            connection.commit()

    elif engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def wait_for_the_lock(connection, record) -> None:
            connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


def _register_blueprints(app: Flask) -> None:
    from p4p.actions.routes import bp as actions_bp
    from p4p.admin.routes import bp as admin_bp
    from p4p.api.routes import bp as api_bp
    from p4p.assessments.routes import bp as assessments_bp
    from p4p.associations.draft_routes import bp as drafts_bp
    from p4p.associations.member_routes import bp as memberships_bp
    from p4p.associations.routes import bp as association_bp
    from p4p.auth.routes import bp as auth_bp
    from p4p.catalogue.routes import bp as catalogue_bp
    from p4p.commissioning.routes import bp as commissioning_bp
    from p4p.main.routes import bp as main_bp
    from p4p.progress.routes import bp as progress_bp
    from p4p.reports.routes import bp as reports_bp
    from p4p.shared.routes import bp as shared_bp
    from p4p.sharing.routes import bp as sharing_bp
    from p4p.team.routes import bp as team_bp
    from p4p.tokens.routes import bp as tokens_bp

    for blueprint in (
        main_bp,
        auth_bp,
        team_bp,
        catalogue_bp,
        assessments_bp,
        actions_bp,
        progress_bp,
        reports_bp,
        sharing_bp,
        commissioning_bp,
        memberships_bp,
        association_bp,
        drafts_bp,
        tokens_bp,
        api_bp,
        shared_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from p4p.assessments.commands import assessments_cli
    from p4p.auth.commands import users_cli
    from p4p.catalogue.commands import checklists_cli
    from p4p.demo import demo_command
    from p4p.reports.commands import render_worker, report_cli
    from p4p.tokens.commands import tokens_cli

    for command in (
        assessments_cli,
        users_cli,
        checklists_cli,
        demo_command,
        report_cli,
        render_worker,
        tokens_cli,
    ):
        app.cli.add_command(command)


def _register_request_hooks(app: Flask) -> None:
    from p4p import access
    from p4p.api import bearer
    from p4p.api.errors import error_response
    from p4p.auth import service as accounts
    from p4p.auth.models import User

    @login.user_loader
    def load_user(identifier: str) -> User | None:
        # The session (or remember cookie) names a sign-in; it counts only while that sign-in
        # is open. Who is signed in decides the reach, so this one query precedes it.
        return accounts.signed_in_user(identifier)

    @app.before_request
    def api_requests_are_nobodys_yet():
        # First of all: a token, not the session, says who asks; the API blueprint checks it.
        # Until then nobody is signed in, and nothing (an error page included) reads cookies.
        if api.serves(request.path):
            bearer.begin_request()

    @app.before_request
    def refuse_nul_bytes():
        # No text p4p keeps may hold a NUL (PostgreSQL refuses them): refuse them at the door.
        values = [request.path, *request.args.values()]
        if request.method == "POST":
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            abort(400, description="The request held a character that is not allowed (NUL).")

    @app.before_request
    def enter_reach():
        if request.endpoint == "static":
            return
        if api.serves(request.path):
            return  # reached through the token (below)
        tenancy.enter(tenancy.reach_of(tenancy.Viewer.of(current_user)))

    if app.config.get("P4P_EPHEMERAL_SECRET"):

        @app.before_request
        def refuse_to_serve():
            abort(503, description=config_layers.SECRET_MESSAGE)

    @app.after_request
    def finish_transaction(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if app.config["P4P_ENV"] == "production":
            # Production is served over https only (secure cookies); browsers should never try
            # plain http for it again.
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        # One commit per request, here and nowhere else: services only flush. The status code
        # does not decide: a view that raised (an HTTP error included) or asked for it
        # (discard_changes) is rolled back; anything else is committed, so a 409 or a 429 can
        # tell the truth and still keep what the request rightly changed.
        if g.get("discard_changes"):
            db.session.rollback()
        else:
            db.session.commit()
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        g.discard_changes = True
        if error.code is None or error.code < 400:
            return error
        if api.serves(request.path):
            return error_response(error)
        response = make_response(render_template("errors.html", error=error), error.code)
        for header, value in error.get_headers():  # Retry-After of a 429, Allow of a 405
            if header.lower() != "content-type":
                response.headers[header] = value
        return response

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {"can": access.can}
