"""Every shipped pre-check rule on hand-made register rows that trip it and rows that do not; the rule
file checks; properties of the evaluator."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.errors import ProblemReport
from scoring.precheck.attributes import ATTRIBUTES, EXTRA_KEYS
from scoring.precheck.evaluate import evaluate, prepare
from scoring.precheck.rules import load_rules, parse_rule_file
from scoring.rubric.vocabulary import active_vocabulary

RULES = load_rules()

# A clean 一般程序 penalty file: every date in order, every record present. It trips no rule.
CLEAN = {
    "case_type": "行政处罚", "procedure": "一般", "major_decision": True, "waiver": False, "hearing_held": True,
    "coercive_measure": False, "penalty_amount": 20000.0, "hearing_threshold": 10000.0,
    "filing_date": "2024-01-10", "investigation_end_date": "2024-02-20", "legal_review_date": "2024-02-25",
    "collective_discussion_date": "2024-02-28", "notice_date": "2024-03-01", "hearing_notice_date": "2024-03-01",
    "decision_date": "2024-03-20", "service_date": "2024-03-22", "discretion_tier": "一般",
}
SIMPLE = {**CLEAN, "procedure": "简易", "major_decision": False, "hearing_held": False, "penalty_amount": 200.0}
WAIVER = {**CLEAN, "major_decision": False, "hearing_held": False, "waiver": True, "penalty_amount": 0.0,
          "discretion_tier": "不予", "hearing_notice_date": None}

# rule id -> (rows that trip it, rows that do not)
CASES: dict[str, tuple[list[dict], list[dict]]] = {
    "PC-P1": ([{**CLEAN, "filing_date": "2023-12-20"}],  # 91 days
              [{**CLEAN, "filing_date": "2023-12-21"},  # exactly 90 days
               {**CLEAN, "filing_date": "2023-06-01", "procedure": "简易"},
               {**CLEAN, "filing_date": None}]),
    "PC-P2": ([{**CLEAN, "notice_date": "2024-03-20"}, {**CLEAN, "notice_date": "2024-03-25"}],
              [{**CLEAN, "notice_date": "2024-03-19"}, {**CLEAN, "notice_date": None},
               {**CLEAN, "case_type": "行政检查", "notice_date": "2024-03-25"}]),
    "PC-P3": ([{**CLEAN, "service_date": "2024-03-28"}],
              [{**CLEAN, "service_date": "2024-03-27"}, {**CLEAN, "service_date": None}]),
    "PC-P4": ([{**CLEAN, "filing_date": "2024-03-21"}, {**CLEAN, "investigation_end_date": "2024-03-21"},
               {**CLEAN, "filing_date": "2024-02-21"}],
              [{**CLEAN, "investigation_end_date": "2024-03-20"}, {**CLEAN, "filing_date": None}]),
    "PC-P5": ([{**CLEAN, "hearing_notice_date": None}, {**CLEAN, "penalty_amount": 10000.0, "hearing_notice_date": None}],
              [{**CLEAN, "penalty_amount": 9999.0, "hearing_notice_date": None},
               {**CLEAN, "hearing_threshold": None, "hearing_notice_date": None}]),
    "PC-P6": ([{**SIMPLE, "penalty_amount": 3000.01}],
              [{**SIMPLE, "penalty_amount": 3000.0}, {**CLEAN, "penalty_amount": 50000.0}]),
    "PC-LR1": ([{**CLEAN, "legal_review_date": "2024-03-21"}],
               [{**CLEAN, "legal_review_date": "2024-03-20"},
                {**CLEAN, "legal_review_date": "2024-03-21", "major_decision": False}]),
    "PC-LR2": ([{**CLEAN, "legal_review_date": None}],
               [{**CLEAN, "legal_review_date": None, "major_decision": False}]),
    "PC-LR3": ([{**CLEAN, "legal_review_date": "2024-02-19"}, {**CLEAN, "collective_discussion_date": "2024-02-24"}],
               [{**CLEAN, "legal_review_date": "2024-02-20", "collective_discussion_date": "2024-02-25"},
                {**CLEAN, "collective_discussion_date": None}]),
    "PC-FPR1": ([{**CLEAN, "hearing_notice_date": None, "penalty_amount": 5000.0}],
                [{**CLEAN, "hearing_notice_date": None, "hearing_held": False, "penalty_amount": 5000.0}]),
    "PC-FPR2": ([{**CLEAN, "notice_date": None}, {**CLEAN, "service_date": None}],
                [{**SIMPLE, "notice_date": None, "service_date": None}]),
    "PC-DB1": ([{**CLEAN, "discretion_tier": None}],
               [{**CLEAN, "discretion_tier": None, "penalty_amount": 0.0},
                {**SIMPLE, "discretion_tier": None}]),
    "PC-DB2": ([{**CLEAN, "discretion_tier": "不予"}],
               [{**CLEAN, "discretion_tier": "从轻"}, {**WAIVER}]),
    "PC-MW1": ([{**WAIVER, "penalty_amount": 500.0, "discretion_tier": None}],
               [{**WAIVER}, {**WAIVER, "penalty_amount": None}, {**CLEAN, "penalty_amount": 500.0}]),
    "PC-MW2": ([{**WAIVER, "discretion_tier": "从轻"}],
               [{**WAIVER}, {**WAIVER, "discretion_tier": None}, {**CLEAN, "discretion_tier": "从轻"}]),
}


def flags(rows: list[dict]) -> pd.DataFrame:
    return evaluate(RULES, prepare(pd.DataFrame(rows)))


def test_every_shipped_rule_has_hand_made_cases():
    assert sorted(CASES) == sorted(r.id for r in RULES)


def test_the_clean_files_trip_nothing():
    out = flags([CLEAN, SIMPLE, WAIVER])
    assert not out.to_numpy().any(), out.T[out.any()].T


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_trips_and_does_not_trip(rule_id):
    trip, clean = CASES[rule_id]
    tripped = flags(trip)[rule_id].tolist()
    assert tripped == [True] * len(trip)
    assert flags(clean)[rule_id].tolist() == [False] * len(clean)


def test_rule_file_errors_name_file_rule_and_line():
    text = """kind: precheck
id: x
rules:
  - id: R1
    title: t
    focus: legal_review
    hints: [LR2]
    flag_when: {dates: [legal_review_date, ">", decison_date]}
  - id: R2
    title: t
    focus: nowhere
    hints: [LR2]
    flag_when: {days: [filing_date, decision_date, ">", "ninety"]}
  - id: R3
    title: t
    focus: procedure
    hints: [G-P1]
    flag_when: {value: [discretion_tier, ">", 不予]}
"""
    with pytest.raises(ProblemReport) as exc:
        parse_rule_file(text, "mine.yaml")
    msgs = [str(p) for p in exc.value.problems]
    assert any("mine.yaml, line 8, rules[0].flag_when.dates[2]" in m and "decison_date" in m for m in msgs), msgs
    assert any("rules[1].focus" in m and "nowhere" in m for m in msgs), msgs
    assert any("rules[1].flag_when.days[3]" in m and "whole number" in m for m in msgs), msgs
    assert any("rules[2].flag_when.value[1]" in m and "==" in m for m in msgs), msgs


def test_duplicate_rule_ids_and_unknown_keys_are_refused():
    text = """kind: precheck
rules:
  - {id: R, title: t, focus: procedure, hints: [G-P1], flag_when: {missing: filing_date}, colour: red}
  - {id: R, title: t, focus: procedure, hints: [G-P1], flag_when: {missing: filing_date}}
"""
    with pytest.raises(ProblemReport) as exc:
        parse_rule_file(text, "dup.yaml")
    msgs = " | ".join(str(p) for p in exc.value.problems)
    assert "unknown key 'colour'" in msgs and "used twice" in msgs


dates = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(dates, dates, dates), min_size=1, max_size=30))
def test_date_rules_agree_with_plain_python_and_empty_dates_never_flag(rows):
    """PC-P1 and PC-LR1 computed on columns equal the same rule written row by row."""
    frame = pd.DataFrame([{**CLEAN, "filing_date": f, "legal_review_date": r, "decision_date": d}
                          for f, r, d in rows])
    out = flags(frame.to_dict("records"))
    for (f, r, d), p1, lr1 in zip(rows, out["PC-P1"], out["PC-LR1"]):
        assert p1 == (f is not None and d is not None and (d - f).days > 90)
        assert lr1 == (r is not None and d is not None and r > d)


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(6))))
def test_flags_do_not_depend_on_row_order(order):
    rows = [CASES["PC-P1"][0][0], CLEAN, WAIVER, CASES["PC-MW2"][0][0], SIMPLE, CASES["PC-LR3"][0][1]]
    base = flags(rows)
    shuffled = flags([rows[i] for i in order])
    for new_pos, old_pos in enumerate(order):
        assert shuffled.iloc[new_pos].tolist() == base.iloc[old_pos].tolist()


def test_rules_read_the_declared_vocabulary():
    """The process columns are declared attributes (rubrics/vocabulary.yaml) with register synonyms."""
    vocab = active_vocabulary()
    used = {"filing_date", "investigation_end_date", "notice_date", "hearing_notice_date", "legal_review_date",
            "collective_discussion_date", "service_date", "discretion_tier", "hearing_threshold"}
    assert used <= set(EXTRA_KEYS)
    assert "立案日期" in vocab.attribute("filing_date").synonyms and ATTRIBUTES["filing_date"].type == "date"
    assert ATTRIBUTES["discretion_tier"].type == "text" and ATTRIBUTES["penalty_amount"].type == "number"
