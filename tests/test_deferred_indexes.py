"""A large register import on SQLite drops `case_files`' secondary indexes and builds them again before
it commits (`scoring.db.deferred_indexes`): afterwards the schema is exactly what it was and the
indexes serve queries; an import that fails, is refused or breaks off leaves them untouched; a small
import into a large register keeps them; PostgreSQL never drops them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scoring.db import deferred_indexes
from scoring.db.bulk import BulkInsert
from scoring.db.deferred_indexes import DeferredIndexes
from scoring.register import import_register, importer
from tests.factories import lead_id
from tests.test_register_helpers import add_units, counts, csv_text, good_rows


def _indexes(engine: sa.Engine) -> list[tuple[str, str]]:
    """(name, definition) of every index on case_files, whatever the database."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return [tuple(r) for r in conn.execute(sa.text(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'case_files' "
                "ORDER BY name"))]
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'case_files' "
            "ORDER BY indexname"))]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """What each import did to the indexes, ("drop" | "restore", names), with a low threshold."""
    monkeypatch.setattr(deferred_indexes, "MIN_ROWS", 5)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    seen: list[tuple[str, list[str]]] = []
    written, restore = DeferredIndexes.written, DeferredIndexes.restore

    def spy_written(self: DeferredIndexes, rows: int) -> None:
        before = list(self.dropped)
        written(self, rows)
        if self.dropped != before:
            seen.append(("drop", [name for name, _sql in self.dropped]))

    def spy_restore(self: DeferredIndexes) -> None:
        seen.append(("restore", [name for name, _sql in self.dropped]))
        restore(self)
    monkeypatch.setattr(DeferredIndexes, "written", spy_written)
    monkeypatch.setattr(DeferredIndexes, "restore", spy_restore)
    return seen


INDEXES = ["ix_case_files_decision_date", "ix_case_files_unit_id"]


def test_a_large_import_rebuilds_exactly_the_indexes_it_dropped(engine, events):
    add_units(engine)
    before = _indexes(engine)
    report = import_register(engine, csv_text(good_rows(30)).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert report.ok and report.rows_imported == 30
    assert _indexes(engine) == before
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert events == [("drop", INDEXES), ("restore", INDEXES)]
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
            plan = " ".join(str(r) for r in conn.execute(sa.text(
                "EXPLAIN QUERY PLAN SELECT id FROM case_files WHERE decision_date >= '2024-01-01' "
                "AND decision_date <= '2024-01-31'")))
            assert "ix_case_files_decision_date" in plan
        else:
            assert events == [("restore", [])]  # PostgreSQL: never dropped
        assert conn.execute(sa.text("SELECT count(*) FROM case_files")).scalar_one() == 30


def test_an_import_refused_after_the_drop_leaves_the_indexes(engine, events):
    add_units(engine)
    before = _indexes(engine)
    rows = good_rows(30)
    rows[27][1] = "没有这个单位"  # found in the eighth chunk, after 28 rows were written and the indexes dropped
    report = import_register(engine, csv_text(rows).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert not report.ok and report.problem_count == 1
    assert counts(engine) == (0, 0, 0) and _indexes(engine) == before
    assert events == ([("drop", INDEXES)] if engine.dialect.name == "sqlite" else [])  # dropped, never restored


def test_an_import_that_breaks_off_leaves_the_indexes(engine, events, monkeypatch):
    add_units(engine)
    before = _indexes(engine)
    calls = {"n": 0}
    run = BulkInsert.run

    def failing(self: BulkInsert, rows):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] == 5:  # after the drop (20 rows written)
            raise RuntimeError("the disk is full")
        run(self, rows)
    monkeypatch.setattr(BulkInsert, "run", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_register(engine, csv_text(good_rows(30)).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert counts(engine) == (0, 0, 0) and _indexes(engine) == before
    assert events == ([("drop", INDEXES)] if engine.dialect.name == "sqlite" else [])


def test_a_small_load_into_a_large_table_keeps_its_indexes(sqlite_engine, monkeypatch):
    """The indexes go only once the rows written reach an eighth of those already there."""
    monkeypatch.setattr(deferred_indexes, "MIN_ROWS", 5)
    add_units(sqlite_engine)
    import_register(sqlite_engine, csv_text(good_rows(80, prefix="旧〔2023〕")).encode(), filename="old.csv",
                    actor_id=lead_id(sqlite_engine))
    with sqlite_engine.begin() as conn:
        conn.execute(sa.text("UPDATE case_files SET description = description"))  # a transaction is open
        deferred = DeferredIndexes(conn, "case_files")
        assert deferred.existing == 80
        deferred.written(9)
        assert deferred.dropped == []
        deferred.written(10)
        assert [name for name, _ in deferred.dropped] == INDEXES
        deferred.restore()
    assert len(_indexes(sqlite_engine)) == 3


def test_nothing_is_dropped_outside_a_transaction(sqlite_engine, monkeypatch):
    monkeypatch.setattr(deferred_indexes, "MIN_ROWS", 0)
    with sqlite_engine.connect() as conn:
        deferred = DeferredIndexes(conn, "case_files")
        conn.commit()  # ends the transaction the first read opened
        deferred.written(1_000_000)
        assert deferred.dropped == []
    assert len(_indexes(sqlite_engine)) == 3
