"""The pure statistics of the aggregation: bootstrap intervals, ranks, Krippendorff's alpha, severity."""

from __future__ import annotations

import math
import sys
from unittest.mock import patch

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scoring.aggregate import (
    alpha_bootstrap,
    alpha_bootstraps,
    alpha_closed_form,
    alpha_interval,
    bootstrap_intervals,
    bootstrap_means,
    min_ranks,
    severity_from_scores,
)
from scoring.aggregate.agreement import _alpha_from_sums, _column_stats, alpha_sparse, bootstrap_stats, sparse_stats
from scoring.aggregate.uncertainty import (
    DEFAULT_B,
    forget_replicates,
    percentile_interval,
    row_min_ranks,
    unit_rng,
)

scores = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8)  # hundredths
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_alpha_tiny_case_by_hand():
    # Files: (1,1) (2,2) (3,4) (5,-): n = 6 pairable values 1 1 2 2 3 4, Σv = 13, Σv² = 35.
    # Σ_u m_u·SS_u/(m_u-1): only (3,4) differs, 2·0.5/1 = 1. SS = 35 - 13²/6 = 41/6.
    # alpha = 1 - (n-1)·1 / (n·SS) = 1 - 5/41 = 36/41
    m = np.array([[1, 2, 3, np.nan], [1, 2, 4, 5]])
    assert alpha_interval(m) == pytest.approx(36 / 41, abs=1e-12)
    assert alpha_closed_form(m) == pytest.approx(36 / 41, abs=1e-12)
    assert krippendorff.alpha(reliability_data=m, level_of_measurement="interval") == pytest.approx(36 / 41)


def test_alpha_undefined_cases():
    assert alpha_interval(np.array([[3.0, 3.0], [3.0, 3.0]])) is None  # a single value: no variation
    assert alpha_interval(np.array([[1.0, np.nan], [np.nan, 2.0]])) is None  # nothing pairable
    assert alpha_closed_form(np.array([[3.0, 3.0], [3.0, 3.0]])) is None
    assert alpha_bootstrap(np.array([[1.0], [2.0]])) == (None, None)  # one file: nothing to resample


@FAST
@given(st.integers(2, 4), st.integers(2, 8), st.data())
def test_closed_form_alpha_equals_the_package(coders, units, data):
    cells = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 20)), min_size=coders * units,
                               max_size=coders * units))
    m = np.array([np.nan if c is None else float(c) for c in cells]).reshape(coders, units)
    pairable = (~np.isnan(m)).sum(axis=0) >= 2
    assume(pairable.any() and np.unique(m[:, pairable][~np.isnan(m[:, pairable])]).size >= 2)
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement="interval")
    assert alpha_closed_form(m) == pytest.approx(expected, abs=1e-9)
    assert alpha_interval(m) == pytest.approx(expected, abs=1e-12)


@FAST
@given(st.integers(2, 3), st.integers(3, 10), st.data())
def test_alpha_bootstrap_interval_is_ordered_and_at_most_one(coders, units, data):
    cells = data.draw(st.lists(st.integers(0, 20), min_size=coders * units, max_size=coders * units))
    m = np.array(cells, dtype=float).reshape(coders, units)
    lo, hi = alpha_bootstrap(m, n_boot=200, seed=1)
    if lo is not None:
        assert lo <= hi <= 1.0 + 1e-9
        assert alpha_bootstrap(m, n_boot=200, seed=1) == (lo, hi)


def test_alpha_bootstraps_share_the_replicates():
    rng = np.random.default_rng(3)
    totals = rng.normal(80, 8, (2, 40))
    totals[1] = totals[0] + rng.normal(0, 3, 40)
    item = np.where(rng.random((2, 40)) < 0.3, np.nan, rng.integers(0, 4, (2, 40)).astype(float))
    both = alpha_bootstraps([totals, item], n_boot=500, seed=9)
    # The same file draws for every matrix (equal up to the order of floating-point sums).
    assert both[0] == pytest.approx(alpha_bootstrap(totals, n_boot=500, seed=9), abs=1e-12)
    assert both[1] == pytest.approx(alpha_bootstrap(item, n_boot=500, seed=9), abs=1e-12)
    assert both[0] != alpha_bootstrap(totals, n_boot=500, seed=10)
    lo, hi = both[0]
    assert lo < alpha_closed_form(totals) < hi <= 1


@FAST
@given(st.lists(scores, min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_bootstrap_interval_lies_within_the_data(groups, seed):
    out = bootstrap_intervals(groups, n_boot=200, seed=seed)
    k = len(groups)
    for g, iv in zip(groups, out, strict=True):
        assert min(g) - 1e-9 <= iv.low <= iv.high <= max(g) + 1e-9
        assert 1 <= iv.rank_low <= iv.rank_high <= k
    assert bootstrap_intervals(groups, n_boot=200, seed=seed) == out  # reproducible


def test_bootstrap_seeds_and_streams():
    groups = [[91.5, 88.0, 79.25, 95.0, 84.5], [70.0, 82.5, 66.0]]
    a = bootstrap_means(groups, n_boot=300, seed=5)
    assert a.shape == (300, 2)
    assert np.array_equal(a, bootstrap_means(groups, n_boot=300, seed=5))
    assert not np.array_equal(a, bootstrap_means(groups, n_boot=300, seed=6))
    # Each group has its own stream (by key): dropping a group leaves the others' replicates unchanged.
    alone = bootstrap_means(groups[1:], n_boot=300, seed=5, keys=[1])
    assert np.array_equal(alone[:, 0], a[:, 1])
    with pytest.raises(ValueError):
        bootstrap_means([[]], n_boot=10)



def _drawn(values, n_boot, seed, key):  # noqa: ANN001, ANN202
    """The definition: n_boot draws of len(values) from the group's own stream, each replicate's mean."""
    arr = np.asarray(values, dtype=float)
    return arr[unit_rng(seed, key).integers(0, arr.size, size=(n_boot, arr.size))].sum(axis=1) / arr.size


@FAST
@given(st.lists(scores, min_size=1, max_size=5), st.sampled_from([1, 7, 200, DEFAULT_B, DEFAULT_B + 1]),
       st.integers(0, 2**32 - 1), st.booleans())
def test_remembered_replicates_are_the_drawn_ones(groups, n_boot, seed, cold):
    """Whether a group's replicate means were remembered from an earlier call or drawn now, they are
    its own stream's draws, bit for bit (B above the default is never remembered)."""
    if cold:
        forget_replicates()
    first = bootstrap_means(groups, n_boot=n_boot, seed=seed)
    again = bootstrap_means(groups, n_boot=n_boot, seed=seed)
    for k, values in enumerate(groups):
        assert np.array_equal(first[:, k], _drawn(values, n_boot, seed, k))
    assert np.array_equal(first, again)
    again[:, 0] = -1.0  # the caller's own array: remembered columns are copied into it, never shared
    assert np.array_equal(bootstrap_means(groups, n_boot=n_boot, seed=seed), first)


def test_only_groups_whose_values_changed_are_drawn_again():
    """After one file's final score changes, the next unit table draws for that unit alone: the other
    units' replicates depend only on their own scores, seed and key."""
    forget_replicates()
    groups = [[9000 + 10 * i + j for j in range(5)] for i in range(30)]
    keys = list(range(100, 130))
    module = sys.modules["scoring.aggregate.uncertainty"]
    real = module._replicate_means
    with patch.object(module, "_replicate_means", side_effect=real) as drawn:
        before = bootstrap_means(groups, seed=3, keys=keys)
        assert drawn.call_count == 30
        changed = [list(g) for g in groups]
        changed[7][2] += 1  # one file of one unit
        after = bootstrap_means(changed, seed=3, keys=keys)
        assert drawn.call_count == 31
        assert bootstrap_means(groups, seed=4, keys=keys).shape == before.shape  # another seed: all drawn
        assert drawn.call_count == 61
    assert np.array_equal(np.delete(after, 7, axis=1), np.delete(before, 7, axis=1))
    assert np.array_equal(after[:, 7], _drawn(changed[7], DEFAULT_B, 3, 107))
    assert not np.array_equal(after[:, 7], before[:, 7])


@given(st.lists(st.integers(0, 5), min_size=0, max_size=12))
def test_min_ranks_properties(values):
    ranks = min_ranks(values)
    k = len(values)
    assert all(1 <= r <= k for r in ranks)
    for v, r in zip(values, ranks, strict=True):
        assert r == 1 + sum(w > v for w in values)
    for i in range(k):
        for j in range(k):
            if values[i] == values[j]:
                assert ranks[i] == ranks[j]
            elif values[i] > values[j]:
                assert ranks[i] < ranks[j]
    if len(set(values)) == k:
        assert sorted(ranks) == list(range(1, k + 1))  # a permutation when there are no ties


def test_min_ranks_ties_share_the_lowest_rank():
    assert min_ranks([80, 90, 90, 70]) == [3, 1, 1, 4]


def test_severity_three_reviewers_by_hand():
    rows = [(1, "A", 90.0), (1, "B", 80.0), (1, "C", 70.0),  # A +15, B 0, C -15 (co-reviewers' means 75/80/85)
            (2, "A", 60.0), (2, "B", 70.0),  # A -10, B +10
            (3, "A", 50.0)]  # single review: not double-scored
    sev = severity_from_scores(rows)
    assert sev == {"A": (2, 2.5, 12.5), "B": (2, 5.0, 5.0), "C": (1, -15.0, 15.0)}


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 4), st.integers(0, 100)), max_size=30))
def test_severity_gaps_balance_out(rows):
    rows = list({(f, r): (f, r, float(t)) for f, r, t in rows}.values())  # one review per reviewer and file
    sev = severity_from_scores(rows)
    assert math.isclose(sum(n * s for n, s, _ in sev.values()), 0.0, abs_tol=1e-6)


@FAST
@given(st.integers(2, 5), st.integers(1, 12), st.data())
def test_sparse_alpha_equals_the_package_and_the_dense_sums(coders, units, data):
    """The agreement works on (file, value) pairs; on small data it gives the package's alpha."""
    cells = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=coders * units,
                               max_size=coders * units))
    m = np.array([np.nan if c is None else float(c) for c in cells]).reshape(coders, units)
    coder_idx, file_idx = np.nonzero(~np.isnan(m))
    stats = sparse_stats(file_idx, m[coder_idx, file_idx], units)
    assert np.allclose(stats, _column_stats(m))
    pairable = (~np.isnan(m)).sum(axis=0) >= 2
    if not pairable.any() or np.unique(m[:, pairable][~np.isnan(m[:, pairable])]).size < 2:
        assert alpha_sparse(stats) is None
        return
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement="interval")
    assert alpha_sparse(stats) == pytest.approx(expected, abs=1e-9)


def test_row_min_ranks_share_the_lowest_rank_on_ties() -> None:
    from_rows = row_min_ranks(np.array([[3.0, 1.0, 3.0, 2.0], [5.0, 5.0, 5.0, 0.0]]))
    assert from_rows.tolist() == [[3, 1, 3, 2], [2, 2, 2, 1]]


@FAST
@given(st.lists(st.lists(st.integers(0, 4), min_size=5, max_size=5), min_size=1, max_size=6))
def test_row_min_ranks_count_the_smaller_values(rows: list[list[int]]) -> None:
    values = np.array(rows, dtype=float)
    ranks = row_min_ranks(values)
    for r, row in zip(ranks, rows, strict=True):
        assert [int(x) for x in r] == [1 + sum(other < v for other in row) for v in row]


@FAST
@given(st.lists(scores, min_size=1, max_size=6), st.integers(1, 40), st.integers(0, 2**32 - 1),
       st.sampled_from([0.8, 0.9, 0.95]))
def test_bootstrap_intervals_are_each_columns_percentiles(groups, n_boot, seed, level):
    """The intervals are computed for all groups at once; each is its own column's percentile interval
    and its rank column's lower and upper quantiles, as one call per group would give."""
    means = bootstrap_means(groups, n_boot=n_boot, seed=seed)
    ranks = row_min_ranks(-means)
    tail = (1 - level) / 2
    for k, iv in enumerate(bootstrap_intervals(groups, n_boot=n_boot, seed=seed, level=level)):
        assert (iv.low, iv.high) == percentile_interval(means[:, k], level)
        assert iv.rank_low == int(np.quantile(ranks[:, k], tail, method="lower"))
        assert iv.rank_high == int(np.quantile(ranks[:, k], 1 - tail, method="higher"))


agreement_module = sys.modules["scoring.aggregate.agreement"]  # the package's `agreement` is the function


def _naive_bootstrap(stats, n_boot, seed, level=0.95):  # noqa: ANN001, ANN202
    """Every replicate's weights over every file, one product per figure: the definition."""
    n = stats[0].shape[0]
    idx = unit_rng(seed, 0).integers(0, n, size=(n_boot, n))
    weights = np.stack([np.bincount(row, minlength=n) for row in idx]).astype(float)
    out = []
    for figure in stats:
        a = _alpha_from_sums(weights @ figure)
        a = a[~np.isnan(a)]
        out.append(percentile_interval(a, level) if (figure[:, 0] > 0).sum() >= 2 and a.size else (None, None))
    return out


@FAST
@given(st.integers(2, 40), st.integers(0, 6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1),
       st.sampled_from([2_000_000, 100]), st.data())
def test_bootstrap_of_dense_and_sparse_figures_is_the_definition(n_files, n_items, deduct, seed, block, data):
    """Totals (dense), items deducted on few files (summed sparsely, uncentred) and on many (dense),
    scored on a span of the files or all of them, the replicates drawn at once or a few at a time: the
    same intervals as weighting every file."""
    totals, items = _totals_and_items(n_files, n_items, deduct, seed, data)
    stats = [totals, *(sparse_stats(files, values, n_files, centre=0.0) for _, _, files, values in items)]
    with patch.object(agreement_module, "BLOCK_CELLS", block):
        got = bootstrap_stats(stats, n_boot=60, seed=seed)
    _assert_same_intervals(got, _naive_bootstrap(stats, 60, seed))


def _totals_and_items(n_files, n_items, deduct, seed, data):  # noqa: ANN001, ANN202
    """Two reviews per file: the totals' stats over every file, and items scored on a span [lo, hi) of the
    files, deducted on about `deduct` of their reviews, as (lo, hi, file of each review, its value)."""
    rng = np.random.default_rng(seed)
    files = np.repeat(np.arange(n_files), 2)
    totals = sparse_stats(files, rng.normal(80, 6, files.size).round(2), n_files)
    items = []
    for _ in range(n_items):
        lo = data.draw(st.integers(0, n_files - 1))
        hi = data.draw(st.integers(lo + 1, n_files))
        on = (files >= lo) & (files < hi)
        items.append((lo, hi, files[on], np.where(rng.random(on.sum()) < deduct, rng.integers(1, 4, on.sum()) * 0.5, 0.0)))
    return totals, items


def _assert_same_intervals(got, want):  # noqa: ANN001, ANN202
    for (lo_got, hi_got), (lo_want, hi_want) in zip(got, want, strict=True):
        assert (lo_got is None) == (lo_want is None)
        if lo_got is not None:
            assert lo_got == pytest.approx(lo_want, abs=1e-9) and hi_got == pytest.approx(hi_want, abs=1e-9)


@FAST
@given(st.integers(2, 40), st.integers(1, 6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1), st.data())
def test_figures_given_over_their_spans_bootstrap_as_over_every_file(n_files, n_items, deduct, seed, data):
    """`agreement` passes each item's stats over the span of its files only (with the span's first file):
    the intervals are those of the same stats over every file, zero elsewhere."""
    totals, items = _totals_and_items(n_files, n_items, deduct, seed, data)
    full, spanned, offsets = [totals], [totals], [0]
    for lo, hi, files, values in items:
        full.append(sparse_stats(files, values, n_files, centre=0.0))
        spanned.append(sparse_stats(files - lo, values, hi - lo, centre=0.0))
        offsets.append(lo)
        assert np.array_equal(full[-1][lo:hi], spanned[-1])
        assert alpha_sparse(spanned[-1]) == pytest.approx(alpha_sparse(full[-1]), abs=1e-12)
    _assert_same_intervals(bootstrap_stats(spanned, n_boot=60, seed=seed, offsets=offsets, n_files=n_files),
                           bootstrap_stats(full, n_boot=60, seed=seed))


def test_an_item_centred_or_not_has_the_same_alpha():
    files = np.repeat(np.arange(30), 2)
    values = np.where(np.arange(60) % 7 == 0, 1.5, 0.0)
    assert alpha_sparse(sparse_stats(files, values, 30, centre=0.0)) == pytest.approx(
        alpha_sparse(sparse_stats(files, values, 30)), abs=1e-12)
