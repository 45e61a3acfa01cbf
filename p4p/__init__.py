"""p4p: person-centred practice self-assessment for care providers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, render_template
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from p4p import config as config_layers
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
    if app.config["P4P_ENV"] == "production":
        app.config["SESSION_COOKIE_NAME"] = "__Host-p4p"

    db.init_app(app)
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


def _register_blueprints(app: Flask) -> None:
    from p4p.actions.routes import bp as actions_bp
    from p4p.admin.routes import bp as admin_bp
    from p4p.assessments.routes import bp as assessments_bp
    from p4p.auth.routes import bp as auth_bp
    from p4p.catalogue.routes import bp as catalogue_bp
    from p4p.main.routes import bp as main_bp
    from p4p.progress.routes import bp as progress_bp
    from p4p.reports.routes import bp as reports_bp
    from p4p.team.routes import bp as team_bp

    for blueprint in (
        main_bp,
        auth_bp,
        team_bp,
        catalogue_bp,
        assessments_bp,
        actions_bp,
        progress_bp,
        reports_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from p4p.assessments.commands import assessments_cli
    from p4p.auth.commands import users_cli
    from p4p.catalogue.commands import checklists_cli
    from p4p.demo import demo_command
    from p4p.reports.commands import report_cli

    for command in (assessments_cli, users_cli, checklists_cli, demo_command, report_cli):
        app.cli.add_command(command)


def _register_request_hooks(app: Flask) -> None:
    from p4p import access
    from p4p.auth.models import User

    @login.user_loader
    def load_user(identifier: str) -> User | None:
        user_id, _, session_version = identifier.partition(":")
        if not user_id.isdigit() or not session_version.isdigit():
            return None
        user = db.session.scalar(select(User).where(User.id == int(user_id)))
        if user is None or user.session_version != int(session_version):
            return None
        return user

    if app.config.get("P4P_EPHEMERAL_SECRET"):

        @app.before_request
        def refuse_to_serve():
            abort(503, description=config_layers.SECRET_MESSAGE)

    @app.after_request
    def finish_transaction(response):
        # One commit per request, here and nowhere else: services only flush. An error
        # response rolls back, unless the view said its changes must stand (keep_changes).
        if response.status_code < 400 or g.get("keep_changes"):
            db.session.commit()
        else:
            db.session.rollback()
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_template("errors.html", error=error), error.code

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {"can": access.can}
