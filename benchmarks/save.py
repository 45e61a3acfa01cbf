"""Autosave benchmark (run on demand: `make benchmark`): saving one rating, as the section page's
script does, against the framework floor. Goal: at most 3× the floor on PostgreSQL.

Two servers run side by side under the same gunicorn settings (GUNICORN below) and the same
environment (P4P_ENV=production, a freshly generated P4P_SECRET_KEY):

- p4p itself (`p4p:create_app()`), signed in through the real /signin form;
- the floor (benchmarks/floor_app.py): Flask + Flask-SQLAlchemy, one conditional UPDATE of a
  one-row table in the same database and a commit, answering a small JSON.

Both get the same request, `POST /assessments/<id>/statements/<key>`, built as static/js/p4p.js
builds it: multipart form data (csrf_token, <key>-scale, <key>-note, <key>-revision), with
Accept: application/json, the session cookie, Origin and Referer. The scale alternates between
two values so every save changes the rating, and each request sends the revision the previous
answer returned. Requests are sequential from one client, interleaved (p4p, floor, floor, p4p,
... so neither side always goes first), after a warm-up; the ratio of medians is the figure.

The requests reach gunicorn as a TLS-terminating proxy on the same host would send them: plain
http to 127.0.0.1 with `X-Forwarded-Proto: https`, which gunicorn trusts from 127.0.0.1, so the
app sees https as in production (Flask-WTF checks the Referer). The production session cookie is
Secure and named `__Host-p4p`; those are instructions to a browser, so this client keeps cookies
by hand and echoes the Set-Cookie values back in a Cookie header. gunicorn's sync workers close
the connection after each answer: each request opens a new connection, for both servers alike.

It also counts the SQL statements one autosave issues (in-process, through Flask's test client
and a `before_cursor_execute` listener) and prints them. BEGIN/COMMIT and the connection pool's
pre-ping are not cursor executions and are not counted.

The database is an SQLite file in a temporary folder, or with --database-url (default:
P4P_BENCH_DATABASE_URL) a PostgreSQL database in which the benchmark makes a schema of its own
(SCHEMA) and drops it at the end. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from flask_migrate import upgrade
from sqlalchemy import event, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from floor_app import Base as FloorBase  # noqa: E402
from floor_app import Floor  # noqa: E402

from p4p import create_app, tenancy  # noqa: E402
from p4p.assessments.service import start  # noqa: E402
from p4p.auth.service import sign_up  # noqa: E402
from p4p.catalogue.loading import load_all  # noqa: E402
from p4p.catalogue.models import Checklist  # noqa: E402
from p4p.extensions import db  # noqa: E402
from p4p.schemas import schema_of_its_own  # noqa: E402

GUNICORN = ["--workers", "2", "--threads", "1", "--worker-class", "sync", "--log-level", "warning"]
SCHEMA = "p4p_save_bench"
NOTE = "Rotas and supervision notes show people choose their visit times."
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BOUNDARY = "----p4pBenchmarkBoundary7MA4YWxkTrZu0gW"
START_TIMEOUT = 60  # seconds for a server to answer its health URL
REQUEST_TIMEOUT = 30  # seconds for one request


@dataclass(frozen=True)
class Draft:
    """What the benchmark needs to know about the world make_draft built."""

    email: str
    password: str
    assessment_id: int
    section_key: str
    statement_key: str
    scales: tuple[str, str]


def make_draft(checklists: Path) -> Draft:
    """The world to save into: the checklists, a provider with its owner, and a blank draft of
    the homecare checklist. The one function that calls p4p's services: adapt it when their
    signatures change. Runs inside an app context; the caller commits."""
    tenancy.enter(tenancy.everything("setting up the save benchmark"))
    load_all(checklists)
    password = secrets.token_urlsafe(16)
    owner = sign_up("Benchmark Homecare", "Bea", "bea@bench.example", password)
    version = db.session.scalars(select(Checklist).where(Checklist.key == "homecare")).one()
    version = version.versions[-1]
    assessment = start(owner.organisation.id, version, "Benchmark", owner.id)
    db.session.flush()
    content = version.content
    section = content.sections[0]
    return Draft(
        email=owner.email,
        password=password,
        assessment_id=assessment.id,
        section_key=section.key,
        statement_key=section.statements[0].key,
        scales=(content.scale_keys[0], content.scale_keys[1]),
    )


# --- the database ---------------------------------------------------------------------------


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """An empty database for this run, removed afterwards."""
    if not url:
        folder = tempfile.mkdtemp(prefix="p4p-save-bench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with schema_of_its_own(url, SCHEMA) as separate:
        yield separate


def production_app(url: str, secret: str):
    """The app as the gunicorn server builds it from its environment."""
    return create_app(
        {
            "P4P_ENV": "production",
            "SECRET_KEY": secret,
            "BASE_URL": "https://p4p.bench.example",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


def prepare(url: str, secret: str) -> tuple[Draft, str]:
    """Migrate, build the world, make the floor's table; returns the draft and database kind."""
    app = production_app(url, secret)
    with app.app_context():
        upgrade()
        draft = make_draft(Path(app.config["CHECKLISTS_DIR"]))
        db.session.commit()
        FloorBase.metadata.create_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(insert(Floor).values(id=1, scale_key=None, note="", revision=1))
            if db.engine.dialect.name == "postgresql":
                server = connection.scalar(text("SHOW server_version"))
                kind = f"PostgreSQL {server.split()[0]} on 127.0.0.1"
            else:
                kind = f"SQLite {sqlite3.sqlite_version} (file in a temporary folder)"
        db.engine.dispose()
    return draft, kind


# --- the request ----------------------------------------------------------------------------


def save_fields(draft: Draft, token: str, scale: str, revision: int) -> list[tuple[str, str]]:
    """What p4p.js sends for one statement: the CSRF token, then the statement's inputs."""
    key = draft.statement_key
    return [
        ("csrf_token", token),
        (f"{key}-scale", scale),
        (f"{key}-note", NOTE),
        (f"{key}-revision", str(revision)),
    ]


def multipart(fields: list[tuple[str, str]]) -> bytes:
    lines = []
    for name, value in fields:
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{name}"', "", value]
    lines += [f"--{BOUNDARY}--", ""]
    return "\r\n".join(lines).encode()


def count_statements(url: str, secret: str, draft: Draft) -> list[str]:
    """The SQL statements of one autosave that changes a saved rating, in-process."""
    app = production_app(url, secret)
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    answer = client.post(
        "/signin",
        data={
            "email": draft.email,
            "password": draft.password,
            "csrf_token": CSRF.search(page).group(1),
        },
    )
    assert answer.status_code == 302, answer.status_code
    section = f"/assessments/{draft.assessment_id}/sections/{draft.section_key}"
    token = CSRF.search(client.get(section).get_data(as_text=True)).group(1)
    path = f"/assessments/{draft.assessment_id}/statements/{draft.statement_key}"

    def save(scale: str, revision: int) -> int:
        answer = client.post(
            path,
            data=dict(save_fields(draft, token, scale, revision)),
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 200 and answer.json["status"] == "saved", answer.data
        return answer.json["revision"]

    statements: list[str] = []

    def record(conn, cursor, statement, *rest) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    revision = save(draft.scales[0], 0)  # the first save adds the rating
    event.listen(engine, "before_cursor_execute", record)
    try:
        save(draft.scales[1], revision)  # this one changes it, as every later autosave does
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return statements


# --- the servers and the client -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    spec: str  # gunicorn's APP_MODULE
    folder: Path  # gunicorn --chdir
    environment: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, logs: Path) -> None:
        self.log = logs / f"{self.name}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *GUNICORN,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(self.folder),
            self.spec,
        ]
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
                command,
                env={**os.environ, **self.environment},
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's master stops its workers gracefully
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class Browser:
    """Requests to one server on 127.0.0.1, as through a TLS proxy, keeping cookies by hand."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        self.cookies = dict(cookies or {})

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        sent = {"X-Forwarded-Proto": "https", "User-Agent": "p4p-save-benchmark", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def sign_in(browser: Browser, draft: Draft) -> tuple[str, int]:
    """Signs in through /signin and opens the section page: its CSRF token and the revision."""
    status, page = browser.request("GET", "/signin")
    assert status == 200, status
    form = urlencode(
        {
            "csrf_token": CSRF.search(page.decode()).group(1),
            "email": draft.email,
            "password": draft.password,
        }
    )
    status, _ = browser.request(
        "POST",
        "/signin",
        form.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": browser.origin,
            "Referer": f"{browser.origin}/signin",
        },
    )
    assert status == 302, f"sign-in answered {status}"
    section = f"/assessments/{draft.assessment_id}/sections/{draft.section_key}"
    status, page = browser.request("GET", section)
    assert status == 200, status
    html = page.decode()
    url = f"/assessments/{draft.assessment_id}/statements/{draft.statement_key}"
    assert f'data-save-url="{url}"' in html
    revision = re.search(
        rf'name="{draft.statement_key}-revision" type="hidden" value="(\d*)"', html
    ).group(1)
    return CSRF.search(html).group(1), int(revision or 0)


@dataclass
class Target:
    """One server driven with the autosave request; keeps its revision and its timings."""

    name: str
    browser: Browser
    draft: Draft
    token: str
    revision: int
    count: int = 0
    times: list[float] = field(default_factory=list)

    def save(self, measured: bool) -> None:
        scale = self.draft.scales[self.count % 2]
        self.count += 1
        body = multipart(save_fields(self.draft, self.token, scale, self.revision))
        section = f"/assessments/{self.draft.assessment_id}/sections/{self.draft.section_key}"
        headers = {
            "Accept": "application/json",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Origin": self.browser.origin,
            "Referer": f"{self.browser.origin}{section}",
        }
        path = f"/assessments/{self.draft.assessment_id}/statements/{self.draft.statement_key}"
        begin = time.perf_counter()
        status, data = self.browser.request("POST", path, body, headers)
        elapsed = time.perf_counter() - begin
        answer = json.loads(data)
        assert status == 200 and answer["status"] == "saved", (self.name, status, data[:300])
        self.revision = answer["revision"]
        if measured:
            self.times.append(elapsed * 1000)


# --- the report -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", info, re.M).group(1).strip()
        kib = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)[1])
        memory = f", {round(kib / 1024 / 1024)} GiB"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def summary(times: list[float]) -> tuple[float, float, float]:
    return statistics.median(times), statistics.quantiles(times, n=10)[-1], statistics.mean(times)


def one_line(statement: str, width: int = 160) -> str:
    """A statement on one line, its list of selected columns shortened to the first table's."""
    line = " ".join(statement.split())
    columns = re.match(r"SELECT (\w+)\.\w+, [^()]*? FROM ", line)
    if columns:
        line = f"SELECT {columns[1]}.* FROM {line[columns.end() :]}"  # noqa: S608 - display only
    return line if len(line) <= width else line[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("P4P_BENCH_DATABASE_URL"),
        help="PostgreSQL database to use (a schema of its own is made and "
        "dropped); default SQLite in a temporary folder",
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per server")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per server")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=600,
        help="stop measuring after this many seconds (default 600)",
    )
    options = parser.parse_args()
    assert 10 <= options.requests <= 100_000 and 0 <= options.warmup <= 10_000

    secret = secrets.token_urlsafe(48)
    with database(options.database_url) as url, tempfile.TemporaryDirectory() as logs:
        draft, kind = prepare(url, secret)
        statements = count_statements(url, secret, draft)
        environment = {
            "P4P_ENV": "production",
            "P4P_SECRET_KEY": secret,
            "P4P_BASE_URL": "https://p4p.bench.example",
        }
        servers = [
            Server("p4p", "p4p:create_app()", ROOT, {**environment, "P4P_DATABASE_URL": url}),
            Server(
                "floor", "floor_app:create_app()", HERE, {**environment, "FLOOR_DATABASE_URL": url}
            ),
        ]
        try:
            for server in servers:
                server.start(Path(logs))
            for server in servers:
                server.wait_until_up()
            app_browser = Browser(servers[0].port)
            token, revision = sign_in(app_browser, draft)
            targets = [
                Target("p4p", app_browser, draft, token, revision),
                Target("floor", Browser(servers[1].port, app_browser.cookies), draft, token, 1),
            ]
            began = time.monotonic()
            rounds = 0
            for n in range(options.warmup + options.requests):
                if time.monotonic() - began > options.time_limit:
                    break
                for target in targets if n % 2 == 0 else reversed(targets):
                    target.save(measured=n >= options.warmup)
                rounds = n + 1
            elapsed = time.monotonic() - began
        finally:
            for server in servers:
                server.stop()

    app, floor = targets
    if len(app.times) < 10:
        sys.exit(f"only {len(app.times)} measured requests in the time limit: nothing to report")
    print(f"machine: {machine()}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; database: {kind}")
    print(
        f"gunicorn {' '.join(GUNICORN)}, P4P_ENV=production; {options.warmup} warm-up then "
        f"{len(app.times)} measured autosaves per server, interleaved, sequential "
        f"({rounds} rounds in {elapsed:.0f} s)"
    )
    if len(app.times) < options.requests:
        print(f"stopped at the time limit ({options.time_limit:.0f} s)")
    print()
    print("| server | median ms | p90 ms | mean ms |")
    print("| --- | ---: | ---: | ---: |")
    for target, label in ((app, "p4p autosave"), (floor, "floor: one UPDATE and a commit")):
        median, p90, mean = summary(target.times)
        print(f"| {label} | {median:.2f} | {p90:.2f} | {mean:.2f} |")
    ratios = [a / f for a, f in zip(summary(app.times), summary(floor.times), strict=True)]
    print(
        f"| ratio p4p / floor (goal ≤ 3 on PostgreSQL) | {ratios[0]:.2f} | {ratios[1]:.2f} "
        f"| {ratios[2]:.2f} |"
    )
    print()
    print(f"SQL statements in one autosave that changes a saved rating: {len(statements)}")
    for number, statement in enumerate(statements, 1):
        print(f"{number:2}. {one_line(statement)}")


if __name__ == "__main__":
    main()
