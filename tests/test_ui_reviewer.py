"""The reviewer's pages: My files, Scoring a file (running total, drafts kept across reruns and page switches,
stale-save conflict, submit and lock) and blind review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scoring.assignments import assign
from scoring.campaigns import create_campaign, spec_from_options
from scoring.db.models import Assignment, Review
from scoring.db.session import open_db, session_factory, transaction
from scoring.marks import Marks
from scoring.reviews import marks_of, open_review, save_draft, submit_review
from scoring.rubric.loader import RubricLibrary
from scoring.ui import score_store
from scoring.users import create_user
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
    assert _review_of(world, world["a1"]).status == "draft"  # opened: the draft exists


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


def test_a_lead_has_no_queue(world):
    at = signed_in_app(world["lead"])
    with pytest.raises(ValueError):
        at.switch_page(page_path("my_files"))


# ------------------------------------------------------------------------------------------ scoring


def test_running_total_follows_the_marks_and_a_draft_save_persists(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    # 80 points apply (A2, hearing, does not apply to this file): nothing deducted yet.
    assert _metric(at, "得分（得分率）") == "100.00"
    assert _metric(at, "实得 / 应得分") == "80 / 80"
    assert any("不适用（仅适用于：举行听证）" in m for m in texts(at, "markdown"))
    _deduct(at, "A1", "a")
    assert _metric(at, "得分（得分率）") == "93.75"  # (80 - 5) / 80
    _widget(at.multiselect, "|A1|reasons").set_value(["a", "b"]).run()
    _widget(at.number_input, "|A1|b|occ").set_value(3).run()
    assert _metric(at, "得分（得分率）") == "86.25"  # (80 - 5 - 3 x 2) / 80
    assert _metric(at, "等次") == "良好"
    assert any("本项扣 11 分" in c for c in texts(at, "caption"))
    _widget(at.text_input, "|A1|a|page").input("3").run()
    _widget(at.text_input, "|A1|b|page").input("5-6").run()
    _widget(at.text_input, "|A1|b|comment").input("三处未签名").run()
    _widget(at.segmented_control, "|B1|choice").set_value("na").run()
    assert _metric(at, "得分（得分率）") == "72.50"  # B1 N/A leaves A1 only: 29 / 40
    at.button(key=f"score_save_{rid}").click().run()
    assert not at.exception, at.exception
    assert "草稿已保存（版本 2）。" in texts(at, "success")
    with _session(world) as s:
        review = s.get(Review, rid)
        assert review.version == 2 and review.total == Decimal("72.50")
        assert marks_of(review) == Marks.model_validate({"items": {
            "A1": {"deductions": [{"reason": "a", "occurrences": 1, "page": "3"},
                                  {"reason": "b", "occurrences": 3, "page": "5-6", "comment": "三处未签名"}]},
            "B1": {"na": True}}})
    assert any("所有修改均已保存（版本 2）。" in m for m in texts(at, "markdown"))


def test_english_labels(world):
    at = _open_score_page(world, "a", world["a0"])
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert not at.exception, at.exception
    assert texts(at, "title") == ["Scoring a file"]
    choice = _widget(at.segmented_control, "|B1|choice")
    assert choice.options == ["OK", "Deduct", "N/A"]
    assert _widget(at.segmented_control, "|A1|choice").options == ["OK", "Deduct"]  # A1 may not be N/A


def test_a_deduction_without_a_reason_is_refused_with_a_clear_message(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    _widget(at.segmented_control, "|A1|choice").set_value("deduct").run()
    assert "评分尚不完整，暂不能计算得分；请处理下列问题：" in texts(at, "warning")
    problems = _frames(at)[0]
    assert list(problems["位置"]) == ["A1 执法人员资格"]
    assert "no listed reason is chosen" in problems["问题"][0]
    at.button(key=f"score_save_{rid}").click().run()
    assert any("the scoring form is not complete" in e for e in texts(at, "error"))
    assert _review_of(world, world["a0"]).version == 1  # nothing saved
    # A bad media time is refused the same way, naming the reason.
    _widget(at.multiselect, "|A1|reasons").set_value(["a"]).run()
    _widget(at.text_input, "|A1|a|time").input("半小时").run()
    problems = _frames(at)[0]
    assert set(problems["位置"]) == {"A1 执法人员资格 · 未记载执法证号"}
    messages = " ".join(problems["问题"])
    assert "is not a time like 12:34" in messages and "needs the media file it belongs to" in messages


def test_a_deduction_beyond_the_item_maximum_floors_the_item(world):
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "B1", "a")
    _widget(at.number_input, "|B1|a|occ").set_value(45).run()
    assert not at.exception
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "more than item B1's maximum" not in shown
    assert _metric(at, "实得 / 应得分") == "40 / 80"  # 扣完为止: the whole item, and no more
    _widget(at.number_input, "|B1|a|occ").set_value(40).run()
    assert _metric(at, "实得 / 应得分") == "40 / 80"


def test_unsaved_input_survives_a_page_switch(world):
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "A1", "b")
    _widget(at.number_input, "|A1|b|occ").set_value(2).run()
    _widget(at.text_input, "|A1|b|comment").input("两处代签").run()
    at.switch_page(page_path("my_files")).run()
    assert texts(at, "title") == ["我的案卷"]
    at.switch_page(page_path("standards")).run()  # widgets of the scoring page are long gone
    at.switch_page(page_path("score")).run()
    assert not at.exception, at.exception
    assert _widget(at.segmented_control, "|A1|choice").value == "deduct"
    assert _widget(at.multiselect, "|A1|reasons").value == ["b"]
    assert _widget(at.number_input, "|A1|b|occ").value == 2
    assert _widget(at.text_input, "|A1|b|comment").value == "两处代签"
    assert _metric(at, "得分（得分率）") == "95.00"
    assert any("有未保存的修改。" in m for m in texts(at, "markdown"))
    with _session(world) as s:
        assert s.get(Assignment, world["a0"]).review.marks == []  # never saved behind the reviewer's back
    # An unchosen reason keeps what was typed for it.
    _widget(at.multiselect, "|A1|reasons").set_value([]).run()
    _widget(at.multiselect, "|A1|reasons").set_value(["b"]).run()
    assert _widget(at.text_input, "|A1|b|comment").value == "两处代签"


def test_submit_needs_confirmation_and_a_location(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    _deduct(at, "A1", "a")
    assert at.button(key=f"score_submit_{rid}").disabled
    _submit(at, rid)
    errors = " ".join(texts(at, "error"))
    assert "cannot submit yet" in errors
    problems = _frames(at)[-1]
    assert list(problems["位置"]) == ["A1 执法人员资格 · 未记载执法证号"]
    assert "needs where in the file the defect is" in problems["问题"][0]
    review = _review_of(world, world["a0"])
    assert review.status == "draft" and review.version == 1  # save and submit are one change: nothing kept
    assert _widget(at.multiselect, "|A1|reasons").value == ["a"]  # the input is kept


def test_submit_with_confirmation_locks_the_review(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    _deduct(at, "A1", "a")
    _widget(at.text_input, "|A1|a|page").input("12").run()
    _widget(at.checkbox, "|veto|V1|on").check().run()
    assert _metric(at, "得分（得分率）") == "0.00"  # V1's effect: the total becomes 0
    assert _metric(at, "等次") == "不合格"
    assert any("否决项结果：总分计为 0（执法主体不合法）" in e for e in texts(at, "error"))
    _widget(at.text_input, "|veto|V1|media").input("现场检查.mp4").run()
    _widget(at.text_input, "|veto|V1|time").input("00:03:15").run()
    _submit(at, rid)
    assert "评分已提交：0.00 分，不合格。" in texts(at, "success")
    assert any("已提交并锁定" in s for s in texts(at, "success"))
    assert not at.segmented_control and not at.multiselect and not at.text_input  # read-only
    deductions = _frames(at)[0]
    assert list(deductions["位置"]) == ["第12页"]
    with _session(world) as s:
        review = s.get(Review, rid)
        assert review.status == "submitted" and review.total == Decimal("0.00") and review.veto
        assert marks_of(review).vetoes["V1"].media_time == "00:03:15"
    assert score_store.form_key(rid) not in at.session_state


# ------------------------------------------------------------------------------------------ stale save


def _other_tab(world, version: int) -> None:
    """Reviewer A saves from another tab: B1 deducted twice."""
    with transaction(world["engine"]) as s:
        from scoring.db.models import User

        review = s.get(Assignment, world["a0"]).review
        save_draft(s, s.get(User, world["a"]), review.id, Marks.model_validate(
            {"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 2, "page": "8", "comment": "另一标签页"}]}}}),
            expected_version=version)


def test_stale_save_shows_the_current_values_and_keeps_the_input(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    _deduct(at, "A1", "a")
    _widget(at.text_input, "|A1|a|page").input("3").run()
    _other_tab(world, version=1)
    at.button(key=f"score_save_{rid}").click().run()
    assert not at.exception, at.exception
    assert any("本评分已在别处被修改（当前为版本 2）" in w for w in texts(at, "warning"))
    diff = _frames(at)[0]
    rows = dict(zip(diff["评查项目"], zip(diff["当前保存的内容"], diff["我的输入"], strict=True), strict=True))
    assert rows["A1 执法人员资格"] == ("符合", "扣分：未记载执法证号（第3页）")
    assert rows["B1 文书制作"] == ("扣分：文书错别字×2（第8页）：另一标签页", "符合")
    assert any("当前保存的评分：97.50 分" in c for c in texts(at, "caption"))
    # The reviewer's input is still in the form, and nothing was overwritten.
    assert _widget(at.multiselect, "|A1|reasons").value == ["a"]
    assert _metric(at, "得分（得分率）") == "93.75"
    assert at.button(key=f"score_save_{rid}").disabled
    with _session(world) as s:
        assert set(marks_of(s.get(Review, rid)).items) == {"B1"}
    # Keep mine: saved over version 2 knowingly.
    at.button(key=f"score_conflict_keep_{rid}").click().run()
    assert not at.exception, at.exception
    assert "草稿已保存（版本 3）。" in texts(at, "success")
    assert not any("别处被修改" in w for w in texts(at, "warning"))
    with _session(world) as s:
        assert marks_of(s.get(Review, rid)) == Marks.model_validate(
            {"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}}})


def test_stale_save_can_load_the_current_values(world):
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    _deduct(at, "A1", "a")
    _other_tab(world, version=1)
    at.button(key=f"score_save_{rid}").click().run()
    at.button(key=f"score_conflict_load_{rid}").click().run()
    assert not at.exception, at.exception
    assert _widget(at.segmented_control, "|A1|choice").value == "ok"
    assert _widget(at.segmented_control, "|B1|choice").value == "deduct"
    assert _widget(at.text_input, "|B1|a|comment").value == "另一标签页"
    assert _metric(at, "得分（得分率）") == "97.50"
    assert any("所有修改均已保存（版本 2）。" in m for m in texts(at, "markdown"))
    # The next save is made against version 2 and goes through.
    _widget(at.number_input, "|B1|a|occ").set_value(4).run()
    at.button(key=f"score_save_{rid}").click().run()
    assert "草稿已保存（版本 3）。" in texts(at, "success")


# ------------------------------------------------------------------------------------------ blind review


def test_blind_review_shows_nothing_of_others_until_submitted(world):
    _core_review(world, "b", world["b0"], {"items": {"B1": {"deductions": [
        {"reason": "a", "occurrences": 7, "page": "9", "comment": B_COMMENT}]}}}, submit=True)  # 73/80 = 91.25
    at = signed_in_app(world["a"], "my_files")
    assert not _shows(at, B_COMMENT) and not _shows(at, "91.25") and not _shows(at, "评查员乙")
    at = _open_score_page(world, "a", world["a0"])
    rid = _review_of(world, world["a0"]).id
    assert not _shows(at, B_COMMENT) and not _shows(at, "91.25") and not _shows(at, "评查员乙")
    _deduct(at, "A1", "a")
    _widget(at.text_input, "|A1|a|page").input("4").run()
    at.button(key=f"score_save_{rid}").click().run()
    assert not _shows(at, B_COMMENT) and not _shows(at, "91.25") and not _shows(at, "评查员乙")
    _submit(at, rid)
    assert _shows(at, "评查员乙") and _shows(at, "91.25") and _shows(at, B_COMMENT)
    comparison = _frames(at)[-2]
    rows = {r["评查项目"]: (r["我的扣分"], r["评查员乙"], r["不同"]) for _, r in comparison.iterrows()}
    assert rows == {"A1 执法人员资格": ("5", "0", "≠"), "B1 文书制作": ("0", "7", "≠")}


def test_after_submitting_drafts_of_others_stay_hidden(world):
    _core_review(world, "b", world["b0"], {"items": {"B1": {"deductions": [
        {"reason": "a", "occurrences": 7, "page": "9", "comment": B_COMMENT}]}}})  # a draft only
    _core_review(world, "a", world["a0"], {}, submit=True)
    at = _open_score_page(world, "a", world["a0"])
    assert "其他评查人员尚未提交本案卷的评分。" in texts(at, "caption")
    assert not _shows(at, B_COMMENT) and not _shows(at, "评查员乙")


def test_a_reviewer_cannot_open_another_reviewers_file(world):
    at = _open_score_page(world, "a", world["b2"])
    assert any("is not assigned to ra" in e for e in texts(at, "error"))
    assert _review_of(world, world["b2"]) is None
    assert not at.segmented_control


def test_with_nothing_unsaved_the_form_follows_a_save_made_elsewhere(world):
    at = _open_score_page(world, "a", world["a0"])
    # The picker offers only the reviewer's own files.
    assert _shows(at, "东水罚〔2024〕2号") and not _shows(at, "东水罚〔2024〕3号")
    _other_tab(world, version=1)
    at.run()
    assert "本评分已在别处更新（版本 2），已载入最新内容。" in texts(at, "info")
    assert _widget(at.segmented_control, "|B1|choice").value == "deduct"
    assert _metric(at, "得分（得分率）") == "97.50"
