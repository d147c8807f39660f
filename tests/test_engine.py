"""The engine on a small standard: worked by hand, and every ill-fitting mark refused with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.engine import score
from scoring.errors import ProblemReport
from scoring.marks import Marks, ScoreInput
from scoring.rubric.schema import FileAttributes
from tests.rubric_builders import build_standard, standard_dict

PLAIN = FileAttributes(case_type="行政处罚", procedure="一般")
HEARING = FileAttributes(case_type="行政处罚", procedure="一般", hearing_held=True)


def marks(**items) -> Marks:
    return Marks.model_validate({"items": items})


def test_worked_example_rebased_when_hearing_item_does_not_apply():
    std = build_standard()
    m = marks(A1={"deductions": [{"reason": "a", "page": "3"}, {"reason": "b", "occurrences": 7, "page": "5"}]},
              B1={"deductions": [{"reason": "a", "occurrences": 3, "page": "8"}]})
    r = score(std, PLAIN, m)
    # A2 (20) does not apply: A's applicable max = min(60, 40) = 40; B = 40; applicable 80.
    # A1: 5 + min(2*7, 10) = 15 -> A earns 25; B1: 3 x 1 = 3 -> B earns 37; 62 / 80 * 100 = 77.50 合格
    assert r.applicable_max == Decimal(80)
    assert [s.earned for s in r.sections] == [Decimal(25), Decimal(37)]
    assert r.score == Decimal("77.50") and r.grade == "合格" and r.passed
    assert [(d.item_id, d.reason_id, d.points) for d in r.deductions] == [
        ("A1", "a", Decimal(5)), ("A1", "b", Decimal(10)), ("B1", "a", Decimal(3))]
    focus = {f.id: f.rate for f in r.focus}
    assert focus == {"subject": Decimal("62.50"), "documents": Decimal("92.50")}


def test_item_floor_and_reviewer_na():
    std = build_standard()
    # A1 (40): fixed 5 + capped 10 = 15 fits; B1 (40) per-occurrence 40 x 1 takes the whole item.
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"].append({"id": "c", "reason": "严重缺陷", "points": 40})
    std = build_standard(data)
    m = marks(A1={"deductions": [{"reason": "c"}, {"reason": "b", "occurrences": 5}]}, A2={"na": True},
              B1={"deductions": [{"reason": "a", "occurrences": 40}]})
    r = score(std, HEARING, m)
    # A1 asks 40 + 10 = 50 but floors at its 40 (扣完为止); A2 N/A by the reviewer: applicable 40 + 40,
    # earned 0 + 0 -> 0.00 不合格
    a1 = next(i for i in r.items if i.item_id == "A1")
    assert a1.requested == Decimal(50) and a1.deducted == Decimal(40)
    assert r.applicable_max == Decimal(80) and r.score == Decimal("0.00") and r.grade == "不合格"


def test_veto_zero_is_the_default_effect():
    r = score(build_standard(), PLAIN, Marks.model_validate({"vetoes": {"V1": {"page": "1", "comment": "无执法主体资格"}}}))
    assert r.score == 0 and r.rate == 100 and r.grade == "不合格" and r.points_grade == "优秀"
    assert r.veto.triggered == ["V1"] and r.veto.effect == "zero"


def test_campaign_bands_override_the_standard():
    from scoring.rubric.schema import GradeBand

    bands = [GradeBand(name="优秀", min=90), GradeBand(name="合格", min=70), GradeBand(name="不合格", min=0)]
    r = score(build_standard(), PLAIN, marks(B1={"deductions": [{"reason": "a", "occurrences": 14}]}),
              bands=bands, pass_line=Decimal(70))
    # 80 - 14 = 66 -> 82.50: 合格 under 90/70 bands (良好 under the standard's own)
    assert r.score == Decimal("82.50") and r.grade == "合格" and r.passed


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"items": {"Z9": {}}}, "no item 'Z9'"),
        ({"items": {"A1": {"deductions": [{"reason": "zz"}]}}}, "'zz' is not a listed deduction reason of item A1"),
        ({"items": {"A1": {"deductions": [{"reason": "a", "occurrences": 2}]}}}, "fixed deduction; occurrences must be 1"),
        ({"items": {"A1": {"na": True}}}, "may not be marked not applicable"),
        ({"items": {"A2": {"deductions": [{"reason": "a"}]}}}, "does not apply to this file (only: 举行听证)"),
        ({"items": {"A1": {"deductions": [{"reason": "a"}, {"reason": "a"}]}}}, "listed 2 times"),
        ({"vetoes": {"V9": {}}}, "no veto 'V9'"),
    ],
)
def test_marks_that_do_not_fit_are_refused(bad, message):
    with pytest.raises(ProblemReport) as info:
        score(build_standard(), PLAIN, Marks.model_validate(bad))
    assert any(message in p.message for p in info.value.problems), [str(p) for p in info.value.problems]


def test_mark_format_errors():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="needs the media file"):
        Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "a", "media_time": "01:02"}]}}})
    with pytest.raises(ValidationError, match="not applicable cannot also carry deductions"):
        Marks.model_validate({"items": {"A1": {"na": True, "deductions": [{"reason": "a"}]}}})
    with pytest.raises(ValidationError):
        ScoreInput.model_validate({"file": {"case_type": "行政吊销"}, "items": {}})


def test_nothing_applicable_is_refused():
    data = standard_dict()
    data["sections"] = [data["sections"][0]]
    data["sections"][0]["items"] = [data["sections"][0]["items"][1]]
    data["sections"][0]["max"] = 20
    data["total"] = 20
    with pytest.raises(ProblemReport, match="nothing to score"):
        score(build_standard(data), PLAIN, Marks())
