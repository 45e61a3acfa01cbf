"""Fixtures: the app under test (built once per run, its configuration fresh for each test) on
a clean database (SQLite, or PostgreSQL when P4P_TEST_DATABASE_URL is set), clients that sign
in through the real forms, and a query counter.
The run writes nothing into the checkout: the instance folder is a temporary one.

The published checklists are parsed and loaded once per run and stay in the catalogue tables
(checklists, checklist_versions, sections, statements); after each test every other table is
emptied. A test that loads checklists of its own asks for `empty_catalogue`."""

from __future__ import annotations

import copy
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Table, create_engine, event, func, select, text

from p4p import create_app, tenancy
from p4p.extensions import db
from tests.helpers import World, load_published_checklists

# Hypothesis keeps caches (even with no example database) under ./.hypothesis by default: the
# suite writes nothing into the checkout, so they go to the system's temporary folder.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "p4p-hypothesis")
)

ROOT = Path(__file__).resolve().parent.parent
# Left by installing and running the tools, not by the tests.
TOOL_FOLDERS = {".venv", ".pytest_cache", "__pycache__", ".ruff_cache"}


def checkout_files() -> dict[str, tuple[int, int]] | None:
    """Size and modification time of every untracked or ignored file of the checkout (outside
    TOOL_FOLDERS), from `git status --porcelain --ignored`; None outside a git checkout."""
    try:
        listing = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "-z"],  # noqa: S607 - git on PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    files: dict[str, tuple[int, int]] = {}
    entries = iter(listing.split("\0"))
    for entry in entries:
        status, path = entry[:2], entry[3:]
        if status[:1] in {"R", "C"}:
            next(entries, None)  # the name it was renamed or copied from
        if status not in {"??", "!!"} or TOOL_FOLDERS.intersection(Path(path).parts):
            continue
        top = ROOT / path
        files[path] = _stamp(top)
        if top.is_dir():
            for folder, subfolders, names in os.walk(top):
                subfolders[:] = [name for name in subfolders if name not in TOOL_FOLDERS]
                for name in [*subfolders, *names]:
                    target = Path(folder) / name
                    files[str(target.relative_to(ROOT))] = _stamp(target)
    return files


def _stamp(path: Path) -> tuple[int, int]:
    if path.is_dir():
        return (0, 0)  # a folder counts by what is in it
    stat = path.lstat()
    return stat.st_size, stat.st_mtime_ns


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched() -> Iterator[None]:
    """Fail the run if it created or changed an untracked or ignored file of the checkout
    (instance/, say); files tracked by git are left out, so editing while tests run is fine."""
    before = checkout_files()
    yield
    after = checkout_files()
    if before is None or after is None:
        return
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    if changed:
        pytest.fail("the test run wrote into the checkout: " + ", ".join(changed), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory) -> Iterator[Path]:
    """A temporary instance folder for every app of the run, and for servers and commands
    started from it (P4P_INSTANCE_PATH), instead of the checkout's instance/."""
    path = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("P4P_INSTANCE_PATH", str(path))
        yield path


@contextmanager
def separate_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database apart from the suite's: an SQLite file, or on PostgreSQL a schema of its own
    (dropped afterwards) selected through the connection's search_path."""
    from p4p.schemas import schema_of_its_own

    url = os.environ.get("P4P_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    with schema_of_its_own(url, name) as separate:
        yield separate


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


class Catalogue:
    """What the catalogue tables hold between tests: the published checklists (`fingerprint`
    then holds their row counts and highest ids) or, after a test of loading, anything."""

    def __init__(self) -> None:
        from p4p.catalogue.models import Checklist, ChecklistVersion, Section, Statement

        self.tables: list[Table] = [
            model.__table__ for model in (Checklist, ChecklistVersion, Section, Statement)
        ]
        self.fingerprint: tuple | None = None

    def publish(self, checklists_dir: str) -> None:
        """Make the catalogue hold exactly the published checklists, loading them if needed."""
        if self.fingerprint is not None:
            return
        _empty_tables(self.tables)
        load_published_checklists(checklists_dir)
        db.session.commit()
        db.session.remove()  # every test starts with a fresh session
        self.fingerprint = self.current()

    def empty(self) -> None:
        self.fingerprint = None
        _empty_tables(self.tables)

    def current(self) -> tuple:
        counts = [
            select(aggregate).select_from(table).scalar_subquery()
            for table in self.tables
            for aggregate in (func.count(), func.max(table.c.id))
        ]
        with db.engine.connect() as connection:
            return tuple(connection.execute(select(*counts)).one())

    def changed(self) -> str | None:
        """What is wrong if a test changed the published catalogue without saying so."""
        if self.fingerprint is None or self.current() == self.fingerprint:
            return None
        self.fingerprint = None  # the next test loads the published checklists again
        return "this test changed the catalogue tables without asking for empty_catalogue"


@pytest.fixture(scope="session")
def catalogue(database_url: str) -> Catalogue:
    return Catalogue()


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "own_app: the test changes the app itself (adds routes...), so gets its own"
    )


class Apps:
    """The app under test and its twin, built once for the run: building an app takes longer
    than many tests (it compiles every route). Each test gets their configuration afresh."""

    def __init__(self, database_url: str) -> None:
        self.config = make_config(database_url)
        self.served = create_app(self.config)
        self.twin = create_app(self.config)
        for app in (self.served, self.twin):
            with app.app_context():
                event.listen(db.engine, "connect", _commit_without_waiting_for_the_disk)
        self.settings = copy.deepcopy(dict(self.served.config))
        self.shape = self.shape_of(self.served)

    def reset(self, **extra) -> None:
        for app in (self.served, self.twin):
            app.config.clear()
            app.config.update(copy.deepcopy(self.settings), **extra)

    def changed(self) -> str | None:
        """What is wrong if a test changed the shared app itself."""
        if self.shape_of(self.served) == self.shape:
            return None
        with self.served.app_context():
            db.engine.dispose()
        self.served = create_app(self.config)  # for the tests after this one
        return (
            "this test changed the app shared by the tests (routes, blueprints, extensions or "
            "request hooks): mark it @pytest.mark.own_app"
        )

    @staticmethod
    def shape_of(app) -> tuple:
        hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
        return (
            sorted(f"{rule.rule} {rule.endpoint}" for rule in app.url_map.iter_rules()),
            sorted(app.view_functions),
            sorted(app.blueprints),
            sorted(app.extensions),
            [sorted(((key, len(funcs)) for key, funcs in hook.items()), key=str) for hook in hooks],
        )


def _commit_without_waiting_for_the_disk(connection, record) -> None:
    """The test database need not survive a crash of the machine: a commit need not wait until
    the disk has it (on a busy machine, that wait took more time than building test data)."""
    cursor = connection.cursor()
    if isinstance(connection, sqlite3.Connection):
        cursor.execute("PRAGMA synchronous = OFF")
    else:
        cursor.execute("SET synchronous_commit = off")
        connection.commit()
    cursor.close()


@pytest.fixture(scope="session")
def apps(database_url: str) -> Iterator[Apps]:
    apps = Apps(database_url)
    yield apps
    for app in (apps.served, apps.twin):
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(apps: Apps, catalogue: Catalogue, tmp_path, request):
    """The app under test, with a fresh configuration. The test body runs in the context of a
    twin app on the same database, with the same configuration: a request made by the test
    client then gets a fresh context of its own (its own `g` and session), as it would in
    production, instead of sharing the test's. A test marked `own_app` gets an app of its own."""
    apps.reset(PDF_CACHE_DIR=str(tmp_path / "pdf-cache"))
    app = apps.served
    if request.node.get_closest_marker("own_app"):
        app = create_app({**apps.config, "PDF_CACHE_DIR": str(tmp_path / "pdf-cache")})
    with apps.twin.app_context():
        # The test body sets up and checks data of several organisations, as an operator would;
        # each request made through the test client gets its own reach, from who signed in.
        tenancy.enter(tenancy.everything("a test's own set-up and checks"))
        if "empty_catalogue" not in request.fixturenames:
            catalogue.publish(apps.config["CHECKLISTS_DIR"])
        yield app
        db.session.remove()
        _empty_tables([t for t in db.metadata.sorted_tables if t not in catalogue.tables])
        problems = [problem for problem in (catalogue.changed(), apps.changed()) if problem]
    if app is not apps.served:
        with app.app_context():
            db.engine.dispose()
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture
def empty_catalogue(app, catalogue: Catalogue) -> None:
    """For tests that load checklists of their own: the catalogue tables start empty instead of
    holding the published checklists, which the next test that needs them loads again."""
    catalogue.empty()


def _empty_tables(tables: list[Table]) -> None:
    """Delete every row of `tables`, in an order foreign keys allow, and start their ids again
    from 1. (On PostgreSQL, DELETE of a few rows takes a few milliseconds; TRUNCATE takes tens
    to hundreds.)"""
    ordered = [t for t in reversed(db.metadata.sorted_tables) if t in tables]
    with db.engine.begin() as connection:
        for table in ordered:
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql" and ordered:
            restarts = ", ".join(
                f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"
                for t in ordered
                if "id" in t.c
            )
            connection.execute(text(f"SELECT {restarts}"))


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
    """The newest version of the homecare edition (of the published checklists, which the
    `app` fixture has loaded)."""
    from p4p.catalogue.models import Checklist

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


PHASE_SECONDS = {"setup": 0.0, "call": 0.0, "teardown": 0.0}


def pytest_runtest_logreport(report) -> None:
    PHASE_SECONDS[report.when] += report.duration


def pytest_terminal_summary(terminalreporter, config) -> None:
    """With --durations, the time spent in set-up, in the tests and in teardown."""
    total = sum(PHASE_SECONDS.values())
    if config.option.durations is None or not total:
        return
    terminalreporter.write_line(
        "time in "
        + ", ".join(
            f"{phase} {seconds:.1f}s ({100 * seconds / total:.0f} %)"
            for phase, seconds in PHASE_SECONDS.items()
        )
    )
