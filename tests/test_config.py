import pytest

from p4p import create_app
from p4p.config import ConfigError, normalise_database_url


def test_production_refuses_to_start_without_a_real_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("P4P_SECRET_KEY", raising=False)
    for secret in (None, "change-me", "short"):
        config = {"P4P_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        if secret:
            config["SECRET_KEY"] = secret
        with pytest.raises(ConfigError, match="P4P_SECRET_KEY"):
            create_app(config)


def test_production_with_a_real_secret_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("P4P_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("P4P_BASE_URL", "https://p4p.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-p4p"
    assert not app.config["TESTING"]
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_refuses_to_start_without_its_own_address(monkeypatch):
    monkeypatch.setenv("P4P_SECRET_KEY", "x" * 48)
    for base in (None, "http://p4p.example.org"):
        config = {"P4P_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        if base:
            config["BASE_URL"] = base
        with pytest.raises(ConfigError, match="P4P_BASE_URL"):
            create_app(config)


def test_invitation_links_come_from_the_configured_address_not_the_host_header(app, client, world):
    from tests.helpers import sign_in, submit

    app.config["BASE_URL"] = "https://p4p.example.org"
    sign_in(client, world.provider("Linked Homecare"))
    response = submit(
        client,
        "/team/",
        {"email": "new@example.org", "role": "viewer"},
        action="/team/invitations",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 201, html
    # The request came to http://localhost/ (its Host header): the link ignores that.
    assert "https://p4p.example.org/join/" in html and "localhost/join" not in html


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("P4P_ENV", "development")
    monkeypatch.setenv("P4P_DATABASE_URL", "postgres://someone@db.example/p4p")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/p4p"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert len(app.config["SECRET_KEY"]) >= 32


def test_instance_folder_comes_from_p4p_instance_path(tmp_path, monkeypatch):
    monkeypatch.setenv("P4P_ENV", "development")
    monkeypatch.delenv("P4P_SECRET_KEY", raising=False)
    monkeypatch.delenv("P4P_DATABASE_URL", raising=False)
    monkeypatch.setenv("P4P_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/elsewhere/p4p.sqlite3")
    secret = tmp_path / "elsewhere" / "development-secret-key"
    assert secret.read_text() == app.config["SECRET_KEY"]


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="P4P_ENV"):
        create_app({"P4P_ENV": "staging"})


def test_database_url_spellings():
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_create_app_does_not_touch_the_database(tmp_path):
    create_app({"P4P_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert not (tmp_path / "x.db").exists()


def test_operator_commands_run_without_a_secret_but_the_app_serves_nothing(monkeypatch):
    import click

    monkeypatch.delenv("P4P_SECRET_KEY", raising=False)
    with click.Context(click.Command("checklists")):
        app = create_app({"P4P_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "P4P_SECRET_KEY" in response.get_data(as_text=True)


def test_a_sqlite_writer_waits_for_the_lock_rather_than_failing_at_once(app):
    from sqlalchemy import text

    from p4p import SQLITE_BUSY_MS
    from p4p.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's lock; PostgreSQL locks rows")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_MS
