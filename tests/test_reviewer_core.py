"""Core behind the reviewer's pages: the form entry <-> marks conversion and the reviewer's desk (queue,
opening a file for scoring, others' reviews only after one's own is submitted)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scoring.accounts import create_user
from scoring.db.session import session_factory
from scoring.desk.reviewer import (
    my_queue,
    open_for_scoring,
    others_after_submission,
    queue_progress,
    reviewer_campaigns,
)
from scoring.errors import PermissionDenied, ProblemReport
from scoring.mark_entry import (
    differing_keys,
    empty_entry,
    entry_from_marks,
    marks_from_entry,
    same_marks,
)
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import save_draft, submit_review
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

MARKS = Marks.model_validate({
    "items": {
        "A1": {"deductions": [{"reason": "b", "occurrences": 3, "page": "4-5", "comment": "三处未签名"},
                              {"reason": "a", "media_file": "询问.mp4", "media_time": "01:02:03"}],
               "comment": "见笔录"},
        "B1": {"na": True, "comment": "无文书"},
        "A2": {"comment": "已核对"},
    },
    "vetoes": {"V1": {"page": "1", "comment": "主体不适格"}},
})


# ------------------------------------------------------------------------------------------ mark entry

def test_entry_round_trips_marks():
    entry = entry_from_marks(MARKS)
    assert entry["items"]["A1"]["choice"] == "deduct" and entry["items"]["A1"]["reasons"] == ["b", "a"]
    assert entry["items"]["B1"]["choice"] == "na" and entry["items"]["A2"]["choice"] == "ok"
    assert entry["vetoes"]["V1"]["on"] is True
    assert marks_from_entry(entry) == MARKS
    assert same_marks(entry, MARKS)
    assert marks_from_entry(empty_entry()) == Marks()


def test_unchosen_reasons_and_vetoes_keep_their_details_but_do_not_count():
    entry = entry_from_marks(MARKS)
    entry["items"]["A1"]["reasons"] = ["a"]
    entry["vetoes"]["V1"]["on"] = False
    marks = marks_from_entry(entry)
    assert [d.reason for d in marks.items["A1"].deductions] == ["a"] and marks.vetoes == {}
    assert entry["items"]["A1"]["details"]["b"]["comment"] == "三处未签名"
    assert not same_marks(entry, MARKS)
    assert differing_keys(MARKS, marks) == ["A1", "veto:V1"]
    # An item switched back to OK keeps its details too, and says nothing but its comment.
    entry["items"]["A1"]["choice"] = "ok"
    assert marks_from_entry(entry).items["A1"].deductions == []


def test_every_incomplete_input_is_listed_at_once():
    entry = {"items": {
        "A1": {"choice": "deduct", "reasons": [], "details": {}, "comment": ""},
        "B1": {"choice": "deduct", "reasons": ["a"], "details": {"a": {"occurrences": 0, "media_time": "半小时"}}},
        "A2": {"choice": "maybe"},
    }, "vetoes": {"V1": {"on": True, "media_time": "00:10"}}}
    with pytest.raises(ProblemReport, match="the scoring form is not complete") as info:
        marks_from_entry(entry)
    got = [(p.path, p.message) for p in info.value.problems]
    assert ("items.A1", "item A1 is marked as a deduction but no listed reason is chosen; choose the reason(s), "
            "or mark the item OK") in got
    paths = [p for p, _ in got]
    assert paths.count("items.B1.deductions[0]") == 3  # bad time, time without file, occurrences 0
    assert "items.A2" in paths and "vetoes.V1" in paths
    assert any("needs the media file" in m for p, m in got if p == "vetoes.V1")
    assert not same_marks(entry, Marks())


def test_occurrences_from_number_inputs():
    entry = {"items": {"B1": {"choice": "deduct", "reasons": ["a"], "details": {"a": {"occurrences": 2.0}}}}}
    assert marks_from_entry(entry).items["B1"].deductions[0].occurrences == 2
    entry["items"]["B1"]["details"]["a"]["occurrences"] = 2.5
    with pytest.raises(ProblemReport, match="occurrences"):
        marks_from_entry(entry)


def test_empty_item_marks_are_no_difference():
    a = Marks.model_validate({"items": {"A1": {}}})
    assert differing_keys(a, Marks()) == []


# ------------------------------------------------------------------------------------------ desk

@pytest.fixture
def desk(engine, tmp_path):
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    library = RubricLibrary.load([tmp_path / "r"])
    session = session_factory(engine)()
    f = Factory(session)
    home = f.unit("区水务局")
    f.unit("区市场监管局")
    f.unit("城桥镇", kind="town")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                       bootstrap=True)
    a = create_user(session, username="ra", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                    actor=lead)
    b = create_user(session, username="rb", display_name="评查员乙", role="reviewer", unit_name="城桥镇", actor=lead)
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
    campaign = create_campaign(session, spec, library, lead)
    files = [f.case_file(home, waiver=(n == 0)) for n in range(2)]
    f.sample(campaign, files)
    a0, b0, a1 = (assign(session, lead, campaign, files[0], a), assign(session, lead, campaign, files[0], b),
                  assign(session, lead, campaign, files[1], a))
    session.commit()
    yield dict(session=session, lead=lead, a=a, b=b, campaign=campaign, files=files, a0=a0, b0=b0, a1=a1)
    session.close()


def _score(s, actor, assignment, marks: dict, submit: bool) -> None:
    opened = open_for_scoring(s, actor, assignment.id)
    review = save_draft(s, actor, opened.review_id, Marks.model_validate(marks), expected_version=opened.version)
    if submit:
        submit_review(s, actor, review.id, expected_version=review.version)
    s.commit()


def test_queue_is_own_files_only_with_status_score_and_hidden_units(desk):
    s, a, b = desk["session"], desk["a"], desk["b"]
    _score(s, b, desk["b0"], {"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 4, "page": "2"}]}}},
           submit=True)
    assert [c.name for c in reviewer_campaigns(s, a)] == ["2024年度评查"]
    queue = my_queue(s, a, desk["campaign"].id)
    assert [e.assignment_id for e in queue] == [desk["a0"].id, desk["a1"].id]
    assert {e.status for e in queue} == {"not_started"} and all(e.total is None for e in queue)
    assert all(e.unit is None for e in queue)  # the campaign hides units (anonymise defaults to on)
    assert queue[0].flags == ["waiver"]
    _score(s, a, desk["a1"], {"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}}}, submit=False)
    queue = my_queue(s, a)
    assert [(e.status, e.total) for e in queue] == [("not_started", None), ("draft", Decimal("93.75"))]
    progress = queue_progress(queue)
    assert (progress.assigned, progress.not_started, progress.draft, progress.submitted) == (2, 1, 1, 0)
    desk["campaign"].anonymise = False
    assert my_queue(s, a)[0].unit == "区水务局"
    with pytest.raises(PermissionDenied):
        my_queue(s, desk["lead"])


def test_opening_for_scoring_carries_the_exact_version_and_refuses_others(desk):
    s, a, b = desk["session"], desk["a"], desk["b"]
    opened = open_for_scoring(s, a, desk["a0"].id)
    s.commit()
    assert opened.version == 1 and opened.status == "draft" and not opened.locked
    assert opened.attributes.waiver is True and opened.marks == Marks()
    assert [band.name for band in opened.bands] == ["优秀", "良好", "合格", "不合格"]
    assert opened.pass_line == Decimal(60) and len(opened.standard_hash) == 64
    with pytest.raises(PermissionDenied, match="not assigned to rb"):
        open_for_scoring(s, b, desk["a1"].id)
    with pytest.raises(PermissionDenied):
        others_after_submission(s, b, desk["a1"].id)


def test_others_are_shown_only_after_ones_own_submission(desk):
    s, a, b = desk["session"], desk["a"], desk["b"]
    _score(s, b, desk["b0"], {"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 4, "page": "2"}]}}},
           submit=True)
    assert others_after_submission(s, a, desk["a0"].id) == []  # not opened yet
    _score(s, a, desk["a0"], {"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}}}, submit=False)
    assert others_after_submission(s, a, desk["a0"].id) == []  # a draft
    review = open_for_scoring(s, a, desk["a0"].id)
    submit_review(s, a, review.review_id, expected_version=review.version)
    s.commit()
    [other] = others_after_submission(s, a, desk["a0"].id)
    assert other.reviewer == "评查员乙" and other.result.score == Decimal("95.00")
    assert other.items["B1"] == Decimal(4)
    # B's own draft elsewhere is never shown: B sees A's only after B submitted, which B did.
    assert [o.reviewer for o in others_after_submission(s, b, desk["b0"].id)] == ["评查员甲"]
