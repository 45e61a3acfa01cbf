"""PDF benchmark (run on demand: `make benchmark`).

1. The improvement action plan of an assessment with 50 actions: our whole path (gathering the
   data, rendering the template, WeasyPrint with our fetcher and PDF/UA) against WeasyPrint alone
   on the same HTML with the same options. Goal: our overhead ratio at most 1.15.
2. A second download of the unchanged document, served from the cache by the web app.
   Goal: under 20 ms.
3. The longest assessment report a provider can have: the history is capped at the newest 24
   completed assessments, so however many there are, a cold render takes this long at most.
"""

from __future__ import annotations

import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from weasyprint import HTML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
from p4p.timeutil import utcnow  # noqa: E402

RUNS = 7
HISTORY = progress.HISTORY_LIMIT


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="p4p-pdf-bench-"))
    app = create_app(
        {
            "P4P_ENV": "testing",
            "SECRET_KEY": "benchmark-secret-key-long-enough-to-pass",
            "SQLALCHEMY_DATABASE_URI": os.environ.get("P4P_BENCH_DATABASE_URL")
            or f"sqlite:///{folder}/bench.sqlite3",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PDF_CACHE_DIR": str(folder / "cache"),
        }
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
    assert client.get(url).headers["X-P4P-Cache"] == "miss"
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


if __name__ == "__main__":
    main()
