"""What the benchmarks share: the app as they run it (testing settings and a quick password
hash, so that signing in does not dominate), on a throw-away SQLite database unless
P4P_BENCH_DATABASE_URL names another."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from flask import Flask

from p4p import create_app

SECRET = "benchmark-secret-key-long-enough-to-pass"  # noqa: S105 - a throw-away database


def database_url(prefix: str) -> str:
    """P4P_BENCH_DATABASE_URL, or a new SQLite file in a new temporary folder."""
    url = os.environ.get("P4P_BENCH_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tempfile.mkdtemp(prefix=prefix)}/bench.sqlite3"


def bench_app(url: str, **config: Any) -> Flask:
    return create_app(
        {
            "P4P_ENV": "testing",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **config,
        }
    )
