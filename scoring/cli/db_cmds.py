"""`casereview init`: create or upgrade the database."""

from __future__ import annotations

import click

from scoring.cli.base import cli, db_option
from scoring.db.migrate import current_revision


@cli.command("init")
@db_option
def init_cmd(engine) -> None:  # noqa: ANN001
    """Create the database (or upgrade it to the newest schema)."""
    eng = engine()
    click.echo(f"database ready at {eng.url.render_as_string()} (schema {current_revision(eng)})")
