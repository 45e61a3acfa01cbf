"""flask users create-admin|reset-password, for operators."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from p4p.auth import service
from p4p.extensions import db
from p4p.forms import PASSWORD_MAX, PASSWORD_MIN

users_cli = AppGroup("users", help="Manage user accounts.")


def _password(value: str | None, from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\n")
    if value is None:
        value = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise click.ClickException(
            f"The password must have between {PASSWORD_MIN} and {PASSWORD_MAX} characters."
        )
    return value


password_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Operator", show_default=True)
@password_option
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Create an operator account, which can see every organisation at /admin."""
    password = _password(None, password_stdin)
    try:
        user = service.create_user(email, name, password, is_admin=True)
    except service.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created operator {user.email}.")


@users_cli.command("reset-password")
@click.argument("email")
@password_option
def reset_password(email: str, password_stdin: bool) -> None:
    """Set a new password for an account and sign it out everywhere."""
    user = service.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    service.set_password(user, _password(None, password_stdin))
    db.session.commit()
    click.echo(f"Password changed for {user.email}; their other sessions are signed out.")
