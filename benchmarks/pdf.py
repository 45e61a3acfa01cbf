"""PDF benchmark (run on demand: `make benchmark`).

1. The improvement action plan of an assessment with 50 actions: our whole path (gathering the
   data, rendering the template, WeasyPrint with our fetcher and PDF/UA) against WeasyPrint alone
   on the same HTML with the same options. Goal: our overhead ratio at most 1.15.
2. A second download of the unchanged document, served from the cache by the web app.
   Goal: under 20 ms.
3. The longest assessment report a provider can have: the history is capped at the newest 24
   completed assessments, so however many there are, a cold render takes this long at most.
4. The attack of the findings issue, through the render queue: a provider with 800 open
   actions asks for its action plan and report four times at once, from gunicorn with 2 workers
   on 127.0.0.1 and `flask render-worker`. Measured: how long until each document is ready
   (it must complete), and another organisation's GET /assessments/ while the renders run
   against idle before and after. Goal: within 2x of idle (ratio of medians).

`--only-queue` runs the fourth part alone.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from pypdf import PdfReader
from weasyprint import HTML

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(HERE))

from save import CSRF, Browser, Server, machine  # noqa: E402

from benchmarks.common import bench_app  # noqa: E402
from p4p import create_app, tenancy  # noqa: E402
from p4p.actions import service as actions  # noqa: E402
from p4p.assessments.models import Assessment, Rating  # noqa: E402
from p4p.assessments.service import complete, start  # noqa: E402
from p4p.auth.service import sign_up  # noqa: E402
from p4p.catalogue.loading import load_all  # noqa: E402
from p4p.catalogue.models import Checklist  # noqa: E402
from p4p.extensions import db  # noqa: E402
from p4p.progress import service as progress  # noqa: E402
from p4p.reports import data as report_data  # noqa: E402
from p4p.reports import pdf  # noqa: E402
from p4p.reports.models import RenderJob  # noqa: E402
from p4p.timeutil import utcnow  # noqa: E402

RUNS = 7
HISTORY = progress.HISTORY_LIMIT


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only-queue", action="store_true", help="run the fourth part alone")
    parser.add_argument("--actions", type=int, default=800, help="open actions (fourth part)")
    parser.add_argument("--samples", type=int, default=100, help="idle requests, each side")
    parser.add_argument(
        "--render-worker",
        choices=["external", "internal"],
        default="external",
        help="external: one `flask render-worker` process; internal: each gunicorn worker's thread",
    )
    options = parser.parse_args()
    if not options.only_queue:
        renders()
    queue(options.actions, options.samples, options.render_worker)


def renders() -> None:
    folder = Path(tempfile.mkdtemp(prefix="p4p-pdf-bench-"))
    app = bench_app(
        os.environ.get("P4P_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        PDF_CACHE_DIR=str(folder / "cache"),
        P4P_RENDER_WORKER="external",  # the benchmark runs the queue itself
    )
    with app.app_context():
        tenancy.enter(tenancy.everything("setting up the PDF benchmark"))
        db.drop_all()
        db.create_all()
        load_all(Path(app.config["CHECKLISTS_DIR"]))
        owner = sign_up("Benchmark Homecare", "Bea", "bea@bench.example", "benchmark password")
        version = db.session.query(Checklist).filter_by(key="homecare").one().versions[-1]
        statements = list(version.content.statements())
        history = []
        for n in range(HISTORY + 6):  # more than the report shows: the cap is what is measured
            history.append(completed(owner, version, n, statements))
        assessment = history[-1]
        for n in range(50):
            actions.create(
                assessment,
                statements[n % len(statements)],
                owner.id,
                what=f"Action {n}: run a workshop with the team and update plans.",
                lead="Bea",
                due_on=date.today() + timedelta(days=n),
                involvement="Ask people at the forum." if n % 2 else "",
            )
        db.session.commit()
        assessment_id = assessment.id

        with app.test_request_context():
            tenancy.enter(tenancy.everything("measuring"))
            assessment = db.session.get(Assessment, assessment_id)
            data = report_data.action_plan(assessment)
            assert data["action_count"] == 50
            html = pdf.render_html("action-plan", data)
            ours, alone = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                pdf.render_pdf("action-plan", report_data.action_plan(assessment))
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
                alone.append(time.perf_counter() - start)
            report = report_data.assessment_report(assessment)
            assert len(report["history"]) == HISTORY
            longest, pages = [], 0
            for _ in range(3):
                start = time.perf_counter()
                content = pdf.render_pdf(
                    "assessment-report", report_data.assessment_report(assessment)
                )
                longest.append(time.perf_counter() - start)
                pages = len(PdfReader(io.BytesIO(content)).pages)

    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/signin",
        data={"email": "bea@bench.example", "password": "benchmark password", "csrf_token": token},
    )
    url = f"/assessments/{assessment_id}/action-plan.pdf"
    assert client.get(url).status_code == 202
    with app.app_context():
        from p4p.reports.jobs import run_pending_jobs

        assert run_pending_jobs() == 1
    cached = []
    for _ in range(50):
        start = time.perf_counter()
        response = client.get(url)
        cached.append(time.perf_counter() - start)
        assert response.headers["X-P4P-Cache"] == "hit"

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, WeasyPrint {__import__('weasyprint').__version__}"
    )
    print("| measure | median | goal |")
    print("| --- | ---: | ---: |")
    print(f"| action plan, 50 actions, our whole path | {median_ms(ours):.0f} ms | |")
    print(f"| same HTML, WeasyPrint alone | {median_ms(alone):.0f} ms | |")
    print(
        f"| our overhead (ratio) | {statistics.median(ours) / statistics.median(alone):.2f} "
        "| ≤ 1.15 |"
    )
    print(f"| cached second download | {median_ms(cached):.1f} ms | < 20 ms |")
    print(
        f"| assessment report with the longest history ({HISTORY} of {HISTORY + 6} "
        f"assessments, 50 actions, {pages} pages), cold | {median_ms(longest):.0f} ms | |"
    )


def completed(owner, version, n: int, statements) -> Assessment:
    """A completed assessment through the service, `n` rounds of improvement in."""
    scale = version.content.scale_keys
    assessment = start(owner.organisation.id, version, f"Round {n + 1}", owner.id)
    for index, statement in enumerate(statements):
        db.session.add(
            Rating(
                organisation_id=assessment.organisation_id,
                assessment_id=assessment.id,
                statement_id=statement.id,
                scale_key=scale[min(2, (index + n) % 5 // 2)],
                note="Some evidence",
            )
        )
    db.session.flush()
    complete(assessment, owner.id, at=utcnow() - timedelta(days=30 * (40 - n)))
    return assessment


# --- 4. the 800-action attack, through the queue ---------------------------------------------

QUEUE_DEADLINE = 600  # seconds: the documents must be ready by then
GUNICORN_SPEC = "p4p:create_app({config!r})"


def sign_in_as(browser: Browser, email: str, password: str) -> None:
    status, page = browser.request("GET", "/signin")
    assert status == 200, status
    form = urlencode(
        {"csrf_token": CSRF.search(page.decode()).group(1), "email": email, "password": password}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": browser.origin,
        "Referer": f"{browser.origin}/signin",
    }
    status, _ = browser.request("POST", "/signin", form.encode(), headers)
    assert status == 302, f"sign-in answered {status}"


def timed_get(browser: Browser, path: str) -> tuple[int, float]:
    begin = time.perf_counter()
    status, _ = browser.request("GET", path)
    return status, (time.perf_counter() - begin) * 1000


def ms_summary(times: list[float]) -> str:
    p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
    return f"{statistics.median(times):.1f} | {p90:.1f} | {len(times)}"


def queue(action_count: int, samples: int, render_worker: str = "external") -> None:
    folder = Path(tempfile.mkdtemp(prefix="p4p-queue-bench-"))
    url = os.environ.get("P4P_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    secret = secrets.token_urlsafe(48)
    config = {"PDF_CACHE_DIR": str(folder / "cache")}
    app = create_app(
        {
            "P4P_ENV": "testing",
            "SECRET_KEY": secret,
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **config,
        }
    )
    with app.app_context():
        tenancy.enter(tenancy.everything("setting up the queue benchmark"))
        db.drop_all()
        db.create_all()
        load_all(Path(app.config["CHECKLISTS_DIR"]))
        version = db.session.query(Checklist).filter_by(key="homecare").one().versions[-1]
        statements = list(version.content.statements())
        busy = sign_up("Busy Homecare", "Bo", "bo@busy.example", "benchmark password")
        assessment = completed(busy, version, 0, statements)
        for n in range(action_count):  # set up as an operator would: no rate limit here
            actions.create(
                assessment,
                statements[n % len(statements)],
                busy.id,
                what=f"Action {n}: run a workshop with the team and update plans.",
                lead="Bo",
                due_on=date.today() + timedelta(days=n % 90),
                involvement="Ask people at the forum." if n % 2 else "",
            )
        other = sign_up("Calm Homecare", "Cal", "cal@calm.example", "benchmark password")
        for n in range(3):
            completed(other, version, n, statements)
        db.session.commit()
        assessment_id = assessment.id
        db.engine.dispose()

    environment = {
        "P4P_ENV": "production",
        "P4P_SECRET_KEY": secret,
        "P4P_DATABASE_URL": url,
        "P4P_RENDER_WORKER": render_worker,
        "PYTHONWARNINGS": "ignore",
    }
    spec = GUNICORN_SPEC.format(config=config)
    server = Server("p4p", spec, ROOT, environment)
    server.start(folder)
    worker_log = (folder / "render-worker.log").open("wb")
    worker = None
    if render_worker == "external":
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "flask", "--app", spec, "render-worker", "--poll", "0.5"],
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    try:
        server.wait_until_up()
        calm = Browser(server.port)
        sign_in_as(calm, "cal@calm.example", "benchmark password")
        for _ in range(20):  # warm-up
            assert timed_get(calm, "/assessments/")[0] == 200
        idle_before = [timed_get(calm, "/assessments/")[1] for _ in range(samples)]

        # The attack: four simultaneous downloads of each document.
        busy_browser = Browser(server.port)
        sign_in_as(busy_browser, "bo@busy.example", "benchmark password")
        documents = {
            "action plan": f"/assessments/{assessment_id}/action-plan.pdf",
            "report": f"/assessments/{assessment_id}/report.pdf",
        }
        answers: list[tuple[int, float]] = []

        def attack(path: str) -> None:
            browser = Browser(server.port, busy_browser.cookies)
            answers.append(timed_get(browser, path))

        started = time.perf_counter()
        threads = [
            threading.Thread(target=attack, args=(path,))
            for path in documents.values()
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ready: dict[str, float] = {}
        sizes: dict[str, bytes] = {}

        def wait_for_documents() -> None:
            poller = Browser(server.port, busy_browser.cookies)
            while len(ready) < len(documents):
                for name, path in documents.items():
                    if name in ready:
                        continue
                    status, content = poller.request("GET", path)
                    if status == 200:
                        ready[name] = time.perf_counter() - started
                        sizes[name] = content
                    else:
                        assert status == 202, (name, status)
                if time.perf_counter() - started > QUEUE_DEADLINE:
                    return
                time.sleep(1)

        waiter = threading.Thread(target=wait_for_documents)
        waiter.start()
        loaded = []
        while waiter.is_alive():
            status, elapsed = timed_get(calm, "/assessments/")
            assert status == 200
            loaded.append(elapsed)
        waiter.join()
        idle_after = [timed_get(calm, "/assessments/")[1] for _ in range(samples)]
    finally:
        server.stop()
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        worker_log.close()

    with app.app_context(), tenancy.within(tenancy.everything("reading the benchmark's jobs")):
        jobs = db.session.query(RenderJob).order_by(RenderJob.id).all()
        render_times = {
            job.kind: ((job.finished_dt - job.started_dt).total_seconds(), job.status)
            for job in jobs
            if job.started_dt and job.finished_dt
        }
        db.engine.dispose()

    assert len(ready) == len(documents), f"not ready within {QUEUE_DEADLINE} s: {ready}"
    plan = sizes["action plan"]
    plan_pages = len(PdfReader(io.BytesIO(plan)).pages)
    report_pages = len(PdfReader(io.BytesIO(sizes["report"])).pages)
    idle = idle_before + idle_after
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f}")
    print(f"database: {url.split('@')[-1] if '@' in url else 'SQLite file'}")
    print(f"render worker: {render_worker}")
    print(
        f"{action_count} open actions over {len(statements)} statements; 4 simultaneous "
        f"requests for each document answered {sorted({s for s, _ in answers})} in "
        f"{max(t for _, t in answers):.0f} ms at most"
    )
    print("| document | ready after | render (worker) | pages |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| action plan | {ready['action plan']:.1f} s | "
        f"{render_times.get('action-plan', (0, '?'))[0]:.1f} s | {plan_pages} |"
    )
    print(
        f"| assessment report | {ready['report']:.1f} s | "
        f"{render_times.get('assessment-report', (0, '?'))[0]:.1f} s | {report_pages} |"
    )
    print()
    print("| another organisation's GET /assessments/ | median ms | p90 ms | requests |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| idle, before | {ms_summary(idle_before)} |")
    print(f"| while the renders run | {ms_summary(loaded)} |")
    print(f"| idle, after | {ms_summary(idle_after)} |")
    ratio = statistics.median(loaded) / statistics.median(idle)
    before = statistics.median(loaded) / statistics.median(idle_before)
    print(f"| ratio of medians, renders / idle (goal ≤ 2) | {ratio:.2f} | | |")
    print(f"| ratio of medians, renders / idle before only | {before:.2f} | | |")


if __name__ == "__main__":
    main()
