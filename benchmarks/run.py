"""Benchmarks, run on demand (`make benchmark`); results go into docs/performance.md by hand.

Measures the pages a manager uses most, through the Flask test client on a throw-away SQLite
database (or P4P_BENCH_DATABASE_URL): median and 95th percentile over repeated requests, and
the number of SQL statements each page issues.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import bench_app, database_url  # noqa: E402
from p4p import tenancy  # noqa: E402
from p4p.assessments.models import Assessment  # noqa: E402
from p4p.catalogue.loading import load_all  # noqa: E402
from p4p.demo import PEOPLE, build  # noqa: E402
from p4p.extensions import db  # noqa: E402

REPEAT = 200


def main() -> None:
    url = database_url("p4p-bench-")
    app = bench_app(url)
    with app.app_context():
        tenancy.enter(tenancy.everything("setting up the page benchmark"))
        db.drop_all()
        db.create_all()
        load_all(Path(app.config["CHECKLISTS_DIR"]))
        build("benchmark password")
        db.session.commit()
        draft = db.session.scalar(select(Assessment).where(Assessment.status == "draft"))
        done = db.session.scalar(select(Assessment).where(Assessment.status == "completed"))
        section = draft.version.content.sections[0].key
        pages = {
            "dashboard": "/",
            "assessment overview": f"/assessments/{draft.id}",
            "section page (rating)": f"/assessments/{draft.id}/sections/{section}",
            "result page": f"/assessments/{done.id}/result",
        }
        engine = db.engine

    client = app.test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/signin").get_data(as_text=True),
    ).group(1)
    client.post(
        "/signin",
        data={"email": PEOPLE[0][0], "password": "benchmark password", "csrf_token": token},
    )
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {engine.dialect.name}"
    )
    print("| page | median ms | p95 ms | SQL statements |")
    print("| --- | ---: | ---: | ---: |")
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        statements.clear()
        client.get(path)
        queries = len(statements)
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
