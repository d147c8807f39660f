"""The findings tests' world (no tests here; imported by the other tests/test_findings*.py and
tests/test_ui_findings.py): tests/test_aggregate_world's small finished campaign, built through the core
workflow, with the standard's items and veto carrying recommendation texts and some deductions a
reviewer's comment. An observer account reads published results.

Problems in the final results (files; units):
  discretion_benchmark  B1-a 文书错别字        11 files; 4 units (U1 4, U4 3, U2 2, U3 2)
  subject               A1-a 未记载执法证号     5 files; 3 units (U4 3, U1 1, U2 1)
  subject               A1-b 每缺一处签名       2 files; 2 units (U1 1, U2 1)
  subject               V1   执法主体不合法     1 file;  1 unit  (U2, re-checked)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from scoring.accounts import create_user
from scoring.db.models import Campaign, CaseFile, Unit, User
from scoring.rubric.loader import RubricLibrary
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_aggregate_world import CURRENT, HOME, U1, U2, U3, U4, build_campaign

REC_A1 = "执法文书应当载明执法人员姓名和执法证号，\n  执法人员不少于两人。"  # folded like YAML `>-` text
REC_A1_TIDY = "执法文书应当载明执法人员姓名和执法证号，执法人员不少于两人。"
REC_B1 = "文书制作完成后应当逐字校对，杜绝错别字。"
REC_V1 = "严格核查执法主体资格，以有权机关名义作出决定。"
COMMENT_B1 = "行政处罚决定书中有多处错别字"  # on file 2 (U1), reviewer 1
COMMENT_A1 = "询问笔录未记载执法证号"  # on file 9 (U4), reviewer 2


def _comment(marks: dict, item: str, text: str) -> dict:
    out = copy.deepcopy(marks)
    out["items"][item]["deductions"][0]["comment"] = text
    return out


def plan() -> list:
    rows = [list(r) for r in CURRENT]
    rows[2][2] = [_comment(rows[2][2][0], "B1", COMMENT_B1), rows[2][2][1]]
    rows[9][2] = [rows[9][2][0], _comment(rows[9][2][1], "A1", COMMENT_A1)]
    return [tuple(r) for r in rows]


@dataclass
class FWorld:
    session: object
    lead: User
    reviewers: list[User]
    observer: User
    units: dict[str, Unit]
    campaign: Campaign
    files: list[CaseFile]
    library: RubricLibrary


def build_fworld(session, tmp_path) -> FWorld:  # noqa: ANN001
    data = standard_dict(applies_to={"case_types": ["行政处罚", "行政检查"]})
    data["sections"][1]["items"][0]["focus"] = "discretion_benchmark"
    data["sections"][0]["items"][0]["recommendation"] = REC_A1
    data["sections"][1]["items"][0]["recommendation"] = REC_B1
    data["vetoes"][0]["recommendation"] = REC_V1
    write_yaml(tmp_path / "fr" / "mini.yaml", data)
    library = RubricLibrary.load([tmp_path / "fr"])
    f = Factory(session)
    f.unit(HOME)
    units = {U1: f.unit(U1), U2: f.unit(U2), U3: f.unit(U3), U4: f.unit(U4, kind="town")}
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                       bootstrap=True)
    reviewers = [create_user(session, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", unit_name=HOME,
                             actor=lead) for i in (1, 2)]
    observer = create_user(session, username="obs", display_name="观察员", role="observer", password="s3cret-pass",
                           actor=lead)
    campaign, files = build_campaign(session, f, library, lead, reviewers, units, "2024年度评查", 2024, plan())
    session.commit()
    return FWorld(session, lead, reviewers, observer, units, campaign, files, library)
