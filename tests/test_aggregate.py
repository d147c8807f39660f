"""Aggregation over final results, on SQLite and PostgreSQL, with figures computed by hand.

The world (tests/test_aggregate_world.py), final scores per unit:
  区城管执法局 (department): 95.00 92.50 83.75 86.25(行政检查)    区市场监管局: 82.50 0.00(veto, re-check) 73.75
  区生态环境局: 98.75 95.00                                       城桥镇 (town): 67.50 82.50 80.00
"""

from __future__ import annotations

from decimal import Decimal

import krippendorff
import numpy as np
import pytest
from sqlalchemy import select

from scoring.aggregate import (
    agreement,
    alpha_closed_form,
    bootstrap_units,
    campaign_figures,
    comparison,
    file_list,
    problem_files,
    records,
    reviewer_severity,
    to_frame,
    top_problems,
    unit_summary,
    unit_table,
    year_over_year,
)
from scoring.aggregate.units import focus_rates, reason_counts
from scoring.db.models import FileDeduction, FileFocusScore, FileResult, Unit
from scoring.errors import NotFound, ValidationFailed
from tests.test_aggregate_world import U1, U2, U3, U4, shared_world  # noqa: F401 (fixture)

D = Decimal


def by_unit(rows):  # noqa: ANN001, ANN201
    return {r.unit: r for r in rows}


@pytest.fixture
def world(shared_world):  # noqa: F811 (the fixture imported above)
    """Every test here only reads: they share one world per backend."""
    yield shared_world
    shared_world.session.rollback()


def test_unit_figures_by_hand(world):
    units = unit_summary(world.session, world.lead, world.current.id)
    assert [u.unit for u in units] == [U1, U2, U3, U4]  # listing order
    u = by_unit(units)
    # 区城管执法局: 357.50 / 4 = 89.375 -> 89.38 (half-up); median (86.25 + 92.50) / 2 = 89.375 -> 89.38
    a = u[U1]
    assert (a.files, a.mean, a.median, a.min, a.max) == (4, D("89.38"), D("89.38"), D("83.75"), D("95.00"))
    assert a.grade_counts == {"优秀": 2, "良好": 2, "合格": 0, "不合格": 0}
    assert list(a.grade_counts) == ["优秀", "良好", "合格", "不合格"]  # the campaign's band order
    assert (a.pass_rate, a.excellent_rate, a.veto_count, a.grade) == (D("100.00"), D("50.00"), 0, "良好")
    # 区市场监管局: (82.50 + 0 + 73.75) / 3 = 52.0833 -> 52.08 不合格; the vetoed file fails
    b = u[U2]
    assert (b.files, b.mean, b.median, b.min, b.max) == (3, D("52.08"), D("73.75"), D("0.00"), D("82.50"))
    assert b.grade_counts == {"优秀": 0, "良好": 1, "合格": 1, "不合格": 1}
    assert (b.pass_rate, b.excellent_rate, b.veto_count, b.grade) == (D("66.67"), D("0.00"), 1, "不合格")
    c = u[U3]
    assert (c.mean, c.median, c.grade, c.excellent_rate) == (D("96.88"), D("96.88"), "优秀", D("100.00"))
    t = u[U4]
    assert (t.kind, t.mean, t.median, t.grade, t.pass_rate) == ("town", D("76.67"), D("80.00"), "合格", D("100.00"))


def test_focus_rates_by_hand(world):
    u = by_unit(unit_summary(world.session, world.lead, world.current.id))
    # Earned per file = 40 - mean deduction of the two reviews (re-check: its own marks).
    # 区城管执法局 subject 40+35+40+36 = 151/160; discretion 36+39+27+33 = 135/160
    assert u[U1].focus_rates == {"discretion_benchmark": D("84.38"), "subject": D("94.38")}
    assert [f.focus for f in u[U1].focus] == ["discretion_benchmark", "subject"]  # focus areas first
    assert (u[U1].focus[0].earned, u[U1].focus[0].applicable_max, u[U1].focus[0].files) == (D("135.00"),
                                                                                              D("160.00"), 4)
    # 区市场监管局 subject 26+40+40 = 106/120 = 88.33; discretion 40+36+19 = 95/120 = 79.17
    assert u[U2].focus_rates == {"discretion_benchmark": D("79.17"), "subject": D("88.33")}
    assert u[U3].focus_rates == {"discretion_benchmark": D("93.75"), "subject": D("100.00")}
    # 城桥镇 subject 105/120 = 87.50; discretion 19+31+29 = 79/120 = 65.83
    assert u[U4].focus_rates == {"discretion_benchmark": D("65.83"), "subject": D("87.50")}


def test_unit_top_deductions(world):
    u = by_unit(unit_summary(world.session, world.lead, world.current.id, top_n=3))
    got = [(r.item_id, r.reason_id, r.files, r.is_veto) for r in u[U1].top_deductions]
    assert got == [("B1", "a", 4, False), ("A1", "a", 1, False), ("A1", "b", 1, False)]
    first = u[U1].top_deductions[0]
    assert (first.item_title, first.reason, first.focus) == ("文书制作", "文书错别字", "discretion_benchmark")
    # 区市场监管局: B1-a on 2 files (re-check and 73.75), then one file each, veto last by id
    assert [(r.item_id, r.files) for r in u[U2].top_deductions] == [("B1", 2), ("A1", 1), ("A1", 1)]
    full = by_unit(unit_summary(world.session, world.lead, world.current.id, top_n=10))[U2].top_deductions
    veto = full[-1]
    assert (veto.item_id, veto.is_veto, veto.item_title, veto.files) == ("V1", True, "执法主体不合法", 1)


def test_filters_by_unit_kind_and_case_type(world):
    s, cid = world.session, world.current.id
    assert [u.unit for u in unit_summary(s, world.lead, cid, unit_kind="town")] == [U4]
    assert [u.unit for u in unit_summary(s, world.lead, cid, unit_kind="乡镇")] == [U4]
    assert [u.unit for u in unit_summary(s, world.lead, cid, unit_kind="区级部门")] == [U1, U2, U3]
    insp = unit_summary(s, world.lead, cid, case_type="行政检查")
    assert [(u.unit, u.files, u.mean) for u in insp] == [(U1, 1, D("86.25"))]
    pen = by_unit(unit_summary(s, world.lead, cid, case_type="行政处罚"))
    assert (pen[U1].files, pen[U1].mean, pen[U1].grade) == (3, D("90.42"), "优秀")  # 271.25 / 3
    assert pen[U1].focus_rates["subject"] == D("95.83")  # (40+35+40)/120
    with pytest.raises(ValidationFailed, match="unknown unit kind"):
        unit_summary(s, world.lead, cid, unit_kind="village")
    with pytest.raises(ValidationFailed, match="unknown case type"):
        unit_summary(s, world.lead, cid, case_type="行政奖励")
    with pytest.raises(NotFound):
        unit_summary(s, world.lead, 999)


def test_campaign_figures_by_hand(world):
    fig = campaign_figures(world.session, world.lead, world.current.id)
    assert (fig.files_sampled, fig.files_reviewed, fig.files_pending, fig.units) == (12, 12, 0, 4)
    assert fig.grade_counts == {"优秀": 4, "良好": 5, "合格": 2, "不合格": 1}
    # 937.50 / 12 = 78.125 -> 78.13; median of 12: (82.50 + 83.75) / 2 = 83.125 -> 83.13
    assert (fig.mean, fig.median, fig.min, fig.max) == (D("78.13"), D("83.13"), D("0.00"), D("98.75"))
    assert (fig.pass_rate, fig.excellent_rate, fig.veto_count) == (D("91.67"), D("33.33"), 1)
    groups = {g.band: ([x.unit for x in g.units], g.min, g.upper) for g in fig.unit_groups}
    assert groups == {"优秀": ([U3], D(90), None), "良好": ([U1], D(80), D(90)), "合格": ([U4], D(60), D(80)),
                      "不合格": ([U2], D(0), D(60))}
    # subject 442/480 = 92.08; discretion 384/480 = 80.00
    assert {f.focus: f.rate for f in fig.focus} == {"discretion_benchmark": D("80.00"), "subject": D("92.08")}
    town = campaign_figures(world.session, world.lead, world.current.id, unit_kind="town")
    assert (town.files_sampled, town.files_reviewed, town.mean) == (3, 3, D("76.67"))
    record = fig.to_record()
    assert record["grade.优秀"] == 4 and record["units.不合格"] == 1 and record["mean"] == 78.13


def test_top_problems_by_focus_with_units(world):
    probs = top_problems(world.session, world.lead, world.current.id)
    got = [(p.focus, p.item_id, p.reason_id, p.files, p.is_veto) for p in probs]
    assert got == [("discretion_benchmark", "B1", "a", 11, False), ("subject", "A1", "a", 5, False),
                   ("subject", "A1", "b", 2, False), ("subject", "V1", "V1", 1, True)]
    b1 = probs[0]
    assert (b1.share, b1.focus_label, b1.reason) == (D("91.67"), "裁量权基准适用", "文书错别字")
    assert [(u.unit, u.files) for u in b1.units] == [(U1, 4), (U4, 3), (U2, 2), (U3, 2)]
    assert [(u.unit, u.files) for u in probs[1].units] == [(U4, 3), (U1, 1), (U2, 1)]
    assert [p.item_id for p in top_problems(world.session, world.lead, world.current.id, per_focus=1)] == ["B1", "A1"]
    assert [p.item_id for p in top_problems(world.session, world.lead, world.current.id, focus="subject", per_focus=None)] == [
        "A1", "A1", "V1"]
    files = problem_files(world.session, world.lead, world.current.id, "A1", "a", unit_id=world.units[U4].id)
    assert len(files) == 3 and {f.unit for f in files} == {U4}
    assert all(f.points == D(5) and f.reviews == 2 and f.location == "第2页" for f in files)
    assert [r["units"] for r in records(probs[:1])] == [f"{U1}（4）、{U4}（3）、{U2}（2）、{U3}（2）"]


@pytest.mark.parametrize("filters", [{}, {"unit_kind": "town"}, {"unit_kind": "department"},
                                     {"case_type": "行政处罚"}, {"unit_kind": "department", "case_type": "行政检查"}])
def test_reason_counts_match_the_final_results_row_by_row(world, filters):
    """Problems are counted from file_deductions alone, in the order of its problems index: the counts,
    labels and units equal those read row by row beside each file's final result, for every filter."""
    s, cid = world.session, world.current.id
    rows = s.execute(select(FileDeduction, FileResult.case_type, Unit.kind).join(
        FileResult, (FileResult.campaign_id == FileDeduction.campaign_id)
        & (FileResult.case_file_id == FileDeduction.case_file_id)).join(Unit, Unit.id == FileResult.unit_id)
        .where(FileDeduction.campaign_id == cid)).all()
    kept = [d for d, case_type, kind in rows if filters.get("case_type", case_type) == case_type
            and filters.get("unit_kind", kind) == kind]
    assert kept or filters
    expected: dict = {}
    for d in kept:
        for unit in (d.unit_id, None):
            n, reason, focus = expected.get((unit, d.item_id, d.reason_id, d.is_veto), (0, d.reason, d.focus))
            expected[(unit, d.item_id, d.reason_id, d.is_veto)] = (n + 1, min(reason, d.reason), min(focus, d.focus))
    got = {}
    for by_unit_ in (True, False):
        for unit, reasons in reason_counts(s, world.lead, cid, by_unit=by_unit_, **filters).items():
            assert [(-r.files, r.item_id, r.reason_id) for r in reasons] == sorted(
                (-r.files, r.item_id, r.reason_id) for r in reasons)
            got.update({(unit, r.item_id, r.reason_id, r.is_veto): (r.files, r.reason, r.focus) for r in reasons})
    assert got == expected
    for p in top_problems(s, world.lead, cid, per_focus=None, **filters):
        assert sorted((u.unit_id, u.files) for u in p.units) == sorted(
            (unit, v[0]) for (unit, item, reason, _), v in expected.items()
            if unit is not None and (item, reason) == (p.item_id, p.reason_id))


@pytest.mark.parametrize("filters", [{}, {"unit_kind": "town"}, {"case_type": "行政处罚"},
                                     {"unit_kind": "department", "case_type": "行政检查"}])
def test_focus_rates_match_the_final_results_row_by_row(world, filters):
    """Focus rates are summed from file_focus_scores alone (its own unit column, in the order of its
    (campaign, unit, focus) index): they equal the sums read row by row beside each file's final result,
    per unit and over the selection, for every filter."""
    s, cid = world.session, world.current.id
    rows = s.execute(select(FileFocusScore, FileResult.unit_id, FileResult.case_type, Unit.kind).join(
        FileResult, (FileResult.campaign_id == FileFocusScore.campaign_id)
        & (FileResult.case_file_id == FileFocusScore.case_file_id)).join(Unit, Unit.id == FileResult.unit_id)
        .where(FileFocusScore.campaign_id == cid)).all()
    expected: dict = {}
    for f, unit_id, case_type, kind in rows:
        assert f.unit_id == unit_id
        if filters.get("case_type", case_type) == case_type and filters.get("unit_kind", kind) == kind:
            for key in ((unit_id, f.focus), (None, f.focus)):
                n, mx, earned = expected.get(key, (0, D(0), D(0)))
                expected[key] = (n + 1, mx + f.applicable_max, earned + f.earned)
    got = {}
    for by_unit_ in (True, False):
        for unit, rates in focus_rates(s, world.lead, cid, by_unit=by_unit_, **filters).items():
            got.update({(unit, r.focus): (r.files, r.applicable_max, r.earned) for r in rates})
    assert got == expected and (expected or filters)


@pytest.mark.parametrize("by_unit_", [True, False])
def test_reason_counts_top_are_the_first_of_all(world, by_unit_):
    """`top` leaves each unit's first reasons in the same order, ties at the cut included (the database
    ranks by files only; the order on ids is Python's)."""
    s, cid = world.session, world.current.id
    full = reason_counts(s, world.lead, cid, by_unit=by_unit_)
    for top in (1, 2, 3, 10):
        assert reason_counts(s, world.lead, cid, by_unit=by_unit_, top=top) == {k: v[:top] for k, v in full.items()}


def test_file_list(world):
    rows = file_list(world.session, world.lead, world.current.id, unit_id=world.units[U2].id)
    assert [(str(r.score), r.grade, r.source, r.veto) for r in rows] == [
        ("0.00", "不合格", "recheck", True), ("73.75", "合格", "mean", False), ("82.50", "良好", "mean", False)]


def test_bootstrap_ranks_intervals_and_flags(world):
    s, cid = world.session, world.current.id
    res = by_unit(bootstrap_units(s, world.lead, cid, seed=7))
    assert res[U3].too_few_files and res[U3].rank is None and res[U3].ci_low is None
    assert res[U3].mean == D("96.88")  # still reported, just not ranked
    assert [(res[x].rank, res[x].too_few_files) for x in (U1, U4, U2)] == [(1, False), (2, False), (3, False)]
    # 区城管执法局's replicate means lie within 83.75..95.00, above every 城桥镇 replicate (<= 82.50): always 1st.
    assert (res[U1].rank_low, res[U1].rank_high) == (1, 1)
    assert 83.75 <= res[U1].ci_low < 89.375 < res[U1].ci_high <= 95.0
    # 区市场监管局 beats 城桥镇 in more than 2.5% of replicates (e.g. all three draws 82.50: 1 in 27).
    assert (res[U2].rank_low, res[U2].rank_high) == (2, 3)
    assert (res[U4].rank_low, res[U4].rank_high) == (2, 3)
    assert 0.0 <= res[U2].ci_low and res[U2].ci_high <= 82.5
    again = by_unit(bootstrap_units(s, world.lead, cid, seed=7))
    assert [(r.ci_low, r.ci_high) for r in again.values()] == [(r.ci_low, r.ci_high) for r in res.values()]
    # With 3-4 files the replicate means take few values and 2,000 replicates pin the percentiles down
    # whatever the seed; with 50 replicates another seed moves them.
    few = [tuple((r.ci_low, r.ci_high) for r in bootstrap_units(s, world.lead, cid, seed=k, n_boot=50)) for k in (7, 8, 7)]
    assert few[0] == few[2] != few[1]
    # A unit's interval does not depend on which other units are shown.
    town = bootstrap_units(s, world.lead, cid, seed=7, unit_kind="town")
    assert [(t.ci_low, t.ci_high, t.rank) for t in town] == [(res[U4].ci_low, res[U4].ci_high, 1)]
    # min_files: with 2, 区生态环境局 is ranked first (96.88); with 4 only 区城管执法局 is ranked.
    two = by_unit(bootstrap_units(s, world.lead, cid, seed=7, min_files=2))
    assert [two[x].rank for x in (U3, U1, U4, U2)] == [1, 2, 3, 4]
    four = by_unit(bootstrap_units(s, world.lead, cid, seed=7, min_files=4))
    assert [(x, four[x].rank) for x in four if four[x].rank] == [(U1, 1)]
    insp = bootstrap_units(s, world.lead, cid, case_type="行政检查")
    assert [(r.unit, r.files, r.too_few_files) for r in insp] == [(U1, 1, True)]


@pytest.mark.parametrize("filters", [{}, {"unit_kind": "town"}, {"unit_kind": "department"},
                                     {"case_type": "行政检查"}, {"case_type": "行政处罚", "unit_kind": "department"}])
def test_comparison_is_the_unit_table_and_the_campaign_figures(world, filters):
    """The comparison page's one computation derives the headline figures from the unit table's reads:
    every value equals the two computed on their own, for every selection."""
    s, cid = world.session, world.current.id
    both = comparison(s, world.lead, cid, seed=5, n_boot=300, min_files=2, **filters)
    assert both.rows == unit_table(s, world.lead, cid, seed=5, n_boot=300, min_files=2, **filters)
    alone = campaign_figures(s, world.lead, cid, **filters)
    assert both.overall == alone and both.overall.to_dict() == alone.to_dict()
    assert both.overall.focus and both.overall.median is not None  # the derived parts are not empty here


def test_unit_table_records_and_frame(world):
    rows = unit_table(world.session, world.lead, world.current.id, seed=3, n_boot=500)
    recs = records(rows)
    first = recs[0]
    assert first["unit"] == U1 and first["mean"] == 89.38 and first["grade.优秀"] == 2
    assert first["focus.subject"] == 94.38 and first["rank"] == 1 and first["too_few_files"] is False
    assert "B1-a 文书错别字（4）" in first["top_deductions"]
    frame = to_frame(rows)
    assert list(frame["unit"]) == [U1, U2, U3, U4] and frame["rank"].isna().sum() == 1
    nested = rows[0].to_dict()
    assert nested["figures"]["grade_counts"]["良好"] == 2 and isinstance(nested["figures"]["mean"], float)


TOTALS = {  # (reviewer 1, reviewer 2) totals per file, in the world's order
    "r1": [95.0, 93.75, 85.0, 87.5, 81.25, 0.0, 75.0, 100.0, 95.0, 68.75, 83.75, 80.0],
    "r2": [95.0, 91.25, 82.5, 85.0, 83.75, 0.0, 72.5, 97.5, 95.0, 66.25, 81.25, 80.0],
}


def test_agreement_alpha_matches_the_package(world):
    ag = agreement(world.session, world.current.id, seed=11, n_boot=1000)
    assert (ag.files, ag.reviews, ag.reviewers) == (12, 24, 2)
    matrix = np.array([TOTALS["r1"], TOTALS["r2"]])
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ag.alpha == pytest.approx(expected, abs=1e-12)
    assert alpha_closed_form(matrix) == pytest.approx(expected, abs=1e-12)
    assert ag.ci_low <= ag.alpha <= ag.ci_high <= 1.0
    again = agreement(world.session, world.current.id, seed=11, n_boot=1000)
    assert (again.ci_low, again.ci_high) == (ag.ci_low, ag.ci_high)
    items = {i.item_id: i for i in ag.items}
    assert set(items) == {"A1", "B1"}  # A2 (hearing) never applies: missing throughout
    # A1 deducted (r1, r2): only 区市场监管局's 15 / 13 differ; n = 24 values, Σv = 76, Σv² = 626,
    # SS = 626 - 76²/24; alpha = 1 - (n-1)·Σ m_u·SS_u/(m_u-1) / (n·SS) = 1 - 23·4/9248
    assert items["A1"].alpha == pytest.approx(1 - 92 / 9248, abs=1e-12)
    assert (items["A1"].files, items["A1"].deducted_files, items["A1"].disagree_files) == (12, 6, 1)
    b1 = np.array([[4, 0, 12, 6, 0, 0, 20, 0, 4, 20, 8, 11], [4, 2, 14, 8, 0, 2, 22, 2, 4, 22, 10, 11]], float)
    assert items["B1"].alpha == pytest.approx(krippendorff.alpha(reliability_data=b1,
                                                                  level_of_measurement="interval"), abs=1e-12)
    assert (items["B1"].files, items["B1"].deducted_files, items["B1"].disagree_files) == (12, 11, 8)
    assert [i.item_id for i in ag.lowest] == ["B1", "A1"]  # B1's alpha is lower
    assert all(i.ci_low <= i.ci_high <= 1.0 for i in ag.items)
    assert items["B1"].item_title == "文书制作" and items["B1"].focus == "discretion_benchmark"
    assert agreement(world.session, world.current.id, min_item_files=13).lowest == []
    assert [i.item_id for i in agreement(world.session, world.current.id, min_deducted_files=7).lowest] == ["B1"]


def test_reviewer_severity_known(world):
    sev = {s.username: s for s in reviewer_severity(world.session, world.current.id)}
    # r1 - r2 per file: 0 +2.5 +2.5 +2.5 -2.5 0 +2.5 +2.5 0 +2.5 +2.5 0 = 15 over 12 files
    assert (sev["r1"].files, sev["r1"].severity, sev["r1"].mean_abs_diff) == (12, 1.25, pytest.approx(20 / 12))
    assert sev["r2"].severity == -1.25
    assert [s.username for s in reviewer_severity(world.session, world.current.id)] == ["r2", "r1"]  # harshest first
    town = {s.username: s for s in reviewer_severity(world.session, world.current.id, unit_kind="town")}
    assert (town["r1"].files, town["r1"].severity) == (3, pytest.approx(5 / 3))  # +2.5 +2.5 0
    # Last year each file had a single review: nothing is double-scored.
    assert reviewer_severity(world.session, world.previous.id) == []
    empty = agreement(world.session, world.previous.id)
    assert (empty.files, empty.alpha, empty.ci_low, empty.items) == (0, None, None, [])


def test_year_over_year(world):
    y = year_over_year(world.session, world.lead, world.previous.id, world.current.id)
    units = {u.unit: u for u in y.units}
    assert list(units) == [U1, U3, U4]  # 区市场监管局 was not reviewed last year
    # 区城管执法局 (93.75 + 80.00)/2 = 86.88 -> 89.38; subject 75/80 -> 151/160; discretion 64/80 -> 135/160
    a = units[U1]
    assert (a.previous_mean, a.current_mean, a.change, a.previous_files, a.current_files) == (
        D("86.88"), D("89.38"), D("2.50"), 2, 4)
    assert {f.focus: (f.previous, f.current, f.change) for f in a.focus} == {
        "discretion_benchmark": (D("80.00"), D("84.38"), D("4.38")), "subject": (D("93.75"), D("94.38"), D("0.63"))}
    t = units[U4]
    assert (t.previous_mean, t.current_mean, t.change, t.previous_grade, t.current_grade) == (
        D("91.25"), D("76.67"), D("-14.58"), "优秀", "合格")
    assert {f.focus: f.change for f in t.focus} == {"discretion_benchmark": D("-29.17"), "subject": D("0.00")}
    assert units[U3].change == D("3.13")
    probs = {(p.item_id, p.reason_id): p for p in y.problems}
    assert [(p.item_id, p.previous_files) for p in y.problems] == [("A1", 4), ("B1", 2)]
    a1 = probs[("A1", "a")]
    assert (a1.previous_share, a1.current_files, a1.current_share, a1.recurred) == (D("80.00"), 5, D("41.67"), True)
    assert [(u.unit, u.previous_files, u.current_files, u.recurred) for u in a1.units] == [
        (U1, 1, 1, True), (U2, 0, 1, False), (U3, 1, 0, False), (U4, 2, 3, True)]
    b1 = probs[("B1", "a")]
    assert (b1.current_files, [(u.unit, u.previous_files, u.current_files) for u in b1.units]) == (
        11, [(U1, 1, 4), (U2, 0, 2), (U3, 0, 2), (U4, 1, 3)])
    assert y.problems[0].to_dict()["units"][0]["recurred"] is True
    assert [p.item_id for p in year_over_year(world.session, world.lead, world.previous.id, world.current.id, top_n=1).problems] \
        == ["A1"]
    town = year_over_year(world.session, world.lead, world.previous.id, world.current.id, unit_kind="town")
    assert [u.unit for u in town.units] == [U4] and town.problems[0].previous_files == 2


def test_engine_works_in_place_of_a_session(world):
    engine = world.session.get_bind()
    assert [u.unit for u in unit_summary(engine, world.lead.id, world.current.id)] == [U1, U2, U3, U4]
