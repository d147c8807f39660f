"""`casereview init` (create or upgrade the database), `backup` and `restore`."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.audit_verify import verify
from scoring.cli.base import cli, language
from scoring.cli.options import db_option
from scoring.db.backup import backup, restore
from scoring.db.migrate import current_revision
from scoring.errors import CaseReviewError


@cli.command("init")
@db_option
def init_cmd(engine) -> None:
    """Create the database (or upgrade it to the newest schema)."""
    eng = engine()
    click.echo(f"database ready at {eng.url.render_as_string()} (schema {current_revision(eng)})")


@cli.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write (must not exist).")
@db_option
def backup_cmd(engine, out: Path) -> None:
    """Back up the live database (SQLite online backup API; PostgreSQL pg_dump), then check the copy."""
    backup(engine.url, out)
    click.echo(f"backup written to {out}")


@cli.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def restore_cmd(engine, backup_file: Path) -> None:
    """Restore a backup into an EMPTY database (refuses one with tables), then verify its audit chain."""
    restore(engine.url, backup_file)
    report = verify(engine())
    if not report.ok:
        raise CaseReviewError(code="restore.verify_failed", summary=report.summary(language()))
    click.echo(f"restored into {engine().url.render_as_string()}: {report.summary(language())}")
