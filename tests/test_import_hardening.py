"""Import refuses what it cannot read faithfully, and every file read is bounded (issue 12)."""

from __future__ import annotations

import io
import zipfile

import pytest

from scoring.register import import_register, read_register
from scoring.register.importer import ImportReport
from tests.factories import lead_id
from tests.reliability.hostile import HEADER, _bomb, _csv, _patched, _row, _xlsx, _xlsx_from_rows
from tests.test_register_helpers import add_units, counts


def _units_engine(sqlite_engine):
    add_units(sqlite_engine)
    return sqlite_engine


def _refused(report: ImportReport) -> str:
    assert not report.ok and report.rows_imported == 0
    return "\n".join(str(p) for p in report.problems)


def test_unbalanced_quote_is_refused_naming_the_line_where_it_opened(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    rows = [_row(i, "Q") for i in range(1, 7)]
    lines = _csv(rows).split("\r\n")
    lines[2] = lines[2].replace("案由2", '"案由2')  # line 3: the quote opens and never closes
    report = import_register(eng, "\r\n".join(lines).encode(), filename="q.csv", actor_id=lead_id(eng))
    text = _refused(report)
    assert "quote opened at line 3" in text
    assert counts(eng)[0] == 0


def test_quote_closing_lines_later_swallowing_rows_is_refused(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    rows = [_row(i, "S") for i in range(1, 7)]
    lines = _csv(rows).split("\r\n")
    lines[1] = lines[1].replace("案由1", '"案由1')
    lines[4] = lines[4].replace("案由4", '案由4"')  # closes 3 lines later: rows 2-4 would vanish into one cell
    text = _refused(import_register(eng, "\r\n".join(lines).encode(), filename="s.csv", actor_id=lead_id(eng)))
    assert "line 2" in text and "malformed CSV" in text


def test_quoted_multiline_text_still_imports(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    rows = [_row(i, "M") for i in range(1, 4)]
    rows[1][-1] = "第一行,有逗号\n第二行"
    report = import_register(eng, _csv(rows).encode(), filename="m.csv", actor_id=lead_id(eng))
    assert report.ok and report.rows_imported == 3


def test_mixed_encodings_are_refused_with_line_and_bytes(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    lines = _csv([_row(i, "E") for i in range(1, 6)]).split("\r\n")
    data = "\r\n".join(lines[:3]).encode("gbk") + b"\r\n" + "\r\n".join(lines[3:]).encode("utf-8")
    text = _refused(import_register(eng, data, filename="e.csv", actor_id=lead_id(eng)))
    assert "line 4, bytes" in text  # where the GBK reading breaks down
    # UTF-8 lines that GB18030 happens to decode (as mojibake) are caught by the line classification
    lines = _csv([_row(i, "E", desc="执法") for i in range(1, 4)]).split("\r\n")
    data = "\r\n".join(lines[:2]).encode("gbk") + b"\r\n" + "\r\n".join(lines[2:]).encode("utf-8")
    text = _refused(import_register(eng, data, filename="e2.csv", actor_id=lead_id(eng)))
    assert "line 1, bytes" in text and ("mixed encodings: line 3 is UTF-8" in text or "gb18030 fails at line 3" in text)


def test_undecodable_bytes_are_named(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    data = _csv([_row(1, "U"), _row(2, "U")]).encode("utf-8").replace("案由2".encode(), b"\xff\xfe\x81")
    text = _refused(import_register(eng, data, filename="u.csv", actor_id=lead_id(eng)))
    assert "line 3, bytes ff fe 81" in text


@pytest.mark.parametrize("ch", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_nul_and_control_characters_are_refused_per_field(sqlite_engine, ch, fmt):
    eng = _units_engine(sqlite_engine)
    rows = [_row(1, "C"), _row(2, "C")]
    rows[1][-1] = "案" + ch + "由"
    data = _csv(rows).encode("utf-8") if fmt == "csv" else _xlsx_from_rows(rows, ch)
    text = _refused(import_register(eng, data, filename=f"c.{fmt}", actor_id=lead_id(eng)))
    assert f"row 3, column 案由: control character U+{ord(ch):04X}" in text


def test_full_width_formula_sign_is_stored_as_written_and_refused_in_a_case_number(sqlite_engine):
    rows = [_row(1, "F", desc="＝1+1")]
    (row,) = read_register(_csv(rows).encode(), "f.csv")
    assert row.ok and row.values["description"] == "＝1+1"
    rows[0][2] = "＝" + rows[0][2]
    (row,) = read_register(_csv(rows).encode(), "f.csv")
    assert not row.ok and "formula sign" in row.problems[0].message


def test_formula_without_cached_value_is_refused_with_the_cell(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    data = _xlsx([_row(1, "X"), _row(2, "X")], formula_at="G3")
    text = _refused(import_register(eng, data, filename="x.xlsx", actor_id=lead_id(eng)))
    assert "cell G3: a formula saved without its value" in text


@pytest.mark.parametrize("when", ["2024-03-05 25:00", "2024-03-05 12:61", "2024-03-05 23:59:60", "2023-02-29"])
def test_impossible_dates_and_times_are_refused(sqlite_engine, when):
    eng = _units_engine(sqlite_engine)
    text = _refused(import_register(eng, _csv([_row(1, "T", date=when)]).encode(), filename="t.csv", actor_id=lead_id(eng)))
    assert "column 决定日期: bad date: no such" in text


def test_possible_time_still_reads():
    (row,) = read_register(_csv([_row(1, "T", date="2024-03-05 23:59:59")]).encode(), "t.csv")
    assert row.ok


def test_cell_at_xfd1048576_is_refused_at_once(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    text = _refused(import_register(eng, _xlsx([_row(1, "Z")], far_cell="XFD1048576"), filename="z.xlsx", actor_id=lead_id(eng)))
    assert "cell XFD1048576 is beyond the limit of 256 columns" in text


def test_rows_beyond_the_limit_are_refused(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    data = _patched(_xlsx([_row(1, "R")], far_cell="A1048576"), b"1048576", b"2000000")
    assert "row 2000000 is beyond the limit" in _refused(import_register(eng, data, filename="r.xlsx", actor_id=lead_id(eng)))


def test_a_far_row_in_a_small_workbook_is_streamed_not_loaded_whole(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    report = import_register(eng, _xlsx([_row(1, "W")], far_cell="A1048576"), filename="w.xlsx", dry_run=True, actor_id=lead_id(eng))
    # the lone far cell is one more row (missing its required values), reached by streaming in seconds
    assert report.rows_read == 2 and {p.row for p in report.problems} == {1048576}


def test_inflated_size_limit(sqlite_engine, monkeypatch):
    eng = _units_engine(sqlite_engine)
    monkeypatch.setenv("CASEREVIEW_MAX_XLSX_INFLATED_MB", "4")
    text = _refused(import_register(eng, _bomb(6), filename="b.xlsx", actor_id=lead_id(eng)))
    assert "inflates to" in text and "CASEREVIEW_MAX_XLSX_INFLATED_MB" in text


def test_zip_bomb_ratio_is_refused(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    text = _refused(import_register(eng, _bomb(40), filename="b.xlsx", actor_id=lead_id(eng)))
    assert "zip bomb" in text


def test_file_size_limit_is_a_setting(sqlite_engine, monkeypatch):
    eng = _units_engine(sqlite_engine)
    data = _csv([_row(1, "L")]).encode() + b" " * 200_000
    monkeypatch.setenv("CASEREVIEW_MAX_REGISTER_MB", "0.1")
    text = _refused(import_register(eng, data, filename="l.csv", actor_id=lead_id(eng)))
    assert "may be at most 0.1 MB (setting CASEREVIEW_MAX_REGISTER_MB)" in text
    monkeypatch.delenv("CASEREVIEW_MAX_REGISTER_MB")
    assert "at most" not in "\n".join(map(str, import_register(eng, data, filename="l.csv", dry_run=True, actor_id=lead_id(eng)).problems))


def test_overlong_cell_is_refused(sqlite_engine):
    eng = _units_engine(sqlite_engine)
    text = _refused(import_register(eng, _csv([_row(1, "H", desc="长" * 40_000)]).encode(), filename="h.csv", actor_id=lead_id(eng)))
    assert "40,000 characters; at most 32,767" in text


def test_header_constant_matches_the_register_columns():
    assert HEADER[2] == "案号" and zipfile.is_zipfile(io.BytesIO(_xlsx([])))


def test_assignment_csv_is_bounded_and_undecodable_bytes_are_a_problem(monkeypatch):
    from scoring.errors import ProblemReport
    from scoring.workflow.assignments import plan_from_csv

    monkeypatch.setenv("CASEREVIEW_MAX_ASSIGNMENTS_MB", "0.01")
    with pytest.raises(ProblemReport, match="file too large"):
        plan_from_csv(None, None, b"x" * 20_000, "a.csv")  # refused before any database work
    monkeypatch.delenv("CASEREVIEW_MAX_ASSIGNMENTS_MB")
    with pytest.raises(ProblemReport) as err:
        plan_from_csv(None, None, "案号,评查人员\n".encode() + b"A1,\xff\xfe\x81\n", "a.csv")
    assert "line 2" in str(err.value.problems[0]) and "ff fe 81" in str(err.value.problems[0])


def test_rubric_file_is_bounded(tmp_path, monkeypatch):
    from scoring.errors import ProblemReport
    from scoring.rubric.loader import load_rubric_file

    path = tmp_path / "big.yaml"
    path.write_text("id: x\n" + "# padding\n" * 5000, encoding="utf-8")
    monkeypatch.setenv("CASEREVIEW_MAX_RUBRIC_MB", "0.01")
    with pytest.raises(ProblemReport, match="file too large"):
        load_rubric_file(path)
