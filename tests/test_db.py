"""The schema: migrations build exactly the models, on both backends; the audit log is append-only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from scoring.db.migrate import current_revision, head_revision
from scoring.db.models import Base, in_schema
from scoring.db.session import make_engine, open_db


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": in_schema(conn.dialect.name)})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()


def test_audit_log_refuses_update_and_delete(engine):
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (at, action, entity, entity_id, note) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'review', '1', '')"
            )
        )
    statements = ["UPDATE audit_log SET note = 'changed'", "DELETE FROM audit_log", "DELETE FROM audit_head"]
    if engine.dialect.name == "sqlite":  # REPLACE deletes the old row without firing DELETE triggers
        statements += ["REPLACE INTO audit_log (id, at, action, entity, entity_id, note) SELECT id, at, action, "
                       "entity, entity_id, 'changed' FROM audit_log WHERE action = 'test'",
                       "INSERT OR REPLACE INTO audit_log (id, at, action, entity, entity_id, note) SELECT id, at, "
                       "action, entity, entity_id, 'changed' FROM audit_log WHERE action = 'test'"]
    else:
        statements += ["TRUNCATE audit_log", "TRUNCATE audit_head"]
    for statement in statements:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM audit_log WHERE action = 'test'")).scalar_one() == ""


def test_sqlite_file_created_with_safe_settings(tmp_path):
    path = tmp_path / "sub" / "review.db"
    engine = open_db(f"sqlite:///{path}")
    assert path.exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    engine.dispose()


def test_open_is_idempotent(sqlite_url):
    open_db(sqlite_url).dispose()
    engine = open_db(sqlite_url)
    assert current_revision(engine) == head_revision()


def test_foreign_keys_enforced_on_sqlite(sqlite_engine):
    with pytest.raises(sa.exc.IntegrityError):
        with sqlite_engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (username, display_name, role, unit_id, failed_logins, active, created_at)"
                    " VALUES ('x', 'x', 'reviewer', 999, 0, 1, CURRENT_TIMESTAMP)"
                )
            )


def test_bad_url_is_a_clear_error():
    from scoring.errors import CaseReviewError

    with pytest.raises(CaseReviewError, match="bad database URL"):
        make_engine("not a url")
