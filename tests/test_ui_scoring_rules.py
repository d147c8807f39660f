"""The scoring form with the new rules: an "其他问题" deduction with its points and comment, a range
reason's points, and a count far beyond the item that must be confirmed before submitting."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.accounts import create_user
from scoring.db.models import Assignment
from scoring.db.session import open_db, session_factory, transaction
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_reviewer import _deduct, _metric, _open_score_page, _widget


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    data = standard_dict()
    data["sections"][0]["items"][0]["allow_other"] = {"max": 3}
    data["sections"][0]["items"][0]["deductions"].append(
        {"id": "c", "reason": "视情节扣分", "range": {"min": 1, "max": 4}})
    write_yaml(tmp_path / "rubrics" / "mini.yaml", data)
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    library = RubricLibrary.load([tmp_path / "rubrics"])
    engine = open_db(url)
    with transaction(engine) as s:
        f = Factory(s)
        home = f.unit("区水务局")
        f.unit("区市场监管局")
        lead = create_user(s, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                           bootstrap=True)
        a = create_user(s, username="ra", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                        actor=lead)
        spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"}, reviewers_per_file=1)
        campaign = create_campaign(s, spec, library, lead)
        cf = f.case_file(home, case_number="东水罚〔2024〕1号", hearing_held=False)
        f.sample(campaign, [cf])
        a0 = assign(s, lead, campaign, cf, a)
        ids = dict(lead=lead.id, a=a.id, a0=a0.id)
    yield dict(engine=engine, **ids)
    engine.dispose()


def test_other_and_range_points_are_entered_on_the_form(world):
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "A1", "other", "c")
    labels = _widget(at.multiselect, "|A1|reasons").options
    assert "其他问题（酌情扣分，最多 3 分，须说明理由）" in labels and "视情节扣分（扣 1–4 分，酌定）" in labels
    _widget(at.number_input, "|A1|other|pts").set_value(2.5).run()
    _widget(at.text_input, "|A1|other|comment").input("送达回证日期涂改").run()
    _widget(at.number_input, "|A1|c|pts").set_value(3.0).run()
    _widget(at.text_input, "|A1|c|comment").input("告知不完整").run()
    assert not at.exception, at.exception
    # 80 applicable (A2 needs a hearing): 2.5 + 3 deducted: 74.5 / 80 = 93.125 -> 93.13.
    assert _metric(at, "当前得分") == "93.13"


def test_a_count_far_beyond_the_item_is_confirmed_before_submitting(world):
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "B1", "a")
    _widget(at.number_input, "|B1|a|occ").set_value(500).run()
    _widget(at.text_input, "|B1|a|page").input("7").run()
    assert any("填写了500处" in w.value and "请核对处数" in w.value for w in at.warning)  # in the page's language
    at.checkbox(key=f"live_confirm_{world['a0']}").check().run()
    submit = at.button(key=f"live_submit_{world['a0']}")
    assert submit.disabled  # the warning is not confirmed yet
    at.checkbox(key=f"live_warn_ok_{world['a0']}").check().run()
    at.button(key=f"live_submit_{world['a0']}").click().run()
    assert not at.exception, at.exception
    with session_factory(world["engine"])() as s:
        review = s.get(Assignment, world["a0"]).review
        assert review.status == "submitted" and str(review.total) == "50.00"
