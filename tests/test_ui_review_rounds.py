"""Pages of issue 13 (AppTest): the machine pre-check, the sampling page's forced flagged files,
objections for the liaison, the lead and the deciding member, and the calibration round."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scoring.calibration.guidance import set_guidance
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    Objection,
    SampleRecord,
    User,
)
from scoring.db.session import open_db, session_factory, transaction
from scoring.ui.app import PAGES_BY_ROLE
from tests.factories import Factory
from tests.test_aggregate_world import U1, U2, build_world
from tests.test_objections import people
from tests.test_precheck_db import DEPT, TOWN, populate
from tests.test_ui_helpers import page_path, signed_in_app, texts
from tests.test_ui_reviewer import _open_score_page, _shows, world  # noqa: F401  (fixture)


@pytest.fixture
def pc(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    ids = populate(engine)
    yield dict(engine=engine, **ids)
    engine.dispose()


def test_precheck_page_shows_units_rules_and_files(pc):
    at = signed_in_app(pc["lead"], "precheck")
    assert not at.exception
    assert texts(at, "title") == ["机器预检（全部案卷）"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["检查案卷"] == "9" and metrics["被标记案卷"] == "3" and metrics["每百件被标记"] == "33.33"
    units, rules, unit_rule, files = [d.value for d in at.dataframe]
    assert units["单位"].tolist() == [TOWN, DEPT]
    assert units.set_index("单位").loc[DEPT, "每百件"] == 40.0
    assert rules.set_index("规则").loc["PC-P6", "被标记"] == 2
    assert set(unit_rule["规则"]) == {"PC-P6", "PC-MW1"}
    assert files.set_index("案号").loc["市监〔2024〕1号", "触发规则"] == "PC-P6, PC-MW1"
    assert at.get("download_button")  # the Excel export is offered


def test_precheck_page_in_english_and_lead_only(pc):
    at = signed_in_app(pc["lead"], "precheck", lang="en")
    assert not at.exception and texts(at, "title") == ["Machine pre-check (every file)"]
    assert "precheck" in PAGES_BY_ROLE["lead"] and "precheck" not in PAGES_BY_ROLE["reviewer"]
    at = signed_in_app(pc["reviewer"])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("precheck"))


def test_sampling_page_forces_flagged_files_in(pc):
    at = signed_in_app(pc["lead"], "sampling")
    assert not at.exception
    at.checkbox(key="smp_force_precheck").check().run()
    assert any("将强制抽取 3 本被标记案卷" in c for c in texts(at, "caption"))
    at.button(key="smp_draw").click().run()
    assert not at.exception, at.exception
    with session_factory(pc["engine"])() as s:
        record = s.scalar(select(SampleRecord))
        assert record is not None and record.rules["forced_files"] == [
            "市监〔2024〕0号", "市监〔2024〕1号", "镇〔2024〕0号"]


@pytest.fixture
def ob(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    with session_factory(engine)() as s:
        w = build_world(s, tmp_path)
        liaison1, _, member, _ = people(w)
        x = Factory(s).case_file(w.units[U1], case_number="试评〔2024〕X号")
        y = Factory(s).case_file(w.units[U2], case_number="试评〔2024〕Y号")
        ids = {"lead": w.lead.id, "liaison": liaison1.id, "member": member.id, "reviewer": w.reviewers[0].id,
                   "campaign": w.current.id, "file": w.files[2].id, "x": x.case_number, "y": y.case_number}
        s.commit()
    yield dict(engine=engine, **ids)
    engine.dispose()


def test_objection_pages_liaison_lead_member(ob):
    at = signed_in_app(ob["liaison"], "objections")
    assert not at.exception and any("尚未向被评查单位反馈" in i for i in texts(at, "info"))
    lead = signed_in_app(ob["lead"], "objections")
    lead.selectbox(key="obj_campaign").set_value(ob["campaign"]).run()
    lead.button(key="obj_release").click().run()
    assert not lead.exception and any("已反馈" in s for s in texts(lead, "success"))

    at = signed_in_app(ob["liaison"], "objections")
    assert not at.exception
    target = next(o for o in at.selectbox(key="obj_target").options if "B1" in o and "〔2024〕" in o
                  and o.startswith(session_case(ob)))
    at.selectbox(key="obj_target").set_value(target).run()
    at.text_area(key="obj_grounds").input("错别字系扫描造成").run()
    at.button(key="obj_submit").click().run()
    assert not at.exception and any("异议 #1 已提交" in s for s in texts(at, "success"))
    mine = at.dataframe[-1].value
    assert mine["状态"].tolist() == ["待分配"]
    assert "评查员1" not in at.markdown and all("评查员1" not in str(d.value) for d in at.dataframe)

    lead = signed_in_app(ob["lead"], "objections")
    lead.selectbox(key="obj_campaign").set_value(ob["campaign"]).run()
    assert "评查员3" in lead.selectbox(key="obj_assign_to").options  # never 评查员1/2: they scored the file
    assert not {"评查员1", "评查员2"} & set(lead.selectbox(key="obj_assign_to").options)
    lead.selectbox(key="obj_assign_to").set_value(ob["member"]).run()
    lead.button(key="obj_assign").click().run()
    assert not lead.exception and any("已分配" in s for s in texts(lead, "success"))

    member = signed_in_app(ob["member"], "objections")
    member.radio(key="obj_decision").set_value("accepted").run()
    member.text_area(key="obj_decision_reason").input("经核实系扫描问题").run()
    member.button(key="obj_decide").click().run()
    assert not member.exception and any("83.75 → 100.00" in s for s in texts(member, "success"))
    with session_factory(ob["engine"])() as s:
        assert s.get(Objection, 1).decision == "accepted"

    at = signed_in_app(ob["liaison"], "objections", lang="en")
    assert not at.exception and at.dataframe[-1].value["Decision"].tolist() == ["Accepted"]


def session_case(ob) -> str:
    with session_factory(ob["engine"])() as s:
        return s.get(CaseFile, ob["file"]).case_number


def test_calibration_pages_lead_and_reviewer(ob):
    lead = signed_in_app(ob["lead"], "calibration")
    assert not lead.exception
    lead.selectbox(key="cal_campaign").set_value(ob["campaign"]).run()
    lead.multiselect(key="cal_files").select(ob["x"]).select(ob["y"]).run()
    lead.button(key="cal_save").click().run()
    assert not lead.exception and any("试评设置已保存" in s for s in texts(lead, "success"))

    rv = signed_in_app(ob["reviewer"], "calibration")
    assert not rv.exception and any("尚有 2 本试评案卷未评分" in i for i in texts(rv, "info"))
    label = next(o for o in rv.multiselect(key=next(m.key for m in rv.multiselect if m.key.endswith("_deds"))).options
                 if o.startswith("B1 "))
    key = next(m.key for m in rv.multiselect if m.key.endswith("_deds"))
    rv.multiselect(key=key).select(label).run()
    rv.number_input(key=next(n.key for n in rv.number_input if n.key.startswith(key.removesuffix("_deds") + "_n_"))
                    ).set_value(8).run()
    rv.button(key="cal_submit").click().run()
    assert not rv.exception and any("已提交：90.00" in s for s in texts(rv, "success"))
    assert any("尚有 1 本" in i for i in texts(rv, "info"))

    lead = signed_in_app(ob["lead"], "calibration")
    lead.selectbox(key="cal_campaign").set_value(ob["campaign"]).run()
    assert not lead.exception
    totals = next(d.value for d in lead.dataframe if "参考分" in d.value.columns and "评查员1" in d.value.columns)
    assert totals["评查员1"].tolist()[0] == 90.0
    lead.text_area(key="cal_g_note_" + lead.selectbox(key="cal_g_item").value).input("同一错误不重复扣分").run()
    lead.button(key="cal_g_save").click().run()
    assert any("指引已保存" in s for s in texts(lead, "success"))


def test_score_page_shows_precheck_hints_and_guidance_beside_items(world, tmp_path, monkeypatch):  # noqa: F811
    rules = tmp_path / "pc.yaml"
    rules.write_text("""kind: precheck
rules:
  - {id: PC-T1, title: 罚款超过五百元的测试规则, focus: documents, hints: [B1],
     flag_when: {value: [penalty_amount, ">", 500]}}
""", encoding="utf-8")
    monkeypatch.setenv("CASEREVIEW_PRECHECK", str(rules))
    with transaction(world["engine"]) as s:
        set_guidance(s, s.get(User, world["lead"]), s.get(Campaign, world["campaign"]), "A1", "执法证号以证件为准")
    at = _open_score_page(world, "a", world["a1"])
    assert not at.exception
    assert _shows(at, "机器预检提示（仅供参考，不计分）：PC-T1 罚款超过五百元的测试规则")
    assert _shows(at, "试评指引：执法证号以证件为准")
    with session_factory(world["engine"])() as s:  # a hint is never a mark
        assert s.get(Assignment, world["a1"]).review is None or not s.get(Assignment, world["a1"]).review.marks
