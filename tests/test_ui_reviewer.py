"""The reviewer's pages: My files, Scoring a file (running total, drafts kept across reruns and page switches,
stale-save conflict, submit and lock) and blind review."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from scoring.accounts import create_user
from scoring.db.models import Assignment, Review
from scoring.db.session import open_db, session_factory, transaction
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.ui import score_store, widgets
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import open_review, save_draft, submit_review
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import page_path, signed_in_app, texts

B_COMMENT = "评查员乙的独家意见-卷宗第九页缺签名"


@pytest.fixture
def world(tmp_path, monkeypatch):
    """Units, a lead, reviewers A (甲) and B (乙) from other units, a campaign on the mini standard, three
    sampled files of 区水务局: A and B both score file 0; A alone file 1; B alone file 2."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    library = RubricLibrary.load([tmp_path / "rubrics"])
    engine = open_db(url)
    with transaction(engine) as s:
        f = Factory(s)
        home = f.unit("区水务局")
        f.unit("区市场监管局")
        f.unit("城桥镇", kind="town")
        lead = create_user(s, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
        a = create_user(s, username="ra", display_name="评查员甲", role="reviewer", unit_name="区市场监管局", actor=lead)
        b = create_user(s, username="rb", display_name="评查员乙", role="reviewer", unit_name="城桥镇", actor=lead)
        spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"}, anonymise=False)
        campaign = create_campaign(s, spec, library, lead)
        files = [f.case_file(home, case_number=f"东水罚〔2024〕{n}号", hearing_held=False) for n in (1, 2, 3)]
        f.sample(campaign, files)
        a0, b0 = assign(s, lead, campaign, files[0], a), assign(s, lead, campaign, files[0], b)
        a1, b2 = assign(s, lead, campaign, files[1], a), assign(s, lead, campaign, files[2], b)
        ids = dict(lead=lead.id, a=a.id, b=b.id, campaign=campaign.id, files=[x.id for x in files],
                   a0=a0.id, b0=b0.id, a1=a1.id, b2=b2.id)
    yield dict(engine=engine, **ids)
    engine.dispose()


def _session(world):
    return session_factory(world["engine"])()


def _review_of(world, assignment_id: int) -> Review | None:
    with _session(world) as s:
        return s.get(Assignment, assignment_id).review


def _core_review(world, user_key: str, assignment_id: int, marks: dict, *, submit: bool = False) -> int:
    """Score through the core, as another tab or another person would."""
    with transaction(world["engine"]) as s:
        from scoring.db.models import User

        actor = s.get(User, world[user_key])
        review = open_review(s, actor, assignment_id)
        s.flush()
        save_draft(s, actor, review.id, Marks.model_validate(marks), expected_version=review.version)
        if submit:
            submit_review(s, actor, review.id, expected_version=review.version)
        return review.id


def _open_score_page(world, user_key: str, assignment_id: int):
    at = signed_in_app(world[user_key])
    at.session_state[score_store.SELECTED] = assignment_id
    at.switch_page(page_path("score")).run()
    assert not at.exception, at.exception
    return at


def _widget(items, suffix: str):
    found = [w for w in items if str(w.key).endswith(suffix)]
    assert len(found) == 1, (suffix, [w.key for w in items])
    return found[0]


def _metric(at, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def _page_bytes(at) -> bytes:
    """Everything the page sent to the browser (every element's message, tables included), as bytes."""
    def walk(node) -> bytes:  # noqa: ANN001
        out = b""
        proto = getattr(node, "proto", None)
        if proto is not None:
            out += proto.SerializeToString()
        for child in getattr(node, "children", {}).values():
            out += walk(child)
        return out

    return walk(at._tree)


def _shows(at, text: str) -> bool:
    return text.encode("utf-8") in _page_bytes(at)


def _deduct(at, item: str, *reasons: str):
    _widget(at.segmented_control, f"|{item}|choice").set_value("deduct").run()
    _widget(at.multiselect, f"|{item}|reasons").set_value(list(reasons)).run()
    assert not at.exception, at.exception
    return at


def _frames(at):
    return [d.value for d in at.dataframe]


def _submit(at, review_id: int):
    at.checkbox(key=f"score_confirm_{review_id}").check().run()
    at.button(key=f"score_submit_{review_id}").click().run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------------------------------ my files

def test_my_files_lists_only_own_assignments_with_status_and_progress(world):
    _core_review(world, "a", world["a0"], {"items": {"A1": {"deductions": [{"reason": "a", "page": "2"}]}}})
    _core_review(world, "b", world["b2"], {}, submit=True)
    at = signed_in_app(world["a"], "my_files")
    assert not at.exception, at.exception
    assert texts(at, "title") == ["我的案卷"]
    assert _shows(at, "东水罚〔2024〕1号") and _shows(at, "东水罚〔2024〕2号")
    assert not _shows(at, "东水罚〔2024〕3号")  # B's file only
    shown = " ".join(texts(at, "markdown"))
    assert "草稿" in shown and "未开始" in shown and "93.75 · 优秀" in shown
    assert at.progress[0].proto.text == "已提交 0 / 2 本"
    assert [m.value for m in at.metric] == ["1", "1", "0"]
    assert [b.label for b in at.button if str(b.key).startswith("myfiles_open_")] == ["继续评查", "开始评查"]
    # The status filter narrows the list.
    at.segmented_control(key="myfiles_filter").set_value("not_started").run()
    assert not _shows(at, "东水罚〔2024〕1号") and _shows(at, "东水罚〔2024〕2号")
    # Opening a file goes to the scoring page with that file.
    at.segmented_control(key="myfiles_filter").set_value("all").run()
    at.button(key=f"myfiles_open_{world['a1']}").click().run()
    assert not at.exception, at.exception
    assert texts(at, "title") == ["案卷评分"]
    assert texts(at, "subheader")[0] == "东水罚〔2024〕2号"
    assert _review_of(world, world["a1"]) is None  # opening a file creates nothing


def test_a_long_queue_is_shown_a_page_at_a_time(world, monkeypatch):
    """A queue of thousands of files draws one page of rows, so the page costs the same at any size."""
    monkeypatch.setattr(widgets, "PAGE_SIZE", 1)
    at = signed_in_app(world["a"], "my_files")
    assert not at.exception, at.exception
    opens = [b.key for b in at.button if str(b.key).startswith("myfiles_open_")]
    assert opens == [f"myfiles_open_{world['a0']}"]
    assert "第 1–1 本，共 2 本" in texts(at, "caption")
    at.number_input(key="myfiles_page").set_value(2).run()
    assert [b.key for b in at.button if str(b.key).startswith("myfiles_open_")] == [f"myfiles_open_{world['a1']}"]
    # When the list fits on one page again, it is shown whole, without a page picker.
    monkeypatch.setattr(widgets, "PAGE_SIZE", 50)
    at.run()
    assert not at.exception, at.exception
    assert len([b for b in at.button if str(b.key).startswith("myfiles_open_")]) == 2
    assert not at.number_input


def test_my_files_hides_units_when_the_campaign_is_anonymised(world):
    from scoring.db.models import Campaign

    with transaction(world["engine"]) as s:
        s.get(Campaign, world["campaign"]).anonymise = True
    at = signed_in_app(world["a"], "my_files")
    assert not _shows(at, "区水务局")
    assert "（单位已隐去）" in " ".join(texts(at, "markdown"))


def test_scoring_page_without_a_chosen_file_asks_for_one(world):
    at = signed_in_app(world["a"], "score")
    assert not at.exception, at.exception
    assert "请选择要评查的案卷，或从“我的案卷”打开。" in texts(at, "info")
    assert not at.segmented_control and _review_of(world, world["a0"]) is None  # nothing opened
    at.selectbox(key="score_pick").set_value(world["a1"]).run()
    assert texts(at, "subheader")[0] == "东水罚〔2024〕2号"
    assert at.query_params["assignment"] == str(world["a1"])


def _long_queue(world, extra: int) -> list[int]:
    """`extra` more files of 区水务局 assigned to reviewer A (numbered 4, 5, ...); A's assignments in order."""
    from scoring.db.models import Campaign, Unit, User

    with transaction(world["engine"]) as s:
        f = Factory(s)
        home = s.query(Unit).filter_by(name="区水务局").one()
        campaign, lead, a = s.get(Campaign, world["campaign"]), s.get(User, world["lead"]), s.get(User, world["a"])
        files = [f.case_file(home, case_number=f"东水罚〔2024〕{n}号", hearing_held=False) for n in range(4, 4 + extra)]
        f.sample(campaign, files)
        for cf in files:
            assign(s, lead, campaign, cf, a)
        return list(s.scalars(sa.select(Assignment.id).where(Assignment.reviewer_id == a.id).order_by(Assignment.id)))


def test_the_scoring_picker_lists_a_page_of_a_long_queue_with_previous_next_and_search(world):
    ids = _long_queue(world, 57)  # 59 files: the picker lists the 50 around the chosen one, not all 59
    at = _open_score_page(world, "a", ids[-1])
    pick = at.selectbox(key="score_pick")
    assert pick.options and len(pick.options) == 9 and pick.value == ids[-1]  # files 51-59
    assert "第 59 / 59 本 · 列表显示第 51–59 本，共 59 本" in texts(at, "caption")
    assert at.button(key="score_next").disabled and not at.button(key="score_prev").disabled
    at.button(key="score_prev").click().run()
    assert not at.exception, at.exception
    assert texts(at, "subheader")[0] == "东水罚〔2024〕59号" and at.query_params["assignment"] == str(ids[-2])
    at.text_input(key="score_find").input("〔2024〕7号").run()
    assert at.selectbox(key="score_pick").options == ["东水罚〔2024〕59号 · 未开始 · 2024年度评查",
                                                      "东水罚〔2024〕7号 · 未开始 · 2024年度评查"]
    assert "案号匹配 1 本，显示前 1 本" in texts(at, "caption")
    at.selectbox(key="score_pick").set_value(ids[5]).run()
    assert texts(at, "subheader")[0] == "东水罚〔2024〕7号" and at.query_params["assignment"] == str(ids[5])
    at.text_input(key="score_find").input("").run()
    assert len(at.selectbox(key="score_pick").options) == 50 and "第 6 / 59 本" in texts(at, "caption")[0]


def test_a_lead_has_no_queue(world):
    at = signed_in_app(world["lead"])
    with pytest.raises(ValueError):
        at.switch_page(page_path("my_files"))


# ------------------------------------------------------------------------------------------ scoring


def test_english_labels(world):
    at = _open_score_page(world, "a", world["a0"])
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert not at.exception, at.exception
    assert texts(at, "title") == ["Scoring a file"]
    choice = _widget(at.segmented_control, "|B1|choice")
    assert choice.options == ["OK", "Deduct", "N/A"]
    assert _widget(at.segmented_control, "|A1|choice").options == ["OK", "Deduct"]  # A1 may not be N/A


# ------------------------------------------------------------------------------------------ blind review


def test_after_submitting_drafts_of_others_stay_hidden(world):
    _core_review(world, "b", world["b0"], {"items": {"B1": {"deductions": [
        {"reason": "a", "occurrences": 7, "page": "9", "comment": B_COMMENT}]}}})  # a draft only
    _core_review(world, "a", world["a0"], {}, submit=True)
    at = _open_score_page(world, "a", world["a0"])
    assert "其他评查人员尚未提交本案卷的评分。" in texts(at, "caption")
    assert not _shows(at, B_COMMENT) and not _shows(at, "评查员乙")


def test_a_reviewer_cannot_open_another_reviewers_file(world):
    at = _open_score_page(world, "a", world["b2"])
    assert any("没有分配给ra" in e for e in texts(at, "error"))
    assert _review_of(world, world["b2"]) is None
    assert not at.segmented_control

