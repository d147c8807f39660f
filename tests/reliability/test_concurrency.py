"""Concurrent saves lose nothing and never end in an unhandled error; stale tabs never overwrite
silently; a busy database is retried, then reported as "try again" (issue 12; reduced sizes, full size
in benchmarks/reliability.py)."""

from __future__ import annotations

import sqlalchemy as sa

from scoring.audit_verify import verify
from scoring.db.busy import DatabaseBusy
from scoring.db.models import Review
from scoring.db.session import retrying, transaction
from tests.reliability.scenarios import concurrent_saves, open_reviews, stale_races
from tests.reliability.world import build

WRITERS, SAVES = 4, 15


def test_concurrent_saves_lose_nothing_and_raise_nothing(engine, db_url, tmp_path):
    world = build(engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, submit=False)
    reviews = open_reviews(db_url, world.assignment_ids[:WRITERS])
    fig = concurrent_saves(db_url, reviews, SAVES)
    assert (fig.saves, fig.lost, fig.unhandled) == (WRITERS * SAVES, 0, 0), fig.failures
    assert fig.acked + fig.busy == fig.saves
    assert verify(engine).ok  # and every save is vouched for by the audit chain


def test_stale_tabs_never_overwrite_silently(engine, db_url, tmp_path):
    world = build(engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, submit=False)
    (review,) = open_reviews(db_url, world.assignment_ids[:1])
    fig = stale_races(db_url, review, 12)
    assert fig.silent_overwrites == 0 and fig.errors == 0 and fig.conflicts == fig.races == 12


def test_a_locked_sqlite_database_is_retried_then_reported_as_busy(sqlite_engine, tmp_path):
    world = build(sqlite_engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, submit=False)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    eng = sa.create_engine(url, connect_args={"timeout": 0.05})  # a short busy timeout for the test
    blocker = sqlite_engine.raw_connection()
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    calls = []

    def work(session):
        calls.append(1)
        session.add(Review(assignment_id=world.assignment_ids[0], standard_hash="x", version=1))
        session.flush()

    try:
        try:
            retrying(eng, work, attempts=3, first_wait=0.01)
        except DatabaseBusy as exc:
            assert "try again" in str(exc)
        else:
            raise AssertionError("a locked database must end in DatabaseBusy")
        assert len(calls) == 3  # retried with backoff before giving up
    finally:
        blocker.rollback()
        blocker.close()
    # once the lock is gone, the same work goes through
    with transaction(sqlite_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    eng.dispose()
