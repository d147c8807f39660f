"""Every CSV the CLI and the pages produce is safe to open in Excel/WPS: from a campaign whose unit
names, case numbers, descriptions and comments start with formula signs, no field starts with
`=`, `+`, `-`, `@`, tab or CR (issue 12). And no CSV is written except through scoring.csv_safe."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from scoring.aggregate import unit_table
from scoring.aggregate.pareto import pareto
from scoring.cli import main
from scoring.csv_safe import is_dangerous, safe_cell
from scoring.db.models import Campaign, User
from scoring.db.session import session_factory
from scoring.desk.lead_assignment import assignment_template_csv
from scoring.ui.pages.compare import unit_frame
from scoring.ui.pages.problems import pareto_table
from scoring.ui.widgets import csv_bytes
from scoring.workflow.sampling.record import current_sample, export_record_csv
from tests.factories import lead_id
from tests.reliability.world import build

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> list[str]:
    return [f for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for f in row]


def _dangerous(text: str) -> list[str]:
    return [f for f in _fields(text) if is_dangerous(f)]


@pytest.fixture
def hostile(sqlite_engine, tmp_path):
    return build(sqlite_engine, tmp_path, files_per_unit=4, sample=2, reviewers=4, formulas=True)


def test_every_csv_from_the_cli_and_the_pages_is_defused(sqlite_engine, hostile, capsys, tmp_path):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    outputs: dict[str, str] = {}
    for what in ("units", "campaign", "problems"):
        assert main(["aggregate", what, "--campaign", hostile.campaign_name, "--format", "csv", "--db", url,
                     "--min-files", "1"] if what == "units" else
                    ["aggregate", what, "--campaign", hostile.campaign_name, "--format", "csv", "--db", url]) == 0
        outputs[f"aggregate {what}"] = capsys.readouterr().out
    out = tmp_path / "sample.csv"
    assert main(["sample", "export", "--campaign", hostile.campaign_name, "--format", "csv", "-o", str(out),
                 "--db", url]) == 0
    outputs["sample export"] = out.read_text(encoding="utf-8-sig")
    # the pages' downloads: the same frames and exports the pages hand to st.download_button
    rows = unit_table(sqlite_engine, lead_id(sqlite_engine), hostile.campaign_id, min_files=1)
    outputs["page units"] = csv_bytes(unit_frame(rows, ("优秀", "良好", "合格", "不合格"), with_focus=True)).decode("utf-8")
    outputs["page problems"] = csv_bytes(pareto_table(pareto(sqlite_engine, lead_id(sqlite_engine), hostile.campaign_id))).decode("utf-8")
    record = current_sample(sqlite_engine, hostile.campaign_id, actor_id=hostile.lead_id)
    outputs["page sample"] = export_record_csv(sqlite_engine, record.id, actor_id=hostile.lead_id).decode("utf-8")
    with session_factory(sqlite_engine)() as s:
        lead, campaign = s.get(User, hostile.lead_id), s.get(Campaign, hostile.campaign_id)
        campaign.reviewers_per_file = 3  # one open seat per file, so the template lists every case number
        outputs["page assignment template"] = assignment_template_csv(s, lead, campaign).decode("utf-8")
        s.rollback()

    seeded = "\n".join(outputs.values())
    assert "'=1+1" in seeded and "'@SUM(1)" in seeded  # the formula-like text is really in the outputs
    found = {name: _dangerous(text) for name, text in outputs.items()}
    assert found == {name: [] for name in outputs}


def test_the_shared_rule():
    assert [safe_cell(v) for v in ("=1", "+1a", "-cmd", "@x", "\t=1", "\r1", "ok", "-2.5", "+3", "-12%", 5)] == [
        "'=1", "'+1a", "'-cmd", "'@x", "'\t=1", "'\r1", "ok", "-2.5", "+3", "-12%", 5]


def test_no_csv_is_written_outside_the_shared_function():
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(")
    allowed = {"scoring/csv_safe.py", "scoring/demo/generate.py"}  # the demo generator writes import *input*
    offenders = []
    for path in (ROOT / "scoring").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel not in allowed and writers.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []
