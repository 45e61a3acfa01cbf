"""Helpers for tests that need two database sessions racing each other on real row locks."""

from __future__ import annotations

import time

from sqlalchemy import text

from p4p import create_app, tenancy
from p4p.extensions import db
from tests.conftest import make_config


def backend_waiting_on_a_lock(pid: int) -> bool:
    return bool(
        db.session.execute(
            text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": pid},
        ).scalar()
    )


def until(condition, what: str, limit: float = 20.0) -> None:
    """Wait for a condition (never a fixed time), failing after a generous limit."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def in_other_session(database_url, organisation_id, work, outcome, pid_box):
    app = create_app(make_config(database_url))
    with app.app_context():
        tenancy.enter(tenancy.organisation(organisation_id))
        pid_box.append(db.session.execute(text("SELECT pg_backend_pid()")).scalar())
        try:
            outcome.append(work())
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - the test inspects what happened
            db.session.rollback()
            outcome.append(error)
        finally:
            db.session.remove()
            db.engine.dispose()
