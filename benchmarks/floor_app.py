"""The framework floor for benchmarks/save.py: the least a Flask + Flask-SQLAlchemy app can do
to answer the autosave request. It reads the same form, runs one conditional UPDATE of a one-row
table (`bench_floor`, made by save.py in the same database), commits and answers a small JSON.
No session, no CSRF, no sign-in, no templates: everything the p4p app does beyond this is its
own cost.

Served by gunicorn from this folder: `gunicorn --chdir benchmarks 'floor_app:create_app()'`,
with the database in FLOOR_DATABASE_URL.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, Text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Floor(db.Model):
    __tablename__ = "bench_floor"

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_key: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_dt: Mapped[datetime | None] = mapped_column(DateTime)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["FLOOR_DATABASE_URL"]
    db.init_app(app)

    @app.get("/healthz")
    def health():
        return jsonify(status="ok")

    @app.post("/assessments/<int:assessment_id>/statements/<key>")
    def save(assessment_id: int, key: str):
        revision = int(request.form.get(f"{key}-revision") or 0)
        result = db.session.execute(
            update(Floor)
            .where(Floor.id == 1, Floor.revision == revision)
            .values(
                scale_key=request.form.get(f"{key}-scale") or None,
                note=request.form.get(f"{key}-note", ""),
                revision=revision + 1,
                updated_dt=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        db.session.commit()
        if result.rowcount != 1:
            return jsonify(status="conflict"), 409
        return jsonify(status="saved", revision=revision + 1)

    return app
