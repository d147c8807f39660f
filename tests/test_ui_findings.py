"""The Findings page (lead): generate, edit and save (with the stale-save message), regenerate keeping the
edit and replacing it only when ticked, exclude, reorder, traces, and rectification requirements."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from scoring.db.models import Campaign, CaseFile, Finding, Rectification, User
from scoring.db.session import open_db, session_factory, transaction
from scoring.findings import RectificationView, update_finding
from scoring.marks import Marks
from scoring.ui.app import PAGES_BY_ROLE
from scoring.ui.pages.findings import editor_changes
from scoring.workflow.recheck import record_recheck
from tests.test_aggregate_world import U4, m
from tests.test_findings_world import build_fworld
from tests.test_ui_helpers import page_path, signed_in_app, texts


@pytest.fixture
def ui(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    with session_factory(engine)() as s:
        fw = build_fworld(s, tmp_path)
        ids = dict(lead=fw.lead.id, reviewer=fw.reviewers[0].id, campaign=fw.campaign.id,
                   units={name: u.id for name, u in fw.units.items()}, files=[f.id for f in fw.files])
    yield dict(engine=engine, **ids)
    engine.dispose()


def _findings(ui, **where) -> list[Finding]:
    with session_factory(ui["engine"])() as s:
        stmt = select(Finding).order_by(Finding.id)
        for k, v in where.items():
            stmt = stmt.where(getattr(Finding, k) == v)
        return list(s.scalars(stmt))


def _finding(ui, gen_key: str, unit_id: int | None = None) -> Finding:
    return next(f for f in _findings(ui, gen_key=gen_key) if f.unit_id == unit_id)


def _generated(ui):
    at = signed_in_app(ui["lead"], "findings")
    assert not at.exception
    at.button(key="find_generate").click().run()
    assert not at.exception
    return at


def _recheck(ui, index: int, marks: dict) -> None:
    with transaction(ui["engine"]) as s:
        record_recheck(s, s.get(User, ui["lead"]), s.get(Campaign, ui["campaign"]), s.get(CaseFile, ui["files"][index]),
                       reason="复核", marks=Marks.model_validate(marks))


EDITOR = "find_editor_0_all"  # the campaign scope, every focus area


def _table(at, key: str = EDITOR) -> pd.DataFrame:
    return next(e.value for e in at.data_editor if e.key == key)


def _edit(at, changes: dict[int, dict], key: str = EDITOR):
    """Edit cells of the table as a person would (by finding id), then press the one save button."""
    ids = list(_table(at, key)["id"])
    at.session_state[key] = {"edited_rows": {ids.index(fid): cells for fid, cells in changes.items()},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="find_save_all").click().run()
    assert not at.exception
    return at


def test_generate_edit_save_regenerate_keeps_the_edit(ui):
    at = signed_in_app(ui["lead"], "findings")
    assert texts(at, "title") == ["评查发现与整改要求"]
    assert any("还没有评查发现" in s for s in texts(at, "info"))
    at = _generated(ui)
    n = len(_findings(ui))
    assert any(f"新增 {n} 条" in s for s in texts(at, "success"))
    b1 = _finding(ui, "problem:discretion_benchmark:B1:a")
    table = _table(at)
    campaign_level = [f for f in _findings(ui) if f.unit_id is None]
    assert sorted(table["id"]) == sorted(f.id for f in campaign_level)  # every campaign finding, one table
    assert table.set_index("id").loc[b1.id, "body"] == b1.body
    # One save for the whole table: no button per finding.
    assert [b.key for b in at.button if str(b.key).startswith("find_save")] == ["find_save_all"]

    my_text = "文书错别字问题较为普遍，11本案卷存在此问题。"
    _edit(at, {b1.id: {"body": my_text}})
    assert "已保存 1 条评查发现的修改。" in texts(at, "success")
    saved = _finding(ui, "problem:discretion_benchmark:B1:a")
    assert (saved.body, saved.edited, saved.version) == (my_text, True, 2)

    # The results change (file 0 re-checked: B1-a 11 -> 10 files); regenerating keeps the edit and says so.
    _recheck(ui, 0, m(a=True))
    a1 = _finding(ui, "problem:subject:A1:a")
    at.button(key="find_generate").click().run()
    assert not at.exception
    assert _finding(ui, "problem:discretion_benchmark:B1:a").body == my_text
    assert "6本案卷（涉及3个单位）" in _finding(ui, "problem:subject:A1:a").body  # unedited: updated in place
    table = _table(at).set_index("id")
    assert table.loc[a1.id, "body"] == _finding(ui, "problem:subject:A1:a").body
    assert table.loc[b1.id, "body"] == my_text
    assert any("1 条您修改过的评查发现" in w for w in texts(at, "warning"))
    md = " ".join(texts(at, "markdown"))
    assert my_text in md and "10本案卷（涉及4个单位）" in md  # kept and new text side by side
    # Replacing only what is ticked.
    assert at.button(key="find_replace").disabled
    at.checkbox(key=f"find_rep_{b1.id}").check().run()
    at.button(key="find_replace").click().run()
    assert not at.exception
    now = _finding(ui, "problem:discretion_benchmark:B1:a")
    assert "10本案卷（涉及4个单位）" in now.body and not now.edited
    assert _table(at).set_index("id").loc[b1.id, "body"] == now.body
    assert any("替换 1 条" in s for s in texts(at, "success"))


def test_stale_save_is_refused_with_a_clear_message(ui):
    at = _generated(ui)
    f = _finding(ui, "problem:subject:A1:a")
    g = _finding(ui, "problem:discretion_benchmark:B1:a")
    with transaction(ui["engine"]) as s:  # someone else saves meanwhile
        update_finding(s, s.get(User, ui["lead"]), f.id, body="别人的修改。", expected_version=f.version)
    _edit(at, {f.id: {"body": "我的修改。"}, g.id: {"title": "文书错别字较多"}})
    assert any(f"有1条评查发现在您编辑期间已被修改（#{f.id}），本次未保存任何修改" in e for e in texts(at, "error"))
    assert "别人的修改。" in " ".join(texts(at, "markdown"))  # the current text is shown
    assert _finding(ui, "problem:subject:A1:a").body == "别人的修改。"
    assert _finding(ui, g.gen_key).title == g.title  # all or nothing
    at.button(key="find_over").click().run()
    assert not at.exception
    assert _finding(ui, "problem:subject:A1:a").body == "我的修改。"
    assert _finding(ui, g.gen_key).title == "文书错别字较多"


def test_exclude_reorder_history_traces_and_focus_filter(ui):
    at = _generated(ui)
    problems = [f for f in _findings(ui, section="problem") if f.unit_id is None]
    first, second = sorted(problems, key=lambda f: f.position)[:2]
    _edit(at, {first.id: {"included": False, "order": 2}})
    assert not _finding(ui, first.gen_key).included
    assert (_finding(ui, first.gen_key).position, _finding(ui, second.gen_key).position) == (1, 0)
    table = _table(at).set_index("id")
    assert not table.loc[first.id, "included"] and table.loc[first.id, "order"] == 2
    # One finding's history and files.
    at.selectbox(key="find_detail").set_value(first.id).run()
    assert not at.exception
    history = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    assert list(history["操作"]) == ["生成草稿", "修改", "调整顺序"]
    assert "纳入通报：False" in history["新内容"].iloc[1]
    traces = next(d.value for d in at.dataframe if "评查意见" in d.value.columns)
    assert len(traces) == _finding(ui, first.gen_key).facts["files"]
    assert "测罚〔2024〕" in traces["案号"].iloc[0]  # the lead sees real case numbers
    # Filtered by focus area: only that area's findings, in their own table.
    at.selectbox(key="find_focus").set_value("discretion_benchmark").run()
    assert not at.exception
    only = _table(at, "find_editor_0_discretion_benchmark")
    assert set(only["focus"]) == {"裁量权基准适用"} and len(only) < len(table)


def test_rectifications_added_and_proposed(ui):
    at = _generated(ui)
    unit = ui["units"][U4]
    at.selectbox(key="find_scope").set_value(unit).run()
    assert not at.exception
    assert f"{U4}：整改要求" in texts(at, "header")
    at.text_area(key=f"rect_new_req_{unit}").input("对文书错别字问题逐卷整改。")
    at.text_input(key=f"rect_new_owner_{unit}").input("城桥镇司法所")
    at.date_input(key=f"rect_new_deadline_{unit}").set_value(dt.date(2025, 3, 31))
    at.button[[b.label for b in at.button].index("新增")].click().run()
    assert not at.exception
    with session_factory(ui["engine"])() as s:
        [r] = s.scalars(select(Rectification)).all()
        assert (r.unit_id, r.requirement, r.owner, r.deadline) == (unit, "对文书错别字问题逐卷整改。", "城桥镇司法所",
                                                                  dt.date(2025, 3, 31))
    assert any("新增 1 条" in s for s in texts(at, "success"))
    # Proposals from the findings: edit one, untick the other, add.
    at.button(key=f"rect_propose_{unit}").click().run()
    assert not at.exception
    assert "逐卷核查整改" in at.text_area(key=f"rect_prop_{unit}_0").value
    at.text_area(key=f"rect_prop_{unit}_0").input("限期整改文书错别字问题。")
    at.checkbox(key=f"rect_prop_on_{unit}_1").uncheck()
    at.button(key=f"rect_prop_add_{unit}").click().run()
    assert not at.exception
    with session_factory(ui["engine"])() as s:
        rows = s.scalars(select(Rectification).order_by(Rectification.id)).all()
        assert [r.requirement for r in rows] == ["对文书错别字问题逐卷整改。", "限期整改文书错别字问题。"]
        assert rows[1].owner == U4
    # The campaign scope lists every unit's requirements.
    at.selectbox(key="find_scope").set_value("campaign").run()
    table = next(d.value for d in at.dataframe if "整改期限" in d.value.columns)
    assert list(table["单位"]) == [U4, U4]


def test_editor_changes():
    rows = [RectificationView(1, 1, 5, "城桥镇", "整改甲。", "司法所", dt.date(2025, 3, 31), "open", 3, 0),
            RectificationView(2, 1, 5, "城桥镇", "整改乙。", "司法所", dt.date(2025, 3, 31), "open", 1, 1)]
    edited = pd.DataFrame([
        {"id": 1, "requirement": "整改甲。", "owner": "镇政府", "deadline": dt.date(2025, 4, 30), "status": "已整改"},
        {"id": None, "requirement": "新增丙。", "owner": "法制科", "deadline": dt.date(2025, 5, 1), "status": None},
    ])
    added, changed, deleted = editor_changes(rows, edited)
    assert added == [{"requirement": "新增丙。", "owner": "法制科", "deadline": dt.date(2025, 5, 1), "status": "open"}]
    assert changed == [{"id": 1, "version": 3, "owner": "镇政府", "deadline": dt.date(2025, 4, 30), "status": "done"}]
    assert deleted == [2]


def test_page_is_for_leads_only(ui):
    assert "findings" in PAGES_BY_ROLE["lead"]
    assert "findings" not in PAGES_BY_ROLE["reviewer"] + PAGES_BY_ROLE["observer"]
    at = signed_in_app(ui["reviewer"])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("findings"))


def test_page_in_english(ui):
    at = signed_in_app(ui["lead"], "findings", lang="en")
    at.button(key="find_generate").click().run()
    assert not at.exception
    assert texts(at, "title") == ["Findings and rectification"]
    assert any("added" in s for s in texts(at, "success"))
