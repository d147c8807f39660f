"""Saving the findings table at once (scoring.findings.batch): all or nothing against the loaded
versions, reordering, leads only, and each finding's history."""

from __future__ import annotations

import pytest

from scoring.db.session import session_factory
from scoring.errors import ConflictError, PermissionDenied
from scoring.findings import (
    FindingEdit,
    finding_history,
    generate_findings,
    list_findings,
    save_findings,
    update_finding,
)
from tests.test_findings_world import build_fworld


@pytest.fixture
def fw(sqlite_engine, tmp_path):
    with session_factory(sqlite_engine)() as session:
        w = build_fworld(session, tmp_path)
        generate_findings(session, w.lead, w.campaign.id)
        session.commit()
        yield w


def _problems(fw):  # noqa: ANN001, ANN202
    return [f for f in list_findings(fw.session, fw.lead, fw.campaign.id, unit_id=None) if f.section == "problem"]


def test_one_save_changes_many_rows_and_reorders(fw):
    a, b, c = _problems(fw)[:3]
    save_findings(fw.session, fw.lead, [
        FindingEdit(a.id, a.version, body="甲的新正文。", included=False),
        FindingEdit(b.id, b.version, title="乙的新标题"),
        FindingEdit(c.id, c.version, position=0),
    ])
    now = {f.id: f for f in _problems(fw)}
    assert (now[a.id].body, now[a.id].included, now[a.id].edited) == ("甲的新正文。", False, True)
    assert now[b.id].title == "乙的新标题"
    assert [f.id for f in _problems(fw)][:3] == [c.id, a.id, b.id]


def test_a_row_changed_meanwhile_refuses_the_whole_save(fw):
    a, b = _problems(fw)[:2]
    update_finding(fw.session, fw.lead, b.id, body="别人的修改。", expected_version=b.version)
    with pytest.raises(ConflictError) as caught:
        save_findings(fw.session, fw.lead, [FindingEdit(a.id, a.version, body="我的甲。"),
                                            FindingEdit(b.id, b.version, body="我的乙。")])
    assert caught.value.code == "findings.changed" and set(caught.value.current) == {b.id}
    assert caught.value.current[b.id].body == "别人的修改。"
    assert f"（#{b.id}）" in caught.value.localized("zh") and "1 finding was changed" in str(caught.value)
    now = {f.id: f for f in _problems(fw)}
    assert now[a.id].body == a.body and now[b.id].body == "别人的修改。"  # nothing saved


def test_history_lists_every_change_and_only_leads_save(fw):
    a = _problems(fw)[0]
    save_findings(fw.session, fw.lead, [FindingEdit(a.id, a.version, body="新正文。")])
    save_findings(fw.session, fw.lead, [FindingEdit(a.id, a.version + 1, position=2)])
    entries = finding_history(fw.session, fw.lead, a.id)
    assert [e.action for e in entries] == ["generate_finding", "update_finding", "move_finding"]
    assert entries[1].old == {"body": a.body, "edited": False} and entries[1].new["body"] == "新正文。"
    reviewer = fw.reviewers[0]
    with pytest.raises(PermissionDenied):
        save_findings(fw.session, reviewer, [FindingEdit(a.id, a.version + 2, body="x")])
    with pytest.raises(PermissionDenied):
        finding_history(fw.session, reviewer, a.id)
