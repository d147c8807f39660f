"""`casereview aggregate ...` on the test world (SQLite): table, CSV and JSON output, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scoring.cli import main
from scoring.db.session import session_factory
from tests.test_aggregate_world import U1, U2, U3, U4, build_world


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


def test_unit_table_default_command(db, capsys):
    code, out, err = run(capsys, "aggregate", "--campaign", "2024年度评查", "--db", db, "--seed", "5")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["单位", "files", "mean", "95%", "CI"]
    row = next(ln for ln in lines if ln.startswith(U1))
    assert "89.38" in row and "良好" in row
    assert "too few files" in next(ln for ln in lines if ln.startswith(U3))
    assert "seed 5" in out and "focus-area score rates" in out and "B1-a 文书错别字（4）" in out
    # Same as the explicit subcommand with the same seed.
    code, again, _ = run(capsys, "aggregate", "units", "--campaign", "2024年度评查", "--db", db, "--seed", "5")
    assert again == out


def test_unit_table_csv_json_and_filters(db, capsys):
    code, out, _ = run(capsys, "aggregate", "--campaign", "2024年度评查", "--db", db, "--format", "csv",
                       "--unit-kind", "区级部门", "--min-files", "2")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["unit"] for r in rows] == [U1, U2, U3]
    assert {r["unit"]: r["rank"] for r in rows} == {U3: "1", U1: "2", U2: "3"}
    assert rows[0]["mean"] == "89.38" and rows[0]["grade.优秀"] == "2" and rows[0]["focus.subject"] == "94.38"
    code, out, _ = run(capsys, "aggregate", "units", "--campaign", "1", "--db", db, "--format", "json")
    assert code == 0 and [u["figures"]["unit"] for u in json.loads(out)["units"]] == [U1, U3, U4]  # by id: 2023
    code, out, _ = run(capsys, "aggregate", "units", "--campaign", "2024年度评查", "--db", db, "--format", "json",
                       "--case-type", "行政检查")
    data = json.loads(out)
    assert [u["figures"]["unit"] for u in data["units"]] == [U1]
    assert data["units"][0]["uncertainty"]["too_few_files"] is True
    code, out, _ = run(capsys, "aggregate", "--campaign", "2024年度评查", "--db", db, "--sort", "rank")
    assert code == 0
    order = [ln.split()[0] for ln in out.splitlines()[2:6]]
    assert order == [U1, U4, U2, U3]  # ranked first, the unranked unit last


def test_campaign_problems_agreement(db, capsys):
    code, out, err = run(capsys, "aggregate", "campaign", "--campaign", "2024年度评查", "--db", db)
    assert code == 0, err
    assert "12 files reviewed of 12 sampled" in out
    assert "优秀 4 · 良好 5 · 合格 2 · 不合格 1" in out
    assert "mean 78.13, median 83.13, pass rate 91.67%, excellent rate 33.33%, vetoes 1" in out
    assert f"不合格 (<60): 1  {U2} 52.08" in out and f"优秀 (≥90): 1  {U3} 96.88" in out
    # Options on `aggregate` are defaults for the subcommand.
    code, out, _ = run(capsys, "aggregate", "--campaign", "2024年度评查", "--format", "json", "--db", db, "campaign")
    data = json.loads(out)
    assert data["files_reviewed"] == 12 and data["problems"][0]["item_id"] == "B1"
    code, out, _ = run(capsys, "aggregate", "problems", "--campaign", "2024年度评查", "--db", db, "--format", "csv",
                       "--pareto")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["item_id"], r["files"]) for r in rows] == [("B1", "11"), ("A1", "5"), ("A1", "2"), ("V1", "1")]
    assert rows[0]["units"].startswith(f"{U1}（4）")
    code, out, _ = run(capsys, "aggregate", "agreement", "--campaign", "2024年度评查", "--db", db, "--boot", "300")
    assert code == 0
    assert "12 double-scored files, 24 reviews by 2 reviewers" in out and "alpha on totals:" in out
    assert "评查员2 (r2)" in out and "-1.25" in out


def test_yoy_and_errors(db, capsys):
    code, out, err = run(capsys, "aggregate", "yoy", "--previous", "2023年度评查", "--current", "2024年度评查",
                         "--db", db)
    assert code == 0, err
    assert "3 units reviewed in both" in out
    assert "-14.58" in next(ln for ln in out.splitlines() if ln.startswith(U4))
    code, out, _ = run(capsys, "aggregate", "yoy", "--previous", "2023年度评查", "--current", "2024年度评查",
                       "--db", db, "--format", "json")
    assert json.loads(out)["problems"][0]["recurred"] is True
    code, _, err = run(capsys, "aggregate", "--campaign", "nope", "--db", db)
    assert code == 1 and err.strip() == "error: no campaign 'nope'"
    code, _, err = run(capsys, "aggregate", "campaign", "--db", db)
    assert code == 2 and "--campaign" in err


def test_the_commands_read_as_the_acting_account(db, capsys):
    """`--as NAME`: the aggregation reads as that account (scoring.policy): a reviewer reads no unpublished
    campaign, whatever the command; the lead (the default) reads every campaign."""
    for args in (["aggregate", "--campaign", "2024年度评查"], ["aggregate", "campaign", "--campaign", "2024年度评查"],
                 ["aggregate", "problems", "--campaign", "2024年度评查"],
                 ["aggregate", "agreement", "--campaign", "2024年度评查", "--boot", "50"],
                 ["aggregate", "yoy", "--previous", "2023年度评查", "--current", "2024年度评查"]):
        code, out, err = run(capsys, *args, "--db", db, "--as", "r1")
        assert code == 1 and out == "", args
        assert "are not published yet" in err, err
        code, _, err = run(capsys, *args, "--db", db, "--as", "lead")
        assert code == 0, (args, err)
    code, _, err = run(capsys, "aggregate", "--as", "r1", "--campaign", "2024年度评查", "--db", db, "units")
    assert code == 1  # given on the group, --as is the subcommand's default too
