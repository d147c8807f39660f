"""Registers as they really arrive: encodings, title rows, merged cells, synonyms, broken files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from scoring.errors import ProblemReport
from scoring.register import import_register, read_register
from scoring.register import table as table_mod
from tests.factories import lead_id
from tests.test_register_helpers import HEADER, add_units, counts, csv_text, write_messy_xlsx

GBK_ROWS = [
    [1, "区城管执法局", "城管罚〔2024〕1号", "行政处罚", "一般程序", "2024年3月5日", "5,000元", "是", "否", "占道经营"],
    [2, "城 桥 镇", "镇罚〔２０２４〕２号", "处罚", "简易程序", "2024/3/6", "1.5万元", "", "√", "乱扔垃圾"],
    [3, "CG01", "城管检〔2024〕3号", "行政检查", "", "2024.3.7", "", "×", "", "检查"],
]


def rows_of(data: bytes | object, filename: str) -> list:
    return list(read_register(data, filename))


def test_gbk_csv_with_title_row():
    data = csv_text(GBK_ROWS, title="某区2024年行政执法案卷登记表").encode("gbk")
    rows = rows_of(data, "登记表.csv")
    assert [r.row for r in rows] == [3, 4, 5]
    assert all(r.ok for r in rows), [p for r in rows for p in r.problems]
    first, second, third = (r.values for r in rows)
    assert first["case_number"] == "城管罚〔2024〕1号"
    assert first["procedure"] == "一般" and first["major_decision"] is True
    assert first["penalty_amount"] == Decimal("5000.00")
    assert second["case_number"] == "镇罚〔2024〕2号"  # full-width digits normalised
    assert second["case_type"] == "行政处罚" and second["procedure"] == "简易"
    assert second["penalty_amount"] == Decimal("15000") and second["hearing_held"] is True
    assert second["decision_date"] == dt.date(2024, 3, 6)
    assert third["procedure"] is None and third["penalty_amount"] is None
    assert third["decision_date"] == dt.date(2024, 3, 7)


def test_gb18030_only_characters():
    rows = [[1, "区城管执法局", "城管罚〔2024〕1号", "行政处罚", "一般", "2024-03-05", "", "", "", "商户㐀㐁经营"]]
    data = csv_text(rows, title="登记表").encode("gb18030")
    (row,) = rows_of(data, "r.csv")
    assert row.values["description"] == "商户㐀㐁经营"


def test_utf8_bom_csv():
    data = b"\xef\xbb\xbf" + csv_text(GBK_ROWS).encode("utf-8")
    rows = rows_of(data, "r.csv")
    assert [r.row for r in rows] == [2, 3, 4] and all(r.ok for r in rows)
    assert rows[0].values["unit"] == "区城管执法局"  # the BOM is not part of the first header


def test_utf8_csv_without_bom_and_quoted_newlines():
    rows = [[1, "区城管执法局", "A-1", "行政处罚", "一般", "2024-03-05", "1,000", "", "", "第一行\n第二行"],
            [2, "区城管执法局", "A-2", "行政许可", "", "2024-03-06", "", "", "", "许可"]]
    data = csv_text(rows).encode("utf-8")
    got = rows_of(data, "r.csv")
    # a quoted line break stays inside one row, as Excel shows it
    assert [r.row for r in got] == [2, 3]
    assert got[0].values["description"] == "第一行 第二行"


def test_excel_unicode_text_export_utf16_tabs():
    text = "\t".join(HEADER) + "\r\n" + "\t".join(str(c) for c in GBK_ROWS[0]) + "\r\n"
    data = text.encode("utf-16")
    (row,) = rows_of(data, "r.txt")
    assert row.ok and row.values["case_number"] == "城管罚〔2024〕1号"


def test_blank_rows_keep_numbering_and_footers_are_skipped():
    text = csv_text(GBK_ROWS[:1]) + ",,,,,,,,,\r\n" + csv_text(GBK_ROWS[1:2]).split("\r\n", 1)[1]
    text += "合计,,,,,,20000,,,\r\n制表人：张三,,,,,,,,,\r\n"
    rows = rows_of(text.encode("utf-8"), "r.csv")
    assert [r.row for r in rows] == [2, 4]


def test_header_synonyms_widths_and_units_in_brackets():
    header = ["处罚决定书文号", "实 施 单 位", "执法类别", "适用程序", "作出决定日期", "金额（元）", "需法制审核",
              "轻微免罚", "听证", "查封扣押", "简要案情"]
    row = ["X-1", "区城管执法局", "行政处罚", "一般", "2024-03-05", "¥3000", "Y", "N", "N", "是", "案情"]
    data = csv_text([row], header=header).encode("utf-8")
    (got,) = rows_of(data, "r.csv")
    assert got.ok, got.problems
    assert got.values["coercive_measure"] is True and got.values["penalty_amount"] == Decimal("3000")


@pytest.fixture(params=["full load", "streaming"])
def xlsx_mode(request, monkeypatch):
    """Both ways of reading a workbook: loaded whole (small files) or streamed read-only (large ones)."""
    if request.param == "streaming":
        monkeypatch.setattr(table_mod, "XLSX_FULL_LOAD_MAX_BYTES", 0)
    return request.param


def test_messy_xlsx(tmp_path, xlsx_mode):
    path = tmp_path / "登记表.xlsx"
    write_messy_xlsx(path)
    rows = list(read_register(path))
    assert [r.row for r in rows] == [3, 4, 5, 6]  # title row 1, header row 2, 合计 footer skipped
    assert all(r.ok for r in rows), [str(p) for r in rows for p in r.problems]
    v = [r.values for r in rows]
    # vertically merged unit cells B3:B5 give every row the unit
    assert [x["unit"] for x in v] == ["区城管执法局", "区城管执法局", "区城管执法局", "城 桥 镇"]
    assert v[0]["case_number"] == "城管罚〔2024〕1号"
    assert [x["decision_date"] for x in v] == [dt.date(2024, 3, d) for d in (5, 6, 7, 9)]
    assert [x["penalty_amount"] for x in v] == [Decimal(5000), Decimal(15000), None, Decimal(5000)]
    assert [x["procedure"] for x in v] == ["一般", "简易", None, "一般"]
    assert [x["major_decision"] for x in v] == [True, False, False, False]
    assert [x["hearing_held"] for x in v] == [False, True, False, True]
    assert v[3]["description"] == "乱倒垃圾"


def test_messy_xlsx_imports(engine, tmp_path, xlsx_mode):
    add_units(engine)
    path = tmp_path / "登记表.xlsx"
    write_messy_xlsx(path)
    report = import_register(engine, path, actor_id=lead_id(engine))
    assert report.ok, [str(p) for p in report.problems]
    assert report.header_row == 2 and report.columns["penalty_amount"] == "罚款金额（元）"
    assert report.rows_imported == 4
    assert report.by_unit == {"区城管执法局": 3, "城桥镇": 1}
    assert counts(engine) == (4, 1, 1)


def test_xlsx_header_found_on_a_later_sheet(tmp_path, xlsx_mode):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes["A1"] = "请按要求填写"
    ws = wb.create_sheet("数据")
    ws.append(HEADER)
    ws.append([1, "区城管执法局", 2024001, "行政许可", None, dt.date(2024, 5, 1), None, None, None, "许可"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    (row,) = read_register(path)
    assert row.ok and row.values["case_number"] == "2024001"  # a numeric case number is text, not 2024001.0


def _problem(source, filename):
    with pytest.raises(ProblemReport) as info:
        list(read_register(source, filename))
    (problem,) = info.value.problems
    return problem


def test_undecodable_file():
    data = csv_text(GBK_ROWS).encode("utf-8") + b"\xff\xfe\xff\x80\x81"
    problem = _problem(data, "r.csv")
    assert "cannot decode" in problem.message and "GB18030" in problem.message


def test_no_header_row_says_what_is_needed_and_what_was_seen():
    data = "随便,什么\n1,2\n".encode()
    problem = _problem(data, "r.csv")
    assert "no header row found in the first 15 rows" in problem.message
    assert "案号" in problem.message and "执法单位" in problem.message and "决定日期" in problem.message
    assert "row 1: 随便, 什么" in problem.message


def test_missing_required_columns():
    data = "执法单位,案号,备注\n区城管执法局,A1,x\n".encode()
    problem = _problem(data, "r.csv")
    assert problem.row == 1
    assert "missing required columns: 案件类型" in problem.message and "决定日期" in problem.message
    assert "the header has: 执法单位, 案号, 备注" in problem.message


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n,,,\r\n", b"\xef\xbb\xbf"])
def test_empty_file(data):
    assert "empty" in _problem(data, "r.csv").message


@pytest.mark.parametrize(
    ("filename", "data", "text"),
    [
        ("r.xls", b"\xd0\xcf\x11\xe0rest", "old Excel .xls"),
        ("r.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("r.xlsx", b"a,b,c\n", "not a valid .xlsx"),
        ("r.xlsx", b"PK\x03\x04broken", "not a readable .xlsx"),
        ("r.csv", b"PK\x03\x04", "this is an Excel workbook"),
    ],
)
def test_unsupported_or_broken_files(filename, data, text):
    assert text in _problem(data, filename).message


def test_bytes_without_filename_are_sniffed(tmp_path):
    path = tmp_path / "r.xlsx"
    write_messy_xlsx(path)
    assert len(list(read_register(path.read_bytes()))) == 4
    assert len(list(read_register(csv_text(GBK_ROWS).encode("gbk")))) == 3


def test_malformed_csv_becomes_a_problem(engine):
    add_units(engine)
    data = csv_text(GBK_ROWS).encode("utf-8") + b'4,"' + b"x" * 200_000 + b'"\n'  # beyond csv's field limit
    report = import_register(engine, data, filename="r.csv", actor_id=lead_id(engine))
    assert not report.ok and any("malformed CSV" in p.message for p in report.problems)
    assert counts(engine) == (0, 0, 0)


def test_fill_merges_is_streaming():
    rows = iter([["t", None], [None, None], ["a", 1], [None, 2], [None, 3], ["b", 4]])
    merges = [(1, 1, 1, 2), (3, 1, 5, 1)]
    got = list(table_mod.fill_merges(rows, merges))
    assert got == [(1, ["t", "t"]), (2, [None, None]), (3, ["a", 1]), (4, ["a", 2]), (5, ["a", 3]), (6, ["b", 4])]


def test_streaming_reader_ignores_a_wrong_dimension(tmp_path, monkeypatch):
    """Some generators write <dimension ref="A1"/>; read-only mode must still see every row."""
    import zipfile

    monkeypatch.setattr(table_mod, "XLSX_FULL_LOAD_MAX_BYTES", 0)
    path = tmp_path / "r.xlsx"
    write_messy_xlsx(path)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="A1:J8"/>', b'<dimension ref="A1"/>')
                assert b'<dimension ref="A1"/>' in data
            dst.writestr(item, data)
    assert len(list(read_register(out.getvalue(), "r.xlsx"))) == 4


def test_workbook_damaged_part_way_is_a_problem(engine, tmp_path, xlsx_mode):
    import zipfile

    add_units(engine)
    path = tmp_path / "r.xlsx"
    write_messy_xlsx(path)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: data.index(b'<row r="6"')] + b'<row r="6"><c r="A6" t="n"><v>4'
            dst.writestr(item, data)
    report = import_register(engine, out.getvalue(), filename="r.xlsx", actor_id=lead_id(engine))
    assert not report.ok and counts(engine) == (0, 0, 0)
    message = report.problems[-1].message
    if xlsx_mode == "streaming":
        assert "the workbook is damaged after row 5" in message
    else:
        assert "not a readable .xlsx workbook" in message
