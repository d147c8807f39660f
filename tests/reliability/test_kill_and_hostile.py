"""kill -9 during saves and imports loses no acknowledged save and leaves no partial import; the
generated hostile corpus (every kind of issue 12) ends in 0 tracebacks, 0 timeouts, 0 partial imports
and 0 silently altered rows, each file refused or stored exactly (reduced sizes; full size in
benchmarks/reliability.py)."""

from __future__ import annotations

from scoring.db.session import transaction
from scoring.register import add_unit
from tests.factories import session_lead_id
from tests.reliability.hostile import KINDS, UNITS, _csv, _row, corpus
from tests.reliability.scenarios import hostile_imports, kill_during_import, kill_during_saves, open_reviews
from tests.reliability.world import build


def test_kill_9_during_saves_loses_no_acknowledged_save(engine, db_url, tmp_path):
    world = build(engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, submit=False)
    (review,) = open_reviews(db_url, world.assignment_ids[:1])
    fig = kill_during_saves(db_url, review, kills=3)
    assert fig.kills == 3 and fig.acked > 0
    assert (fig.lost_acked, fig.integrity_failures, fig.chain_failures) == (0, 0, 0)


def test_kill_9_during_an_import_leaves_all_or_nothing(sqlite_engine, tmp_path):
    with transaction(sqlite_engine) as s:
        for u in UNITS:
            add_unit(s, u, "department" if u.startswith("区") else "town", actor_id=session_lead_id(s))
    rows = 30_000
    path = tmp_path / "big.csv"
    path.write_text(_csv([_row(i, "K") for i in range(1, rows + 1)]), encoding="utf-8")
    url = sqlite_engine.url.render_as_string(hide_password=False)
    fig = kill_during_import(url, path, rows, kills=2)
    assert fig.kills >= 1 and fig.partial_imports == 0 and fig.integrity_failures == 0 and fig.index_losses == 0


def test_kill_9_just_after_a_large_import_dropped_its_indexes(sqlite_engine, tmp_path):
    """A large import builds the register's secondary indexes at its end; killed in between, the
    database has them all, as they were, and no row of the import."""
    with transaction(sqlite_engine) as s:
        for u in UNITS:
            add_unit(s, u, "department" if u.startswith("区") else "town", actor_id=session_lead_id(s))
    rows = 60_000  # the indexes go at 20,000 rows: the kill lands well before the end
    path = tmp_path / "big.csv"
    path.write_text(_csv([_row(i, "D") for i in range(1, rows + 1)]), encoding="utf-8")
    url = sqlite_engine.url.render_as_string(hide_password=False)
    fig = kill_during_import(url, path, rows, kills=1, after_index_drop=True)
    assert (fig.kills, fig.finished, fig.partial_imports, fig.integrity_failures, fig.index_losses) == (1, 0, 0, 0, 0)


def test_hostile_corpus(sqlite_engine):
    with transaction(sqlite_engine) as s:
        for u in UNITS:
            add_unit(s, u, "department" if u.startswith("区") else "town", actor_id=session_lead_id(s))
    files = list(corpus(len(KINDS) * 3, bomb_mb=64))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    fig = hostile_imports(url, files)
    assert fig.files == len(KINDS) * 3
    assert (fig.tracebacks, fig.timeouts, fig.partial_imports, fig.silently_altered, fig.wrongly_accepted) == (
        0, 0, 0, 0, 0), fig.failures
    expected_refused = sum(h.refuse for h in files)
    assert fig.refused == expected_refused and fig.failures == []
