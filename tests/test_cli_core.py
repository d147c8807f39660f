"""The command line for rubrics, campaigns and users: JSON in and out, one-line errors, exit codes."""

from __future__ import annotations

import json

from scoring.cli import main
from tests.rubric_builders import standard_dict, write_yaml


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rubric_check_ok_and_errors(capsys, tmp_path):
    good = write_yaml(tmp_path / "good" / "s.yaml", standard_dict())
    code, out, _ = run(capsys, "rubric", "check", str(good))
    assert code == 0 and "ok  mini" in out and "all valid" in out
    bad = standard_dict(total=90)
    bad["sections"][0]["items"][0]["focus"] = "nope"
    path = write_yaml(tmp_path / "bad" / "s.yaml", bad)
    code, out, err = run(capsys, "rubric", "check", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert any("line" in ln and "sections[0].items[0]" in ln and "unknown focus area 'nope'" in ln for ln in lines)
    assert lines[-1].startswith("error: rubric check failed: ")
    assert "Traceback" not in err


def test_rubric_score_prints_json(capsys, tmp_path):
    std = write_yaml(tmp_path / "s.yaml", standard_dict())
    marks = tmp_path / "marks.json"
    marks.write_text(json.dumps({
        "file": {"case_type": "行政处罚", "procedure": "一般", "hearing_held": True},
        "items": {"A1": {"deductions": [{"reason": "b", "occurrences": 3, "page": "12"}]}, "B1": {"na": True}},
        "vetoes": {},
    }, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "rubric", "score", str(std), str(marks))
    assert code == 0, err
    result = json.loads(out)
    # B1 N/A: applicable 60 (A1 40 + A2 20); A1 -6 -> 54/60 = 90.00 优秀
    assert result["score"] == 90.0 and result["grade"] == "优秀" and result["applicable_max"] == 60.0
    assert result["deductions"][0]["location"] == "第12页"


def test_rubric_score_errors_are_one_line(capsys, tmp_path):
    std = write_yaml(tmp_path / "s.yaml", standard_dict())
    marks = tmp_path / "marks.json"
    marks.write_text('{"file": {"case_type": "行政处罚"}, "items": {"A1": {"deductions": [{"reason": "zz"}]}}}',
                     encoding="utf-8")
    code, _, err = run(capsys, "rubric", "score", str(std), str(marks))
    assert code == 1 and "'zz' is not a listed deduction reason" in err
    marks.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "rubric", "score", str(std), str(marks))
    assert code == 1 and "not valid JSON" in err
    marks.write_text('{"file": {"case_type": "行政检查"}}', encoding="utf-8")
    code, _, err = run(capsys, "rubric", "score", str(std), str(marks))
    assert code == 1 and "not 行政检查" in err
    code, _, err = run(capsys, "rubric", "score", str(std), str(tmp_path / "missing.json"))
    assert code == 1 and "file not found" in err


def test_user_and_campaign_commands(capsys, tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    write_yaml(tmp_path / "r" / "s.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_NEW_PASSWORD", "lead-password")
    code, out, err = run(capsys, "user", "add", "lead", "--role", "lead", "--db", db)
    assert code == 0 and "created lead lead" in out, err
    code, out, err = run(capsys, "--db", db, "campaign", "create", "--name", "2024年度评查", "--year", "2024",
                         "--from", "2024-01-01", "--to", "2024-12-31", "--standard", "行政处罚=mini",
                         "--rubrics", str(tmp_path / "r"))
    assert code == 0 and "created campaign 1" in out and "行政处罚: mini" in out, err
    code, out, _ = run(capsys, "campaign", "show", "2024年度评查", "--db", db)
    shown = json.loads(out)
    assert shown["reviewers_per_file"] == 2 and list(shown["standards"]) == ["行政处罚"]
    code, _, err = run(capsys, "campaign", "create", "--name", "x", "--year", "2024", "--from", "2024-05-01",
                       "--to", "2024-01-01", "--rubrics", str(tmp_path / "r"), "--db", db)
    assert code == 1 and "before it starts" in err
    code, _, err = run(capsys, "campaign", "create", "--name", "x", "--year", "2024", "--from", "2024-13-01",
                       "--to", "2024-01-01", "--db", db)
    assert code == 2 and "is not a date" in err
    code, _, err = run(capsys, "user", "add", "r1", "--role", "reviewer", "--db", db)
    assert code == 1 and "needs a home unit" in err


def test_an_explicit_db_wins_over_the_environment(capsys, tmp_path, monkeypatch):
    """`casereview --db X cmd` and `cmd --db X` use X even when $CASEREVIEW_DB_URL names another database."""
    monkeypatch.setenv("CASEREVIEW_DB_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    code, out, _ = run(capsys, "--db", f"sqlite:///{tmp_path / 'global.db'}", "init")
    assert code == 0 and "global.db" in out
    code, out, _ = run(capsys, "init", "--db", f"sqlite:///{tmp_path / 'own.db'}")
    assert code == 0 and "own.db" in out
    code, out, _ = run(capsys, "init")
    assert code == 0 and "from-env.db" in out
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["from-env.db", "global.db", "own.db"]


def test_init_and_bad_database(capsys, tmp_path):
    code, out, _ = run(capsys, "init", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 0 and "database ready" in out
    code, _, err = run(capsys, "init", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1 and err.startswith("error: cannot open database") and len(err.strip().splitlines()) == 1
