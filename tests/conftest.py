"""Fixtures: an app per test on a clean database (SQLite, or PostgreSQL when
P4P_TEST_DATABASE_URL is set), clients that sign in through the real forms, and a query counter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from p4p import create_app, tenancy
from p4p.extensions import db
from tests.helpers import World

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def separate_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database apart from the suite's: an SQLite file, or on PostgreSQL a schema of its own
    (dropped afterwards) selected through the connection's search_path."""
    from p4p.config import normalise_database_url

    url = os.environ.get("P4P_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    url = normalise_database_url(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("P4P_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    from p4p import models  # noqa: F401 - register every table
    from p4p.config import normalise_database_url
    from p4p.extensions import Base

    url = normalise_database_url(url)
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url


def make_config(database_url: str, **extra) -> dict:
    return {
        "P4P_ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-to-pass-checks",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "CHECKLISTS_DIR": str(ROOT / "checklists"),
        # No render thread inside the app under test: tests run the queue themselves, with
        # p4p.reports.jobs.run_pending_jobs(), when they choose.
        "P4P_RENDER_WORKER": "external",
        **extra,
    }


@pytest.fixture
def app(database_url: str, tmp_path):
    """The app under test. The test body runs in the context of a twin app on the same
    database: a request made by the test client then gets a fresh context of its own (its own
    `g` and session), as it would in production, instead of sharing the test's."""
    config = make_config(database_url, PDF_CACHE_DIR=str(tmp_path / "pdf-cache"))
    app = create_app(config)
    twin = create_app(config)
    with twin.app_context():
        # The test body sets up and checks data of several organisations, as an operator would;
        # each request made through the test client gets its own reach, from who signed in.
        tenancy.enter(tenancy.everything("a test's own set-up and checks"))
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app) -> World:
    """Organisations, people and the loaded checklists, built through the real services."""
    return World(app)


@pytest.fixture
def homecare(world):
    """The published checklists loaded; the newest version of the homecare edition."""
    from sqlalchemy import select

    from p4p.catalogue.models import Checklist

    world.load_checklists()
    return db.session.scalar(select(Checklist).where(Checklist.key == "homecare")).versions[-1]


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; len(queries) is the number of SQL statements."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():  # the served app's engine, not the test body's twin
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
