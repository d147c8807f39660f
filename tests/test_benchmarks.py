"""The benchmark suite runs end to end at the small scale (a smoke test: no timing is asserted).

What is asserted is what must hold whatever the machine: every figure of the table was measured,
each comparator ran in the same run, and the DuckDB re-implementation of the draw found the same
register fingerprint and the same number of picks as the project's draw.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pytest

from benchmarks.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def test_small_scale_runs_every_figure_with_its_comparator(tmp_path, capsys):
    """On SQLite; on PostgreSQL: tests/test_benchmarks_postgres.py (a file of its own, so that the two
    longest tests of the suite run on different workers)."""
    run_small_scale("sqlite", tmp_path, capsys)


def run_small_scale(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    env_before = os.environ.get("CASEREVIEW_DB_URL")
    assert main(["--scale", "small", "--db", db, "--repeat", "1", "--json", str(out)]) == 0
    assert os.environ.get("CASEREVIEW_DB_URL") == env_before  # the page figures leave no URL behind
    data = json.loads(out.read_text())
    names = [f["name"] for f in data["figures"]]
    for expected in ("draw ", "verify that draw", "auto-assign", "unit aggregation", "comparison page core",
                     "top problems", "reviewer agreement", "reviewer queue", "lead progress", "open a file",
                     "save a draft", "findings generate", "findings regenerate", "notice .docx", "supervision", "export scores",
                     "register import", "CLI start", "data entry through the core", "8 reviewers saving drafts at once",
                     "8 reviewers saving drafts each", "comparison page, first view at this state",
                     "comparison page, first view after one more final result", "comparison page, rerun",
                     "reviewer's queue page", "scoring page", "lead's progress page", "demo load, first run"):
        assert any(n.startswith(expected) for n in names), expected
    for f in data["figures"]:
        assert "error" not in f["note"] and "failed" not in f["note"], f["note"]
        assert f["cpu_median_s"] is not None and f["cpu_median_s"] >= 0, f["name"]
        if f["comparator"]:
            assert f["comparator_cpu_median_s"] is not None, f["name"]
    draw = next(f for f in data["figures"] if f["name"].startswith("draw "))
    assert draw["note"] == "", draw["note"]  # DuckDB's draw agrees with ours
    assert data["counts"]["sampled"] > 0 and data["counts"]["assignments"] == 2 * data["counts"]["sampled"]
    printed = capsys.readouterr().out
    assert "| work | CPU (median) |" in printed
    start, end = data["probe_cpu_s"]  # the interpreter's speed at the start and end, to compare runs by
    assert start > 0 and end > 0 and f"interpreter probe {start:.2f}/{end:.2f} s" in data["header"]


SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_benchmark_script_starts(script):
    """Each script's imports still resolve (a moved module breaks a benchmark nobody runs in CI otherwise)."""
    module = importlib.import_module(f"benchmarks.{script.removesuffix('.py')}")
    assert module.__doc__, f"benchmarks/{script} says what it measures"
