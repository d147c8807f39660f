"""The draw itself: a pure function from candidates, rules and seed to an ordered list of picks.

No database here, so the algorithm described in `scoring.workflow.sampling` can be property-tested quickly and
re-run on an exported register.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from scoring.workflow.sampling.rules import SampleRules, unit_quota

ALGORITHM_VERSION = "hashkey-webster-v1"
SEED_MAX = 2**63 - 1  # stored in a signed 64-bit column


class Candidate(NamedTuple):
    """One file that may be drawn; `ref` (e.g. the database id) is carried along, never used."""

    case_number: str
    unit: str
    case_type: str
    flags: frozenset[str] = frozenset()
    ref: Any = None


@dataclass(frozen=True, slots=True)
class DrawnFile:
    """One pick, in draw order; `ref` is the candidate's (the case file id for database draws)."""

    draw_order: int
    case_number: str
    unit: str
    case_type: str
    reason: str
    ref: Any = None


def random_key(seed: int, case_number: str) -> str:
    """The file's place in the draw: lower keys are drawn first."""
    return hashlib.sha256(f"{seed}:{case_number}".encode()).hexdigest()


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ValueError(f"seed must be a whole number from 0 to {SEED_MAX}, got {seed!r}")  # internal: shown as sample.bad_seed
    return seed


def order_units(units: Iterable[str], unit_order: Sequence[str] | None) -> list[str]:
    """Units in `unit_order` first (in that order), any others after them by name."""
    rank: dict[str, int] = {}
    for name in unit_order or ():
        rank.setdefault(name, len(rank))  # the first mention counts
    return sorted(units, key=lambda u: (0, rank[u], "") if u in rank else (1, 0, u))


def draw(
    candidates: Iterable[Candidate],
    rules: SampleRules,
    seed: int,
    unit_order: Sequence[str] | None = None,
) -> list[DrawnFile]:
    """Draw a sample; the result depends only on the candidate set, never on its order.

    `unit_order` lists unit names in presentation order (Unit.sort_order, then name); units it does
    not name follow by name. It only affects draw_order, never which files are drawn.
    """
    check_seed(seed)
    allowed = set(rules.units) if rules.units is not None else None
    forced_numbers = frozenset(rules.forced_files)
    prefix = f"{seed}:"
    sha256 = hashlib.sha256
    by_unit: dict[str, list[tuple[str, Candidate]]] = {}
    for c in candidates:
        if allowed is not None and c.unit not in allowed:
            continue
        key = sha256((prefix + c.case_number).encode()).hexdigest()
        files = by_unit.get(c.unit)
        if files is None:
            files = by_unit[c.unit] = []
        files.append((key, c))

    result: list[DrawnFile] = []
    for unit in order_units(by_unit, unit_order):
        files = by_unit[unit]
        files.sort(key=itemgetter(0))
        for (k1, c1), (k2, _) in zip(files, files[1:]):
            if k1 == k2:  # only a repeated case number can do this
                raise ValueError(f"case number {c1.case_number!r} appears more than once")  # internal: case numbers are unique
        for index, reason in _draw_unit([c for _, c in files], rules, forced_numbers):
            c = files[index][1]
            result.append(DrawnFile(len(result) + 1, c.case_number, unit, c.case_type, reason, c.ref))
    return result


def _draw_unit(files: list[Candidate], rules: SampleRules,
               forced_numbers: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Picks for one unit as (index into `files`, reason); `files` is sorted by key."""
    n = len(files)
    drawn = bytearray(n)
    picks: list[tuple[int, str]] = []

    def take(i: int, reason: str) -> None:
        drawn[i] = 1
        picks.append((i, reason))

    if forced_numbers:
        for i, c in enumerate(files):
            if c.case_number in forced_numbers:
                take(i, "forced:file")

    for rule in rules.forced:
        flag = rule.flag
        have = sum(1 for i, _ in picks if flag in files[i].flags)
        i = 0
        while have < rule.min and i < n:
            if not drawn[i] and flag in files[i].flags:
                take(i, f"forced:{flag}")
                have += 1
            i += 1

    remaining = unit_quota(rules.quota, n) - len(picks)
    if remaining <= 0:
        return picks

    if not rules.stratify_by_case_type:
        for i in range(n):
            if remaining == 0:
                break
            if not drawn[i]:
                take(i, "random")
                remaining -= 1
        return picks

    strata: dict[str, list[int]] = {}
    for i, c in enumerate(files):
        if not drawn[i]:
            strata.setdefault(c.case_type, []).append(i)
    names = sorted(strata)  # ties go to the smaller name: strict '>' below keeps the first
    seats = dict.fromkeys(names, 0)
    for _ in range(remaining):
        best: str | None = None
        best_size = best_div = 0
        for name in names:
            size, s = len(strata[name]), seats[name]
            if s >= size:
                continue
            div = 2 * s + 1
            # size/div > best_size/best_div, in integers so no rounding can decide a seat
            if best is None or size * best_div > best_size * div:
                best, best_size, best_div = name, size, div
        assert best is not None, "remaining never exceeds the undrawn files"
        take(strata[best][seats[best]], f"stratum:{best}")
        seats[best] += 1
    return picks
