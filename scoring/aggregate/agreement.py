"""Agreement between reviewers on double-scored files, and each reviewer's severity.

A double-scored file is a sampled file with two or more submitted reviews (whether or not it has a
final result yet: files awaiting re-check are exactly where reviewers disagree). Every figure here is
about the reviewers' own submitted marks, never the re-check.

* Totals: Krippendorff's alpha at the interval level on the reviews' final totals (after veto
  effects), reviewers as coders and files as units, computed from per-file sums of the sparse
  (file, value) pairs with the closed form below (equal to the `krippendorff` package's value: tested;
  the package itself needs files x values x values memory).
  1 = perfect agreement, 0 = no better than chance, below 0 = systematic disagreement.
* Interval: percentile bootstrap over files (the double-scored files drawn with replacement, B
  replicates from `Generator(PCG64(SeedSequence(seed, spawn_key=(0,))))`; the same replicates serve
  the totals and every item), alpha recomputed in each replicate with the closed form
  alpha = 1 - (n-1) * Σ_u m_u·SS_u/(m_u-1) / (n·SS), where m_u is the number of values of file u,
  SS_u their sum of squared deviations, n and SS the same over all pairable values. Replicates with
  no variation at all (alpha undefined) are left out.
* Items: the same alpha on the points each review deducted on an item (`deducted` in the review's
  result, after the item floor); an item marked N/A or not applying to the file is missing. Only
  files where at least two reviews scored the item count. Items with the lowest alpha among those
  with at least `min_item_files` such files, deducted on at least `min_deducted_files` of them, are
  listed: a sign the standard's wording is read differently. An item nobody deducted has no variation:
  alpha undefined (None). Alpha is harsh on rare deductions: one reviewer deducting on one file out of
  thirty, nobody else anywhere, gives alpha = 0 exactly, hence the second threshold.
* Severity of a reviewer = the mean, over the double-scored files they reviewed, of (their total − the
  mean of the other reviewers' totals on that file). Negative = harsher than their co-reviewers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TypeVar

import krippendorff
import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from scoring.aggregate.common import (
    Figures,
    as_session,
    check_case_type,
    check_unit_kind,
    focus_label,
    focus_order,
    get_campaign_row,
    raw,
)
from scoring.aggregate.uncertainty import (
    DEFAULT_B,
    DEFAULT_SEED,
    percentile_interval,
    unit_rng,
)
from scoring.db.bulk import plain_rows
from scoring.db.models import Assignment, CaseFile, Review, Unit, User
from scoring.domain import ReviewStatus
from scoring.item_values import unpack
from scoring.rubric.model import Standard
from scoring.standards import load_version

K = TypeVar("K", bound=Hashable)


def alpha_interval(matrix: np.ndarray) -> float | None:
    """Krippendorff's alpha (interval) of a coders x units matrix (NaN = missing), by the package.

    None when it is undefined: no unit with two values, or a single value throughout."""
    m = np.asarray(matrix, dtype=float)
    pairable = (~np.isnan(m)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    values = m[:, pairable]
    if np.unique(values[~np.isnan(values)]).size < 2:
        return None
    return float(krippendorff.alpha(reliability_data=m, level_of_measurement="interval"))


def _column_stats(matrix: np.ndarray) -> np.ndarray:
    """Per unit (column): m_u, Σv, Σv² and m_u·SS_u/(m_u-1), as a (units x 4) array; units with fewer
    than two values are all zeros (they do not take part). Values are centred for numerical safety
    (alpha does not change when every value is shifted)."""
    m = np.asarray(matrix, dtype=float)
    ok = ~np.isnan(m)
    pairable = ok.sum(axis=0) >= 2
    ok &= pairable[None, :]
    if ok.any():
        m = m - m[ok].mean()
    v = np.where(ok, m, 0.0)
    cnt = ok.sum(axis=0).astype(float)
    s1 = v.sum(axis=0)
    s2 = (v * v).sum(axis=0)
    q = cnt * (s2 - s1 * s1 / np.maximum(cnt, 1)) / np.maximum(cnt - 1, 1)
    return np.column_stack([cnt, s1, s2, q])


def _alpha_from_sums(sums: np.ndarray) -> np.ndarray:
    """Alpha from summed column stats (... x 4); NaN where undefined (fewer than 2 values, no variation)."""
    n, t1, t2, tq = np.moveaxis(np.asarray(sums, dtype=float), -1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ss = t2 - t1 * t1 / n
        alpha = 1 - (n - 1) * tq / (n * ss)
    return np.where((n >= 2) & (ss > 1e-12 * np.maximum(1.0, t2)), alpha, np.nan)


def alpha_closed_form(matrix: np.ndarray) -> float | None:
    """The interval alpha from per-unit sums (the formula the bootstrap uses); None when undefined."""
    a = float(_alpha_from_sums(_column_stats(matrix).sum(axis=0)))
    return None if np.isnan(a) else a


def alpha_bootstraps(matrices: Sequence[np.ndarray], *, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
                     level: float = 0.95) -> list[tuple[float | None, float | None]]:
    """Percentile intervals of alpha for several coders x files matrices over the same files.

    Files are drawn with replacement once per replicate and the same replicates serve every matrix
    (totals and each item), so one matrix product does the work for all of them."""
    if not matrices:
        return []
    return bootstrap_stats([_column_stats(m) for m in matrices], n_boot=n_boot, seed=seed, level=level)


def bootstrap_stats(stats: Sequence[np.ndarray], *, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
                    level: float = 0.95, offsets: Sequence[int] | None = None,
                    n_files: int | None = None) -> list[tuple[float | None, float | None]]:
    """`alpha_bootstraps` from per-file stats (files x 4 each, see `_column_stats`/`sparse_stats`).

    With `offsets`, `stats[j]` holds only the rows of files `offsets[j]` on (of `n_files`; every other
    file's stats are zero): an item's stats span the files of its standard, not the whole selection.
    The replicates are drawn a block at a time (the same random stream as drawing them all at once),
    so memory stays at a few tens of MB whatever the number of files. Each figure is summed over the
    span of files where it has values only (an item of one standard is zero on every other
    standard's files; `agreement` orders the files by standard so those spans are short), and a
    sparse figure (`_Plan`) over its few rows with anything but a count."""
    if not stats:
        return []
    n_files = stats[0].shape[0] if n_files is None else n_files
    if n_files < 2:
        return [(None, None)] * len(stats)
    plan = _Plan.of(stats, [0] * len(stats) if offsets is None else list(offsets))
    with threadpool_limits(limits=1, user_api="blas"):  # many small products: threads only spin (4x the CPU)
        sums = plan.resampled_sums(n_files, n_boot, unit_rng(seed, 0))
    alphas = _alpha_from_sums(sums)
    out: list[tuple[float | None, float | None]] = []
    for j, st in enumerate(stats):
        a = alphas[:, j]
        a = a[~np.isnan(a)]
        out.append(percentile_interval(a, level) if (st[:, 0] > 0).sum() >= 2 and a.size else (None, None))
    return out


SPARSE_SHARE = 0.25  # a figure with values beyond counts on at most this share of its span is summed sparsely
BLOCK_CELLS = 2_000_000  # replicate weights drawn at a time (replicates x files): 16 MB of float64


@dataclass
class _Plan:
    """How each figure's replicate sums are made from the replicate weights (replicates x files).

    Dense figures: one product per span of files for all figures on it. Sparse figures (an item's
    deductions uncentred: a file where every review deducted nothing has only a count): the count
    column, shared by the items scored on the same files, in one product per span for each distinct
    column; the other three columns from the weights of their few non-zero rows only. The sums are
    the same as one product over every file (up to the order of floating-point additions)."""

    dense: dict[tuple[int, int], tuple[list[int], np.ndarray]] = field(default_factory=dict)
    counts: dict[tuple[int, int], tuple[np.ndarray, list[tuple[int, int]]]] = field(default_factory=dict)
    sparse: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)
    n_stats: int = 0

    @classmethod
    def of(cls, stats: Sequence[np.ndarray], offsets: Sequence[int]) -> _Plan:
        """The plan for `stats[j]`, the rows of files `offsets[j]` on (`bootstrap_stats`)."""
        plan = cls(n_stats=len(stats))
        dense: dict[tuple[int, int], list[int]] = defaultdict(list)
        columns: dict[tuple[int, int], dict[bytes, tuple[int, np.ndarray]]] = defaultdict(dict)
        targets: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for j, (st, at) in enumerate(zip(stats, offsets, strict=True)):
            lo, hi = _span(st)  # rows of st: file positions less `at`
            if hi <= lo:
                continue  # no values: its sums stay zero
            rows = lo + np.flatnonzero(np.any(st[lo:hi, 1:] != 0, axis=1))
            if rows.size > SPARSE_SHARE * (hi - lo):
                dense[at + lo, at + hi].append(j)
                continue
            count = st[lo:hi, 0]
            span = (at + lo, at + hi)
            known = columns[span].setdefault(count.tobytes(), (len(columns[span]), count))
            targets[span].append((j, known[0]))
            if rows.size:
                plan.sparse.append((j, at + rows, np.ascontiguousarray(st[rows, 1:])))
        plan.dense = {span: (js, np.hstack([stats[j][span[0] - offsets[j]:span[1] - offsets[j]] for j in js]))
                      for span, js in dense.items()}
        plan.counts = {span: (np.column_stack([c for _, c in found.values()]), targets[span])
                       for span, found in columns.items()}
        return plan

    def resampled_sums(self, n_files: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
        """Replicates x figures x 4 sums, drawn a block of replicates at a time (a few tens of MB)."""
        sums = np.zeros((n_boot, self.n_stats, 4))
        step = max(1, BLOCK_CELLS // n_files)
        for start in range(0, n_boot, step):
            b = min(step, n_boot - start)
            idx = rng.integers(0, n_files, size=(b, n_files))
            # a replicate's weights in one row: each bincount fills its row in place, and the products
            # read the rows of a span (column by column, both cost twice the time at province scale)
            weights = np.empty((b, n_files))
            for r in range(b):
                weights[r] = np.bincount(idx[r], minlength=n_files)
            block = sums[start:start + b]
            for (lo, hi), (js, table) in self.dense.items():
                block[:, js] = (weights[:, lo:hi] @ table).reshape(b, -1, 4)
            for (lo, hi), (matrix, targets) in self.counts.items():
                counted = weights[:, lo:hi] @ matrix
                for j, c in targets:
                    block[:, j, 0] = counted[:, c]
            for j, rows, values in self.sparse:
                block[:, j, 1:] = weights[:, rows] @ values
        return sums


def _span(st: np.ndarray) -> tuple[int, int]:
    """First and past-the-last row where the stats are not all zero ((0, 0) when none is)."""
    rows = np.flatnonzero(np.any(st != 0, axis=1))
    return (int(rows[0]), int(rows[-1]) + 1) if rows.size else (0, 0)


def sparse_stats(files: np.ndarray, values: np.ndarray, n_files: int, *, centre: float | None = None) -> np.ndarray:
    """`_column_stats` from (file index, value) pairs, one per review that has a value: no coders x
    files matrix and nothing of size values x values (the interval alpha needs only these sums).

    Values are centred on their mean, or on `centre` when given: an item's deductions are small
    numbers and mostly 0, so uncentred (`centre=0`) a file where nobody deducted has a count and
    nothing else, which `bootstrap_stats` sums sparsely."""
    cnt = np.bincount(files, minlength=n_files).astype(float)
    pairable = cnt >= 2
    keep = pairable[files]
    v = np.asarray(values, dtype=float)
    if keep.any():
        v = v - (v[keep].mean() if centre is None else centre)
    v = np.where(keep, v, 0.0)
    cnt = np.where(pairable, cnt, 0.0)
    s1 = np.bincount(files, weights=v, minlength=n_files)
    s2 = np.bincount(files, weights=v * v, minlength=n_files)
    q = cnt * (s2 - s1 * s1 / np.maximum(cnt, 1)) / np.maximum(cnt - 1, 1)
    return np.column_stack([cnt, s1, s2, q])


def alpha_sparse(stats: np.ndarray) -> float | None:
    """The interval alpha from `sparse_stats` (equal to the `krippendorff` package's; tested)."""
    a = float(_alpha_from_sums(stats.sum(axis=0)))
    return None if np.isnan(a) else a


def alpha_bootstrap(matrix: np.ndarray, *, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
                    level: float = 0.95) -> tuple[float | None, float | None]:
    """Percentile interval of alpha, resampling units (files) with replacement."""
    return alpha_bootstraps([matrix], n_boot=n_boot, seed=seed, level=level)[0]


@dataclass
class ItemAgreement(Figures):
    item_id: str
    item_title: str
    focus: str
    focus_label: str
    files: int  # files where two or more reviews scored the item
    deducted_files: int  # of those, files where at least one review deducted on it
    disagree_files: int  # of those, files where the deducted points differ
    alpha: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class ReviewerSeverity(Figures):
    reviewer_id: int
    username: str
    display_name: str
    files: int  # double-scored files this reviewer submitted
    severity: float  # mean of (own total - co-reviewers' mean); negative = harsher
    mean_abs_diff: float


@dataclass
class Agreement(Figures):
    campaign_id: int
    files: int  # double-scored files
    reviews: int
    reviewers: int
    alpha: float | None  # on totals
    ci_low: float | None
    ci_high: float | None
    n_boot: int
    seed: int
    level: float
    min_item_files: int
    min_deducted_files: int
    items: list[ItemAgreement] = field(default_factory=list)  # focus order, then item id
    lowest: list[ItemAgreement] = field(default_factory=list)  # lowest alpha first
    severity: list[ReviewerSeverity] = field(default_factory=list)  # harshest first


@dataclass(frozen=True)
class _Reviews:
    """The submitted reviews of the double-scored files of a selection, ordered by file then review, as
    parallel columns."""

    review_ids: list[int]
    files: np.ndarray  # case file id per review
    reviewers: np.ndarray  # reviewer id per review
    totals: np.ndarray  # the review's final total
    standards: list[str]  # standard version hash per review
    item_values: list[bytes | None]  # packed per-item deductions (empty unless asked for)

    def __len__(self) -> int:
        return len(self.review_ids)


def _double_scored(session: Session, campaign_id: int, unit_kind: str | None, case_type: str | None,
                   with_values: bool) -> _Reviews:
    """One pass over the selection's submitted reviews; the files with fewer than two are dropped here
    (the unit and case-type filters are properties of the file, so they keep or drop all its reviews)."""
    cols = [Review.id, Assignment.case_file_id, Assignment.reviewer_id, raw(Review.total), Review.standard_hash]
    if with_values:
        cols.append(Review.item_values)
    stmt = (select(*cols).select_from(Review).join(Assignment, Assignment.id == Review.assignment_id)
            .where(Assignment.campaign_id == campaign_id, Review.status == ReviewStatus.SUBMITTED.value))
    if unit_kind is not None or case_type is not None:
        stmt = stmt.join(CaseFile, CaseFile.id == Assignment.case_file_id)
    if unit_kind is not None:
        stmt = stmt.join(Unit, Unit.id == CaseFile.unit_id).where(Unit.kind == unit_kind)
    if case_type is not None:
        stmt = stmt.where(CaseFile.case_type == case_type)
    rows = sorted(plain_rows(session.connection(), stmt), key=itemgetter(1, 0))  # by file, then review
    files = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    _, inverse, counts = np.unique(files, return_inverse=True, return_counts=True)
    keep = np.flatnonzero(counts[inverse] >= 2)
    kept = [rows[i] for i in keep.tolist()]
    return _Reviews(
        review_ids=[r[0] for r in kept], files=files[keep],
        reviewers=np.fromiter((r[2] for r in kept), dtype=np.int64, count=len(kept)),
        totals=np.fromiter((int(r[3]) / 100 for r in kept), dtype=float, count=len(kept)),
        standards=[r[4] for r in kept], item_values=[r[5] for r in kept] if with_values else [])


def severity_from_scores(rows: Sequence[tuple[int, K, float]]) -> dict[K, tuple[int, float, float]]:
    """(file, reviewer, total) rows -> reviewer -> (files, mean signed gap, mean absolute gap) to the
    mean of the other reviewers of the same file; files with a single review are skipped."""
    if not rows:
        return {}
    keys = list(dict.fromkeys(r for _, r, _ in rows))
    code = {k: i for i, k in enumerate(keys)}
    found = _severity_arrays(np.array([f for f, _, _ in rows], dtype=np.int64),
                             np.array([code[r] for _, r, _ in rows], dtype=np.int64),
                             np.array([t for _, _, t in rows], dtype=float))
    return {keys[i]: v for i, v in found.items()}


def _severity_arrays(files: np.ndarray, reviewers: np.ndarray, totals: np.ndarray) -> dict[int, tuple[int, float, float]]:
    """`severity_from_scores` on parallel arrays (reviewers as small non-negative codes or ids): each
    file's sum and count, each review's gap to its co-reviewers' mean, each reviewer's means, summed
    in row order as the plain loop would."""
    _, f, m = np.unique(files, return_inverse=True, return_counts=True)
    sums = np.bincount(f, weights=totals)
    pair = m[f] >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = totals - (sums[f] - totals) / (m[f] - 1)
    ids, r = np.unique(reviewers[pair], return_inverse=True)
    n = np.bincount(r)
    mean = np.bincount(r, weights=gaps[pair]) / n
    mean_abs = np.bincount(r, weights=np.abs(gaps[pair])) / n
    return {int(i): (int(c), float(a), float(b)) for i, c, a, b in zip(ids, n, mean, mean_abs, strict=True)}


def _severity(session: Session, reviews: _Reviews) -> list[ReviewerSeverity]:
    found = _severity_arrays(reviews.files, reviews.reviewers, reviews.totals)
    if not found:
        return []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(found))))}
    out = [ReviewerSeverity(rid, users[rid].username, users[rid].display_name, n, sev, mad)
           for rid, (n, sev, mad) in found.items()]
    out.sort(key=lambda r: (r.severity, r.username))
    return out


def reviewer_severity(db: Session | Engine, campaign_id: int, *, unit_kind: str | None = None,
                      case_type: str | None = None) -> list[ReviewerSeverity]:
    """Each reviewer's severity on double-scored files (definition: module docstring), harshest first."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        get_campaign_row(session, campaign_id)
        return _severity(session, _double_scored(session, campaign_id, unit_kind, case_type, with_values=False))


def _item_meta(standards: dict[str, Standard]) -> dict[str, tuple[str, str]]:
    meta: dict[str, tuple[str, str]] = {}
    for h in sorted(standards):
        for item_id, (_, item) in standards[h].items_by_id.items():
            meta.setdefault(item_id, (item.title, item.focus))
    return meta


def _file_positions(reviews: _Reviews) -> tuple[np.ndarray, int]:
    """Each review's file position and the number of files, the files ordered by the standard version of
    their last review, then by id: an item's files lie together (`bootstrap_stats` sums over spans)."""
    files = reviews.files  # ordered by file, then review
    if not len(files):
        return np.zeros(0, dtype=np.int64), 0
    code = {h: i for i, h in enumerate(sorted(set(reviews.standards)))}  # codes in the versions' order
    standard = np.fromiter((code[h] for h in reviews.standards), dtype=np.int64, count=len(files))
    last = np.flatnonzero(np.r_[files[1:] != files[:-1], True])  # each file's last review
    ids = files[last]  # ascending
    position = np.empty(len(ids), dtype=np.int64)
    position[np.lexsort((ids, standard[last]))] = np.arange(len(ids))
    return position[np.searchsorted(ids, files)], len(ids)


def _item_columns(reviews: _Reviews, review_file: np.ndarray,
                  standards: dict[str, Standard]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """item id -> (file positions, deducted) of every review that has a value on it, from the reviews'
    packed item values (one array per standard version, `item_values`); an item id that several
    versions share gathers the values of all of them."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(reviews.standards):
        rows_of[h].append(i)
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
    for h in sorted(rows_of):
        rows = rows_of[h]
        ids = list(standards[h].items_by_id)
        by_item = unpack([reviews.review_ids[i] for i in rows], [reviews.item_values[i] for i in rows],
                         len(ids)).T.copy()  # an item's values side by side
        files = review_file[rows]
        for item_id, values in zip(ids, by_item, strict=True):
            ok = ~np.isnan(values)
            if ok.any():
                parts[item_id].append((files[ok], values[ok]))
    return {item_id: (np.concatenate([f for f, _ in p]), np.concatenate([v for _, v in p]))
            for item_id, p in parts.items()}


def agreement(db: Session | Engine, campaign_id: int, *, unit_kind: str | None = None, case_type: str | None = None,
              n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED, level: float = 0.95, min_item_files: int = 5,
              min_deducted_files: int = 3, lowest_n: int = 5) -> Agreement:
    """Alpha on totals with its bootstrap interval, alpha per item, the least agreed items and each
    reviewer's severity, over the double-scored files of the selection (definitions: module docstring).

    Works on sparse (file, value) pairs: memory grows with the reviews, never with reviewers x files or
    with the number of distinct values."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        get_campaign_row(session, campaign_id)
        reviews = _double_scored(session, campaign_id, unit_kind, case_type, with_values=True)
        severity = _severity(session, reviews)
        standards = {h: load_version(session, h) for h in sorted(set(reviews.standards))}
    meta = _item_meta(standards)
    review_file, n = _file_positions(reviews)
    totals = sparse_stats(review_file, reviews.totals, n)
    by_item = _item_columns(reviews, review_file, standards)
    items: list[ItemAgreement] = []
    stats, offsets = [totals], [0]
    for item_id, (f_arr, v_arr) in sorted(by_item.items()):
        # an item's stats over the span of its files only (those of its standard: files are ordered by
        # standard), not over every file of the selection
        first = int(f_arr.min())
        at = f_arr - first
        width = int(at.max()) + 1
        st = sparse_stats(at, v_arr, width, centre=0.0)
        pairable = st[:, 0] >= 2
        if not pairable.any():
            continue
        hi = np.full(width, -np.inf)
        lo = np.full(width, np.inf)
        np.maximum.at(hi, at, v_arr)
        np.minimum.at(lo, at, v_arr)
        title, focus = meta.get(item_id, (item_id, ""))
        items.append(ItemAgreement(item_id, title, focus, focus_label(focus), int(pairable.sum()),
                                   int((hi[pairable] > 0).sum()), int((hi[pairable] - lo[pairable] > 0).sum()),
                                   alpha_sparse(st)))
        stats.append(st)
        offsets.append(first)
    (ci_lo, ci_hi), *item_ci = bootstrap_stats(stats, n_boot=n_boot, seed=seed, level=level, offsets=offsets,
                                               n_files=n)
    for item, (ilo, ihi) in zip(items, item_ci, strict=True):
        if item.alpha is not None:
            item.ci_low, item.ci_high = ilo, ihi
    order = {f: i for i, f in enumerate(focus_order({i.focus for i in items}))}
    items.sort(key=lambda i: (order[i.focus], i.item_id))
    ranked = sorted((i for i in items if i.alpha is not None and i.files >= min_item_files
                     and i.deducted_files >= min_deducted_files), key=lambda i: (i.alpha, i.item_id))
    return Agreement(
        campaign_id=campaign_id, files=n, reviews=len(reviews), reviewers=len(set(reviews.reviewers.tolist())),
        alpha=alpha_sparse(totals) if n else None, ci_low=ci_lo, ci_high=ci_hi, n_boot=n_boot, seed=seed,
        level=level, min_item_files=min_item_files, min_deducted_files=min_deducted_files, items=items,
        lowest=ranked[:lowest_n], severity=severity,
    )
