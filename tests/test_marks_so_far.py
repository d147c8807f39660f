"""The running form: incomplete inputs are listed, never an error, and never block what is complete."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scoring.mark_entry import (
    empty_detail,
    entry_from_marks,
    marks_from_entry,
    marks_so_far,
)
from scoring.marks import Marks

DONE = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}, "B1": {"na": True}},
                             "vetoes": {"V1": {"page": "1", "comment": "x"}}})


def test_a_complete_entry_is_exactly_its_marks():
    so_far = marks_so_far(entry_from_marks(DONE))
    assert so_far.marks == DONE and so_far.pending == []


def test_deduct_without_a_reason_yet_counts_as_ok_and_is_listed():
    entry = entry_from_marks(DONE)
    entry["items"]["C1"] = {"choice": "deduct", "reasons": [], "details": {}, "comment": ""}
    so_far = marks_so_far(entry)
    assert so_far.marks == DONE
    assert [p.path for p in so_far.pending] == ["items.C1"]


def test_a_malformed_reason_is_left_out_but_its_siblings_count():
    entry = entry_from_marks(DONE)
    entry["items"]["A1"]["reasons"].append("b")
    entry["items"]["A1"]["details"]["b"] = {**empty_detail(), "media_time": "9:99:99x"}
    entry["vetoes"]["V2"] = {"on": True, "page": "", "media_file": "", "media_time": "12:00", "comment": ""}
    so_far = marks_so_far(entry)
    assert so_far.marks == DONE
    assert sorted({p.path for p in so_far.pending}) == ["items.A1.deductions[1]", "vetoes.V2"]


@given(st.lists(st.tuples(st.sampled_from(["A1", "A2", "B1", "C1"]), st.sampled_from(["ok", "deduct", "na"]),
                          st.lists(st.sampled_from(["a", "b"]), unique=True, max_size=2),
                          st.sampled_from(["", "3", "12:00", "x1:00"])), max_size=6))
def test_property_so_far_never_raises_and_agrees_with_the_strict_reading(rows):
    entry = {"items": {}, "vetoes": {}}
    for item_id, choice, reasons, time in rows:
        entry["items"][item_id] = {"choice": choice, "reasons": reasons, "comment": "",
                                   "details": {r: {**empty_detail(), "media_time": time,
                                                   "media_file": "a.mp4" if time == "12:00" else ""}
                                               for r in reasons}}
    so_far = marks_so_far(entry)
    if not so_far.pending:
        assert so_far.marks == marks_from_entry(entry)
    else:  # what is counted is itself a complete entry
        assert marks_from_entry(entry_from_marks(so_far.marks)) == so_far.marks
