"""`casereview report ...` and `casereview export ...` on the test world (SQLite): files written, warnings."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from docx import Document as open_docx

from scoring.cli import main
from scoring.db.session import session_factory
from tests.test_aggregate_world import U2, U4, build_world

CAMPAIGN = "2024年度评查"


@pytest.fixture
def db(sqlite_engine, sqlite_url, tmp_path):
    session = session_factory(sqlite_engine)()
    build_world(session, tmp_path)
    session.close()
    return sqlite_url


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_notice(db, capsys, tmp_path, monkeypatch):
    target = tmp_path / "out" / "notice.docx"
    code, out, err = run(capsys, "report", "notice", "--campaign", CAMPAIGN, "--db", db, "-o", str(target),
                         "--number", "X司〔2025〕3号", "--title", "关于案卷评查情况的通报", "--issuer", "区司法局",
                         "--date", "2025-03-01")
    assert code == 0, err
    assert f"wrote {target}" in out
    doc = open_docx(str(target))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "X司〔2025〕3号" and "关于案卷评查情况的通报" in paras and "2025年3月1日" in paras
    assert "number" not in err  # every form field given
    # The font lookup pointed at an empty folder: a warning, the document still written.
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CASEREVIEW_CJK_FONT", str(empty))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report", "notice", "--campaign", CAMPAIGN, "--db", db)
    assert code == 0, err
    assert "WARNING: no font with Chinese glyphs was found" in err and str(empty) in err
    written = tmp_path / "2024年度评查-评查情况通报.docx"
    assert written.exists() and len(open_docx(str(written)).inline_shapes) == 0


def test_report_notice_refused_for_reviewer(db, capsys, tmp_path):
    code, _, err = run(capsys, "report", "notice", "--campaign", CAMPAIGN, "--db", db, "--as", "r1",
                       "-o", str(tmp_path / "x.docx"))
    assert code == 1 and "may not" in err and not (tmp_path / "x.docx").exists()


def test_report_supervision(db, capsys, tmp_path):
    code, out, err = run(capsys, "report", "supervision", "--campaign", CAMPAIGN, "--db", db, "--threshold", "80",
                         "-o", str(tmp_path / "sup"))
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "sup").iterdir())
    assert files == sorted([f"{CAMPAIGN}-行政执法监督建议书-{U2}.docx", f"{CAMPAIGN}-行政执法监督建议书-{U4}.docx"])
    assert f"{U2}: 1 failing file; mean 52.08 below 80" in out
    assert open_docx(str(tmp_path / "sup" / files[0])).paragraphs[0].text == "行政执法监督建议书"
    code, out, err = run(capsys, "report", "supervision", "--campaign", CAMPAIGN, "--db", db, "--zip",
                         "-o", str(tmp_path / "zip"))
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "zip" / f"{CAMPAIGN}-行政执法监督建议书.zip") as z:
        assert z.namelist() == [f"{CAMPAIGN}-行政执法监督建议书-{U2}.docx"]
    code, out, _ = run(capsys, "report", "supervision", "--campaign", CAMPAIGN, "--db", db, "--threshold", "0",
                       "-o", str(tmp_path / "none"))
    assert code == 0 and "1 failing file" in out  # a failing file is enough, whatever the threshold


@pytest.mark.parametrize("what,sheet", [("scores", "测试标准"), ("units", "单位汇总"), ("deductions", "扣分台账"),
                                        ("sample", "抽样记录")])
def test_export(db, capsys, tmp_path, what, sheet):
    target = tmp_path / f"{what}.xlsx"
    code, out, err = run(capsys, "export", what, "--campaign", CAMPAIGN, "--db", db, "-o", str(target))
    assert code == 0, err
    wb = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert sheet in wb.sheetnames and wb[sheet].max_row > 1


def test_export_unknown_campaign(db, capsys, tmp_path):
    code, _, err = run(capsys, "export", "units", "--campaign", "nope", "--db", db, "-o", str(tmp_path / "x.xlsx"))
    assert code == 1 and "no campaign" in err
