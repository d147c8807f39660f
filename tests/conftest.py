"""Shared fixtures: databases on SQLite and (when CASEREVIEW_TEST_PG_URL is set) PostgreSQL.

With CASEREVIEW_TEST_PG_URL set, an unreachable server is a failure, never a skip. Each PostgreSQL test
gets a schema of its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from scoring.db.session import open_db, session_factory
from tests import demo_template
from tests.factories import Factory

PG_ENV = "CASEREVIEW_TEST_PG_URL"

# Hypothesis: "ci" (set by .ci/run) runs every property test at its full example count; "fast" (the default)
# runs fewer. Neither fails a test because a loaded machine generates inputs slowly.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", parent=settings.get_profile("ci"), max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
ROOT = Path(__file__).resolve().parent.parent


def _pg_url_with_schema(base: str, schema: str) -> str:
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # application_name names the schema, so the teardown can find connections a test left behind.
    query = {"options": f"-csearch_path={schema}", "application_name": schema}
    return url.update_query_dict(query).render_as_string(hide_password=False)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the test PostgreSQL server."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")  # .ci/run always sets it
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_pg_url_with_schema(base, "public"))
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:  # reachable is required once the URL is set
        pytest.fail(f"PostgreSQL at {base} is unreachable: {exc.orig}")
    try:
        yield _pg_url_with_schema(base, schema)
    finally:
        # A connection left open in a transaction would block DROP SCHEMA for ever (a hung suite):
        # end it, and fail the test that leaked it instead.
        with admin.begin() as conn:
            stuck = conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :app AND state LIKE 'idle in transaction%'"), {"app": schema}).all()
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        if stuck:
            pytest.fail(f"the test left {len(stuck)} PostgreSQL connection(s) open in a transaction")


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated to the newest schema per test session; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "casereview.db"
    eng = open_db(f"sqlite:///{path}")
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Path, int]:
    """The run's demo database (`tests.demo_template`: built once for all workers) and its lead's id.
    Copy it (`demo_template.copy`) before use: it is shared."""
    root = tmp_path_factory.getbasetemp()
    return demo_template.shared(root if worker_id == "master" else root.parent)


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database of this test's own (a file copy of the session's template)."""
    path = tmp_path / "casereview.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Parametrised over both backends: persistence tests run on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_db(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """For tests that need a database but are not about the backend."""
    eng = open_db(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(sqlite_engine: Engine):
    with session_factory(sqlite_engine)() as s:
        yield s


@pytest.fixture
def factory(session) -> Factory:
    return Factory(session)
