"""`casereview sessions ...`: end an account's signed-in browsers (the lead's "sign out everywhere")."""

from __future__ import annotations

import click
from sqlalchemy import select

from scoring import sign_in_sessions
from scoring.cli.base import cli
from scoring.cli.options import acting_user, db_option
from scoring.db.models import User
from scoring.db.session import transaction
from scoring.errors import NotFound


@cli.group("sessions")
def sessions() -> None:
    """Signed-in browsers (server-side sessions)."""


@sessions.command("end")
@click.option("--user", "username", required=True, help="Whose sessions to end.")
@click.option("--as", "as_user", help="Acting user (a panel lead, or the person themselves).")
@db_option
def end_cmd(engine, username: str, as_user: str | None) -> None:
    """Sign an account out everywhere, at once (audited)."""
    with transaction(engine()) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(code="cli.no_user", username=username)
        count = sign_in_sessions.sign_out_everywhere(session, acting_user(session, as_user), user.id)
    click.echo(f"{username}: {count} session(s) ended")
