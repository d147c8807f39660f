"""Rectification (整改) requirements: add, edit, delete (audited, optimistic locking), proposals from a
unit's findings, permissions; and the findings/rectify CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scoring.audit import history
from scoring.cli import main
from scoring.db.models import Finding, Rectification
from scoring.db.session import open_db, session_factory
from scoring.errors import ConflictError, PermissionDenied, ValidationFailed
from scoring.findings import (
    add_rectification,
    delete_rectification,
    generate_findings,
    list_findings,
    list_rectifications,
    propose_rectifications,
    update_finding,
    update_rectification,
)
from scoring.workflow.publish import publish_campaign
from tests.test_aggregate_world import U1, U2, U4
from tests.test_findings_world import REC_A1_TIDY, REC_B1, build_fworld


@pytest.fixture
def fw(engine, tmp_path):
    session = session_factory(engine)()
    try:
        yield build_fworld(session, tmp_path)
    finally:
        session.close()


def test_rectification_crud_is_audited(fw):
    s, cid, unit = fw.session, fw.campaign.id, fw.units[U4]
    r = add_rectification(s, fw.lead, cid, unit.id, requirement="对评查发现的问题逐卷整改。", owner="城桥镇司法所",
                          deadline="2025-03-31")
    assert (r.unit_name, r.deadline, r.status, r.version) == (U4, dt.date(2025, 3, 31), "open", 1)
    entry = history(s, "rectification", r.id)[-1]
    assert entry.action == "add_rectification" and entry.new_value["owner"] == "城桥镇司法所"
    assert entry.new_value["deadline"] == "2025-03-31"
    other = add_rectification(s, fw.lead, cid, fw.units[U1].id, requirement="建立文书校对制度。", owner="法制科",
                              deadline=dt.date(2025, 4, 30))
    assert [x.id for x in list_rectifications(s, fw.lead, cid)] == [other.id, r.id]  # units' order
    assert [x.id for x in list_rectifications(s, fw.lead, cid, unit.id)] == [r.id]

    up = update_rectification(s, fw.lead, r.id, owner="城桥镇人民政府", status="in_progress", expected_version=1)
    assert (up.owner, up.status, up.version) == ("城桥镇人民政府", "in_progress", 2)
    entry = history(s, "rectification", r.id)[-1]
    assert (entry.action, entry.old_value, entry.new_value) == (
        "update_rectification", {"owner": "城桥镇司法所", "status": "open"},
        {"owner": "城桥镇人民政府", "status": "in_progress"})
    with pytest.raises(ConflictError, match="changed meanwhile"):
        update_rectification(s, fw.lead, r.id, owner="x", expected_version=1)
    for bad in ({"owner": " "}, {"deadline": "31/03/2025"}, {"status": "closed"}, {"requirement": ""}):
        with pytest.raises(ValidationFailed):
            update_rectification(s, fw.lead, r.id, **bad)
    delete_rectification(s, fw.lead, r.id, expected_version=2)
    assert s.get(Rectification, r.id) is None
    entry = history(s, "rectification", r.id)[-1]
    assert entry.action == "delete_rectification" and entry.old_value["owner"] == "城桥镇人民政府"


def test_proposals_from_the_units_findings(fw):
    s, cid, unit = fw.session, fw.campaign.id, fw.units[U4]
    generate_findings(s, fw.lead, cid)
    proposals = propose_rectifications(s, fw.lead, cid, unit.id)
    assert proposals == [
        f"对裁量权基准适用方面“文书错别字”问题（3本案卷）逐卷核查整改；{REC_B1[:-1]}。",
        f"对执法主体方面“未记载执法证号”问题（3本案卷）逐卷核查整改；{REC_A1_TIDY[:-1]}。",
    ]
    # Excluded problems are not proposed; requirements already listed are not proposed again.
    first = next(v for v in list_findings(s, fw.lead, cid, unit_id=unit.id) if v.section == "problem")
    update_finding(s, fw.lead, first.id, included=False, expected_version=first.version)
    add_rectification(s, fw.lead, cid, unit.id, requirement=proposals[1], owner="城桥镇", deadline="2025-06-30")
    assert propose_rectifications(s, fw.lead, cid, unit.id) == []
    assert list_rectifications(s, fw.lead, cid, unit.id)[0].requirement == proposals[1]


def test_rectification_permissions(fw):
    s, cid, unit = fw.session, fw.campaign.id, fw.units[U2]
    r = add_rectification(s, fw.lead, cid, unit.id, requirement="整改。", owner="法制科", deadline="2025-01-31")
    reviewer, obs = fw.reviewers[0], fw.observer
    for call in (lambda: add_rectification(s, reviewer, cid, unit.id, requirement="x", owner="y",
                                           deadline="2025-01-01"),
                 lambda: update_rectification(s, obs, r.id, owner="z"),
                 lambda: delete_rectification(s, obs, r.id),
                 lambda: propose_rectifications(s, obs, cid, unit.id),
                 lambda: list_rectifications(s, reviewer, cid),
                 lambda: list_rectifications(s, obs, cid)):  # not published yet
        with pytest.raises(PermissionDenied):
            call()
    publish_campaign(s, fw.lead, fw.campaign)
    assert [x.id for x in list_rectifications(s, obs, cid)] == [r.id]


def test_cli_generate_list_and_rectify(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = open_db(url)
    with session_factory(engine)() as s:
        fw = build_fworld(s, tmp_path)
        cid, u4 = fw.campaign.id, fw.units[U4].id
    engine.dispose()
    assert main(["findings", "generate", "--campaign", "2024年度评查", "--db", url]) == 0
    out = capsys.readouterr().out
    engine = open_db(url)
    with session_factory(engine)() as s:
        n = s.query(Finding).count()
    engine.dispose()
    assert n > 20 and out.startswith(f"added {n}, updated 0, unchanged 0, kept 0")
    assert main(["findings", "list", "--campaign", str(cid), "--unit", U4, "--db", url]) == 0
    out = capsys.readouterr().out
    assert "== 城桥镇 · 主要问题" in out and "执法主体｜未记载执法证号\n    评查的3本案卷均存在此类问题。" in out
    assert main(["findings", "list", "--campaign", str(cid), "--unit", "campaign", "--format", "json",
                 "--db", url]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["unit_id"] is None for r in rows)
    first = rows[0]["id"]
    assert main(["findings", "traces", str(first), "--db", url]) == 0
    assert "测罚〔2024〕" in capsys.readouterr().out
    assert main(["findings", "generate", "--campaign", str(cid), "--replace-edited", "999999", "--db", url]) == 1
    assert "no finding 999999" in capsys.readouterr().err
    assert main(["rectify", "add", "--campaign", str(cid), "--unit", U4, "--requirement", "逐卷整改。",
                 "--owner", "城桥镇司法所", "--deadline", "2025-03-31", "--db", url]) == 0
    assert "added rectification" in capsys.readouterr().out
    assert main(["rectify", "add", "--campaign", str(cid), "--unit", str(u4), "--requirement", "x",
                 "--owner", "y", "--deadline", "soon", "--db", url]) == 1
    assert "not a date" in capsys.readouterr().err
    assert main(["rectify", "list", "--campaign", str(cid), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "逐卷整改。" in out and "城桥镇司法所" in out and "2025-03-31" in out and "待整改" in out
    assert main(["findings", "list", "--campaign", str(cid), "--as", "r1", "--db", url]) == 1
    assert "r1 (reviewer) may not read findings" in capsys.readouterr().err
