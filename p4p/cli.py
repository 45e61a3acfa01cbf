"""The `p4p` console script: the same commands as `flask --app p4p ...`."""

from __future__ import annotations

from flask.cli import FlaskGroup

from p4p import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), help="p4p operator commands.")()
