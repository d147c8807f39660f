"""Scoring rules as published standards word them: 扣完为止 on one reason, ranges, 其他问题, 加分项.

Each worked example quotes the standard's own words and is computed by hand in the comment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import score
from scoring.errors import ProblemReport
from scoring.marks import Marks
from scoring.rubric.schema import FileAttributes
from tests.rubric_builders import BANDS, build_standard, standard_dict

PLAIN = FileAttributes(case_type="行政处罚", procedure="一般")


def standard(**extra):
    """卷面 20 (文书 4 + 证据 16) + 内容 80 (证据 25 + 程序 55) = 100."""
    data = {
        "kind": "standard", "id": "district", "title": "某区行政处罚案卷评查标准", "applies_to": {"case_types": ["行政处罚"]},
        "total": 100, "pass_line": 60, "grade_bands": BANDS,
        "sections": [
            {"id": "J", "title": "卷面", "max": 20, "items": [
                {"id": "J1", "title": "文书填写规范", "focus": "documents", "max": 4,
                 "deductions": [{"id": "a", "reason": "文书填写每处不规范扣1分", "per_occurrence": 1},
                                {"id": "b", "reason": "文书未加盖印章扣3分", "points": 3}]},
                {"id": "J2", "title": "立卷归档", "focus": "archiving", "max": 16,
                 "deductions": [{"id": "a", "reason": "卷内目录不全扣2分", "points": 2}]},
            ]},
            {"id": "N", "title": "内容", "max": 80, "items": [
                {"id": "N1", "title": "证据", "focus": "facts_evidence", "max": 25,
                 "deductions": [{"id": "a", "reason": "每份证据缺签名扣2分", "per_occurrence": 2},
                                {"id": "b", "reason": "证据收集程序不当，每处扣1-3分",
                                 "range": {"min": 1, "max": 3, "per": "occurrence"}, "cap": 9}]},
                {"id": "N2", "title": "执法程序", "focus": "procedure", "max": 55,
                 "allow_other": {"max": 5},
                 "deductions": [{"id": "a", "reason": "告知程序有瑕疵，视情节扣2-5分", "range": [2, 5]}]},
            ]},
        ],
        **extra,
    }
    return build_standard(data)


def marks(items):
    return Marks.model_validate({"items": items})


def test_one_reason_past_the_item_floors_it_at_zero():
    # "文书填写每处不规范扣1分" x6 on the 4-point item J1: 6 asked, the item stops at 0 (扣完为止): 100 - 4 = 96.
    r = score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "a", "occurrences": 6}]}}))
    j1 = next(i for i in r.items if i.item_id == "J1")
    assert (j1.requested, j1.deducted) == (Decimal(6), Decimal(4))
    assert r.score == Decimal("96.00") and r.warnings == []
    # "每份证据缺签名扣2分" x13 on the 25-point item N1: 26 asked, 25 taken: 75.
    r = score(standard(), PLAIN, marks({"N1": {"deductions": [{"reason": "a", "occurrences": 13}]}}))
    assert r.score == Decimal("75.00")


def test_one_reason_and_several_reasons_floor_alike():
    # J1: 5 x 1 + 3 fixed = 8 asked of 4; same floor as one reason asking 8.
    several = score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "a", "occurrences": 5},
                                                                      {"reason": "b"}]}}))
    one = score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "a", "occurrences": 8}]}}))
    assert several.score == one.score == Decimal("96.00")


def test_far_too_many_occurrences_are_a_warning_not_a_refusal_and_have_no_999_cap():
    r = score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "a", "occurrences": 1_000_000}]}}))
    assert r.score == Decimal("96.00")
    assert len(r.warnings) == 1 and "1000000 occurrences" in r.warnings[0] and "4 already take" in r.warnings[0]


def test_range_once_takes_the_chosen_points_with_a_comment():
    # "告知程序有瑕疵，视情节扣2-5分": the reviewer chooses 3.5 → 96.5.
    r = score(standard(), PLAIN, marks({"N2": {"deductions": [
        {"reason": "a", "points": 3.5, "comment": "告知书未载明陈述申辩期限", "page": "8"}]}}))
    assert r.score == Decimal("96.50")
    assert r.deductions[0].points == Decimal("3.50")


def test_range_per_occurrence_multiplies_and_stops_at_its_cap():
    # "证据收集程序不当，每处扣1-3分" (cap 9): 2 places at 2.5 = 5; 4 places at 3 = 12 → capped at 9.
    two = score(standard(), PLAIN, marks({"N1": {"deductions": [
        {"reason": "b", "occurrences": 2, "points": 2.5, "comment": "询问笔录无执法人员签名"}]}}))
    assert two.score == Decimal("95.00")
    four = score(standard(), PLAIN, marks({"N1": {"deductions": [
        {"reason": "b", "occurrences": 4, "points": 3, "comment": "多处"}]}}))
    assert four.score == Decimal("91.00")


@pytest.mark.parametrize("mark, message", [
    ({"reason": "a", "points": 3}, "a comment saying why is required"),
    ({"reason": "a", "points": 6, "comment": "x"}, "outside reason a's range 2.00-5.00"),
    ({"reason": "a", "points": 1.5, "comment": "x"}, "outside reason a's range"),
    ({"reason": "a", "comment": "x"}, "needs the points chosen within 2.00-5.00"),
    ({"reason": "a", "points": 3, "occurrences": 2, "comment": "x"}, "range deduction counted once"),
    ({"reason": "other", "points": 2}, "needs a comment saying what the problem is"),
    ({"reason": "other", "points": 6, "comment": "x"}, "needs points above 0 and at most 5.00"),
])
def test_ranges_and_other_refuse_what_the_standard_does_not_allow(mark, message):
    with pytest.raises(ProblemReport) as info:
        score(standard(), PLAIN, marks({"N2": {"deductions": [mark]}}))
    assert any(message in p.message for p in info.value.problems), [str(p) for p in info.value.problems]


def test_fixed_reasons_refuse_chosen_points():
    with pytest.raises(ProblemReport, match="1 problem"):
        score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "b", "points": 1}]}}))


def test_other_deduction_up_to_the_stated_maximum():
    # N2 "其他问题酌情扣分（最多5分）": 4 points with a comment, and 2 listed → 100 - 6 = 94.
    r = score(standard(), PLAIN, marks({"N2": {"deductions": [
        {"reason": "other", "points": 4, "comment": "送达回证日期涂改", "page": "21"},
        {"reason": "a", "points": 2, "comment": "告知不完整"}]}}))
    assert r.score == Decimal("94.00")
    assert [d.reason for d in r.deductions] == ["其他问题", "告知程序有瑕疵，视情节扣2-5分"]
    # J1 does not allow it.
    with pytest.raises(ProblemReport, match="1 problem"):
        score(standard(), PLAIN, marks({"J1": {"deductions": [{"reason": "other", "points": 1, "comment": "x"}]}}))


def test_standard_wide_allow_other_reaches_every_item_and_an_item_may_list_no_reason():
    data_items = {"id": "O1", "title": "其他", "focus": "documents", "max": 1}
    std = standard(allow_other={"max": 2})
    r = score(std, PLAIN, marks({"J2": {"deductions": [{"reason": "other", "points": 2, "comment": "卷皮破损"}]}}))
    assert r.score == Decimal("98.00")
    # An item with no listed reason composes only where an `other` deduction is allowed.
    d = standard_dict()
    d["sections"][1]["items"].append(data_items)
    d["sections"][1]["max"] = 41
    d["sections"][0]["max"] = 59
    d["sections"][0]["items"][0]["max"] = 39
    d["sections"][0]["items"][0]["deductions"][1]["cap"] = 10
    with pytest.raises(ProblemReport, match="compose"):
        build_standard(d)
    assert build_standard({**d, "allow_other": {"max": 1}}).items_by_id["O1"][1].allow_other == Decimal("1.00")


BONUS = [{"id": "X1", "title": "加分项", "max": 3, "awards": [
    {"id": "a", "reason": "案卷被评为示范案卷加2分", "points": 2},
    {"id": "b", "reason": "说理充分，每处加0.5分", "per_occurrence": 0.5, "cap": 1}]}]


def test_bonus_adds_and_the_total_is_capped_at_the_maximum():
    std = standard(bonus=BONUS)
    # 96 (J1 -4) + 2 + 3 x 0.5 (capped 1) = 99; the bonus item's own maximum 3 is reached.
    r = score(std, PLAIN, marks({"J1": {"deductions": [{"reason": "b"}, {"reason": "a"}]},
                                 "X1": {"deductions": [{"reason": "a"}, {"reason": "b", "occurrences": 3}]}}))
    assert r.bonus == Decimal(3) and r.score == Decimal("99.00")
    # 99 + 2 → capped at 100.
    r = score(std, PLAIN, marks({"J2": {"deductions": [{"reason": "a"}]}, "X1": {"deductions": [{"reason": "a"}]}}))
    assert r.score == Decimal("100.00") and r.awards[0].reason == "案卷被评为示范案卷加2分"
    # Bonus items are not deductions and cannot be N/A.
    assert all(d.item_id != "X1" for d in r.deductions)
    with pytest.raises(ProblemReport, match="1 problem"):
        score(std, PLAIN, marks({"X1": {"na": True}}))


def test_new_keys_leave_the_version_hash_of_a_standard_that_does_not_use_them():
    text = build_standard().canonical_json()
    assert '"range"' not in text and '"allow_other"' not in text and '"bonus"' not in text
    assert '"range"' in standard().canonical_json()


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(n=st.integers(1, 10**9), extra=st.integers(0, 40), other=st.integers(0, 500))
def test_an_item_never_goes_below_zero_whatever_is_asked(n, extra, other):
    items = {"J1": {"deductions": [{"reason": "a", "occurrences": n}] + ([{"reason": "b"}] if extra % 2 else [])},
             "N2": {"deductions": [{"reason": "other", "points": str(Decimal(other % 501) / 100 or 1), "comment": "c"}]},
             "N1": {"deductions": [{"reason": "b", "occurrences": extra + 1, "points": 3, "comment": "c"}]}}
    r = score(standard(), PLAIN, marks(items))
    for it in r.items:
        assert 0 <= it.deducted <= it.max
    assert Decimal(0) <= r.score <= Decimal(100)


@SETTINGS
@given(chosen=st.integers(200, 500), more=st.integers(0, 300))
def test_choosing_more_points_in_a_range_never_raises_the_score(chosen, more):
    def at(p):
        return score(standard(), PLAIN, marks({"N2": {"deductions": [
            {"reason": "a", "points": str(Decimal(p) / 100), "comment": "c"}]}})).score
    assert at(min(500, chosen + more)) <= at(chosen)


@SETTINGS
@given(ded=st.integers(0, 30), awards=st.integers(0, 5))
def test_bonus_never_lowers_the_score_nor_passes_100(ded, awards):
    std = standard(bonus=BONUS)
    base = {"J1": {"deductions": [{"reason": "a", "occurrences": ded + 1}]}} if ded else {}
    without = score(std, PLAIN, marks(base))
    with_bonus = score(std, PLAIN, marks({**base, "X1": {"deductions": [{"reason": "b", "occurrences": awards + 1}]}}))
    assert without.score <= with_bonus.score <= Decimal(100)
