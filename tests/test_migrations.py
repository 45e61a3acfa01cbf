"""`upgrade head` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from p4p import create_app
from p4p.extensions import db
from tests.conftest import make_config, separate_database

SCHEMA = "p4p_migration_check"


@pytest.fixture
def empty_database(tmp_path):
    with separate_database(tmp_path, "p4p_migration_check") as url:
        yield url


def test_upgrade_head_matches_the_models_and_downgrades_cleanly(empty_database):
    app = create_app(make_config(empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
