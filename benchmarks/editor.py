"""The association's checklist editor on a full-size draft (`make benchmark`; results in
docs/performance.md by hand).

A draft the size of homecare 2.0.0 (91 statements, about 110 KB of JSON) is checked whole by
the file validator at every save, so a save's cost grows with the checklist, not the change.
Measures, through the Flask test client on a throw-away SQLite database (or
P4P_BENCH_DATABASE_URL): saving one statement as the page's script does (JSON), the statement
page, the draft's page and the preview, against a trivial page; median and 95th percentile.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import bench_app, database_url  # noqa: E402
from p4p import tenancy  # noqa: E402
from p4p.associations import drafts  # noqa: E402
from p4p.auth import service as accounts  # noqa: E402
from p4p.auth.models import OrganisationKind  # noqa: E402
from p4p.catalogue import publishing  # noqa: E402
from p4p.extensions import db  # noqa: E402

NAME, EMAIL, PASSWORD = "Benchmark Network", "owner@bench-network.example", "benchmark password"


def timed(client, method: str, url: str, repeat: int, **kwargs) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {url} answered {response.status_code}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    url = database_url("p4p-editor-bench-")
    app = bench_app(url)
    with app.app_context():
        tenancy.enter(tenancy.everything("setting up the editor benchmark"))
        db.drop_all()
        db.create_all()
        owner = accounts.sign_up(
            NAME, "Bench Owner", EMAIL, PASSWORD, kind=OrganisationKind.ASSOCIATION
        )
        text = (ROOT / "checklists" / "homecare" / "2.0.0.yaml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^key: homecare$", "key: bench-homecare", text)
        text = re.sub(r"(?m)^publisher: .*$", f"publisher: {NAME}", text)
        text = re.sub(r"(?ms)^removed:.*?(?=^\S)", "", text)
        text = re.sub(r"(?m)^( +)from:.*\n(\1  - .*\n)*", "", text)
        version = publishing.publish_upload(
            owner.organisation, text.encode(), "b.yaml", "B.", "members"
        )
        draft = drafts.start_draft(owner.organisation, version)
        db.session.commit()
        draft_id = draft.id
        first = version.content.sections[0].statements[0]
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post("/signin", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    base = f"/association/drafts/{draft_id}"
    statement = client.get(f"{base}/statements/{first.key}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', statement)[1]

    def save_once(n: int) -> dict:
        return {
            "csrf_token": token,
            "revision": str(n),
            "text": f"{first.text} ({n})",
            "stage": first.stage or "",
            "guidance": first.guidance,
            "started": first.started or "",
            "evidence": "\n".join(first.evidence),
            "relation": "equal",
            "origin": first.key,
        }

    trivial = timed(client, "GET", "/account/sign-ins", args.repeat)
    rows = [("trivial page (your sign-ins)", *trivial)]
    rows.append(("draft's page", *timed(client, "GET", base, args.repeat)))
    rows.append(
        ("statement page", *timed(client, "GET", f"{base}/statements/{first.key}", args.repeat))
    )
    rows.append(
        ("preview (whole checklist)", *timed(client, "GET", f"{base}/preview", args.repeat))
    )
    saves = []
    for n in range(1, args.repeat + 1):
        start = time.perf_counter()
        response = client.post(
            f"{base}/statements/{first.key}",
            data=save_once(n),
            headers={"Accept": "application/json"},
        )
        saves.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(
                f"save {n} answered {response.status_code}: {response.get_data()[:300]}"
            )
    saves.sort()
    rows.append(
        (
            "autosave of one statement (JSON)",
            statistics.median(saves),
            saves[int(len(saves) * 0.95) - 1],
        )
    )
    print(
        f"{platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {url.split(':')[0]}"
    )
    print("| request | median ms | p95 ms |\n| --- | --- | --- |")
    for name, median, p95 in rows:
        print(f"| {name} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
