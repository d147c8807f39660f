"""Loading the demo reports its progress (step, done, total) to whoever listens, and to no one otherwise."""

from __future__ import annotations

from scoring.db.session import open_db
from scoring.demo.load import load_demo
from scoring.demo.progress import report, reporting


def test_register_loading_reports_each_step(sqlite_url):
    engine = open_db(sqlite_url)
    seen: list[tuple[str, int, int]] = []
    with reporting(lambda step, done, total: seen.append((step, done, total))):
        load_demo(engine, with_campaigns=False)
    assert seen == [("registers", 0, 2), ("registers", 2, 2)]
    seen.clear()
    load_demo(engine, with_campaigns=False)  # nobody listening: nothing collected, nothing fails
    report("x", 1, 1)
    assert seen == []
    engine.dispose()
