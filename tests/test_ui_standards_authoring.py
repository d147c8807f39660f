"""The Standards page shows ranges, other deductions and bonus items, offers the Excel template and the
Word table, and checks an uploaded standard with the same messages as `casereview rubric check`."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from scoring.cli import main
from scoring.db.session import open_db
from scoring.errors import ProblemReport
from scoring.rubric.schema import StandardFile
from scoring.rubric.upload_check import check_uploaded
from scoring.rubric.workbook import export_workbook
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_engine_rules import BONUS
from tests.test_ui_helpers import seed, signed_in_app, texts


def rich_standard() -> dict:
    data = standard_dict(bonus=BONUS)
    item = data["sections"][0]["items"][0]
    item["allow_other"] = {"max": 3}
    item["deductions"].append({"id": "c", "reason": "证据收集程序不当", "range": {"min": 1, "max": 3,
                                                                          "per": "occurrence"}})
    return data


@pytest.fixture
def ids(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", rich_standard())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    engine = open_db(url)
    yield seed(engine)
    engine.dispose()


def test_the_page_shows_ranges_other_and_bonus_and_offers_both_downloads(ids):
    at = signed_in_app(ids["lead"], "standards")
    assert not at.exception, at.exception
    rules = at.dataframe[0].value["扣分情形"][0]
    assert "证据收集程序不当：每处扣 1–3 分（评查人员酌定，须说明理由）" in rules
    assert "其他问题酌情扣分：最多扣 3 分（须说明理由）" in rules
    assert "#### 加分项（总分不超过 100 分）" in texts(at, "markdown")
    bonus = at.dataframe[-2].value  # after the sections, before the vetoes
    assert list(bonus["评查项目"]) == ["加分项"]
    assert bonus["加分情形"][0].splitlines() == ["案卷被评为示范案卷加2分：加 2 分", "说理充分，每处加0.5分：每处加 0.5 分，最多加 1 分"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel 模板", "下载 Word 版评查标准（发各单位自查）"]


def test_an_upload_is_checked_with_the_same_messages_as_rubric_check(tmp_path, capsys):
    broken = standard_dict(id="broken", total=90)
    broken["sections"][0]["items"][0]["deductions"][0]["points"] = "很多"
    path = write_yaml(tmp_path / "up" / "本局标准.yaml", broken)
    assert main(["rubric", "check", str(path)]) == 1
    cli_lines = [line.strip() for line in capsys.readouterr().err.splitlines() if line.startswith("  ")]
    with pytest.raises(ProblemReport) as info:
        check_uploaded("本局标准.yaml", path.read_bytes())
    page_lines = [str(p).replace("本局标准.yaml", str(path)) for p in info.value.problems]
    assert page_lines == cli_lines and any("must be a number" in line for line in cli_lines)


def test_an_uploaded_excel_template_is_composed_like_a_yaml_one():
    data = export_workbook(StandardFile.model_validate(rich_standard()))
    lib = check_uploaded("模板.xlsx", data)
    assert list(lib.standards) == ["mini"] and lib.standards["mini"].bonus[0].id == "X1"
    with pytest.raises(ProblemReport, match="not a standard file"):
        check_uploaded("标准.docx", b"PK")
    assert openpyxl and docx  # the downloads are these formats (their content is tested in test_rubric_workbook)
