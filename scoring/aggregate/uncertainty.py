"""Which differences between units are real: bootstrap intervals for unit means, ranks with intervals.

Method (percentile bootstrap, stratified by unit):

* Each unit's files are treated as a sample of its work. For a unit with n files, B replicates each
  draw n of its final scores with replacement and take their mean; the 95% interval for the unit's
  mean is the 2.5th and 97.5th percentile of the B replicate means (numpy's default linear
  interpolation), so it always lies within the unit's lowest and highest file score.
* Units are resampled independently, each from its own random stream
  `Generator(PCG64(SeedSequence(seed, spawn_key=(unit_id,))))`: the same seed gives the same interval
  for a unit whatever other units are shown (filters by unit kind or case type do not move it).
* Rank: 1 = best mean; equal means share the lowest rank of the tie (1, 2, 2, 4). Point ranks use the
  exact means. In each replicate the units are ranked the same way on their replicate means; the rank
  interval runs from the 2.5th percentile (rounded down to a rank that occurs) to the 97.5th percentile
  (rounded up) of the unit's replicate ranks, so it is conservative.
* Units with fewer than `min_files` files (default 3) are flagged `too_few_files`: they get no
  interval and no rank, and take no part in the ranking of the others.

The intervals say how much a unit's mean depends on which files happened to be drawn; they do not
cover reviewer disagreement (see `scoring.aggregate.agreement`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from scoring.aggregate.common import (
    Actor,
    Figures,
    as_session,
    check_case_type,
    check_unit_kind,
    mean_of_centi,
    readable_campaign,
)
from scoring.aggregate.units import UnitFigures, unit_scores, unit_summary
from scoring.db.models import Unit
from scoring.ranking import order_units, ranks

DEFAULT_SEED = 20240101
DEFAULT_B = 2000
DEFAULT_MIN_FILES = 3
REMEMBERED_COLUMNS = 2048  # a unit's replicate means kept (16 KB each at the default B: at most 32 MB)


def unit_rng(seed: int, key: int) -> Generator:
    """The random stream of one unit (or item): independent of every other key's stream."""
    return Generator(PCG64(SeedSequence(seed, spawn_key=(int(key),))))


def min_ranks(values: Sequence[Any]) -> list[int]:
    """Competition ranks, best (largest) first: rank = 1 + how many values are strictly larger.

    Sorted once (500 units: 500 comparisons each would be 250,000); values compare exactly (Fractions)."""
    descending = sorted(values, reverse=True)
    first: dict[Any, int] = {}
    for i, v in enumerate(descending):
        first.setdefault(v, i + 1)
    return [first[v] for v in values]


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(samples, [tail, 100 - tail])
    return float(lo), float(hi)


def bootstrap_means(groups: Sequence[Sequence[float]], *, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
                    keys: Sequence[int] | None = None) -> np.ndarray:
    """A (n_boot x groups) array: each column the replicate means of one group, from its own stream."""
    keys = list(range(len(groups))) if keys is None else list(keys)
    out = np.empty((n_boot, len(groups)))
    for k, (values, key) in enumerate(zip(groups, keys, strict=True)):
        arr = np.asarray(values, dtype=float)
        if arr.size == 0:
            raise ValueError("cannot bootstrap an empty group")  # internal: callers pass non-empty groups
        if n_boot <= DEFAULT_B:
            out[:, k] = _remembered_means(int(seed), int(key), n_boot, arr.tobytes())
        else:
            out[:, k] = _replicate_means(seed, int(key), n_boot, arr)
    return out


def _replicate_means(seed: int, key: int, n_boot: int, values: np.ndarray) -> np.ndarray:
    """One group's `n_boot` replicate means, drawn from its own stream (`unit_rng(seed, key)`)."""
    idx = unit_rng(seed, key).integers(0, values.size, size=(n_boot, values.size))
    means: np.ndarray = values[idx].sum(axis=1) / values.size
    return means


@functools.lru_cache(maxsize=REMEMBERED_COLUMNS)
def _remembered_means(seed: int, key: int, n_boot: int, values: bytes) -> np.ndarray:
    """`_replicate_means` remembered by its exact inputs (the group's values as bytes). A group's
    replicates depend on nothing else (its own stream), so after a new review the comparison page
    draws again only for the units whose final scores changed: drawing is most of its first view
    (500 units x 2,000 replicates). Read-only: callers copy it into their own array."""
    means = _replicate_means(seed, key, n_boot, np.frombuffer(values, dtype=float))
    means.flags.writeable = False
    return means


def forget_replicates() -> None:
    """Drop the remembered replicate means (benchmarks time a cold start with it)."""
    _remembered_means.cache_clear()


@dataclass(frozen=True)
class GroupInterval:
    low: float
    high: float
    rank_low: int
    rank_high: int


def row_min_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks within each row, 1 for the smallest; ties share the lowest of their ranks ("min" ranking).

    Each row is sorted once; a value's rank is one more than the position where its run of equal
    values starts in the sorted row (replicates x units log units, not replicates x units²)."""
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    n = values.shape[1]
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run_rank = np.maximum.accumulate(np.where(starts, np.arange(1, n + 1), 0), axis=1)
    ranks = np.empty_like(run_rank)
    np.put_along_axis(ranks, order, run_rank, axis=1)
    return ranks


def bootstrap_intervals(groups: Sequence[Sequence[float]], *, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
                        level: float = 0.95, keys: Sequence[int] | None = None) -> list[GroupInterval]:
    """Percentile interval of each group's mean and of its rank among the groups (see module doc)."""
    if not groups:
        return []
    means = bootstrap_means(groups, n_boot=n_boot, seed=seed, keys=keys)
    ranks = row_min_ranks(-means)
    tail = (1 - level) / 2
    # column by column, as `percentile_interval` and a per-column quantile would (one call each: 500
    # units were 1,500 calls)
    lows, highs = np.percentile(means, [tail * 100, 100 - tail * 100], axis=0)
    r_lows = np.quantile(ranks, tail, axis=0, method="lower")
    r_highs = np.quantile(ranks, 1 - tail, axis=0, method="higher")
    return [GroupInterval(float(lo), float(hi), int(r_lo), int(r_hi))
            for lo, hi, r_lo, r_hi in zip(lows, highs, r_lows, r_highs, strict=True)]


@dataclass
class UnitUncertainty(Figures):
    unit_id: int
    unit: str
    files: int
    mean: Decimal
    too_few_files: bool
    ci_low: float | None = None
    ci_high: float | None = None
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None


def bootstrap_units(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                    case_type: str | None = None, min_files: int = DEFAULT_MIN_FILES, n_boot: int = DEFAULT_B,
                    seed: int = DEFAULT_SEED, level: float = 0.95,
                    scores: dict[int, list[int]] | None = None) -> list[UnitUncertainty]:
    """Bootstrap interval of each unit's mean, its rank and rank interval (method: module docstring).

    Units in listing order (sort order, id); only units with a final result appear. `scores` is
    `unit_scores` of the same selection when the caller already has it."""
    if n_boot < 1 or min_files < 1:
        raise ValueError("n_boot and min_files must be at least 1")  # internal: a programming error
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        if scores is None:
            scores = unit_scores(session, campaign_id, unit_kind=unit_kind, case_type=case_type)
        units = sorted(session.execute(select(Unit.id, Unit.name, Unit.sort_order)
                                       .where(Unit.id.in_(list(scores)))).all(),
                       key=lambda u: (u.sort_order, u.id))
    out = []
    for u in units:
        mean = mean_of_centi(sum(scores[u.id]), len(scores[u.id]))
        assert mean is not None  # a unit is in `scores` by one final score at least
        out.append(UnitUncertainty(u.id, u.name, len(scores[u.id]), mean, too_few_files=len(scores[u.id]) < min_files))
    ranked = [r for r in out if not r.too_few_files]
    exact = [Fraction(sum(scores[r.unit_id]), r.files) for r in ranked]
    intervals = bootstrap_intervals([scores[r.unit_id] for r in ranked], n_boot=n_boot, seed=seed, level=level,
                                    keys=[r.unit_id for r in ranked])
    for r, rank, iv in zip(ranked, min_ranks(exact), intervals, strict=True):
        r.ci_low, r.ci_high = iv.low / 100, iv.high / 100  # scores were in hundredths
        r.rank, r.rank_low, r.rank_high = rank, iv.rank_low, iv.rank_high
    return out


@dataclass
class UnitRow(Figures):
    """A unit's figures with its interval and rank: one row of the unit table."""

    figures: UnitFigures
    uncertainty: UnitUncertainty

    def to_record(self) -> dict[str, Any]:
        u = self.uncertainty
        return {**self.figures.to_record(), "too_few_files": u.too_few_files, "ci_low": u.ci_low,
                "ci_high": u.ci_high, "rank": u.rank, "rank_low": u.rank_low, "rank_high": u.rank_high}


def unit_table(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None, case_type: str | None = None,
               min_files: int = DEFAULT_MIN_FILES, n_boot: int = DEFAULT_B, seed: int = DEFAULT_SEED,
               level: float = 0.95, top_n: int = 5, scores: dict[int, list[int]] | None = None) -> list[UnitRow]:
    """`unit_summary` joined with `bootstrap_units`, in listing order (sort by `rank` for a league table).
    The point rank follows the campaign's tie-break rule (scoring.ranking), as the notice does. `scores`
    is `unit_scores` of the same selection when the caller already has it."""
    with as_session(db) as session:
        tie_break = readable_campaign(session, actor, campaign_id).tie_break
        if scores is None:
            scores = unit_scores(session, campaign_id, unit_kind=unit_kind, case_type=case_type)
        figures = unit_summary(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type, top_n=top_n,
                               scores=scores)
        unc = {u.unit_id: u for u in bootstrap_units(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type,
                                                     min_files=min_files, n_boot=n_boot, seed=seed, level=level,
                                                     scores=scores)}
    ranked = order_units([f for f in figures if not unc[f.unit_id].too_few_files], tie_break)
    for f, rank in zip(ranked, ranks(ranked, tie_break), strict=True):
        unc[f.unit_id].rank = rank
    return [UnitRow(f, unc[f.unit_id]) for f in figures]


def league_order(rows: Sequence[UnitRow]) -> list[UnitRow]:
    """The one league order: ranked units by rank (then listing order), then the units with too few files
    to rank, by mean (best first, then listing order)."""
    ranked = sorted((r for r in rows if r.uncertainty.rank is not None),
                    key=lambda r: (r.uncertainty.rank, r.figures.sort_order, r.figures.unit_id))
    rest = sorted((r for r in rows if r.uncertainty.rank is None),
                  key=lambda r: (-r.figures.mean, r.figures.sort_order, r.figures.unit_id))
    return [*ranked, *rest]
