"""The commissioner's providers table at scale (`make benchmark`; results in docs/performance.md).

Seeds 10,000 providers sharing with one commissioner, each with 4 completed assessments of
the homecare edition (stored section and lens scores, as completing stores them) and a few
improvement actions, by bulk inserts into a throw-away database: an SQLite file, and a schema
of its own in PostgreSQL (P4P_BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:
5432/test; set it to "" to skip). Then, signed in as the commissioner through the test client,
times the first page of the table, a lens, a sort by a section and the CSV export of every
provider: median over repeated requests, the number of SQL statements, and the ratio to a
trivial signed-in page (the commissioner's sharing code) in the same run.

    .venv/bin/python benchmarks/commissioner.py [--providers N]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import bench_app  # noqa: E402
from p4p import scoring, tenancy  # noqa: E402
from p4p.actions.models import Action  # noqa: E402
from p4p.assessments.models import Assessment, LensResult, SectionResult  # noqa: E402
from p4p.auth import service as accounts  # noqa: E402
from p4p.auth.models import Organisation, OrganisationKind  # noqa: E402
from p4p.catalogue.loading import load_all  # noqa: E402
from p4p.catalogue.models import Checklist  # noqa: E402
from p4p.extensions import db  # noqa: E402
from p4p.schemas import schema_of_its_own  # noqa: E402
from p4p.sharing.models import Share  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "p4p_bench_commissioner"
EMAIL, PASSWORD = "commissioner@bench.example", "benchmark password"
ASSESSMENTS_EACH = 4
CHUNK = 5000


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="p4p-commissioner-bench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    url = os.environ.get("P4P_BENCH_PG_URL", PG_DEFAULT)
    with schema_of_its_own(url, SCHEMA) as separate:
        yield separate


def chunks(rows: list[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed(providers: int) -> None:
    """Bulk inserts (Core, executemany): the figures are varied, not real ratings; what a
    completed assessment stores (section and lens results) is all the table reads."""
    version = db.session.scalar(select(Checklist).where(Checklist.key == "homecare")).versions[-1]
    content = version.content
    top = content.top.points
    stage_keys = [None] + [stage.key for stage in content.stages]
    commissioner = accounts.sign_up(
        "Benchshire County Council",
        "Bench Commissioner",
        EMAIL,
        PASSWORD,
        kind=OrganisationKind.COMMISSIONER,
    )
    db.session.commit()
    commissioner_id = commissioner.organisation.id
    now = datetime.now(UTC)
    connection = db.session.connection()
    first = (connection.execute(select(db.func.max(Organisation.id))).scalar() or 0) + 1
    connection.execute(
        insert(Organisation),
        [
            {
                "name": f"Provider {n:05d} Homecare",
                "kind": "provider",
                "is_demo": False,
                "created_dt": now,
            }
            for n in range(providers)
        ],
    )
    ids = list(range(first, first + providers))
    connection.execute(
        insert(Share),
        [
            {
                "provider_id": pid,
                "commissioner_id": commissioner_id,
                "scope": "summary" if pid % 3 else "full",
                "created_dt": now,
            }
            for pid in ids
        ],
    )
    assessments, sections, lenses, actions = [], [], [], []
    assessment_id = connection.execute(select(db.func.max(Assessment.id))).scalar() or 0
    all_ratings = content.scale_keys
    for index, pid in enumerate(ids):
        for k in range(ASSESSMENTS_EACH):
            assessment_id += 1
            # A deterministic spread of ratings: better each time, more for some providers.
            ratings = {
                st.key: all_ratings[min(len(all_ratings) - 1, (n + index + k) % 4 // 2 + k // 2)]
                for n, st in enumerate(content.statements())
            }
            outcome = scoring.score(content, ratings)
            completed = now - timedelta(days=120 * (ASSESSMENTS_EACH - k) + index % 400)
            assessments.append(
                {
                    "id": assessment_id,
                    "organisation_id": pid,
                    "checklist_version_id": version.id,
                    "title": f"Review {k + 1}",
                    "status": "completed",
                    "created_dt": completed,
                    "completed_dt": completed,
                    "stage_key": stage_keys[(index + k) % len(stage_keys)],
                    "points": outcome.overall.points,
                    "possible": outcome.overall.possible,
                }
            )
            sections += [
                {
                    "organisation_id": pid,
                    "assessment_id": assessment_id,
                    "section_key": s.key,
                    "position": p,
                    "points": s.points,
                    "possible": s.possible,
                    "rated": s.rated,
                    "total": s.total,
                }
                for p, s in enumerate(outcome.sections)
            ]
            lenses += [
                {
                    "organisation_id": pid,
                    "assessment_id": assessment_id,
                    "scheme": lens.scheme,
                    "tag": lens.tag,
                    "points": lens.points,
                    "possible": lens.possible,
                    "rated": lens.rated,
                    "total": lens.total,
                }
                for lens in outcome.lenses
            ]
        for a in range(2):
            statement = content.sections[a].statements[0]
            actions.append(
                {
                    "organisation_id": pid,
                    "checklist_id": version.checklist_id,
                    "statement_key": statement.key,
                    "statement_text": statement.text,
                    "section_key": content.sections[a].key,
                    "section_title": content.sections[a].title,
                    "assessment_id": assessment_id,
                    "what": "Plan",
                    "lead": "Someone",
                    "involvement": "",
                    "due_on": date.today() + timedelta(days=(index % 7) * 30 - 60),
                    "status": "planned" if (index + a) % 3 else "done",
                    "drop_reason": "",
                    "created_dt": now,
                    "updated_dt": now,
                }
            )
    del top
    for model, rows in (
        (Assessment, assessments),
        (SectionResult, sections),
        (LensResult, lenses),
        (Action, actions),
    ):
        for part in chunks(rows):
            connection.execute(insert(model.__table__), part)
    db.session.commit()
    if connection.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def run(kind: str, providers: int, repeat: int) -> list[tuple[str, float, int, float]]:
    with database(kind) as url:
        app = bench_app(url)
        with app.app_context():
            tenancy.enter(tenancy.everything("seeding the commissioner benchmark"))
            db.create_all()
            load_all(Path(app.config["CHECKLISTS_DIR"]))
            db.session.commit()
            started = time.perf_counter()
            seed(providers)
            print(
                f"  {kind}: seeded {providers} providers in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
            engine = db.engine
        client = app.test_client()
        token = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            client.get("/signin").get_data(as_text=True),
        ).group(1)
        client.post("/signin", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        pages = [
            ("trivial page (sharing code)", "/commissioning/code", repeat),
            ("providers table, first page", "/commissioning/providers", repeat),
            ("a lens (CQC key questions)", "/commissioning/providers?lens=cqc", repeat),
            (
                "sorted by a section, descending",
                "/commissioning/providers?sort=section:before-support-starts&order=desc",
                repeat,
            ),
            ("filtered: overdue actions", "/commissioning/providers?overdue=1", repeat),
            ("CSV export, every provider", "/commissioning/providers.csv", max(3, repeat // 10)),
        ]
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        results = []
        trivial = None
        for name, path, times in pages:
            assert client.get(path).status_code == 200, path  # warm
            samples = []
            for _ in range(times):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200, path
            median = median_ms(samples)
            trivial = trivial or median
            results.append((name, median, len(statements), round(median / trivial, 1)))
        engine.dispose()
        return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", info, re.M).group(1).strip()
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} at the start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("P4P_BENCH_PG_URL", PG_DEFAULT) else [])
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"{args.providers} sharing providers, {ASSESSMENTS_EACH} completed assessments each\n")
    print("| database | page | median ms | SQL statements | × trivial page |")
    print("| --- | --- | ---: | ---: | ---: |")
    for kind in kinds:
        for name, median, count, ratio in run(kind, args.providers, args.repeat):
            print(f"| {kind} | {name} | {median} | {count} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
