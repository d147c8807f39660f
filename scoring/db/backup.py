"""Backing up a live database and restoring it into an empty one.

SQLite: the online backup API copies a consistent snapshot while others keep saving (WAL readers do
not block writers); the copy is checked (`integrity_check`, audit chain) before it is reported done.
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by MVCC) and `pg_restore`, when the
client tools are installed; otherwise the error names the command to run. Restoring refuses a
database that already has tables, so a backup never overwrites live data.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from scoring.errors import CaseReviewError


def _url(url: str) -> URL:
    try:
        return make_url(url)
    except sa.exc.ArgumentError as exc:
        raise CaseReviewError(code="db.bad_url", url=url, why=str(exc)) from None


def _sqlite_path(u: URL) -> Path:
    if not u.database or u.database == ":memory:":
        raise CaseReviewError(code="backup.in_memory")
    return Path(u.database).expanduser()


def _pg_args(u: URL) -> tuple[str, list[str]]:
    """A libpq URL for the client tools, and a --schema option when the URL pins a search_path."""
    plain = u.set(drivername="postgresql", query={})
    schema: list[str] = []
    options = (u.query.get("options") or "")
    options = options if isinstance(options, str) else " ".join(options)
    for part in options.split():
        if part.startswith("-csearch_path="):
            schema = [f"--schema={part.split('=', 1)[1]}"]
    return plain.render_as_string(hide_password=False), schema


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CaseReviewError(code="backup.no_tool", name=name)
    return path


def backup(url: str, out: Path) -> None:
    """Write a consistent copy of the database at `url` to `out` (which must not exist yet)."""
    if out.exists() and out.stat().st_size > 0:
        raise CaseReviewError(code="backup.exists", path=out)
    u = _url(url)
    if u.get_backend_name() == "sqlite":
        src_path = _sqlite_path(u)
        if not src_path.exists():
            raise CaseReviewError(code="backup.no_database", path=src_path)
        src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)  # one step: a consistent snapshot even while others write
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if check != "ok":
            out.unlink(missing_ok=True)
            raise CaseReviewError(code="backup.integrity", check=check)
        return
    if u.get_backend_name() == "postgresql":
        target, schema = _pg_args(u)
        res = subprocess.run([_tool("pg_dump"), "--format=custom", f"--file={out}", *schema, target],
                             capture_output=True, text=True, check=False)
        if res.returncode != 0:
            out.unlink(missing_ok=True)
            raise CaseReviewError(code="backup.pg_dump", why=" ".join(res.stderr.split())[:300])
        return
    raise CaseReviewError(code="backup.unsupported", backend=u.get_backend_name())


def _has_tables(url: str) -> bool:
    u = _url(url)
    if u.get_backend_name() == "postgresql":
        engine = sa.create_engine(u.set(drivername="postgresql+psycopg"))
        try:
            with engine.connect() as conn:
                return bool(conn.execute(sa.text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")).scalar())
        finally:
            engine.dispose()
    engine = sa.create_engine(u)
    try:
        return bool(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def restore(url: str, backup_file: Path) -> None:
    """Restore `backup_file` into the empty database at `url`; refuses one that has any table."""
    if not backup_file.is_file():
        raise CaseReviewError(code="backup.no_file", path=backup_file)
    u = _url(url)
    if u.get_backend_name() == "sqlite":
        path = _sqlite_path(u)
        if path.exists() and path.stat().st_size > 0 and _has_tables(url):
            raise CaseReviewError(code="restore.target_exists", path=path)
        with backup_file.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise CaseReviewError(code="restore.not_sqlite", path=backup_file)
        src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if u.get_backend_name() == "postgresql":
        if _has_tables(url):
            raise CaseReviewError(code="restore.target_has_tables")
        target, _schema = _pg_args(u)
        res = subprocess.run([_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={target}",
                              str(backup_file)], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise CaseReviewError(code="restore.pg_restore", why=" ".join(res.stderr.split())[:300])
        return
    raise CaseReviewError(code="restore.unsupported", backend=u.get_backend_name())
