"""flask tokens create|list|revoke, for operators (and for people scripting their own set-up)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from p4p.auth.service import find_user
from p4p.dates import day
from p4p.extensions import db
from p4p.tokens import service

tokens_cli = AppGroup("tokens", help="Personal access tokens for the JSON API.")


def _user(email: str):
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    return user


@tokens_cli.command("create")
@click.option("--email", required=True, help="The account the token acts as.")
@click.option("--name", default="Command line", show_default=True)
@click.option(
    "--expires-days", type=int, default=None, help="Days until it expires (default: never)."
)
def create(email: str, name: str, expires_days: int | None) -> None:
    """Make a token and print it (only this once: p4p keeps its hash)."""
    try:
        new = service.create(_user(email), name, expires_days)
    except service.TokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(new.secret)
    until = f"until {day(new.token.expires_dt)}" if new.token.expires_dt else "until revoked"
    click.echo(f"Token {new.token.id} “{new.token.name}” for {email}, valid {until}.", err=True)


@tokens_cli.command("list")
@click.option("--email", required=True)
def list_tokens(email: str) -> None:
    """The account's tokens: id, start of the token, name, state."""
    for token in service.tokens_of(_user(email).id):
        state = "revoked" if token.revoked_dt else "in use"
        if token.expires_dt and not token.revoked_dt:
            state += f", expires {day(token.expires_dt)}"
        used = (
            f"last used {day(token.last_used_dt, 'time')}" if token.last_used_dt else "never used"
        )
        click.echo(f"{token.id}\t{token.hint}…\t{token.name}\t{state}; {used}")


@tokens_cli.command("revoke")
@click.option("--email", required=True)
@click.argument("token_id", type=int)
def revoke(email: str, token_id: int) -> None:
    """Revoke one of the account's tokens at once."""
    try:
        token = service.revoke(_user(email).id, token_id)
    except LookupError as error:
        raise click.ClickException(f"{email} has no token {token_id}.") from error
    db.session.commit()
    click.echo(f"Revoked token {token.id} “{token.name}”.")
