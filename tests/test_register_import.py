"""Importing a register: all-or-nothing, every problem named by row and column, batch and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scoring.db.models import AuditEntry, CaseFile, ImportBatch, Unit, User
from scoring.db.session import transaction
from scoring.errors import ProblemReport
from scoring.register import import_register, importer, problems
from tests.factories import lead_id
from tests.test_register_helpers import add_units, counts, csv_text, find, good_rows


def test_import_writes_files_batch_and_audit(engine):
    add_units(engine)
    rows = good_rows(3)
    rows[1][6], rows[1][7], rows[1][8] = "1.5万元", "是", "√"
    rows[2][3:5] = ["行政检查", ""]
    data = csv_text(rows, title="登记表").encode("gbk")
    with transaction(engine) as s:
        s.add(User(username="lead", display_name="组长", role="lead"))
    with engine.connect() as conn:
        lead_id = conn.scalar(sa.select(User.id))
    report = import_register(engine, data, filename="登记表.csv", actor_id=lead_id)
    assert report.ok and not report.dry_run
    assert (report.rows_read, report.rows_imported, report.header_row) == (3, 3, 2)
    assert report.by_unit == {"区城管执法局": 1, "区市场监管局": 1, "城桥镇": 1}
    assert report.by_case_type == {"行政处罚": 2, "行政检查": 1}
    with engine.connect() as conn:
        batch = conn.execute(sa.select(ImportBatch)).one()
        files = conn.execute(sa.select(CaseFile).order_by(CaseFile.id)).all()
        audit = conn.execute(sa.select(AuditEntry).where(AuditEntry.action == "import_register")).one()
        units = dict(conn.execute(sa.select(Unit.name, Unit.id)).all())
    import hashlib

    assert (batch.id, batch.source_name, batch.row_count) == (report.batch_id, "登记表.csv", 3)
    assert batch.sha256 == hashlib.sha256(data).hexdigest() == report.sha256
    assert batch.created_by_id == lead_id
    assert [f.batch_id for f in files] == [batch.id] * 3
    second = files[1]
    assert second.unit_id == units["区市场监管局"]
    assert (second.case_number, second.case_type, second.procedure) == ("城管罚〔2024〕2号", "行政处罚", "一般")
    assert second.penalty_amount == Decimal("15000.00") and second.major_decision and second.hearing_held
    assert second.decision_date == dt.date(2024, 3, 2) and second.description == "案由2"
    assert files[2].procedure is None
    assert (audit.entity, audit.entity_id, audit.actor_id) == ("import_batch", str(batch.id), lead_id)
    assert audit.new_value["row_count"] == 3 and audit.new_value["sha256"] == batch.sha256


def test_unit_matched_by_normalised_name_or_code(engine):
    add_units(engine)
    rows = good_rows(3)
    rows[0][1], rows[1][1], rows[2][1] = "CG01", "区市场监管局\u3000", "城 桥 镇"
    report = import_register(engine, csv_text(rows).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert report.ok, [str(p) for p in report.problems]
    assert report.by_unit == {"区城管执法局": 1, "区市场监管局": 1, "城桥镇": 1}


def test_dry_run_reports_and_writes_nothing(engine):
    add_units(engine)
    report = import_register(engine, csv_text(good_rows(5)).encode(), filename="r.csv", dry_run=True, actor_id=lead_id(engine))
    assert report.ok and report.dry_run
    assert (report.rows_read, report.rows_imported, report.batch_id) == (5, 0, None)
    assert report.by_unit == {"区城管执法局": 2, "区市场监管局": 2, "城桥镇": 1}
    assert counts(engine) == (0, 0, 0)
    # and the real import afterwards still works (no leftovers from the dry run)
    assert import_register(engine, csv_text(good_rows(5)).encode(), filename="r.csv", actor_id=lead_id(engine)).rows_imported == 5


BAD_ROWS = [
    # row 3: fine
    [1, "区城管执法局", "A-1", "行政处罚", "一般", "2024-03-05", "5000", "否", "否", "ok"],
    # row 4: missing case number, unit, case type, decision date
    [2, "", "", "", "", "", "", "", "", "nothing"],
    # row 5: unknown unit, unknown case type
    [3, "区不存在局", "A-5", "行政奖励", "", "2024-03-05", "", "", "", ""],
    # row 6: bad procedure, bad date, bad amount, bad flag
    [4, "城桥镇", "A-6", "行政处罚", "快速程序", "2024-02-30", "五千元", "也许", "否", ""],
    # row 7: duplicate of row 3; 行政处罚 without a procedure
    [5, "城桥镇", "A-1", "行政处罚", "", "2024/3/5", "", "", "", ""],
    # row 8: already in the database
    [6, "城桥镇", "OLD-1", "行政许可", "", "2024-03-05", "", "", "", ""],
    # row 9: date in the future
    [7, "城桥镇", "A-9", "行政许可", "", "2099-01-01", "", "", "", ""],
]


def test_every_problem_named_by_row_and_column_and_nothing_written(engine):
    add_units(engine)
    with engine.begin() as conn:
        unit_id = conn.scalar(sa.select(Unit.id).where(Unit.name == "城桥镇"))
        conn.execute(sa.insert(CaseFile).values(unit_id=unit_id, case_number="OLD-1", case_type="行政许可",
                                                decision_date=dt.date(2023, 1, 1), description=""))
    data = csv_text(BAD_ROWS, title="某区登记表").encode("gbk")
    report = import_register(engine, data, filename="bad.csv", actor_id=lead_id(engine))
    assert not report.ok and report.rows_imported == 0 and report.batch_id is None
    assert report.rows_read == 7
    for column in ("执法单位", "案号", "案件类型", "决定日期"):
        p = find(report, 4, column, "missing required value")
        assert p.file == "bad.csv"
    assert find(report, 5, "执法单位", "unknown unit").value == "区不存在局"
    assert find(report, 5, "案件类型", "unknown case type").value == "行政奖励"
    assert find(report, 6, "程序", "unknown procedure").value == "快速程序"
    assert find(report, 6, "决定日期", "bad date: no such date").value == "2024-02-30"
    assert find(report, 6, "罚款金额（元）", "bad amount").value == "五千元"
    assert find(report, 6, "是否重大执法决定", "bad flag").value == "也许"
    assert find(report, 7, "案号", "duplicate case number: already in row 3").value == "A-1"
    find(report, 7, "程序", "行政处罚 needs a procedure")
    find(report, 8, "案号", "already in the database")
    find(report, 9, "决定日期", "in the future")
    assert not any(p.row == 3 for p in report.problems)
    assert report.problem_count == len(report.problems) == 14
    assert report.by_unit == {"区城管执法局": 1}  # only the valid row counts
    assert counts(engine) == (1, 0, 0)  # only the pre-existing file


def test_problem_late_in_a_large_file_rolls_back_earlier_chunks(engine, monkeypatch):
    """Rows of earlier chunks were inserted before the problem showed up; none of them remain."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    add_units(engine)
    rows = good_rows(20)
    rows[17][2] = rows[1][2]  # duplicate across chunks
    report = import_register(engine, csv_text(rows).encode(), filename="r.csv", actor_id=lead_id(engine))
    find(report, 19, "案号", "duplicate case number: already in row 3")
    assert report.problem_count == 1 and report.rows_read == 20
    assert counts(engine) == (0, 0, 0)


def test_duplicates_within_one_chunk_and_across_chunks(engine, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    add_units(engine)
    rows = good_rows(7)
    rows[1][2] = rows[0][2]  # same chunk
    rows[5][2] = rows[0][2]  # later chunk
    report = import_register(engine, csv_text(rows).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert [(p.row, p.message) for p in report.problems] == [
        (3, "duplicate case number: already in row 2"),
        (7, "duplicate case number: already in row 2"),
    ]


def test_duplicate_against_earlier_import(engine):
    add_units(engine)
    first = import_register(engine, csv_text(good_rows(3)).encode(), filename="first.csv", actor_id=lead_id(engine))
    assert first.ok
    rows = good_rows(4)
    rows[3][2] = "新案〔2024〕1号"
    report = import_register(engine, csv_text(rows, title="第二批").encode(), filename="second.csv", actor_id=lead_id(engine))
    assert report.problem_count == 3
    p = find(report, 3, "案号", "already in the database")
    assert f"import batch {first.batch_id}" in p.message
    assert counts(engine) == (3, 1, 1)


def test_the_same_file_twice_is_named(engine):
    add_units(engine)
    data = csv_text(good_rows(2)).encode()
    assert import_register(engine, data, filename="r.csv", actor_id=lead_id(engine)).ok
    again = import_register(engine, data, filename="r.csv", actor_id=lead_id(engine))
    assert "already imported" in again.problems[0].message and again.problems[0].row is None


def test_problems_are_capped_but_counted(engine, monkeypatch):
    monkeypatch.setattr(problems, "MAX_PROBLEMS", 10)
    add_units(engine)
    rows = good_rows(30)
    for row in rows:
        row[5] = "不是日期"
    report = import_register(engine, csv_text(rows).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert len(report.problems) == 10 and report.problem_count == 30
    with pytest.raises(ProblemReport) as info:
        report.raise_for_problems()
    assert "30 problems in all, the first 10 listed" in str(info.value)


def test_file_level_problem_is_reported_not_raised(engine):
    report = import_register(engine, b"\xd0\xcf\x11\xe0", filename="old.xls", actor_id=lead_id(engine))
    assert not report.ok and report.problem_count == 1 and "xls" in report.problems[0].message
    assert report.rows_read == 0 and counts(engine) == (0, 0, 0)


def test_header_only_file_is_a_problem(engine):
    add_units(engine)
    report = import_register(engine, csv_text([]).encode(), filename="r.csv", actor_id=lead_id(engine))
    assert [p.message for p in report.problems] == ["no case files below the header (row 1)"]


def test_path_source_and_repeated_imports_on_one_connection_pool(engine, tmp_path):
    """The temporary duplicate-check table does not leak into the next import on a pooled connection."""
    add_units(engine)
    for n in range(3):
        path = tmp_path / f"r{n}.csv"
        path.write_bytes(csv_text(good_rows(2, prefix=f"批{n}〔2024〕")).encode("gbk"))
        report = import_register(engine, path, actor_id=lead_id(engine))
        assert report.ok and report.source_name == f"r{n}.csv"
        dry = import_register(engine, path, dry_run=True, actor_id=lead_id(engine))
        assert "already in the database" in dry.problems[1].message
    assert counts(engine) == (6, 3, 3)
