"""A real server in its own process, on its own database, driven by Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from p4p import create_app
from p4p.catalogue.loading import load_all
from p4p.extensions import db
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import separate_database

SCHEMA = "p4p_browser"
SECRET = "browser-test-secret-key-long-enough-for-checks"
# Upper bounds for conditions to hold, generous for a busy 2-core machine; no test waits them out.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server_database(tmp_path_factory):
    with separate_database(tmp_path_factory.mktemp("browser"), "p4p_browser") as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(server_database, tmp_path_factory):
    config = {
        "P4P_ENV": "testing",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": server_database,
    }
    app = create_app(config)
    with app.app_context():
        db.create_all()
        load_all(Path(app.config["CHECKLISTS_DIR"]))
        db.session.commit()
        db.engine.dispose()

    port = _free_port()
    env = {
        **os.environ,
        "P4P_ENV": "testing",
        "P4P_SECRET_KEY": SECRET,
        "P4P_DATABASE_URL": server_database,
        "PYTHONWARNINGS": "ignore",
    }
    folder = tmp_path_factory.mktemp("server")
    log = folder / "server.log"
    # PDFs are cached outside the checkout (by default they go to its instance folder).
    factory = f"p4p:create_app({{'PDF_CACHE_DIR': {str(folder / 'pdf-cache')!r}}})"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                factory,
                "run",
                "--port",
                str(port),
                "--host",
                "127.0.0.1",
                "--no-reload",
            ],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our own server
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"server did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run `make test` (it installs it) or "
            "apt-get install -y chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a browser context of its own (its own cookies: another person)."""
    contexts = []

    def new_page(**options):
        context = browser.new_context(
            base_url=live_server, viewport={"width": 1024, "height": 1366}, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


OPERATOR_EMAIL = "the.operator.with.a.long.address@operations.p4p-service.example"
OPERATOR_PASSWORD = "an operator test password"


@pytest.fixture(scope="session")
def operator(live_server, server_database):
    """An operators' account (sees /admin) on the server's database: its e-mail address."""
    from p4p.auth import service as accounts

    app = create_app(
        {"P4P_ENV": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": server_database}
    )
    with app.app_context():
        accounts.create_user(OPERATOR_EMAIL, "Operator", OPERATOR_PASSWORD, is_admin=True)
        db.session.commit()
        db.engine.dispose()
    return OPERATOR_EMAIL
