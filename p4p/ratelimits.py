"""Limits on how much an organisation may create in an hour (improvement actions,
assessments), so that no organisation can make documents too long to render or flood the
database. The count is of the rows made in the last hour (a sliding window), read when someone
asks to make another; the web pages apply the limits, operators' commands do not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from werkzeug.exceptions import TooManyRequests

from p4p.dates import day
from p4p.extensions import db
from p4p.timeutil import utcnow

WINDOW = timedelta(hours=1)


class RateLimited(TooManyRequests):
    """Answered 429 with a page that says what the limit is and when to try again."""

    def __init__(self, description: str, retry_after: int):
        super().__init__(description=description, retry_after=retry_after)


def check(model: Any, organisation_id: int, config_key: str, what: str) -> None:
    """Refuse (429) when the organisation made `config_key`'s number of rows of `model` in
    the last hour."""
    limit = int(current_app.config[config_key])
    since = utcnow() - WINDOW
    count, oldest = db.session.execute(
        select(func.count(model.id), func.min(model.created_dt)).where(
            model.organisation_id == organisation_id, model.created_dt >= since
        )
    ).one()
    if count < limit:
        return
    free_at = (oldest or utcnow()) + WINDOW
    seconds = max(1, int((free_at - utcnow()).total_seconds()) + 1)
    raise RateLimited(
        f"Your organisation has made {count} {what} in the last hour, the most p4p allows "
        f"({limit} an hour), so no more can be added yet. You can add more from "
        f"{day(free_at, 'time')} (UTC).",
        retry_after=seconds,
    )
