"""The Standards page's impact before change: the lead picks a campaign and an edited version (library or
upload), sees the files and units that move (grade changes marked), and switches with a reason (audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from scoring import audit
from scoring.accounts import create_user
from scoring.db.models import Review
from scoring.db.session import open_db, session_factory, transaction
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import open_review, save_draft
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import signed_in_app, texts


def raised() -> dict:
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][0]["points"] = 10  # 未记载执法证号: 5 -> 10
    return data


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    rubrics = tmp_path / "rubrics"
    write_yaml(rubrics / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(rubrics))
    engine = open_db(url)
    with transaction(engine) as s:
        f = Factory(s)
        u1, u2 = f.unit("区城管执法局"), f.unit("城桥镇", kind="town")
        f.unit("区市场监管局")
        lead = create_user(s, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                           bootstrap=True)
        r1 = create_user(s, username="r1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                         actor=lead)
        spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
        campaign = create_campaign(s, spec, RubricLibrary.load([rubrics]), lead)
        marks = {"F1": {"A1": {"deductions": [{"reason": "a", "page": "2"}]}},
                 "F2": {"A1": {"deductions": [{"reason": "b", "occurrences": 2, "page": "3"}]}},
                 "F3": {"B1": {"deductions": [{"reason": "a", "occurrences": 4, "page": "5"}]}}}
        for (name, items), unit in zip(marks.items(), [u1, u1, u2], strict=True):
            cf = f.case_file(unit, case_number=f"罚〔2024〕{name}", hearing_held=False)
            review = open_review(s, r1, assign(s, lead, campaign, cf, r1).id)
            s.flush()
            save_draft(s, r1, review.id, Marks.model_validate({"items": items}), review.version)
        ids = dict(lead=lead.id, r1=r1.id, campaign=campaign.id)
    yield dict(engine=engine, rubrics=rubrics, **ids)
    engine.dispose()


def _frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _run_impact(at):
    at.button(key="impact_run").click().run()
    assert not at.exception, at.exception
    return at


def test_the_lead_sees_the_impact_of_the_edited_library_version_and_switches(world):
    write_yaml(world["rubrics"] / "mini.yaml", raised())  # the standard edited in the library
    at = signed_in_app(world["lead"], "standards")
    assert any("变更评分标准前的影响评估" in m for m in texts(at, "markdown"))
    _run_impact(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已核对案卷"] == "3" and metrics["得分变化"] == "1" and metrics["等次变化"] == "1"
    files = _frame(at, "新等次")
    assert files.to_dict("records") == [{"案号": "罚〔2024〕F1", "执法单位": "区城管执法局", "原得分": "93.75",
                                         "新得分": "87.50", "原等次": "优秀", "新等次": "良好", "等次变化": "●"}]
    units = _frame(at, "新均分")
    assert units.to_dict("records") == [{"执法单位": "区城管执法局", "案卷数": 2, "原均分": "94.38", "新均分": "91.25"}]
    # The switch is explicit: confirm first; a reason is required (the core says so).
    assert at.button(key="impact_switch").disabled
    at.checkbox(key="impact_confirm").check().run()
    at.button(key="impact_switch").click().run()
    assert any("需要说明理由" in e for e in texts(at, "error"))
    at.text_input(key="impact_reason").input("2025版标准提高扣分").run()
    at.button(key="impact_switch").click().run()
    assert not at.exception, at.exception
    assert any("已切换为版本" in s for s in texts(at, "success"))
    with session_factory(world["engine"])() as s:
        totals = {r.assignment.case_file.case_number: r.total for r in s.query(Review)}
        assert totals["罚〔2024〕F1"] == Decimal("87.50")
        entry = audit.history(s, "campaign", world["campaign"])[-1]
        assert entry.action == "switch_standard" and entry.note == "2025版标准提高扣分"
    # Now the library's version is the one in use.
    assert any("已在使用这一版本" in i for i in texts(at, "info"))


def test_an_uploaded_version_that_drops_a_used_reason_cannot_be_switched_to(world):
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"].pop(1)  # 每缺一处签名 removed (F2 uses it)
    at = signed_in_app(world["lead"], "standards")
    at.segmented_control(key="impact_source").set_value("upload").run()
    assert not at.exception, at.exception
    upload = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    at.file_uploader(key="impact_upload").set_value(("本局标准.yaml", upload, "application/x-yaml")).run()
    assert not at.exception, at.exception
    _run_impact(at)
    assert any("不能容纳 1 处已有评分" in e for e in texts(at, "error"))
    assert at.button(key="impact_switch").disabled


def test_reviewers_do_not_see_the_section(world):
    at = signed_in_app(world["r1"], "standards")
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "impact_run"]
    assert not any("影响评估" in m for m in texts(at, "markdown"))
