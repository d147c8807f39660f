"""Properties of the scoring engine that must hold for every standard and every set of marks."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scoring.engine import grade_for, round_score, score
from scoring.errors import ProblemReport
from scoring.marks import Marks
from scoring.rubric.schema import FileAttributes, GradeBand
from tests.rubric_builders import BANDS, build_standard

FLAGS = ["major_decision", "waiver", "hearing_held", "coercive_measure"]
half_points = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 2)


@st.composite
def deduction(draw, item_max: Decimal, i: int):
    if draw(st.booleans()):
        pts = draw(half_points.filter(lambda p: p <= item_max))
        return {"id": f"d{i}", "reason": f"缺陷{i}", "points": str(pts)}
    per = draw(half_points.filter(lambda p: p <= item_max))
    d = {"id": f"d{i}", "reason": f"每处缺陷{i}", "per_occurrence": str(per)}
    if draw(st.booleans()):
        cap = draw(half_points.filter(lambda c: per <= c <= item_max))
        d["cap"] = str(cap)
    return d


@st.composite
def standards(draw):
    sections = []
    n = 0
    for s in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 4))):
            n += 1
            item_max = draw(half_points)
            item = {
                "id": f"I{n}", "title": f"项目{n}", "max": str(item_max),
                "focus": draw(st.sampled_from(["subject", "legal_review", "procedure", "full_process_recording"])),
                "allow_na": draw(st.booleans()),
                "deductions": [draw(deduction(item_max, i)) for i in range(draw(st.integers(1, 3)))],
            }
            if draw(st.integers(0, 3)) == 0:
                item["applies_when"] = {draw(st.sampled_from(FLAGS)): draw(st.booleans())}
            items.append(item)
        item_sum = sum(Decimal(i["max"]) for i in items)
        # Sometimes a section cap below the item sum.
        sec_max = item_sum if draw(st.booleans()) else draw(half_points.filter(lambda m: m <= item_sum))
        sections.append({"id": f"S{s}", "title": f"部分{s}", "max": str(sec_max), "items": items})
    total = sum(Decimal(s["max"]) for s in sections)
    vetoes = [
        {"id": "VZ", "title": "否决归零", "focus": "subject", "effect": {"kind": "zero"}},
        {"id": "VF", "title": "否决不合格", "focus": "subject", "effect": {"kind": "fail"}},
        {"id": "VC", "title": "最高合格", "focus": "subject", "effect": {"kind": "cap", "band": "合格"}},
        {"id": "VG", "title": "最高良好", "focus": "subject", "effect": {"kind": "cap", "band": "良好"}},
    ]
    return build_standard({
        "kind": "standard", "id": "gen", "title": "生成标准", "applies_to": {"case_types": ["行政处罚"]},
        "total": str(total), "pass_line": 60, "grade_bands": BANDS, "sections": sections, "vetoes": vetoes,
    })


attrs_strategy = st.builds(
    FileAttributes, case_type=st.just("行政处罚"), procedure=st.just("一般"),
    **{f: st.booleans() for f in FLAGS},
)


def most(item, d) -> int:
    """Occurrences a reviewer may record: capped reasons any count, uncapped ones up to the whole item."""
    return 12 if d.cap is not None else max(1, min(12, int(item.max // d.per_occurrence)))


@st.composite
def marks_for(draw, std, attrs, vetoes=False):
    items = {}
    for section in std.sections:
        for item in section.items:
            if not std.item_applies(item.id, attrs):
                continue
            choice = draw(st.sampled_from(["ok", "deduct", "na"] if item.allow_na else ["ok", "deduct"]))
            if choice == "na":
                items[item.id] = {"na": True}
            elif choice == "deduct":
                reasons = draw(st.lists(st.sampled_from(item.deductions), min_size=1, max_size=3,
                                        unique_by=lambda d: d.id))
                items[item.id] = {"deductions": [
                    {"reason": d.id, "occurrences": 1 if d.points is not None else draw(st.integers(1, most(item, d))),
                     "page": str(draw(st.integers(1, 200)))} for d in reasons]}
    veto_marks = {}
    if vetoes:
        for v in draw(st.lists(st.sampled_from(["VZ", "VF", "VC", "VG"]), unique=True)):
            veto_marks[v] = {"comment": "否决"}
    return Marks.model_validate({"items": items, "vetoes": veto_marks})


def applicable_somewhere(std, attrs):
    return any(std.item_applies(i, attrs) for i in std.items_by_id)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_score_is_within_0_and_100_and_items_never_below_zero(data):
    std = data.draw(standards())
    attrs = data.draw(attrs_strategy)
    assume(applicable_somewhere(std, attrs))
    marks = data.draw(marks_for(std, attrs, vetoes=True))
    try:
        r = score(std, attrs, marks)
    except ProblemReport as exc:  # every item N/A is the only refusal allowed for fitting marks
        assert "no item of this standard applies" in str(exc)
        return
    assert Decimal(0) <= r.score <= Decimal(100)
    assert Decimal(0) <= r.rate <= Decimal(100)
    for it in r.items:
        assert Decimal(0) <= it.deducted <= it.max
        assert it.max - it.deducted >= 0
    for sec in r.sections:
        assert Decimal(0) <= sec.earned <= sec.applicable_max <= sec.max


@SETTINGS
@given(st.data())
def test_adding_a_deduction_never_raises_the_score(data):
    std = data.draw(standards())
    attrs = data.draw(attrs_strategy)
    base = data.draw(marks_for(std, attrs))
    candidates = [
        (item_id, item) for item_id, (_, item) in std.items_by_id.items()
        if std.item_applies(item_id, attrs) and not (base.items.get(item_id) and base.items[item_id].na)
    ]
    assume(candidates)
    item_id, item = data.draw(st.sampled_from(candidates))
    existing = base.items.get(item_id)
    used = {d.reason for d in existing.deductions} if existing else set()
    free = [d for d in item.deductions if d.id not in used]
    assume(free)
    extra = data.draw(st.sampled_from(free))
    items = {k: v.model_dump() for k, v in base.items.items()}
    items.setdefault(item_id, {"deductions": []})["deductions"].append({"reason": extra.id, "occurrences": 1})
    more = Marks.model_validate({"items": items})
    before, after = score(std, attrs, base), score(std, attrs, more)
    assert after.score <= before.score
    assert after.earned <= before.earned


@SETTINGS
@given(st.data())
def test_each_veto_effect_behaves_as_configured(data):
    std = data.draw(standards())
    attrs = data.draw(attrs_strategy)
    assume(applicable_somewhere(std, attrs))
    marks = data.draw(marks_for(std, attrs))
    assume(not all(m.na for m in marks.items.values()) or not marks.items)
    try:
        plain = score(std, attrs, marks)
    except ProblemReport:
        assume(False)
    names = [b["name"] for b in BANDS]
    for veto, check in {
        "VZ": lambda r: r.score == 0 and r.grade == "不合格" and not r.passed,
        "VF": lambda r: r.score == plain.score and r.grade == "不合格" and not r.passed,
        "VC": lambda r: r.score == plain.score and names.index(r.grade) >= names.index("合格")
        and names.index(r.grade) >= names.index(plain.grade),
        "VG": lambda r: r.score == plain.score and r.grade == names[max(names.index(plain.grade), 1)],
    }.items():
        vetoed = Marks(items=marks.items, vetoes={veto: {"comment": "x"}})
        r = score(std, attrs, vetoed)
        assert check(r), (veto, r.score, r.grade, plain.grade)
        assert r.veto.triggered == [veto] and r.veto.effect == std.vetoes_by_id[veto].effect.kind
        assert r.rate == plain.rate  # the points score is kept for the record
    # Several at once: the strongest wins.
    both = score(std, attrs, Marks(items=marks.items, vetoes={"VC": {}, "VZ": {}}))
    assert both.veto.effect == "zero" and both.score == 0
    caps = score(std, attrs, Marks(items=marks.items, vetoes={"VC": {}, "VG": {}}))
    assert caps.veto.cap_band == "合格"


@SETTINGS
@given(st.data())
def test_na_items_neither_add_nor_deduct_and_rate_is_rebased(data):
    std = data.draw(standards())
    attrs = data.draw(attrs_strategy)
    marks = data.draw(marks_for(std, attrs))
    assume(applicable_somewhere(std, attrs))
    try:
        r = score(std, attrs, marks)
    except ProblemReport:
        assume(False)
    # Re-derive the applicable maximum from the rule: only items that apply and are not marked N/A count.
    expected_max = Decimal(0)
    for section in std.sections:
        counted = [
            it.max for it in section.items
            if std.item_applies(it.id, attrs) and not (marks.items.get(it.id) and marks.items[it.id].na)
        ]
        expected_max += min(section.max, sum(counted, Decimal(0)))
    assert r.applicable_max == expected_max
    for it in r.items:
        if it.status in ("na", "not_applicable"):
            assert it.deducted == 0
    # No deductions at all: full marks whatever is N/A.
    clean = Marks(items={k: v for k, v in marks.items.items() if v.na})
    assert score(std, attrs, clean).score == Decimal("100.00")
    # Rounding: exactly half-up to two places of the exact ratio.
    exact = r.earned / r.applicable_max * 100
    assert r.rate == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.decimals(min_value=0, max_value=100, places=3))
def test_rounding_is_half_up_to_two_places(value):
    rounded = round_score(value)
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))
    if (value * 1000) % 10 == 5:
        assert rounded > value


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_grade_bands_are_contiguous(value):
    g = grade_for(value, [GradeBand(**b) for b in BANDS])
    expected = "优秀" if value >= 90 else "良好" if value >= 80 else "合格" if value >= 60 else "不合格"
    assert g == expected


def _reference_dict(r) -> dict:  # noqa: ANN001 - the stored form as `dataclasses.asdict` made it before
    def conv(obj):  # noqa: ANN001, ANN202
        if isinstance(obj, Decimal):
            return float(obj)
        if isinstance(obj, dict):
            return {k: conv(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [conv(v) for v in obj]
        return obj

    data = asdict(r)
    data["sections"] = [{**asdict(p), "rate": p.rate} for p in r.sections]
    data["focus"] = [{**asdict(p), "rate": p.rate} for p in r.focus]
    return conv(data)


@SETTINGS
@given(st.data())
def test_stored_result_is_the_same_document_as_before(data):
    """`to_dict` is what every stored review result is made of: same keys, order and values as ever."""
    std = data.draw(standards())
    attrs = data.draw(attrs_strategy)
    assume(applicable_somewhere(std, attrs))
    try:
        r = score(std, attrs, data.draw(marks_for(std, attrs, vetoes=True)))
    except ProblemReport:
        return
    got, want = r.to_dict(), _reference_dict(r)
    assert json.dumps(got) == json.dumps(want)
