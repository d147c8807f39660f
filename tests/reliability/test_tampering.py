"""Tampering with database access is detected: 11 kinds x 10 = 110 tamperings, each caught by
`audit verify` (issue 12), on SQLite and PostgreSQL; a clean database verifies; publishing refuses a
tampered campaign; start-up refuses a database whose audit protections were removed."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from scoring.audit_verify import verify
from scoring.cli import main
from scoring.db.models import Campaign, User
from scoring.db.session import open_db, session_factory
from scoring.errors import CaseReviewError, ValidationFailed
from scoring.workflow.publish import publish_campaign
from tests.reliability.tamper import KINDS, raw_bytes_copy, tamper
from tests.reliability.world import build

PER_KIND = 10


@pytest.fixture
def world(engine, tmp_path):
    return build(engine, tmp_path, files_per_unit=6, sample=2, reviewers=4)


def test_every_tampering_is_detected(engine, world, tmp_path):
    assert verify(engine).ok, verify(engine).lines()
    rnd = random.Random(12)
    missed, detected = [], 0
    sqlite = engine.dialect.name == "sqlite"
    template = None
    if sqlite:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        template = tmp_path / "template.db"
        engine.dispose()
        template.write_bytes((tmp_path / "casereview.db").read_bytes())
    for kind in KINDS:
        for i in range(PER_KIND):
            if kind == "raw_bytes" and sqlite:
                copy = tmp_path / f"raw{i}.db"
                what = raw_bytes_copy(template, copy, rnd)
                eng = sa.create_engine(f"sqlite:///{copy}")
                report = verify(eng)
                eng.dispose()
            else:
                with engine.connect() as conn:
                    trans = conn.begin()
                    what = tamper(conn, kind, rnd)
                    report = verify(conn)
                    trans.rollback()
            if report.ok:
                missed.append(f"{kind}: {what}")
            else:
                detected += 1
    assert missed == [] and detected == len(KINDS) * PER_KIND
    assert verify(engine).ok  # every tampering was rolled back: the database verifies again


def test_verify_names_the_first_broken_entry_and_every_mismatching_row(engine, world):
    with engine.connect() as conn:
        trans = conn.begin()
        tamper(conn, "audit_delete", random.Random(1))
        conn.execute(sa.text("UPDATE file_results SET score = 10000"))
        report = verify(conn, world.campaign_id)
        trans.rollback()
    first = str(report.first_broken)
    assert "missing" in first or "link" in first
    zh = report.lines("zh")[0]
    assert "缺失" in zh or "链接不上" in zh
    assert any("“案卷最终结果”" in line and "与审计链记载的状态不符" in line for line in report.lines("zh"))
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM file_results WHERE score <> 10000")).scalar_one()
    assert n > 0 and len([p for p in report.row_problems if p.table == "file_results"]) == n


def test_publishing_refuses_a_tampered_campaign(engine, world):
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE review_marks SET points = 0"))  # no trigger guards result rows
    with session_factory(engine)() as s:
        lead, campaign = s.get(User, world.lead_id), s.get(Campaign, world.campaign_id)
        with pytest.raises(ValidationFailed, match="fails audit verification"):
            publish_campaign(s, lead, campaign)


def test_cli_verify_and_anchor(engine, world, capsys):
    url = engine.url.render_as_string(hide_password=False)
    assert main(["audit", "verify", "--db", url, "--campaign", world.campaign_name]) == 0
    out = capsys.readouterr().out
    assert "audit chain intact" in out
    assert main(["audit", "anchor", "--db", url]) == 0
    anchor = capsys.readouterr().out.strip()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE reviews SET total = 10000"))
    assert main(["audit", "verify", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "row reviews" in err and "differs from the state the chain vouches for" in err
    assert anchor.split(":")[0].isdigit() and len(anchor.split(":")[1]) == 64


def test_start_up_refuses_when_the_audit_table_or_its_protections_are_gone(engine, world):
    url = engine.url.render_as_string(hide_password=False)
    drop = ("DROP TRIGGER audit_log_no_replace" if engine.dialect.name == "sqlite"
            else "DROP TRIGGER audit_log_no_truncate ON audit_log")
    with engine.begin() as conn:
        conn.execute(sa.text(drop))
    with pytest.raises(CaseReviewError, match="audit_log_no_(replace|truncate) is missing"):
        open_db(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE audit_log"))
    with pytest.raises(CaseReviewError, match="table audit_log is missing"):
        open_db(url)
    assert main(["init", "--db", url]) == 1
