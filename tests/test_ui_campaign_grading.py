"""The Campaigns page sets a standard's own bands in the campaign, the unit bands and the tie-break rule
(through the campaign spec; the core checks them and says what is wrong in the page's language)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from scoring.db.models import Campaign
from scoring.db.session import session_factory
from scoring.ui.pages.campaigns import bands_from_text
from tests.test_ui_helpers import signed_in_app, texts
from tests.test_ui_pages import _campaign_form, db, ids  # noqa: F401  (fixtures)

SUBMIT = "FormSubmitter:create_campaign-创建"


def test_bands_are_read_as_written():
    assert bands_from_text("优秀 90 / 合格 ≥60、不合格 0分") == [
        {"name": "优秀", "min": "90"}, {"name": "合格", "min": "60"}, {"name": "不合格", "min": "0"}]
    assert bands_from_text("优秀") == [{"name": "优秀", "min": None}]


def test_bands_per_standard_unit_bands_and_the_tie_rule_are_set_on_creation(db, ids):  # noqa: F811
    at = signed_in_app(ids["lead"], "campaigns")
    at.multiselect(key="camp_override").set_value(["mini"]).run()
    assert at.text_input(key="camp_ovr_bands_mini").value == "优秀 90 / 良好 80 / 合格 60 / 不合格 0"
    at.text_input(key="camp_ovr_bands_mini").input("优秀 85 / 合格 60 / 不合格 0")
    at.checkbox(key="camp_unit_same").uncheck().run()
    at.text_input(key="camp_unit_bands").input("好 90 / 较好 80 / 一般 60 / 差 0")
    at.selectbox(key="camp_tie_break").set_value("sum_of_totals")
    assert at.selectbox(key="camp_tie_break").options[1] == "案卷得分之和（高者在前）"
    _campaign_form(at, "2024年度评查")
    at.button(key=SUBMIT).click().run()
    assert not at.exception, at.exception
    assert any("2024年度评查" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        c = s.scalar(select(Campaign))
        assert c.tie_break == "sum_of_totals"
        assert [b["name"] for b in c.unit_bands] == ["好", "较好", "一般", "差"]
        row = c.standards[0]
        assert [(b["name"], Decimal(str(b["min"]))) for b in row.grade_bands] == [
            ("优秀", 85), ("合格", 60), ("不合格", 0)]
        assert row.pass_line == 60


def test_bands_the_core_refuses_are_explained_in_the_page_language(db, ids):  # noqa: F811
    at = signed_in_app(ids["lead"], "campaigns")
    at.checkbox(key="camp_unit_same").uncheck().run()
    at.text_input(key="camp_unit_bands").input("优秀 90 / 合格 50")
    _campaign_form(at, "2024年度评查")
    at.button(key=SUBMIT).click().run()
    assert not at.exception, at.exception
    shown = " ".join(texts(at, "error")) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "最低一个等次的最低分必须为0" in shown and "单位等次划分" in shown
    with session_factory(db)() as s:
        assert s.scalar(select(Campaign)) is None


def test_choice_lists_prompt_in_the_page_language(db, ids):  # noqa: F811
    """Streamlit's own "Choose options" would show on a Chinese page without a placeholder of ours."""
    at = signed_in_app(ids["lead"], "campaigns")
    assert at.multiselect(key="camp_override").placeholder == "请选择"
    at = signed_in_app(ids["lead"], "campaigns", lang="en")
    assert at.multiselect(key="camp_override").placeholder == "Choose"
