"""`casereview backup` while 5 writers are saving, `casereview restore` into an empty database: the
restored database passes audit verify and gives identical aggregates; restoring over a database that
has tables is refused (issue 12)."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from scoring.cli import main
from scoring.db.models import Assignment
from scoring.db.session import transaction
from scoring.marks import Marks
from scoring.workflow.reviews import open_review, save_draft, submit_review
from tests.reliability.scenarios import concurrent_saves, open_reviews
from tests.reliability.world import build

WRITERS = 5


def _submit(engine, assignment_ids):
    for n, aid in enumerate(assignment_ids):
        with transaction(engine) as s:
            a = s.get(Assignment, aid)
            rv = open_review(s, a.reviewer, aid)
            marks = {"items": {"A1": {"deductions": [{"reason": "b", "occurrences": 1 + n % 2, "page": "2"}]}}}
            save_draft(s, a.reviewer, rv.id, Marks.model_validate(marks), expected_version=rv.version)
            submit_review(s, a.reviewer, rv.id, expected_version=rv.version)


def _aggregates(url, campaign, capsys) -> dict:
    assert main(["aggregate", "campaign", "--campaign", campaign, "--format", "json", "--db", url]) == 0
    return json.loads(capsys.readouterr().out)


def test_backup_while_five_writers_save_then_restore(engine, db_url, tmp_path, capsys):
    world = build(engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, submit=False)
    drafts = world.assignment_ids[:WRITERS]
    _submit(engine, world.assignment_ids[WRITERS:])  # final results for the aggregates
    reviews = open_reviews(db_url, drafts)
    figures = []
    saving = threading.Thread(target=lambda: figures.append(concurrent_saves(db_url, reviews, 40)))
    saving.start()
    out = tmp_path / "backup.bin"
    try:
        assert main(["backup", "--out", str(out), "--db", db_url]) == 0
    finally:
        saving.join()
    assert figures, "the writers did not finish"
    assert (figures[0].lost, figures[0].unhandled) == (0, 0), figures[0].failures
    assert figures[0].acked + figures[0].busy == 5 * 40
    assert out.stat().st_size > 0
    assert main(["backup", "--out", str(out), "--db", db_url]) == 1  # never overwrites a backup
    capsys.readouterr()
    before = _aggregates(db_url, world.campaign_name, capsys)  # drafts do not change the aggregates

    if engine.dialect.name == "sqlite":
        target = f"sqlite:///{tmp_path / 'restored.db'}"
        assert main(["restore", str(out), "--db", db_url]) == 1  # refuses a database with tables
    else:
        target = db_url
        schema = sa.engine.make_url(db_url).query["options"].split("=", 1)[1]
        assert main(["restore", str(out), "--db", db_url]) == 1
        engine.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))  # the server lost it
    capsys.readouterr()
    assert main(["restore", str(out), "--db", target]) == 0
    assert "audit chain intact" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", target]) == 0
    capsys.readouterr()
    assert _aggregates(target, world.campaign_name, capsys) == before


def test_restore_refuses_a_non_empty_database(sqlite_engine, tmp_path):
    from scoring.db.backup import restore
    from scoring.errors import CaseReviewError

    url = sqlite_engine.url.render_as_string(hide_password=False)
    dump = tmp_path / "b.db"
    assert main(["backup", "--out", str(dump), "--db", url]) == 0
    with pytest.raises(CaseReviewError, match="already holds a database"):
        restore(url, dump)
