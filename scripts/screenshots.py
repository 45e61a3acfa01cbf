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


def signed_in(browser, base: str, email: str, home: str, width: int, scale: int):
    """A new browser context (`width` px wide) signed in as `email`, and its page."""
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": 900}, device_scale_factor=scale
    )
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{home}")
    return context, page


def shoot(page, file: str, path: str, width: int, most: int) -> None:
    """The top of a page, `width` px wide and at most `most` px tall, refused if it scrolls
    sideways."""
    page.set_viewport_size({"width": width, "height": 900})
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
                # The provider on a phone: the top of each page, down to its main point (the
                # result's stage and what is left, the progress chart's first sections, the
                # first actions).
                context, page = signed_in(browser, base, PEOPLE[0][0], "/", WIDTH, 2)
                shoot(page, "result.png", f"/assessments/{latest}/result", WIDTH, 2700)
                shoot(page, "progress.png", "/progress/homecare", WIDTH, 1800)
                shoot(page, "actions.png", "/actions/", WIDTH, 1500)
                context.close()
                # The commissioner's providers table on a desktop screen.
                email = commissioning_demo.COMMISSIONER_PEOPLE[0][0]
                context, page = signed_in(browser, base, email, "/commissioning/", 1280, 1)
                shoot(page, "providers-table.png", "/commissioning/providers", 1280, 1400)
                context.close()
                # The association's benchmarks on a desktop screen, and its draft in the
                # checklist editor on a phone: what is left to put right, and the new statement
                # with its problems beside the fields.
                email = association_demo.ASSOCIATION_PEOPLE[0][0]
                context, page = signed_in(browser, base, email, "/association/", 1280, 1)
                shoot(page, "association-benchmarks.png", "/association/benchmarks", 1280, 1500)
                editing = f"/association/drafts/{draft}"
                shoot(page, "editor-draft.png", editing, WIDTH, 1500)
                statement = f"{editing}/statements/nv-ask-not-to-see"
                shoot(page, "editor-statement.png", statement, WIDTH, 1700)
                context.close()
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
