"""`casereview import-register` and `casereview units`: summaries, one-line problems, exit codes."""

from __future__ import annotations

import pytest

from scoring.cli import main
from tests.test_register_helpers import counts, csv_text, good_rows


@pytest.fixture(autouse=True)
def _lead_password(monkeypatch):
    monkeypatch.setenv("CASEREVIEW_NEW_PASSWORD", "lead-password")


def add_lead(capsys, url: str) -> None:
    """The panel lead every import acts as (the first account needs no --as)."""
    code, _, err = run(capsys, "user", "add", "lead", "--role", "lead", "--db", url)
    assert code == 0, err


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_units_commands(capsys, sqlite_url, tmp_path):
    add_lead(capsys, sqlite_url)
    units = tmp_path / "units.csv"
    units.write_bytes("单位名称,类型,编码\r\n区城管执法局,区级部门,CG01\r\n区市场监管局,区级部门,\r\n".encode("gbk"))
    code, out, _ = run(capsys, "units", "import", str(units), "--dry-run", "--db", sqlite_url)
    assert code == 0 and "dry run: 2 new units would be added" in out
    code, out, _ = run(capsys, "units", "import", str(units), "--db", sqlite_url)
    assert code == 0 and "added 2 units" in out
    code, out, _ = run(capsys, "units", "add", "城桥镇", "--kind", "town", "--db", sqlite_url)
    assert code == 0 and "added unit 城桥镇 (乡镇)" in out
    code, _, err = run(capsys, "units", "add", "城桥镇", "--kind", "town", "--db", sqlite_url)
    assert code == 1 and err.strip() == "error: cannot add unit '城桥镇': a unit named 城桥镇 already exists"
    code, out, _ = run(capsys, "units", "list", "--db", sqlite_url)
    assert code == 0 and out.splitlines() == ["   1  区城管执法局  区级部门  CG01", "   2  区市场监管局  区级部门",
                                              "   3  城桥镇  乡镇"]


def test_import_register_command(capsys, sqlite_url, sqlite_engine, tmp_path):
    add_lead(capsys, sqlite_url)
    for name in ("区城管执法局", "区市场监管局", "城桥镇"):
        run(capsys, "units", "add", name, "--kind", "department", "--db", sqlite_url)
    path = tmp_path / "登记表.csv"
    path.write_bytes(csv_text(good_rows(4), title="登记表").encode("gbk"))
    code, out, _ = run(capsys, "import-register", str(path), "--dry-run", "--db", sqlite_url)
    assert code == 0
    assert "登记表.csv: 4 case files (header at row 2)" in out and "nothing written" in out
    assert "  区城管执法局        2" in out and "  行政处罚        4" in out
    assert counts(sqlite_engine) == (0, 0, 0)
    code, out, _ = run(capsys, "import-register", str(path), "--db", sqlite_url)
    assert code == 0 and "imported 4 case files as batch 1" in out
    assert counts(sqlite_engine) == (4, 1, 1)


def test_import_register_problems_exit_1_one_line_each(capsys, sqlite_url, sqlite_engine, tmp_path):
    add_lead(capsys, sqlite_url)
    run(capsys, "units", "add", "城桥镇", "--kind", "town", "--db", sqlite_url)
    rows = good_rows(2)
    rows[1][5] = "2024-02-30"
    path = tmp_path / "r.csv"
    path.write_bytes(csv_text(rows).encode())
    code, out, err = run(capsys, "import-register", str(path), "--db", sqlite_url)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert "  r.csv, row 2, column 执法单位: unknown unit (add it to the units first)" in lines[0]
    assert "  r.csv, row 3, column 决定日期: bad date: no such date 2024-02-30 (value: '2024-02-30')" in lines
    assert lines[-1] == "error: r.csv: nothing imported: 3 problems"
    assert "Traceback" not in err
    assert counts(sqlite_engine) == (0, 0, 0)


def test_unknown_acting_user(capsys, sqlite_url, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_text(good_rows(1)).encode())
    code, _, err = run(capsys, "import-register", str(path), "--as", "nobody", "--db", sqlite_url)
    assert code == 1 and err.strip() == "error: no user 'nobody'"


def test_imports_act_as_a_lead_and_are_refused_otherwise(capsys, sqlite_url, sqlite_engine, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_text(good_rows(1)).encode())
    code, _, err = run(capsys, "import-register", str(path), "--db", sqlite_url)
    assert code == 1 and err.strip() == "error: say who acts with --as USERNAME (there is not exactly one panel lead)"
    add_lead(capsys, sqlite_url)
    run(capsys, "units", "add", "区城管执法局", "--kind", "department", "--db", sqlite_url)
    code, _, err = run(capsys, "user", "add", "r1", "--role", "reviewer", "--unit", "区城管执法局", "--db", sqlite_url)
    assert code == 0, err
    code, _, err = run(capsys, "import-register", str(path), "--as", "r1", "--db", sqlite_url)
    assert code == 1 and "r1 (reviewer) may not import register" in err
    code, _, err = run(capsys, "units", "add", "城桥镇", "--kind", "town", "--as", "r1", "--db", sqlite_url)
    assert code == 1 and "r1 (reviewer) may not import register" in err
    assert counts(sqlite_engine) == (0, 0, 0)
