"""The Excel template: every shipped standard round-trips YAML -> xlsx -> YAML without loss, a standard
written in the workbook scores like its YAML, and mistakes are named by sheet, row and column."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from scoring.cli import main
from scoring.errors import ProblemReport
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary, load_rubric_file
from scoring.rubric.schema import StandardFile
from scoring.rubric.workbook import ROWS_SHEET, export_workbook, read_workbook
from tests.rubric_builders import standard_dict
from tests.test_engine_rules import BONUS

SHIPPED = sorted(p for p in DEFAULT_RUBRIC_DIR.glob("*.yaml") if p.name != "vocabulary.yaml")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_standard_round_trips_losslessly(path):
    model = load_rubric_file(path).model
    again = read_workbook(export_workbook(model), "x.xlsx")
    assert again == model
    assert again.model_dump(mode="json") == model.model_dump(mode="json")


def test_the_new_rules_round_trip_too():
    data = standard_dict(allow_other={"max": 3}, bonus=BONUS)
    item = data["sections"][0]["items"][0]
    item["deductions"].append({"id": "c", "reason": "证据收集程序不当，每处扣1-3分",
                               "range": {"min": 1, "max": 3, "per": "occurrence"}, "cap": 9})
    item["deductions"].append({"id": "d", "reason": "视情节扣2-5分", "range": [2, 5]})
    item["applies_when"] = {"any": [{"hearing_held": True}, {"onsite_verification": True}],
                            "not": {"waiver": True}}
    item["allow_other"] = {"max": 2}
    data["sections"][1]["items"][0]["deductions"][0]["reason"] = "=SUM(A1) 看似公式的事由"
    data["vetoes"][0]["effect"] = {"kind": "cap", "band": "合格"}
    model = StandardFile.model_validate(data)
    assert read_workbook(export_workbook(model), "x.xlsx") == model


def _sheet_bytes(mutate) -> bytes:
    model = StandardFile.model_validate(standard_dict())
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(model)))
    mutate(wb[ROWS_SHEET])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("mutate, row, column, message", [
    (lambda ws: ws.cell(2, 15, "按次"), 2, "扣分方式", "扣分方式 must be one of"),
    (lambda ws: ws.cell(3, 16, "很多"), 3, "分值", "must be a number"),
    (lambda ws: ws.cell(4, 12, "{hearing_hled: true}"), 4, "项目适用条件", "unknown attribute 'hearing_hled'"),
    (lambda ws: ws.cell(2, 9, 3), 2, "分值", "larger than the item maximum 3.00"),
])
def test_mistakes_are_named_by_sheet_row_and_column(mutate, row, column, message):
    with pytest.raises(ProblemReport) as info:
        read_workbook(_sheet_bytes(mutate), "标准.xlsx")
    p = next((p for p in info.value.problems if message in p.message), None)
    assert p is not None, [str(x) for x in info.value.problems]
    assert p.file == "标准.xlsx [评查标准]" and p.row == row
    if column != "分值":
        assert p.column == column


def test_not_a_workbook_is_one_clear_message(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ProblemReport, match="not an Excel workbook"):
        read_workbook(bad)


def test_cli_exports_imports_and_checks_a_workbook(tmp_path, capsys):
    xlsx, yaml_out = tmp_path / "标准.xlsx", tmp_path / "back.yaml"
    assert main(["rubric", "export", "penalty-simple", "-o", str(xlsx)]) == 0
    assert main(["rubric", "import", str(xlsx), "-o", str(yaml_out)]) == 0
    assert load_rubric_file(yaml_out).model == load_rubric_file(DEFAULT_RUBRIC_DIR / "penalty_simple.yaml").model
    capsys.readouterr()
    assert main(["rubric", "check", str(xlsx)]) == 0
    assert "ok  penalty-simple" in capsys.readouterr().out
    assert Path(yaml_out).read_text(encoding="utf-8").startswith("kind: standard")


def test_word_export_is_the_standard_as_tables_for_the_units(tmp_path):
    out = tmp_path / "标准.docx"
    assert main(["rubric", "export", "penalty-simple", "-o", str(out)]) == 0
    doc = docx.Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    std = RubricLibrary.load().get("penalty-simple")
    assert std.title in text and "合格线60分" in text and "优秀90分以上" in text
    for section in std.sections:
        assert f"{section.title}（" in text
        for item in section.items:
            assert item.title in cells
    some = std.sections[0].items[0].deductions[0]
    assert some.reason in cells and "扣完为止，不计负分。" in cells
    assert all(v.title in cells for v in std.vetoes)
