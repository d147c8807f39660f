"""The scoring form asks the attributes the reviewer answers (items follow the answers live, the result
marks them as answered by the reviewer) and takes bonus items (加分项), capped as the engine says."""

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
from tests.test_ui_helpers import texts
from tests.test_ui_reviewer import _deduct, _metric, _open_score_page, _widget

BONUS = [{"id": "X1", "title": "示范加分", "max": 3, "awards": [
    {"id": "a", "reason": "案卷被评为示范案卷", "points": 2},
    {"id": "b", "reason": "说理充分", "per_occurrence": 0.5, "cap": 1}]}]


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The mini standard whose A2 (20) applies only when a seizure was made (answered by the reviewer),
    with a bonus item; one file of 区水务局 scored by reviewer A."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    data = standard_dict(bonus=BONUS)
    data["sections"][0]["items"][1]["applies_when"] = {"seizure_made": True}
    data["sections"][0]["items"][1]["allow_na"] = False
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


def _review(world):
    with session_factory(world["engine"])() as s:
        return s.get(Assignment, world["a0"]).review


def _all_text(at) -> str:
    return " ".join(texts(at, "markdown") + texts(at, "caption"))


def _question(at):
    return at.segmented_control(key=f"live_attr|{at.session_state['score_assignment']}|seizure_made")


def test_the_question_comes_first_and_the_items_follow_the_answer(world):
    at = _open_score_page(world, "a", world["a0"])
    question = _question(at)
    assert question.label == "实施查封扣押" and question.options == ["是", "否"] and question.value is None
    assert "请先回答：本案卷的情况" in _all_text(at)
    # Unanswered: A2 cannot be decided (not on the form), and the missing list asks for the answer.
    assert not [w for w in at.segmented_control if str(w.key).endswith("|A2|choice")]
    assert "请回答：实施查封扣押" in _all_text(at)
    assert _metric(at, "当前得分") == "100.00" and "得分 80 / 80" in _all_text(at)
    assert _review(world) is None  # opening created nothing
    # Yes: A2 applies at once; the answer is stored on a review made by it, and counts as the reviewer's.
    _question(at).set_value("yes").run()
    assert not at.exception, at.exception
    assert _widget(at.segmented_control, "|A2|choice") is not None
    assert "得分 100 / 100" in _all_text(at) and "请回答：实施查封扣押" not in _all_text(at)
    review = _review(world)
    assert review.answers == {"seizure_made": True}
    assert review.result["attributes"] == {"seizure_made": {"value": "True", "source": "reviewer"}}
    # A deduction on A2, then "no": refused by the core (the item has a deduction); the answer stays yes.
    _deduct(at, "A2", "a")
    _widget(at.text_input, "|A2|a|page").input("3").run()
    _question(at).set_value("no").run()
    assert not at.exception, at.exception
    assert any("回答未保存" in e for e in texts(at, "error"))
    assert _question(at).value == "yes" and _review(world).answers == {"seizure_made": True}
    # Take the deduction back, then "no": A2 is left out and the score re-based on 80.
    _widget(at.segmented_control, "|A2|choice").set_value("ok").run()
    _question(at).set_value("no").run()
    assert not [w for w in at.segmented_control if str(w.key).endswith("|A2|choice")]
    assert "得分 80 / 80" in _all_text(at) and _review(world).answers == {"seizure_made": False}
    # Submitted: the read-only view says the value came from the reviewer.
    at.checkbox(key=f"live_confirm_{world['a0']}").check().run()
    at.button(key=f"live_submit_{world['a0']}").click().run()
    assert not at.exception, at.exception
    assert _review(world).status == "submitted"
    assert "实施查封扣押：否（评查人员回答）" in _all_text(at)


def test_submitting_waits_for_the_answer(world):
    at = _open_score_page(world, "a", world["a0"])
    at.checkbox(key=f"live_confirm_{world['a0']}").check().run()
    at.button(key=f"live_submit_{world['a0']}").click().run()
    assert not at.exception, at.exception
    assert any("尚有 1 处未完成" in e for e in texts(at, "error"))
    assert _review(world) is None or _review(world).status == "draft"


def test_english_question(world):
    at = _open_score_page(world, "a", world["a0"])
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert _question(at).label == "Seizure made" and _question(at).options == ["Yes", "No"]


def test_bonus_items_have_their_own_section_and_count_capped(world):
    at = _open_score_page(world, "a", world["a0"])
    assert "加分项" in texts(at, "subheader")
    awards = _widget(at.multiselect, "|X1|awards")
    assert awards.options == ["案卷被评为示范案卷（加 2 分）", "说理充分（每处加 0.5 分，最多加 1 分）"]
    _deduct(at, "A1", "a")  # 80 applicable (A2 undecided): 75 / 80 = 93.75
    assert _metric(at, "当前得分") == "93.75"
    _widget(at.multiselect, "|X1|awards").set_value(["a"]).run()
    _widget(at.text_input, "|X1|a|page").input("1").run()
    assert not at.exception, at.exception
    assert _metric(at, "当前得分") == "95.75"  # + 2 on the 100 scale
    assert "加分 2 分" in _all_text(at)
    _widget(at.multiselect, "|X1|awards").set_value(["a", "b"]).run()
    _widget(at.number_input, "|X1|b|occ").set_value(3).run()
    # 2 + 3 x 0.5 (at most 1) = 3 asked, the item's maximum 3: 93.75 + 3 = 96.75.
    assert _metric(at, "当前得分") == "96.75"
    assert "本项加 3 分（上限 3 分）" in _all_text(at)
    _widget(at.multiselect, "|X1|awards").set_value(["a"]).run()
    _widget(at.multiselect, "|X1|awards").set_value(["a", "b"]).run()  # details kept while unchosen
    assert _widget(at.number_input, "|X1|b|occ").value == 3
    with session_factory(world["engine"])() as s:
        review = s.get(Assignment, world["a0"]).review
        assert review.total == 96.75 and {m.item_id for m in review.marks} == {"A1", "X1"}
        bonus_rows = sorted((m.status, m.reason_id, m.occurrences) for m in review.marks if m.item_id == "X1")
        assert bonus_rows == [("bonus", "a", 1), ("bonus", "b", 3)]
