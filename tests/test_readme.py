"""The README's examples stay true: its scoring JSON scores under the shipped standard."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scoring.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert "streamlit run streamlit_app.py" in blocks[0]
    assert "python -m pytest" in blocks[1]


def test_readme_scoring_json_example_scores(tmp_path, capsys):
    text = README.read_text(encoding="utf-8")
    example = re.search(r"## Scoring JSON.*?```json\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "marks.json"
    path.write_text(example, encoding="utf-8")
    assert main(["rubric", "score", "penalty-general", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["veto"] == {"triggered": ["V-LR2"], "effect": "zero", "cap_band": None}
    assert result["score"] == 0 and result["grade"] == "不合格"
    assert {d["item_id"] for d in result["deductions"]} == {"G-F2", "FPR2"}
    assert next(i for i in result["items"] if i["item_id"] == "FPR1")["status"] == "na"
