"""A throw-away PostgreSQL database inside a real one: a schema of its own, selected through the
connection's search_path, dropped afterwards. For the test suite's separate databases and the
benchmarks, which must never touch the tables of the database they are given."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from p4p.config import normalise_database_url

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@contextmanager
def schema_of_its_own(url: str, name: str) -> Iterator[str]:
    """The URL of PostgreSQL database `url` seeing only the new, empty schema `name`."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a plain schema name")
    url = normalise_database_url(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        engine.dispose()
