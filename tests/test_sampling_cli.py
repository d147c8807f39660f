"""`casereview sample ...` end to end on a SQLite file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from scoring.cli import main
from scoring.db.models import AuditEntry, Unit, User
from scoring.db.session import open_db, session_factory
from tests.factories import Factory, lead_id
from tests.test_sampling_db import add_file, populate


@pytest.fixture
def db(sqlite_url):
    engine = open_db(sqlite_url)
    populate(engine)
    lead_id(engine)  # the only panel lead: commands act as them unless --as says otherwise
    engine.dispose()
    return sqlite_url


def run(db, capsys, *args):
    code = main(["sample", *args, "--db", db])
    out, err = capsys.readouterr()
    return code, out, err


def test_draw_show_export_verify(db, capsys, tmp_path):
    code, out, err = run(db, capsys, "draw", "--campaign", "2024年度案卷评查", "--seed", "20240501", "--count", "3",
                         "--force", "major_decision=1")
    assert code == 0, err
    assert "sample record #1 for '2024年度案卷评查': 6 files from 24 candidates (seed 20240501)" in out

    code, out, _ = run(db, capsys, "show", "--campaign", "1", "--files")
    assert code == 0
    assert "某某镇人民政府: 3 of 12" in out and "区市场监管局: 3 of 12" in out
    assert out.index("某某镇人民政府") < out.index("区市场监管局")
    assert "(1 forced)" in out and "total: 6 files" in out

    target = tmp_path / "抽取记录.json"
    code, _, err = run(db, capsys, "export", "--campaign", "2024年度案卷评查", "-o", str(target))
    assert code == 0 and "wrote sample record #1" in err
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["seed"] == 20240501 and len(exported["items"]) == 6

    code, out, _ = run(db, capsys, "export", "--campaign", "2024年度案卷评查", "--format", "csv")
    assert code == 0 and out.startswith("\ufeff抽取顺序,案号,执法单位,案件类型,抽取方式")
    assert len(out.strip().splitlines()) == 7

    code, out, _ = run(db, capsys, "verify", "--record", str(target))
    assert code == 0 and "ok: 6 files re-derived" in out
    code, out, _ = run(db, capsys, "verify", "--campaign", "2024年度案卷评查")
    assert code == 0 and out.startswith("sample record #1: ok")

    engine = open_db(db)
    add_file(engine, "某某镇人民政府", "补〔2024〕9号", dt.date(2024, 7, 1))
    engine.dispose()
    code, _, err = run(db, capsys, "verify", "--record", str(target))
    assert code == 1
    assert "does not verify: register fingerprint changed: candidates 24→25" in err.splitlines()[-1]


def test_enlarge_then_refuse_a_smaller_quota(db, capsys):
    base = ["draw", "--campaign", "2024年度案卷评查", "--seed", "1", "--force", "major_decision"]
    assert run(db, capsys, *base, "--count", "2")[0] == 0
    code, out, _ = run(db, capsys, *base, "--percent", "50", "--min", "2")
    assert code == 0 and "enlarging record #1" in out
    code, _, err = run(db, capsys, *base, "--count", "2")
    assert code == 1 and err.startswith("error: ") and "never reduced" in err and err.count("\n") == 1
    code, _, err = run(db, capsys, "draw", "--campaign", "2024年度案卷评查", "--seed", "2", "--count", "9",
                       "--force", "major_decision")
    assert code == 1 and "same seed" in err


def test_dry_run_stores_nothing(db, capsys):
    code, out, _ = run(db, capsys, "draw", "--campaign", "2024年度案卷评查", "--seed", "4", "--percent", "10",
                       "--no-stratify", "--dry-run")
    assert code == 0 and "dry run: 4 files would be drawn" in out and "\trandom" in out
    code, _, err = run(db, capsys, "show", "--campaign", "2024年度案卷评查")
    assert code == 1 and "has no sample yet" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draw", "--campaign", "2024年度案卷评查", "--seed", "1"], "exactly one of --count or --percent"),
        (["draw", "--campaign", "2024年度案卷评查", "--seed", "1", "--count", "1", "--min", "2"], "go with --percent"),
        (["draw", "--campaign", "2024年度案卷评查", "--seed", "1", "--count", "1", "--force", "bogus=1"],
         "unknown flag"),
        (["draw", "--campaign", "无此评查", "--seed", "1", "--count", "1"], "no campaign '无此评查'"),
        (["draw", "--campaign", "2024年度案卷评查", "--seed", "1", "--count", "1", "--unit", "无"], "unknown unit"),
        (["verify"], "exactly one of --campaign, --id or --record"),
        (["export", "--id", "77"], "no sample record with id 77"),
    ],
)
def test_errors_are_one_line(db, capsys, args, message):
    code, _, err = run(db, capsys, *args)
    assert code != 0 and message in err
    assert "Traceback" not in err


def test_verify_rejects_a_file_that_is_not_a_record(db, capsys, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{\"seed\": 1}", encoding="utf-8")
    code, _, err = run(db, capsys, "verify", "--record", str(bad))
    assert code == 1 and "not a sample record: missing campaign" in err
    bad.write_text("not json", encoding="utf-8")
    code, _, err = run(db, capsys, "verify", "--record", str(bad))
    assert code == 1 and "not a JSON sample record" in err


def test_sample_commands_act_as_a_named_account(db, capsys):
    with session_factory(open_db(db))() as session, session.begin():
        Factory(session).user("r1", role="reviewer", unit=session.scalars(select(Unit)).first())
    code, _, err = run(db, capsys, "draw", "--campaign", "1", "--seed", "7", "--count", "1", "--as", "r1")
    assert code == 1 and "r1 (reviewer) may not sample" in err
    code, _, err = run(db, capsys, "draw", "--campaign", "1", "--seed", "7", "--count", "1", "--as", "test-lead")
    assert code == 0, err
    code, _, err = run(db, capsys, "show", "--campaign", "1", "--as", "r1")
    assert code == 1 and "r1 (reviewer) may not read sample" in err
    with session_factory(open_db(db))() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sample_draw")).one()
        assert session.get(User, entry.actor_id).username == "test-lead"
