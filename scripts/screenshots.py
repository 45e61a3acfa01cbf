"""Screenshots of the result, progress and actions pages at 390 px wide (a phone), of the
demo commissioner's providers table and the demo association's benchmarks at 1280 px (a
desktop), and of the association's checklist editor on a phone, from the demo data, into
docs/screenshots/. Run on demand, not part of `make test`:

    .venv/bin/python scripts/screenshots.py

It builds the demo on a throw-away SQLite database in a temporary folder, serves it with
`flask run` on a free local port, and drives Debian's Chromium (never a downloaded browser).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from p4p import create_app, tenancy  # noqa: E402
from p4p.assessments.models import Assessment  # noqa: E402
from p4p.associations import demo as association_demo  # noqa: E402
from p4p.associations.models import ChecklistDraft  # noqa: E402
from p4p.catalogue.loading import load_all  # noqa: E402
from p4p.commissioning import demo as commissioning_demo  # noqa: E402
from p4p.demo import PEOPLE, build  # noqa: E402
from p4p.extensions import db  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH = 390
PASSWORD = "screenshot password"  # noqa: S105 - a throw-away demo database
SECRET = "screenshot-secret-key-long-enough-to-pass-the-checks"  # noqa: S105


def demo_database(folder: Path) -> tuple[str, int, int]:
    """The demo on a new SQLite file: its URL, the latest completed assessment's id and the
    demo association's draft's id."""
    url = f"sqlite:///{folder / 'screenshots.sqlite3'}"
    app = create_app({"P4P_ENV": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        tenancy.enter(tenancy.everything("building the demo for screenshots"))
        db.create_all()
        load_all(Path(app.config["CHECKLISTS_DIR"]))
        provider = build(PASSWORD)
        commissioning_demo.build(PASSWORD, provider)
        association_demo.build(PASSWORD)
        db.session.commit()
        latest = db.session.scalar(
            select(Assessment.id)
            .where(Assessment.status == "completed")
            .order_by(Assessment.completed_dt.desc())
        )
        draft = db.session.scalar(select(ChecklistDraft.id))
        db.engine.dispose()
    return url, latest, draft


def serve(url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "P4P_ENV": "testing",
        "P4P_SECRET_KEY": SECRET,
        "P4P_DATABASE_URL": url,
        "P4P_INSTANCE_PATH": str(folder),
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "flask", "--app", "p4p", "run", "--port", str(port), "--no-reload"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our own server
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="p4p-screenshots-") as name:
        folder = Path(name)
        url, latest, draft = demo_database(folder)
        process, base = serve(url, folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": WIDTH, "height": 844},
                    device_scale_factor=2,
                )
                page = context.new_page()
                page.goto("/signin")
                page.get_by_label("E-mail address").fill(PEOPLE[0][0])
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{base}/")
                # The top of each page, down to its main point: the result's stage and what is
                # left, the progress chart's first sections, the first actions.
                for file, path, most in (
                    ("result.png", f"/assessments/{latest}/result", 2700),
                    ("progress.png", "/progress/homecare", 1800),
                    ("actions.png", "/actions/", 1500),
                ):
                    page.goto(path)
                    page.wait_for_load_state("load")
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > WIDTH:
                        raise SystemExit(f"{path} is {width} px wide at {WIDTH} px")
                    height = min(page.evaluate("document.documentElement.scrollHeight"), most)
                    page.screenshot(
                        path=OUT / file,
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": WIDTH, "height": height},
                    )
                    print(f"wrote {(OUT / file).relative_to(ROOT)}")
                providers_table(browser, base)
                association_pages(browser, base, draft)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


def providers_table(browser, base: str) -> None:
    """The demo commissioner's providers table, on a desktop screen."""
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("E-mail address").fill(commissioning_demo.COMMISSIONER_PEOPLE[0][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/commissioning/")
    page.goto("/commissioning/providers")
    page.wait_for_load_state("load")
    height = min(page.evaluate("document.documentElement.scrollHeight"), 1400)
    file = OUT / "providers-table.png"
    page.screenshot(
        path=file, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height}
    )
    print(f"wrote {file.relative_to(ROOT)}")
    context.close()


def association_pages(browser, base: str, draft: int) -> None:
    """The demo association's benchmarks on a desktop screen, and its draft in the checklist
    editor on a phone: the draft's page with what is left to put right, and the new statement
    with its problems beside the fields."""
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("E-mail address").fill(association_demo.ASSOCIATION_PEOPLE[0][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/association/")
    shots = [
        ("association-benchmarks.png", "/association/benchmarks", 1280, 1500),
        ("editor-draft.png", f"/association/drafts/{draft}", WIDTH, 1500),
        (
            "editor-statement.png",
            f"/association/drafts/{draft}/statements/nv-ask-not-to-see",
            WIDTH,
            1700,
        ),
    ]
    for file, path, width, most in shots:
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(path)
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            raise SystemExit(f"{path} is {scroll_width} px wide at {width} px")
        height = min(page.evaluate("document.documentElement.scrollHeight"), most)
        page.screenshot(
            path=OUT / file, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
        )
        print(f"wrote {(OUT / file).relative_to(ROOT)}")
    context.close()


if __name__ == "__main__":
    main()
