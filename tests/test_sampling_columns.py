"""The set-based draw (`scoring.workflow.sampling.columns.draw_columns`, what the database path runs) gives
exactly the picks of the reference `draw`, whatever the candidates, rules, seed and unit order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.domain import FILE_FLAGS
from scoring.workflow.sampling import Candidate, SampleRules, draw
from scoring.workflow.sampling.columns import Register, _order, draw_columns
from tests.test_sampling_draw import UNITS, candidate_lists, forced_rules

FLAGS = tuple(FILE_FLAGS)

quotas = st.one_of(
    st.builds(lambda n: {"count": n}, st.integers(0, 12)),
    st.builds(lambda p, lo, hi: {"percent": p, **({"min": lo} if lo is not None else {}),
                                 **({"max": max(hi, lo or 0)} if hi is not None else {})},
              st.sampled_from([0.5, 5, 12.5, 33, 50, 100]), st.none() | st.integers(0, 4),
              st.none() | st.integers(0, 10)),
)


def as_register(cands: list[Candidate]) -> Register:
    return Register([c.case_number for c in cands], [c.unit for c in cands], [c.case_type for c in cands],
                    [sum(1 << i for i, f in enumerate(FLAGS) if f in c.flags) for c in cands],
                    [c.ref for c in cands], FLAGS)


@settings(max_examples=300, deadline=None)
@given(cands=candidate_lists(max_size=80), quota=quotas, forced=forced_rules, stratify=st.booleans(),
       seed=st.integers(0, 2**63 - 1), order=st.permutations(UNITS),
       units=st.none() | st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True), data=st.data())
def test_set_based_draw_equals_the_reference(cands, quota, forced, stratify, seed, order, units, data):
    numbers = sorted(c.case_number for c in cands)
    forced_files = data.draw(st.lists(st.sampled_from(numbers), unique=True, max_size=4)) if numbers else []
    rules = SampleRules.parse({"quota": quota, "forced": forced, "stratify_by_case_type": stratify, "units": units,
                               "forced_files": forced_files})
    cands = [c._replace(ref=i) for i, c in enumerate(cands)]
    assert draw_columns(as_register(cands), rules, seed, list(order)) == draw(cands, rules, seed, list(order))


def test_a_repeated_case_number_is_refused_by_both():
    cands = [Candidate("A-1", "甲局", "行政处罚"), Candidate("A-1", "甲局", "行政许可")]
    rules = SampleRules.parse({"quota": {"count": 1}})
    for fn, arg in ((draw, cands), (draw_columns, as_register(cands))):
        try:
            fn(arg, rules, 1)
        except ValueError as exc:
            assert "A-1" in str(exc)
        else:
            raise AssertionError(f"{fn.__name__} accepted a repeated case number")


_word = st.sampled_from([0, 1, 2**63, 2**64 - 1, 0x0123456789ABCDEF, 0x0123456789ABCDEE])  # ties are common


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.tuples(_word, _word, _word, _word), st.integers(0, 600), st.integers(0, 40)),
                     max_size=60),
       wide=st.booleans())
def test_the_one_sort_orders_by_group_then_the_whole_key(rows, wide):
    """`_order`'s composite sort gives the order of the full lexicographic sort (groups, then all four
    words of the key), also when rows share the composite or the codes need more than its 32 bits."""
    words = np.array([r[0] for r in rows], dtype=np.uint64).reshape(len(rows), 4)
    units = np.array([r[1] << (30 if wide else 0) for r in rows], dtype=np.int64)
    types = np.array([r[2] for r in rows], dtype=np.int64)
    for groups in ((units,), (types, units)):
        expected = np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0], *groups))
        got = _order(words, *groups)
        # rows that are entirely equal may come in either order: compare the rows, not the indices
        def rows_in(order: np.ndarray, groups: tuple = groups) -> list:
            return [(*(int(g[i]) for g in reversed(groups)), *words[i].tolist()) for i in order]
        assert rows_in(got) == rows_in(expected)
        assert sorted(got.tolist()) == list(range(len(rows)))
