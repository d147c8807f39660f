"""The scoring form's new states (AppTest): autosave, opening creates nothing, no error while filling in,
missing inputs listed on submit and marked at the item, the conflict panel, the case file beside the form."""

from __future__ import annotations

from decimal import Decimal

from scoring import case_pdfs
from scoring.db.models import Assignment, Review, User
from scoring.db.session import transaction
from scoring.marks import Marks
from scoring.ui import pdf_viewer
from scoring.workflow.reviews import marks_of, save_first_or_draft
from tests import test_ui_reviewer
from tests.pdf_builders import make_pdf
from tests.test_ui_helpers import page_path, texts
from tests.test_ui_reviewer import (
    B_COMMENT,
    _core_review,
    _open_score_page,
    _review_of,
    _session,
    _shows,
    _widget,
)

world = test_ui_reviewer.world  # the reviewer pages' world: units, lead, reviewers A and B, three files


def _panel(at) -> str:
    return " ".join(texts(at, "markdown") + texts(at, "caption"))


def _score(at) -> str:
    return next(str(m.value) for m in at.metric if m.label == "当前得分")


def _deduct(at, item: str, *reasons: str):
    _widget(at.segmented_control, f"|{item}|choice").set_value("deduct").run()
    _widget(at.multiselect, f"|{item}|reasons").set_value(list(reasons)).run()
    assert not at.exception, at.exception
    return at


def _submit(at, assignment_id: int):
    at.checkbox(key=f"live_confirm_{assignment_id}").check().run()
    at.button(key=f"live_submit_{assignment_id}").click().run()
    assert not at.exception, at.exception
    return at


def test_every_change_is_saved_without_a_click_and_opening_created_nothing(world):
    at = _open_score_page(world, "a", world["a0"])
    assert _review_of(world, world["a0"]) is None  # opened: nothing stored
    assert "尚未评分：打分后自动保存" in _panel(at)
    assert _score(at) == "100.00" and "得分 80 / 80" in _panel(at)
    _deduct(at, "A1", "a")
    assert _score(at) == "93.75"  # (80 - 5) / 80
    assert "已自动保存" in _panel(at)
    review = _review_of(world, world["a0"])
    assert review is not None and review.total == Decimal("93.75")
    _widget(at.multiselect, "|A1|reasons").set_value(["a", "b"]).run()
    _widget(at.number_input, "|A1|b|occ").set_value(3).run()
    _widget(at.text_input, "|A1|b|page").input("5-6").run()
    _widget(at.text_input, "|A1|b|comment").input("三处未签名").run()
    _widget(at.segmented_control, "|B1|choice").set_value("na").run()
    assert _score(at) == "72.50" and any("本项扣 11 分" in c for c in texts(at, "caption"))
    with _session(world) as s:
        stored = s.get(Assignment, world["a0"]).review
        assert stored.total == Decimal("72.50")
        assert marks_of(stored) == Marks.model_validate({"items": {
            "A1": {"deductions": [{"reason": "a"}, {"reason": "b", "occurrences": 3, "page": "5-6",
                                                    "comment": "三处未签名"}]},
            "B1": {"na": True}}})
    # A page switch and back: the form shows what is stored.
    at.switch_page(page_path("standards")).run()
    at.switch_page(page_path("score")).run()
    assert _widget(at.text_input, "|A1|b|comment").value == "三处未签名" and _score(at) == "72.50"


def test_nothing_is_an_error_while_an_item_is_being_filled_in(world):
    at = _open_score_page(world, "a", world["a0"])
    _widget(at.segmented_control, "|A1|choice").set_value("deduct").run()
    assert not at.error and not at.warning  # no red box while the reason is still to be chosen
    assert _score(at) == "100.00"  # not counted yet
    assert "提交前尚需补充 1 处" in " ".join(e.label for e in at.expander)
    assert "有未保存的修改" in _panel(at)
    assert _review_of(world, world["a0"]) is None  # nothing to store yet
    _widget(at.multiselect, "|A1|reasons").set_value(["a"]).run()
    _widget(at.text_input, "|A1|a|time").input("半小时").run()
    assert not at.error
    assert "A1 执法人员资格 · 未记载执法证号：时间点、音视频文件或处数填写有误" in _panel(at)


def test_submit_lists_what_is_missing_marks_the_item_and_then_locks(world):
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "A1", "a")
    assert at.button(key=f"live_submit_{world['a0']}").disabled  # confirm first
    _submit(at, world["a0"])
    assert any("尚有 1 处未完成" in e for e in texts(at, "error"))
    assert "此项尚未完成" in _panel(at) and "请填写问题所在位置" in _panel(at)
    assert "](#mark-A1)" in _panel(at)  # the list links to the item
    assert _review_of(world, world["a0"]).status == "draft"
    _widget(at.text_input, "|A1|a|page").input("12").run()
    _widget(at.checkbox, "|veto|V1|on").check().run()
    assert _score(at) == "0.00"
    _widget(at.text_input, "|veto|V1|media").input("现场检查.mp4").run()
    _widget(at.text_input, "|veto|V1|time").input("00:03:15").run()
    at.button(key=f"live_submit_{world['a0']}").click().run()
    assert "评分已提交：0.00 分，不合格。" in texts(at, "success")
    assert not at.segmented_control  # read-only: no form input left, only the file picker's search
    assert [w.key for w in at.text_input] == ["score_find"]
    with _session(world) as s:
        review = s.get(Assignment, world["a0"]).review
        assert review.status == "submitted" and marks_of(review).vetoes["V1"].media_time == "00:03:15"


def _other_tab(world, expected: int) -> None:
    with transaction(world["engine"]) as s:
        save_first_or_draft(s, s.get(User, world["a"]), world["a0"], Marks.model_validate(
            {"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 2, "page": "8", "comment": "另一标签页"}]}}}),
            expected_version=expected)


def test_a_change_made_elsewhere_shows_the_conflict_panel_never_a_silent_overwrite(world):
    at = _open_score_page(world, "a", world["a0"])
    _other_tab(world, expected=0)  # another tab started the file meanwhile
    _deduct(at, "A1", "a")
    assert any("本评分已在别处被修改" in w for w in texts(at, "warning"))
    diff = at.dataframe[0].value
    rows = dict(zip(diff["评查项目"], zip(diff["当前保存的内容"], diff["我的输入"], strict=True), strict=True))
    assert rows["B1 文书制作"] == ("扣分：文书错别字×2（第8页）：另一标签页", "符合")
    with _session(world) as s:
        assert set(marks_of(s.get(Assignment, world["a0"]).review).items) == {"B1"}  # not overwritten
    at.button(key=f"live_conflict_keep_{world['a0']}").click().run()
    assert not at.exception, at.exception
    assert not any("别处被修改" in w for w in texts(at, "warning"))
    with _session(world) as s:
        assert set(marks_of(s.get(Assignment, world["a0"]).review).items) == {"A1"}


def test_the_conflict_panel_can_load_the_stored_marks(world):
    at = _open_score_page(world, "a", world["a0"])
    _other_tab(world, expected=0)
    _deduct(at, "A1", "a")
    at.button(key=f"live_conflict_load_{world['a0']}").click().run()
    assert not at.exception, at.exception
    assert _widget(at.segmented_control, "|A1|choice").value == "ok"
    assert _widget(at.text_input, "|B1|a|comment").value == "另一标签页"
    assert _score(at) == "97.50"


def test_blind_review_and_the_case_file_beside_the_form(world):
    _core_review(world, "b", world["b0"], {"items": {"B1": {"deductions": [
        {"reason": "a", "occurrences": 7, "page": "9", "comment": B_COMMENT}]}}}, submit=True)
    with transaction(world["engine"]) as s:
        case_pdfs.attach(s, s.get(User, world["lead"]), "东水罚〔2024〕1号", "卷宗.pdf", make_pdf(6))
    at = _open_score_page(world, "a", world["a0"])
    assert not _shows(at, B_COMMENT) and not _shows(at, "评查员乙")
    assert at.number_input(key=pdf_viewer.page_key(world["files"][0])).value == 1
    assert _shows(at, "卷宗.pdf · 第 1 / 6 页")
    _deduct(at, "A1", "a")
    _widget(at.text_input, "|A1|a|page").input("4-5").run()
    at.button(key=next(b.key for b in at.button if str(b.key).endswith("|A1|a|page|show"))).click().run()
    assert at.number_input(key=pdf_viewer.page_key(world["files"][0])).value == 4  # jumped to the page
    at.button(key=f"pdfv_next_{world['files'][0]}").click().run()
    _deduct(at, "B1", "a")
    at.button(key=next(b.key for b in at.button if str(b.key).endswith("|B1|a|page|use"))).click().run()
    assert _widget(at.text_input, "|B1|a|page").value == "5"  # filled from the viewer
    _submit(at, world["a0"])
    assert _shows(at, "评查员乙") and _shows(at, B_COMMENT)  # only once submitted
    with _session(world) as s:
        assert s.get(Review, _review_of(world, world["a0"]).id).status == "submitted"


def _busy_for(monkeypatch, refusals: int) -> list[int]:
    """The draft save meets a locked database `refusals` times before it gets through."""
    from scoring.db.busy import DatabaseBusy
    from scoring.ui import live_form

    calls: list[int] = []
    real = live_form.save_first_or_draft

    def busy_then_real(*args, **kwargs):
        calls.append(1)
        if len(calls) <= refusals:
            raise DatabaseBusy()
        return real(*args, **kwargs)

    monkeypatch.setattr(live_form, "save_first_or_draft", busy_then_real)
    return calls


def test_a_busy_database_is_retried_before_the_person_sees_anything(world, monkeypatch):
    calls = _busy_for(monkeypatch, refusals=2)
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "A1", "a")
    assert len(calls) == 3 and not at.error
    assert "已自动保存" in _panel(at)
    assert _review_of(world, world["a0"]).total == Decimal("93.75")


def test_a_database_busy_past_the_retries_says_save_again_and_keeps_the_input(world, monkeypatch):
    calls = _busy_for(monkeypatch, refusals=99)
    at = _open_score_page(world, "a", world["a0"])
    _deduct(at, "A1", "a")
    assert len(calls) == 4  # every attempt made
    assert any("数据库正忙" in e and "请稍后再保存一次" in e for e in texts(at, "error"))
    assert not at.exception
    assert _widget(at.multiselect, "|A1|reasons").value == ["a"]  # the input is still on the page
    assert _review_of(world, world["a0"]) is None
