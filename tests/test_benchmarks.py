"""The benchmark suite runs end to end at the small scale (a smoke test: no timing is asserted).

What is asserted is what must hold whatever the machine: every figure of the table was measured,
each comparator ran in the same run, and the DuckDB re-implementation of the draw found the same
register fingerprint and the same number of picks as the project's draw.
"""

from __future__ import annotations

import json

from benchmarks.__main__ import main


def test_small_scale_runs_every_figure_with_its_comparator(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["--scale", "small", "--repeat", "1", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    names = [f["name"] for f in data["figures"]]
    for expected in ("draw ", "verify that draw", "auto-assign", "unit aggregation", "comparison page core",
                     "top problems", "reviewer agreement", "reviewer queue", "lead progress", "open a file",
                     "save a draft", "findings generate", "notice .docx", "supervision", "export scores",
                     "register import", "CLI start", "data entry through the core"):
        assert any(n.startswith(expected) for n in names), expected
    for f in data["figures"]:
        assert f["cpu_median_s"] is not None and f["cpu_median_s"] >= 0, f["name"]
        if f["comparator"]:
            assert f["comparator_cpu_median_s"] is not None, f["name"]
    draw = next(f for f in data["figures"] if f["name"].startswith("draw "))
    assert draw["note"] == "", draw["note"]  # DuckDB's draw agrees with ours
    assert data["counts"]["sampled"] > 0 and data["counts"]["assignments"] == 2 * data["counts"]["sampled"]
    printed = capsys.readouterr().out
    assert "| work | CPU (median) |" in printed
