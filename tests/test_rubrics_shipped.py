"""The shipped scoring standards in `rubrics/`: their shape, and worked examples computed by hand.

Each worked example is a realistic (synthetic) case file: its attributes, the marks a reviewer would
give, and the expected result. The hand computation is written above the assertions; the item maxima it
uses are those of the YAML files (each section's items add up exactly to the section's maximum).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.domain import ALL_FOCUS, CASE_TYPES, FOCUS_AREAS
from scoring.engine import score
from scoring.errors import ProblemReport
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.rubric.schema import FileAttributes

D = Decimal
HALF = D("0.5")


@pytest.fixture(scope="module")
def lib() -> RubricLibrary:
    return RubricLibrary.load()


def marks(items: dict | None = None, vetoes: dict | None = None) -> Marks:
    return Marks.model_validate({"items": items or {}, "vetoes": vetoes or {}})


def ded(reason: str, occurrences: int = 1, page: str = "1", comment: str = "") -> dict:
    return {"reason": reason, "occurrences": occurrences, "page": page, "comment": comment}


def item(*deductions: dict) -> dict:
    return {"deductions": list(deductions)}


NA = {"na": True}


def sections(result) -> dict[str, tuple[Decimal, Decimal]]:
    return {p.id: (p.applicable_max, p.earned) for p in result.sections}


def focus_rates(result) -> dict[str, Decimal | None]:
    return {p.id: p.rate for p in result.focus}


def item_score(result, item_id: str):
    return next(i for i in result.items if i.item_id == item_id)


# --------------------------------------------------------------------------------------------------
# Shape of the library
# --------------------------------------------------------------------------------------------------

STANDARD_IDS = {"penalty-general", "penalty-simple", "inspection", "licensing", "coercion", "other-acts"}
MODULE_IDS = {"full_process_recording", "legal_review", "discretion_benchmark", "minor_violation_waiver"}


def test_library_loads_with_the_six_standards_and_four_modules(lib):
    assert set(lib.standards) == STANDARD_IDS
    assert set(lib.modules) == MODULE_IDS
    assert lib.get("penalty-general").modules == [
        "full_process_recording", "legal_review", "discretion_benchmark", "minor_violation_waiver"]
    assert lib.get("penalty-simple").modules == ["full_process_recording", "discretion_benchmark"]
    assert lib.get("inspection").modules == ["full_process_recording"]
    assert lib.get("licensing").modules == ["legal_review"]
    assert lib.get("coercion").modules == ["full_process_recording"]
    assert lib.get("other-acts").modules == ["full_process_recording"]


def test_standards_are_found_for_their_case_types(lib):
    assert [s.id for s in lib.for_file("行政处罚", "一般")] == ["penalty-general"]
    assert [s.id for s in lib.for_file("行政处罚", "简易")] == ["penalty-simple"]
    assert [s.id for s in lib.for_file("行政检查", None)] == ["inspection"]
    assert [s.id for s in lib.for_file("行政许可", None)] == ["licensing"]
    assert [s.id for s in lib.for_file("行政强制", None)] == ["coercion"]
    for case_type in ("行政确认", "行政给付", "行政征收征用"):
        assert [s.id for s in lib.for_file(case_type, None)] == ["other-acts"]
    # every case type has exactly one shipped standard, so a campaign's default mapping covers them all
    assert {ct for s in lib.standards.values() for ct in s.applies_to.case_types} == set(CASE_TYPES)


@pytest.mark.parametrize("std_id", sorted(STANDARD_IDS))
def test_sections_add_to_100_and_items_add_to_their_section(lib, std_id):
    std = lib.get(std_id)
    assert std.total == 100
    assert sum(s.max for s in std.sections) == 100
    for s in std.sections:
        # design rule of the shipped standards: no hidden section caps, so N/A re-bases predictably
        assert sum(i.max for i in s.items) == s.max, s.id


@pytest.mark.parametrize("std_id", sorted(STANDARD_IDS))
def test_points_are_whole_or_half(lib, std_id):
    std = lib.get(std_id)
    for s in std.sections:
        assert s.max % HALF == 0
        for i in s.items:
            assert i.max % HALF == 0, i.id
            for d in i.deductions:
                for v in (d.points, d.per_occurrence, d.cap):
                    assert v is None or v % HALF == 0, (i.id, d.id)


def test_each_module_is_one_focus_area_with_6_to_12_items(lib):
    expected_when = {
        "full_process_recording": None,
        "legal_review": {"major_decision": True},
        "discretion_benchmark": {"waiver": False},
        "minor_violation_waiver": {"waiver": True},
    }
    for mod_id, lf in lib.modules.items():
        m = lf.model
        assert m.focus == mod_id
        n_items = sum(len(s.items) for s in m.sections)
        assert 6 <= n_items <= 12, mod_id
        assert sum(s.max for s in m.sections) == 10, mod_id
        when = m.applies_when.model_dump(exclude_none=True) if m.applies_when else None
        assert when == expected_when[mod_id]


@pytest.mark.parametrize("std_id", sorted(STANDARD_IDS))
def test_every_item_and_veto_has_a_recommendation(lib, std_id):
    std = lib.get(std_id)
    for s in std.sections:
        for i in s.items:
            assert i.recommendation and len(i.recommendation) >= 10, i.id
    for v in std.vetoes:
        assert v.recommendation, v.id


def test_every_focus_area_and_general_category_is_scored(lib):
    general = lib.get("penalty-general")
    assert {i.focus for s in general.sections for i in s.items} == set(ALL_FOCUS)
    every = {i.focus for std in lib.standards.values() for s in std.sections for i in s.items}
    assert set(FOCUS_AREAS) <= every
    for std in lib.standards.values():
        # the six general categories are checked by every standard
        cats = {i.focus for s in std.sections for i in s.items}
        assert {"subject", "facts_evidence", "legal_basis", "procedure", "documents", "archiving"} <= cats, std.id


def test_ids_are_unique_and_mean_one_thing_across_the_library(lib):
    seen: dict[str, str] = {}
    for std in lib.standards.values():
        ids = [s.id for s in std.sections] + [i.id for s in std.sections for i in s.items] + [v.id for v in std.vetoes]
        assert len(ids) == len(set(ids)), std.id
        for s in std.sections:
            for i in s.items:
                # an id shared by two standards must be the same module item
                assert seen.setdefault(i.id, i.title) == i.title
                if s.module is None:
                    assert not i.id.startswith(("FPR", "LR", "DB", "MW")), i.id
        for v in std.vetoes:
            assert seen.setdefault(v.id, v.title) == v.title
            assert v.id.startswith("V-")


def test_veto_effects_differ_by_standard(lib):
    def effects(std_id):
        return {v.id: (v.effect.kind, v.effect.band) for v in lib.get(std_id).vetoes}

    assert set(effects("penalty-general").values()) == {("zero", None)}
    assert set(effects("penalty-simple").values()) == {("fail", None)}
    ins = effects("inspection")
    assert ins.pop("V-INS4") == ("cap", "合格") and ins.pop("V-INS5") == ("cap", "合格")
    assert set(ins.values()) == {("zero", None)}
    lic = effects("licensing")
    assert lic.pop("V-LIC5") == ("cap", "合格")
    assert set(lic.values()) == {("zero", None)}
    co = effects("coercion")
    assert co.pop("V-CO7") == ("cap", "合格")
    assert set(co.values()) == {("zero", None)}
    oa = effects("other-acts")
    assert oa.pop("V-OA8") == ("cap", "合格")
    assert set(oa.values()) == {("zero", None)}
    # the legal-review vetoes exist where legal review is included, and only for major decisions
    general = lib.get("penalty-general")
    minor = FileAttributes(case_type="行政处罚", procedure="一般")
    major = FileAttributes(case_type="行政处罚", procedure="一般", major_decision=True)
    assert not general.veto_applies("V-LR1", minor) and general.veto_applies("V-LR1", major)


def test_grade_bands_and_pass_lines(lib):
    def bands(std_id):
        return [(b.name, b.min) for b in lib.get(std_id).grade_bands]

    four = [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]
    assert bands("penalty-general") == four and bands("licensing") == four
    assert bands("coercion") == four and bands("other-acts") == four
    assert bands("penalty-simple") == [("优秀", 90), ("合格", 60), ("不合格", 0)]
    assert bands("inspection") == [("优秀", 90), ("良好", 80), ("合格", 70), ("不合格", 0)]
    assert lib.get("inspection").pass_line == 70 and lib.get("penalty-simple").pass_line == 60


def test_marks_that_do_not_fit_the_file_are_refused(lib):
    general = lib.get("penalty-general")
    waiver = FileAttributes(case_type="行政处罚", procedure="一般", waiver=True)
    # no discretion on a waiver file; no legal-review veto on a non-major file; G-S1 is not N/A-able
    with pytest.raises(ProblemReport) as info:
        score(general, waiver, marks({"DB2": item(ded("a")), "G-S1": NA}, {"V-LR1": {"page": "3"}}))
    text = " ".join(str(p) for p in info.value.problems)
    assert "DB2" in text and "G-S1" in text and "V-LR1" in text


# --------------------------------------------------------------------------------------------------
# Worked examples: penalty-general (行政处罚 一般程序)
# Item maxima: G-S 3/3/2; G-F 2/4/3/3/2; G-L 3/3/2*; G-P 1.5/2/2c/2.5*/2*/2h/2/2*; G-D 3/3*/2; G-A 2/2/2
# (* not for waivers, c only with a seizure, h only with a hearing)
# FPR 1/1.5/1*/1.5/1/1c/1h/1/1; LR (major only) 1/1/1.5/2/1.5/1.5/0.5/1; DB (not waiver) 1.5/1.5/2/1.5/1/1/1/0.5;
# MW (waiver only) 2/2/1.5/1.5/1/1.5/0.5
# --------------------------------------------------------------------------------------------------

PENALTY_PLAIN = FileAttributes(case_type="行政处罚", procedure="一般")


def test_general_non_major_file_rebased_with_reviewer_na_and_a_capped_reason(lib):
    """区市场监管局：某超市销售超过保质期的食品，罚款 5,000 元。非重大，未听证，未查封扣押。"""
    std = lib.get("penalty-general")
    m = marks({
        "G-S2": item(ded("a", 5, "4", "五份笔录均未记载执法证号")),   # 0.5 x 5 = 2.5, capped at 2
        "G-F3": item(ded("b", 1, "12", "进货单复印件未注明与原件核对无误")),  # 0.5
        "G-D3": item(ded("a", 2, "30", "决定书两处错别字")),            # 0.5 x 2 = 1
        "FPR5": NA,                                                    # 现场检查不在本局音像记录清单内
        "DB2": item(ded("c", page="28")),                              # 0.5
        "DB4": NA, "DB5": NA, "DB6": NA,                               # 无从轻、未从重、未偏离基准
        "DB8": item(ded("a", page="28")),                              # 0.5 (focus: minor_violation_waiver)
    })
    r = score(std, PENALTY_PLAIN, m)
    # applicable: G-S 8 + G-F 14 + G-L 8 + G-P (16 - G-P3 2 - G-P6 2 = 12) + G-D 8 + G-A 6 = 56;
    #   FPR 10 - FPR6 1 - FPR7 1 - FPR5 1 (reviewer N/A) = 7; LR, MW not applicable (0);
    #   DB 10 - DB4 1.5 - DB5 1 - DB6 1 = 6.5  ->  56 + 7 + 6.5 = 69.5
    # deducted: 2 (cap) + 0.5 + 1 + 0.5 + 0.5 = 4.5 -> earned 65
    # 65 / 69.5 * 100 = 93.5252 -> 93.53 优秀
    assert r.applicable_max == D("69.5") and r.earned == D(65)
    assert r.score == D("93.53") and r.rate == D("93.53") and r.grade == "优秀" and r.passed
    assert r.veto.triggered == [] and r.veto.effect is None
    assert sections(r) == {
        "G-S": (D(8), D(6)), "G-F": (D(14), D("13.5")), "G-L": (D(8), D(8)), "G-P": (D(12), D(12)),
        "G-D": (D(8), D(7)), "G-A": (D(6), D(6)), "FPR": (D(7), D(7)), "LR": (D(0), D(0)),
        "DB": (D("6.5"), D("5.5")), "MW": (D(0), D(0)),
    }
    s2 = item_score(r, "G-S2")
    assert s2.requested == D(2) and s2.deducted == D(2)
    # focus: subject 6/8 = 75; facts 13.5/14 = 96.4286 -> 96.43; documents 7/8 = 87.5;
    #   discretion DB1+DB2+DB3+DB7 = 6, earned 5.5 -> 91.6667 -> 91.67; minor_violation_waiver DB8 0/0.5 = 0
    #   legal_review has no applicable item, so it is not listed
    assert focus_rates(r) == {
        "archiving": D("100.00"), "discretion_benchmark": D("91.67"), "documents": D("87.50"),
        "facts_evidence": D("96.43"), "full_process_recording": D("100.00"), "legal_basis": D("100.00"),
        "minor_violation_waiver": D("0.00"), "procedure": D("100.00"), "subject": D("75.00"),
    }


def test_general_major_hearing_seizure_file_zeroed_by_review_after_decision(lib):
    """区生态环境局：某企业超标排放，查封设备，罚款 80 万元，举行听证；法制审核意见签于决定书之后。"""
    std = lib.get("penalty-general")
    attrs = FileAttributes(case_type="行政处罚", procedure="一般", major_decision=True, hearing_held=True,
                           coercive_measure=True)
    m = marks(
        {
            "G-P6": item(ded("b", page="55", comment="听证主持人系本案调查人员")),  # 2
            "FPR7": item(ded("b", page="57")),                                     # 0.5
            "LR5": item(ded("a", page="61", comment="审核意见仅签“同意”")),          # 1.5
            "LR7": NA,                                                             # 审核无异议
            "DB4": NA, "DB6": NA,                                                  # 无从轻情节，未偏离基准
        },
        {"V-LR2": {"page": "61", "comment": "审核意见日期晚于决定书日期三天"}},
    )
    r = score(std, attrs, m)
    # applicable: own 60 (every general item applies: seizure, hearing, not a waiver);
    #   FPR 10 (all apply); LR 10 - LR7 0.5 = 9.5; DB 10 - 1.5 - 1 = 7.5; MW 0  ->  87
    # deducted: 2 + 0.5 + 1.5 = 4 -> earned 83; 83 / 87 * 100 = 95.4023 -> 95.40 (points alone 优秀)
    # veto V-LR2 (先决定后审核), penalty-general's effect zero -> score 0.00, 不合格
    assert r.applicable_max == D(87) and r.earned == D(83)
    assert r.rate == D("95.40") and r.points_grade == "优秀"
    assert r.score == D("0.00") and r.grade == "不合格" and not r.passed
    assert r.veto.triggered == ["V-LR2"] and r.veto.effect == "zero" and r.veto.cap_band is None
    sec = sections(r)
    assert sec["G-P"] == (D(16), D(14)) and sec["FPR"] == (D(10), D("9.5"))
    assert sec["LR"] == (D("9.5"), D(8)) and sec["DB"] == (D("7.5"), D("7.5")) and sec["MW"] == (D(0), D(0))
    # focus legal_review 8 / 9.5 = 84.2105 -> 84.21; procedure (G-P items) 14 / 16 = 87.50
    assert focus_rates(r)["legal_review"] == D("84.21") and focus_rates(r)["procedure"] == D("87.50")


def test_general_waiver_file_with_an_item_floored_at_zero(lib):
    """区市场监管局：个体户首次未按规定公示营业执照信息，责令当日改正，依清单不予处罚。"""
    std = lib.get("penalty-general")
    attrs = FileAttributes(case_type="行政处罚", procedure="一般", waiver=True)
    m = marks({
        "MW5": item(ded("a", page="9", comment="无教育记录"), ded("b", page="9")),  # 1 + 0.5 = 1.5 > max 1
        "MW2": item(ded("a", 1, "6", comment="无证明未造成危害后果的材料")),        # 1
        "G-A2": item(ded("a", 6, "目录")),                                          # 0.5 x 6 = 3, capped at 2
        "FPR8": NA,                                                                 # 无音像记录
    })
    r = score(std, attrs, m)
    # applicable: G-S 8, G-F 14, G-L 6 (G-L3 not for waivers), G-P 5.5 (G-P1 1.5 + G-P2 2 + G-P7 2),
    #   G-D 5 (G-D1 3 + G-D3 2), G-A 6, FPR 6 (10 - FPR3 - FPR6 - FPR7 - FPR8 N/A), MW 10; DB, LR 0
    #   -> 8 + 14 + 6 + 5.5 + 5 + 6 + 6 + 10 = 60.5
    # deducted: MW5 asks 1.5 but floors at its max 1 (扣完为止); MW2 1; G-A2 2 -> 4; earned 56.5
    # 56.5 / 60.5 * 100 = 93.3884 -> 93.39 优秀
    assert r.applicable_max == D("60.5") and r.earned == D("56.5")
    assert r.score == D("93.39") and r.grade == "优秀" and r.passed
    mw5 = item_score(r, "MW5")
    assert mw5.requested == D("1.5") and mw5.deducted == D(1) and mw5.max == D(1)
    sec = sections(r)
    assert sec["G-L"] == (D(6), D(6)) and sec["G-P"] == (D("5.5"), D("5.5")) and sec["G-D"] == (D(5), D(5))
    assert sec["MW"] == (D(10), D(8)) and sec["DB"] == (D(0), D(0)) and sec["G-A"] == (D(6), D(4))
    assert item_score(r, "DB2").status == "not_applicable"
    # focus: minor_violation_waiver 8/10 = 80; archiving 4/6 = 66.6667 -> 66.67; no discretion_benchmark
    rates = focus_rates(r)
    assert rates["minor_violation_waiver"] == D("80.00") and rates["archiving"] == D("66.67")
    assert "discretion_benchmark" not in rates and "legal_review" not in rates


def test_general_score_exactly_on_the_80_boundary(lib):
    """区城管执法局：某餐饮店占道经营，罚款 2,000 元。非重大，无从轻情节（DB4 不适用）。"""
    std = lib.get("penalty-general")
    items = {
        "G-F2": item(ded("a", 2, "8")),     # 2
        "G-F4": item(ded("a", page="10")),  # 2
        "G-L1": item(ded("a", 3, "18")),    # 1.5
        "G-P4": item(ded("a", 2, "20")),    # 1
        "G-P5": item(ded("b", page="24")),  # 1
        "G-P7": item(ded("b", page="25")),  # 1.5
        "G-D2": item(ded("a", 2, "26")),    # 2
        "G-A1": item(ded("a", page="1")),   # 1
        "G-A3": item(ded("b", page="封面")),  # 0.5
        "FPR2": item(ded("b", 1, "9")),     # 0.5
        "DB3": item(ded("a", 1, "18")),     # 1
        "DB7": item(ded("b", page="26")),   # 0.5
        "DB4": NA,
    }
    r = score(std, PENALTY_PLAIN, marks(items))
    # applicable: own 56 + FPR 8 + DB 10 - 1.5 = 72.5
    # deducted: 2+2+1.5+1+1+1.5+2+1+0.5+0.5+1+0.5 = 14.5 -> earned 58; 58 / 72.5 * 100 = 80.00 exactly -> 良好
    assert r.applicable_max == D("72.5") and r.earned == D(58)
    assert r.score == D("80.00") and r.grade == "良好" and r.passed
    # one more half point (a typo in the decision): 57.5 / 72.5 * 100 = 79.3103 -> 79.31 合格
    r2 = score(std, PENALTY_PLAIN, marks({**items, "G-D3": item(ded("a", 1, "26"))}))
    assert r2.score == D("79.31") and r2.grade == "合格" and r2.passed


# --------------------------------------------------------------------------------------------------
# Worked examples: penalty-simple (行政处罚 简易程序; bands 优秀 90 / 合格 60; veto effect fail)
# Item maxima: SP1 5, SP2 10 | SP3 4, SP4 8, SP5 8 | SP6 8, SP7 7 | SP8 5, SP9 10, SP10 5 | SP11 4, SP12 3, SP13 3
# FPR for a simple file: FPR1 1 (N/A-able), FPR2 1.5, FPR3 1, FPR4 1.5, FPR5 1, FPR8 1, FPR9 1 (FPR6/7 never)
# --------------------------------------------------------------------------------------------------

SIMPLE = FileAttributes(case_type="行政处罚", procedure="简易")


def test_simple_on_the_spot_fine_with_reviewer_na(lib):
    """区交通委执法大队：对公民驾驶未年检车辆当场罚款 200 元，当事人通过电子支付缴纳。"""
    std = lib.get("penalty-simple")
    m = marks({
        "FPR1": NA,                                  # 简易程序无立案环节
        "SP11": NA,                                  # 未当场收缴罚款
        "DB4": NA, "DB5": NA, "DB6": NA,
        "SP2": item(ded("c", 1, "1", "第二名执法人员未签名")),  # 2
        "SP9": item(ded("a", 1, "1", "未载明复议、诉讼期限")),   # 2
        "FPR9": item(ded("b", page="1")),            # 0.5
    })
    r = score(std, SIMPLE, m)
    # applicable: own 80 - SP11 4 = 76; FPR 8 - FPR1 1 = 7; DB 10 - 1.5 - 1 - 1 = 6.5 -> 89.5
    # deducted 2 + 2 + 0.5 = 4.5 -> earned 85; 85 / 89.5 * 100 = 94.9721 -> 94.97 优秀
    assert r.applicable_max == D("89.5") and r.earned == D(85)
    assert r.score == D("94.97") and r.grade == "优秀" and r.passed
    sec = sections(r)
    assert sec["SP-E"] == (D(6), D(6)) and sec["SP-A"] == (D(15), D(13)) and sec["FPR"] == (D(7), D("6.5"))
    # documents: SP8 5 + SP9 10 = 15, earned 13 -> 86.6667 -> 86.67; subject: SP1 5 + SP2 10, earned 13 -> 86.67
    assert focus_rates(r)["documents"] == D("86.67") and focus_rates(r)["subject"] == D("86.67")


def test_simple_fail_veto_keeps_the_score_and_floors_an_item(lib):
    """区城管执法局：对公民乱张贴当场罚款 500 元（超过简易程序 200 元限额），证件记载混乱。"""
    std = lib.get("penalty-simple")
    m = marks(
        {
            "FPR1": NA, "SP11": NA, "DB5": NA, "DB6": NA,
            # SP2: 2 x 2 = 4 (cap 4) + 4 + 2 x 2 = 4 (cap 4) = 12 asked, floored at the item max 10
            "SP2": item(ded("a", 2), ded("b"), ded("c", 2)),
        },
        {"V-SP3": {"page": "1", "comment": "对公民当场罚款 500 元，超过二百元"}},
    )
    r = score(std, SIMPLE, m)
    # applicable: own 76 + FPR 7 + DB 10 - 1 - 1 = 8 -> 91; deducted 10 -> earned 81
    # 81 / 91 * 100 = 89.0110 -> 89.01: 合格 on points (this standard has no 良好 band)
    # veto V-SP3 with effect fail: the score is kept, the grade is the lowest band
    assert r.applicable_max == D(91) and r.earned == D(81)
    assert r.rate == D("89.01") and r.score == D("89.01") and r.points_grade == "合格"
    assert r.grade == "不合格" and not r.passed
    assert r.veto.triggered == ["V-SP3"] and r.veto.effect == "fail"
    sp2 = item_score(r, "SP2")
    assert sp2.requested == D(12) and sp2.deducted == D(10)
    # subject: SP1 5 + SP2 10 = 15, earned 5 -> 33.33
    assert sections(r)["SP-A"] == (D(15), D(5)) and focus_rates(r)["subject"] == D("33.33")


def test_simple_score_exactly_on_the_90_boundary(lib):
    """区公安分局：对单位违规停放车辆当场罚款 1,000 元；未从重处罚，无音像记录。"""
    std = lib.get("penalty-simple")
    m = marks({
        "FPR1": NA, "FPR5": NA, "FPR8": NA, "SP11": NA, "DB5": NA,
        "SP4": item(ded("b")),   # 4
        "SP6": item(ded("b")),   # 2
        "SP7": item(ded("b")),   # 3
    })
    r = score(std, SIMPLE, m)
    # applicable: own 76 + FPR (7 - FPR5 1 - FPR8 1 = 5) + DB (10 - DB5 1 = 9) = 90
    # deducted 4 + 2 + 3 = 9 -> earned 81; 81 / 90 * 100 = 90.00 exactly -> 优秀
    assert r.applicable_max == D(90) and r.earned == D(81)
    assert r.score == D("90.00") and r.grade == "优秀" and r.passed
    # procedure: SP6 8 + SP7 7 + SP10 5 + SP12 3 = 23, earned 18 -> 78.26
    assert focus_rates(r)["procedure"] == D("78.26")


# --------------------------------------------------------------------------------------------------
# Worked examples: inspection (行政检查; pass line 70; V-INS4/V-INS5 cap at 合格, others zero)
# Item maxima: INS1 5, INS2 10 | INS3 8, INS4 7, INS5 5 | INS6 10, INS7 5, INS8 6, INS9 4
#              | INS10 10, INS11 5, INS12 5 | INS13 5, INS14 5
# FPR for an inspection: FPR1 1, FPR2 1.5, FPR4 1.5, FPR5 1, FPR8 1, FPR9 1 = 7 (FPR3 is for penalties only)
# --------------------------------------------------------------------------------------------------

INSPECTION = FileAttributes(case_type="行政检查")


def test_inspection_random_check_without_findings(lib):
    """区应急局：“双随机”抽查某仓储企业安全生产，未发现问题；结果公示超时。"""
    std = lib.get("inspection")
    m = marks({
        "INS8": NA, "INS10": NA,                           # 未发现问题：无证据固定、无问题处理
        "INS6": item(ded("b", page="3", comment="仅写“未发现问题”")),  # 3
        "INS12": item(ded("a", page="7")),                 # 3
        "INS14": item(ded("b", 4, "目录")),                # 1 x 4 = 4, capped at 3
    })
    r = score(std, INSPECTION, m)
    # applicable: own 90 - 6 - 10 = 74; FPR 7 -> 81; deducted 3 + 3 + 3 = 9 -> earned 72
    # 72 / 81 * 100 = 88.8889 -> 88.89 良好 (pass line 70)
    assert r.applicable_max == D(81) and r.earned == D(72)
    assert r.score == D("88.89") and r.grade == "良好" and r.passed
    assert sections(r)["INS-C"] == (D(19), D(16)) and sections(r)["INS-D"] == (D(10), D(7))
    # procedure: INS4 7 + INS5 5 + INS9 4 + INS11 5 + INS12 5 = 26, earned 23 -> 88.4615 -> 88.46
    # facts_evidence: INS6 10 + INS7 5 = 15, earned 12 -> 80; archiving INS14 2/5 -> 40
    rates = focus_rates(r)
    assert rates["procedure"] == D("88.46") and rates["facts_evidence"] == D("80.00")
    assert rates["archiving"] == D("40.00") and rates["full_process_recording"] == D("100.00")


def test_inspection_cap_veto_limits_the_grade_and_zero_beats_cap(lib):
    """区建设管理委：检查工地发现脚手架重大隐患，仅口头提醒，未责令停工整改、未立案。"""
    std = lib.get("inspection")
    items = {
        "INS10": item(ded("d", page="5")),   # 4
        "INS11": item(ded("b", page="6")),   # 2
    }
    r = score(std, INSPECTION, marks(items, {"V-INS5": {"page": "5", "comment": "重大隐患未依法处理"}}))
    # applicable: own 90 + FPR 7 = 97; deducted 6 -> earned 91; 91 / 97 * 100 = 93.8144 -> 93.81 (优秀 on points)
    # V-INS5 caps the grade at 合格; the score is kept; 合格 is at the pass line 70, so it passes
    assert r.applicable_max == D(97) and r.earned == D(91)
    assert r.score == D("93.81") and r.points_grade == "优秀"
    assert r.grade == "合格" and r.passed
    assert r.veto.effect == "cap" and r.veto.cap_band == "合格"
    # with V-INS1 (检查主体不合法, zero) as well, zero is the strongest effect: score 0, 不合格
    r2 = score(std, INSPECTION, marks(items, {"V-INS5": {"page": "5"}, "V-INS1": {"page": "1"}}))
    assert r2.score == D("0.00") and r2.rate == D("93.81") and r2.grade == "不合格" and not r2.passed
    assert r2.veto.triggered == ["V-INS1", "V-INS5"] and r2.veto.effect == "zero"


def test_inspection_score_exactly_on_the_70_pass_line(lib):
    """区水务局：依投诉对某洗车点排水检查，未发现问题；启动、记录、告知多处不规范。"""
    std = lib.get("inspection")
    items = {
        "INS8": NA, "INS10": NA, "FPR8": NA,
        "INS2": item(ded("b")),         # 4
        "INS3": item(ded("b")),         # 3
        "INS4": item(ded("c")),         # 3 (依投诉检查未载明启动原因、未经批准)
        "INS5": item(ded("a")),         # 2
        "INS6": item(ded("a", 3)),      # 1 x 3 = 3
        "INS7": item(ded("a")),         # 3
        "INS11": item(ded("a")),        # 3
        "INS12": item(ded("a")),        # 3
    }
    r = score(std, INSPECTION, marks(items))
    # applicable: own 90 - 6 - 10 = 74; FPR 7 - FPR8 1 = 6 -> 80
    # deducted 4+3+3+2+3+3+3+3 = 24 -> earned 56; 56 / 80 * 100 = 70.00 exactly -> 合格, passes
    assert r.applicable_max == D(80) and r.earned == D(56)
    assert r.score == D("70.00") and r.grade == "合格" and r.passed
    # half a point more: 55.5 / 80 * 100 = 69.375 -> 69.38 不合格 (it would pass under a 60 line)
    r2 = score(std, INSPECTION, marks({**items, "INS13": item(ded("b", 1))}))
    assert r2.score == D("69.38") and r2.grade == "不合格" and not r2.passed


# --------------------------------------------------------------------------------------------------
# Worked examples: licensing (行政许可; includes legal_review; V-LIC5 caps at 合格, others zero)
# Item maxima: LIC1 2, LIC2 3, LIC3 10 | LIC4 10, LIC5 8, LIC6 7 | LIC7 6, LIC8 4 | LIC9 5, LIC10 5h
#              | LIC11 8, LIC12 3, LIC13 4 | LIC14 5 | LIC15 6, LIC16 4;  LR (major only) as above
# --------------------------------------------------------------------------------------------------


def test_licensing_non_major_file_with_a_whole_section_not_applicable(lib):
    """区卫生健康委：公共场所卫生许可，不涉及他人重大利益，未听证，非重大决定。"""
    std = lib.get("licensing")
    attrs = FileAttributes(case_type="行政许可")
    m = marks({
        "LIC9": NA,                                        # 不直接涉及他人重大利益
        "LIC4": item(ded("a", 4, "5-9", "四项条件无审查记录")),  # 2 x 4 = 8, capped at 6
        "LIC3": item(ded("c", page="3")),                  # 3
        "LIC14": item(ded("b", page="20")),                # 1
    })
    r = score(std, attrs, m)
    # applicable: own 90 - LIC9 5 (N/A) - LIC10 5 (no hearing) = 80; LR not applicable (non-major) -> 80
    # deducted 6 + 3 + 1 = 10 -> earned 70; 70 / 80 * 100 = 87.50 良好
    assert r.applicable_max == D(80) and r.earned == D(70)
    assert r.score == D("87.50") and r.grade == "良好" and r.passed
    sec = sections(r)
    assert sec["LIC-D"] == (D(0), D(0)) and sec["LR"] == (D(0), D(0)) and sec["LIC-B"] == (D(25), D(19))
    assert item_score(r, "LIC4").requested == D(6)
    assert "legal_review" not in focus_rates(r)


def test_licensing_major_decision_with_hearing_capped_for_overdue_decision(lib):
    """区规划资源局：建设工程规划许可（列入法制审核目录），相邻权利人申请听证；决定超过法定期限。"""
    std = lib.get("licensing")
    attrs = FileAttributes(case_type="行政许可", major_decision=True, hearing_held=True)
    items = {
        "LR7": NA, "LR8": NA,                              # 审核无异议；许可决定无须集体讨论
        "LR5": item(ded("a", page="40")),                  # 1.5 (审核意见仅写“同意”)
        "LR4": item(ded("a", 5, "40")),                    # 0.5 x 5 = 2.5, capped at 2
        "LR6": item(ded("b", page="40")),                  # 1.5 (承办人自审)
        "LIC10": item(ded("b", page="33")),                 # 3 (听证主持人为审查人员)
    }
    r = score(std, attrs, marks(items, {"V-LIC5": {"page": "45", "comment": "受理后 41 日作出决定，无延期审批"}}))
    # applicable: own 90 (all apply) + LR 10 - 0.5 - 1 = 8.5 -> 98.5
    # deducted 1.5 + 2 + 1.5 + 3 = 8 -> earned 90.5; 90.5 / 98.5 * 100 = 91.8782 -> 91.88 (优秀 on points)
    # V-LIC5 caps at 合格: graded 合格, score kept
    assert r.applicable_max == D("98.5") and r.earned == D("90.5")
    assert r.score == D("91.88") and r.points_grade == "优秀" and r.grade == "合格" and r.passed
    assert r.veto.effect == "cap" and r.veto.cap_band == "合格"
    # legal_review: 8.5 applicable, earned 8.5 - 5 = 3.5 -> 41.1765 -> 41.18
    assert sections(r)["LR"] == (D("8.5"), D("3.5")) and focus_rates(r)["legal_review"] == D("41.18")
    # the same file never reviewed at all (应审未审): V-LR1 is zero, stronger than the cap
    r2 = score(std, attrs, marks(items, {"V-LIC5": {"page": "45"}, "V-LR1": {"page": "40"}}))
    assert r2.score == D("0.00") and r2.grade == "不合格" and r2.veto.effect == "zero"


# --------------------------------------------------------------------------------------------------
# coercion (行政强制): measures by the coercive_measure flag, execution by reviewer N/A
# Item maxima: CO1 4, CO2 4, CO3 6 | CO4 4, CO5 4, CO6 3
#              | CO-C (measure only) CO7 4, CO8 6, CO9 4, CO10 5, CO11 4, CO12 2, CO13 3
#              | CO-D (all N/A-able) CO14 3, CO15 4, CO16 3, CO17 4, CO18 3, CO19 2, CO20 2, CO21 2, CO22 2, CO23 2
#              | CO24 4, CO25 3, CO26 3
# FPR for a coercion file: FPR1 1, FPR2 1.5, FPR4 1.5, FPR5 1, FPR8 1, FPR9 1 = 7, + FPR6 1 with a measure
# --------------------------------------------------------------------------------------------------

MEASURE = FileAttributes(case_type="行政强制", coercive_measure=True)
EXECUTION = FileAttributes(case_type="行政强制")
EXECUTION_ITEMS = ["CO14", "CO15", "CO16", "CO17", "CO18", "CO19", "CO20", "CO21", "CO22", "CO23"]


def test_coercion_shape(lib):
    std = lib.get("coercion")
    by_id = {s.id: s for s in std.sections}
    assert [s.id for s in std.sections] == ["CO-A", "CO-B", "CO-C", "CO-D", "CO-E", "FPR"]
    # the measure section follows the flag; every execution item is left to the reviewer (N/A)
    assert [c.model_dump(exclude_none=True) for c in by_id["CO-C"].conditions] == [{"coercive_measure": True}]
    assert [i.id for i in by_id["CO-D"].items] == EXECUTION_ITEMS
    assert all(i.allow_na and not i.conditions for i in by_id["CO-D"].items)
    assert not any(i.allow_na for sid in ("CO-A", "CO-B", "CO-C", "CO-E") for i in by_id[sid].items)
    # audio-video of 查封扣押 (FPR6) only with a measure; on-site execution has its own FPR-focus item
    assert std.item_applies("FPR6", MEASURE) and not std.item_applies("FPR6", EXECUTION)
    assert not std.item_applies("FPR3", MEASURE)
    assert {i.id for s in std.sections for i in s.items if i.focus == "full_process_recording"} >= {"CO19", "FPR6"}
    # measure-only vetoes
    assert std.veto_applies("V-CO4", MEASURE) and not std.veto_applies("V-CO4", EXECUTION)
    assert std.veto_applies("V-CO7", MEASURE) and not std.veto_applies("V-CO7", EXECUTION)
    assert std.veto_applies("V-CO5", EXECUTION) and std.veto_applies("V-FPR1", EXECUTION)


def test_coercion_seizure_only_with_the_execution_section_not_applicable(lib):
    """区市场监管局：扣押涉嫌侵权商品 320 件，期限内作出没收处理（转入处罚案件），未进入强制执行。"""
    std = lib.get("coercion")
    m = marks({
        **{i: NA for i in EXECUTION_ITEMS},                          # 只采取强制措施，未进入执行
        "CO2": item(ded("a", 3, "3", "三份文书未记载执法证号")),        # 0.5 x 3 = 1.5
        "CO8": item(ded("b", 2, "5", "未告知申请复议、诉讼的权利和途径")),  # 1 x 2 = 2
        "CO10": item(ded("c", 4, "7", "决定书缺期限、依据等四项")),      # 1 x 4 = 4, capped at 3
        "CO11": item(ded("b", page="12")),                           # 1.5
        "FPR6": item(ded("b", page="光盘1")),                        # 0.5
        "CO25": item(ded("a", 1, "目录")),                           # 0.5
    })
    r = score(std, MEASURE, m)
    # applicable: own 90 - CO-D 27 (all N/A) = 63; FPR 10 - FPR3 1 - FPR7 1 = 8 -> 71
    # deducted: 1.5 + 2 + 3 + 1.5 + 0.5 + 0.5 = 9 -> earned 62; 62 / 71 * 100 = 87.3239 -> 87.32 良好
    assert r.applicable_max == D(71) and r.earned == D(62)
    assert r.score == D("87.32") and r.grade == "良好" and r.passed
    assert sections(r) == {
        "CO-A": (D(14), D("12.5")), "CO-B": (D(11), D(11)), "CO-C": (D(28), D("21.5")), "CO-D": (D(0), D(0)),
        "CO-E": (D(10), D("9.5")), "FPR": (D(8), D("7.5")),
    }
    assert item_score(r, "CO10").requested == D(3)
    # focus: procedure CO7 4 + CO8 6 + CO11 4 + CO13 3 = 17, earned 13.5 -> 79.4118 -> 79.41;
    #   documents CO10 5 + CO24 4 = 9, earned 6 -> 66.67; subject CO1 + CO2 = 8, earned 6.5 -> 81.25;
    #   full_process_recording FPR 8 (CO19 N/A), earned 7.5 -> 93.75
    rates = focus_rates(r)
    assert rates["procedure"] == D("79.41") and rates["documents"] == D("66.67")
    assert rates["subject"] == D("81.25") and rates["full_process_recording"] == D("93.75")


def test_coercion_demolition_without_notice_is_zeroed(lib):
    """区城管执法局：强制拆除违法搭建的彩钢棚。未经公告限期自行拆除，周六实施，现场未全程录像。"""
    std = lib.get("coercion")
    items = {
        "CO20": NA, "CO21": NA, "CO23": NA,          # 未代履行，无金钱给付，本机关自行执行
        "CO15": item(ded("a", 1, "4")),               # 1 (催告书未载明履行方式)
        "CO18": item(ded("b", page="9")),             # 2 (法定节假日实施，无紧急情况说明)
        "CO19": item(ded("a", page="9")),             # 2
    }
    r = score(std, EXECUTION, marks(items, {"V-CO5": {"page": "6", "comment": "未经公告限期自行拆除即强制拆除"}}))
    # applicable: own 90 - CO-C 28 (no measure) - CO20 2 - CO21 2 - CO23 2 = 56;
    #   FPR 10 - FPR3 - FPR6 - FPR7 = 7 -> 63
    # deducted 1 + 2 + 2 = 5 -> earned 58; 58 / 63 * 100 = 92.0635 -> 92.06 (优秀 on points)
    # V-CO5 (违反法定程序), effect zero -> 0.00 不合格
    assert r.applicable_max == D(63) and r.earned == D(58)
    assert r.rate == D("92.06") and r.points_grade == "优秀"
    assert r.score == D("0.00") and r.grade == "不合格" and not r.passed
    assert r.veto.triggered == ["V-CO5"] and r.veto.effect == "zero"
    assert sections(r)["CO-C"] == (D(0), D(0)) and sections(r)["CO-D"] == (D(21), D(16))
    # full_process_recording: CO19 2 + FPR 7 = 9, earned 7 -> 77.7778 -> 77.78
    assert focus_rates(r)["full_process_recording"] == D("77.78")
    # no seizure in this file: the seizure-scope veto and the seizure items cannot be marked
    with pytest.raises(ProblemReport) as info:
        score(std, EXECUTION, marks({"CO10": item(ded("a"))}, {"V-CO4": {"page": "1"}}))
    text = " ".join(str(p) for p in info.value.problems)
    assert "CO10" in text and "V-CO4" in text


def test_coercion_overdue_seizure_capped_and_unqualified_staff_zeroed(lib):
    """区生态环境局：查封超标排污设备，检测报告出具后既未延长也未处理，查封持续 75 日。"""
    std = lib.get("coercion")
    items = {
        **{i: NA for i in EXECUTION_ITEMS},
        "CO13": item(ded("b", page="20")),            # 2 (应当解除未及时解除)
        "CO9": item(ded("d", 2, "8")),                # 0.5 x 2 = 1
    }
    r = score(std, MEASURE, marks(items, {"V-CO7": {"page": "20", "comment": "查封期满未延长、未处理"}}))
    # applicable 71 (as above); deducted 3 -> earned 68; 68 / 71 * 100 = 95.7746 -> 95.77 (优秀 on points)
    # V-CO7 caps at 合格: the score is kept, the grade is 合格
    assert r.applicable_max == D(71) and r.earned == D(68)
    assert r.score == D("95.77") and r.points_grade == "优秀" and r.grade == "合格" and r.passed
    assert r.veto.effect == "cap" and r.veto.cap_band == "合格"
    # the seizure was also carried out by 协管员 alone (V-CO2, zero): zero beats the cap
    r2 = score(std, MEASURE, marks(items, {"V-CO7": {"page": "20"}, "V-CO2": {"page": "8"}}))
    assert r2.score == D("0.00") and r2.grade == "不合格" and r2.veto.effect == "zero"


# --------------------------------------------------------------------------------------------------
# other-acts (行政确认 / 行政给付 / 行政征收征用): shared items + items for one case type
# Item maxima: OA1 4, OA2 3, OA3 4, OA4 4z, OA5 2c, OA6 3g | OA7 3, OA8 4, OA9 2, OA10 4c, OA11 4g, OA12 4z
#   | OA13 3, OA14 3, OA15 3, OA16 2, OA17 3g, OA18 4z, OA19 2c, OA20 2h | OA-D (g, z only) OA21 4g, OA22 4z
#   | OA23 3, OA24 3, OA25 3c, OA26 2g, OA27 2z | OA28 3, OA29 3
#   (c 行政确认, g 行政给付, z 行政征收征用, h only with a hearing)
# FPR: FPR1 1, FPR2 1.5, FPR4 1.5, FPR5 1, FPR8 1, FPR9 1 = 7 (+ FPR6 with a measure, FPR7 with a hearing)
# --------------------------------------------------------------------------------------------------

CONFIRM = FileAttributes(case_type="行政确认")
BENEFIT = FileAttributes(case_type="行政给付")
TAKING = FileAttributes(case_type="行政征收征用")


def test_other_acts_shape(lib):
    std = lib.get("other-acts")
    own = [i for s in std.sections if s.module is None for i in s.items]
    shared = {i.id for i in own if all(std.item_applies(i.id, a) for a in (CONFIRM, BENEFIT, TAKING))}
    assert len(shared) == 14 and "OA20" not in shared  # the hearing item needs hearing_held
    specific = {
        "行政确认": (CONFIRM, {"OA5", "OA10", "OA19", "OA25"}, 11, 54),
        "行政给付": (BENEFIT, {"OA6", "OA11", "OA17", "OA21", "OA26"}, 16, 59),
        "行政征收征用": (TAKING, {"OA4", "OA12", "OA18", "OA22", "OA27"}, 18, 61),
    }
    for case_type, (attrs, ids, points, own_max) in specific.items():
        mine = [i for i in own if std.item_applies(i.id, attrs) and i.id not in shared]
        assert {i.id for i in mine} == ids, case_type
        assert sum(i.max for i in mine) == points, case_type
        # each specific item names its case type itself (or its section does)
        assert all(any(c.case_type == [case_type] for c in i.conditions) for i in mine), case_type
        # what a file of this type is scored on, before FPR and reviewer N/A (no hearing)
        assert sum(i.max for i in own if std.item_applies(i.id, attrs)) == own_max, case_type
    assert std.veto_applies("V-OA5", TAKING) and not std.veto_applies("V-OA5", BENEFIT)
    assert std.veto_applies("V-OA7", BENEFIT) and not std.veto_applies("V-OA7", CONFIRM)
    assert std.veto_applies("V-OA8", CONFIRM) and not std.veto_applies("V-OA8", TAKING)


def test_other_acts_confirmation_rebased_without_the_payment_section(lib):
    """区规划资源局：宅基地使用权确认。实地查看后公告三十日，作出确认；现场踏勘不在音像记录清单内。"""
    std = lib.get("other-acts")
    items = {
        "FPR5": NA,                                   # 不涉及音像记录清单所列环节
        "OA3": item(ded("a", 5, "15")),               # 0.5 x 5 = 2.5, capped at 2
        "OA10": item(ded("b", page="9")),             # 1.5 (核查记录无结论)
        "OA19": item(ded("a", page="12")),            # 1 (公告未在村务公开栏张贴)
        "OA25": item(ded("a", 2, "15")),              # 1 x 2 = 2
        "OA29": item(ded("a", 3, "目录")),            # 0.5 x 3 = 1.5
    }
    r = score(std, CONFIRM, marks(items))
    # applicable: own 54 (OA-D 给付发放与征收补偿 not applicable at all); FPR 7 - FPR5 1 = 6 -> 60
    # deducted 2 + 1.5 + 1 + 2 + 1.5 = 8 -> earned 52; 52 / 60 * 100 = 86.6667 -> 86.67 良好
    assert r.applicable_max == D(60) and r.earned == D(52)
    assert r.score == D("86.67") and r.grade == "良好" and r.passed
    assert sections(r) == {
        "OA-A": (D(13), D(11)), "OA-B": (D(13), D("11.5")), "OA-C": (D(13), D(12)), "OA-D": (D(0), D(0)),
        "OA-E": (D(9), D(7)), "OA-F": (D(6), D("4.5")), "FPR": (D(6), D(6)),
    }
    assert item_score(r, "OA21").status == "not_applicable"
    # documents: OA23 3 + OA25 3 = 6, earned 4 -> 66.67; legal_basis OA3 4 + OA5 2 = 6, earned 4 -> 66.67
    assert focus_rates(r)["documents"] == D("66.67") and focus_rates(r)["legal_basis"] == D("66.67")
    # the same file decided 20 working days late without extension (V-OA8, cap 合格): score kept, 合格
    r2 = score(std, CONFIRM, marks(items, {"V-OA8": {"page": "14"}}))
    assert r2.score == D("86.67") and r2.grade == "合格" and r2.veto.cap_band == "合格"
    # items of the other two case types cannot be marked on a confirmation
    with pytest.raises(ProblemReport) as info:
        score(std, CONFIRM, marks({"OA11": item(ded("a")), "OA22": item(ded("a"))}))
    text = " ".join(str(p) for p in info.value.problems)
    assert "OA11" in text and "OA22" in text


def test_other_acts_benefit_paid_to_the_wrong_account_is_zeroed(lib):
    """城桥镇：最低生活保障审核确认。公示名单列出完整身份证号，首月低保金打入村干部亲属账户。"""
    std = lib.get("other-acts")
    m = marks(
        {
            "FPR5": NA, "FPR8": NA,                   # 入户调查不在音像清单内，无音像记录
            "OA11": item(ded("b", page="6")),         # 1.5 (未进行家庭经济状况信息核对)
            "OA17": item(ded("b", page="10")),        # 1.5 (公示泄露身份证号码)
            "OA21": item(ded("a", page="14")),        # 2 (发放金额与审批金额不一致)
            "FPR4": item(ded("b", page="15")),        # 1
        },
        {"V-OA7": {"page": "14", "comment": "首月低保金发放至非核定对象账户"}},
    )
    r = score(std, BENEFIT, m)
    # applicable: own 59; FPR 7 - FPR5 - FPR8 = 5 -> 64
    # deducted 1.5 + 1.5 + 2 + 1 = 6 -> earned 58; 58 / 64 * 100 = 90.625 -> 90.63 (优秀 on points)
    # V-OA7 (给付资金发放至非核定对象), effect zero -> 0.00 不合格
    assert r.applicable_max == D(64) and r.earned == D(58)
    assert r.rate == D("90.63") and r.points_grade == "优秀"
    assert r.score == D("0.00") and r.grade == "不合格" and r.veto.triggered == ["V-OA7"]
    # OA-D for a benefit file is the payment item alone: 4, earned 2
    assert sections(r)["OA-D"] == (D(4), D(2)) and sections(r)["OA-C"] == (D(14), D("12.5"))


def test_other_acts_land_taking_with_a_hearing(lib):
    """区规划资源局：集体土地征收。补偿安置方案公告 20 日，多数成员申请听证后组织听证；补偿款逾期支付。"""
    std = lib.get("other-acts")
    attrs = FileAttributes(case_type="行政征收征用", hearing_held=True)
    m = marks({
        "OA18": item(ded("a", page="22")),            # 2 (公告期少于三十日)
        "OA20": item(ded("b", page="30")),            # 2 (主持人为调查人员)
        "OA22": item(ded("b", page="41"), ded("d", page="43")),  # 2 + 1.5 = 3.5
        "OA27": item(ded("a", 4, "38")),              # 0.5 x 4 = 2, capped at 1.5
        "FPR7": item(ded("b", page="30")),            # 0.5
    })
    r = score(std, attrs, m)
    # applicable: own 61 + OA20 2 = 63; FPR 10 - FPR3 - FPR6 = 8 -> 71
    # deducted 2 + 2 + 3.5 + 1.5 + 0.5 = 9.5 -> earned 61.5; 61.5 / 71 * 100 = 86.6197 -> 86.62 良好
    assert r.applicable_max == D(71) and r.earned == D("61.5")
    assert r.score == D("86.62") and r.grade == "良好" and r.passed
    assert sections(r)["OA-C"] == (D(17), D(13)) and sections(r)["OA-D"] == (D(4), D("0.5"))
    # the overdue-decision cap is for confirmations and benefits only
    with pytest.raises(ProblemReport):
        score(std, attrs, marks({}, {"V-OA8": {"page": "1"}}))
