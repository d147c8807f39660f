"""Opening the database: SQLite in a file by default, PostgreSQL by URL.

SQLite gets the settings a shared file needs to be safe (WAL, synchronous=FULL, a busy timeout,
foreign keys on) on every connection. `open_db` creates or upgrades the schema through Alembic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from scoring import audit_state  # noqa: F401  (registers the audit chain's session hooks)
from scoring.db.busy import ATTEMPTS, FIRST_WAIT, DatabaseBusy, is_busy
from scoring.db.integrity import check_schema
from scoring.db.migrate import current_revision, head_revision, upgrade_to_head
from scoring.db.url import DEFAULT_DB_FILE, ENV_DB_URL, default_url  # noqa: F401 (re-exported: the app and CLI read them here)
from scoring.errors import CaseReviewError

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    # pysqlite opens transactions itself; autocommit off while setting journal mode is fine.
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `default_url()`), with the SQLite settings applied."""
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CaseReviewError(code="db.bad_url", url=url, why=str(exc)) from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            Path(db).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise CaseReviewError(code="db.unsupported_url", url=url, why=str(exc)) from None


def is_current(engine: Engine) -> bool:
    """True when the schema is at the newest migration."""

    return current_revision(engine) == head_revision()


def open_db(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """Open (and by default create or upgrade) the database at `url`."""
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = " ".join(str(exc.orig).split())
        raise CaseReviewError(code="db.cannot_open", url=engine.url.render_as_string(), why=reason) from None
    if upgrade:
        upgrade_to_head(engine)
    elif "alembic_version" not in inspect(engine).get_table_names():
        raise CaseReviewError(code="db.no_schema")
    if is_current(engine):
        check_schema(engine)
    return engine


def session_factory(engine: Engine | Connection) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed as a whole on success and rolled back on any error.

    A database too busy to take it raises `DatabaseBusy` (a person-readable "try again"); use
    `retrying` to run the work again with backoff first.
    """
    try:
        with session_factory(engine)() as session, session.begin():
            yield session
    except DBAPIError as exc:
        if is_busy(exc):
            raise DatabaseBusy() from None
        raise


T = TypeVar("T")


def retrying(engine: Engine, work: Callable[[Session], T], *, attempts: int = ATTEMPTS,
             first_wait: float = FIRST_WAIT) -> T:
    """Run `work(session)` in its own transaction; when the database is busy, wait and run it again."""
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            with transaction(engine) as session:
                return work(session)
        except DatabaseBusy:
            if attempt == attempts:
                raise
            time.sleep(wait * (0.5 + random.random()))
            wait *= 2
    raise AssertionError("unreachable")
