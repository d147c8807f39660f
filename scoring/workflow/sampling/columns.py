"""The same draw as `scoring.workflow.sampling.draw.draw`, set-based: for registers of a million files.

`draw` (the reference, easy to follow by hand) walks every candidate of a unit in Python. Here the
keys are hashed in one pass, every sort is one numpy sort over the whole register (by unit, then by
the key's four big-endian 64-bit words, which is exactly the key's byte order, i.e. the order of its
lowercase hex), and the Python work per unit is proportional to its picks and strata, not its files.
A property test (tests/test_sampling_columns.py) checks that both give identical picks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.workflow.sampling.draw import DrawnFile, check_seed, order_units
from scoring.workflow.sampling.rules import SampleRules, unit_quota


@dataclass
class Register:
    """Candidates as columns (row i of each list is one file); `bits` has bit j set when the file has
    flag `flags[j]`; `refs` are carried along (the case file ids)."""

    numbers: list[str]
    units: list[str]
    case_types: list[str]
    bits: list[int]
    refs: list[Any]
    flags: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.numbers)


def _codes(values: list[str], names: list[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _order(words: np.ndarray, *groups: np.ndarray) -> np.ndarray:
    """Row order by `groups` (last is primary), then by the full 256-bit key.

    One sort of a 64-bit composite: the group codes in the high bits, the key's first word below them
    (its top bits: a province's 500 units and a dozen case types leave 51). Where two rows share that
    composite the sort is redone on all four words, so the order is always exact."""
    n = len(words)
    widths = [max(1, int(g.max()).bit_length()) if n else 1 for g in groups]
    used = sum(widths)
    if n == 0 or used > 32:
        return np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0], *groups))
    composite = np.zeros(n, dtype=np.uint64)
    for g, width in zip(reversed(groups), reversed(widths), strict=True):  # primary first: highest bits
        composite = (composite << np.uint64(width)) | g.astype(np.uint64)
    key = (composite << np.uint64(64 - used)) | (words[:, 0] >> np.uint64(used))
    order = np.argsort(key)
    ordered = key[order]
    if (ordered[1:] == ordered[:-1]).any():
        order = np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0], *groups))
    return order


def _bounds(sorted_codes: np.ndarray, n_codes: int) -> np.ndarray:
    return np.searchsorted(sorted_codes, np.arange(n_codes + 1), side="left")


def draw_columns(reg: Register, rules: SampleRules, seed: int,
                 unit_order: Sequence[str] | None = None) -> list[DrawnFile]:
    """Draw a sample from a register given as columns; same result as `draw` on the same files."""
    check_seed(seed)
    n = len(reg)
    prefix = f"{seed}:"
    sha256 = hashlib.sha256
    raw = b"".join([sha256((prefix + number).encode()).digest() for number in reg.numbers])
    words = np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(n, 4)  # native order: fast compares
    unit_names = sorted(set(reg.units))
    type_names = sorted(set(reg.case_types))  # code order = name order (ties go to the smaller name)
    unit_code = _codes(reg.units, unit_names)
    type_code = _codes(reg.case_types, type_names)
    bits = np.asarray(reg.bits, dtype=np.int64)
    keep = np.ones(n, dtype=bool)
    if rules.units is not None:
        allowed = {unit_names.index(u) for u in rules.units if u in unit_names}
        keep = np.isin(unit_code, sorted(allowed))
    by_key = _order(words, unit_code)
    by_key = by_key[keep[by_key]]
    same = np.flatnonzero((unit_code[by_key[1:]] == unit_code[by_key[:-1]])
                          & (words[by_key[1:]] == words[by_key[:-1]]).all(axis=1))
    if same.size:
        raise ValueError(f"case number {reg.numbers[by_key[same[0]]]!r} appears more than once")  # internal: unique
    by_type = _order(words, type_code, unit_code)
    by_type = by_type[keep[by_type]]
    unit_bounds = _bounds(unit_code[by_key], len(unit_names))
    forced = [(rule.flag, rule.min, 1 << reg.flags.index(rule.flag)) for rule in rules.forced]
    flagged = {}
    for flag, _, bit in forced:
        rows = by_key[(bits[by_key] & bit) != 0]
        flagged[flag] = (rows, _bounds(unit_code[rows], len(unit_names)))

    code_of = {name: u for u, name in enumerate(unit_names)}
    forced_rows = None
    if rules.forced_files:
        wanted = frozenset(rules.forced_files)
        mask = np.array([number in wanted for number in reg.numbers], dtype=bool)
        rows = by_key[mask[by_key]]
        forced_rows = (rows, _bounds(unit_code[rows], len(unit_names)))
    present = [name for u, name in enumerate(unit_names) if unit_bounds[u + 1] > unit_bounds[u]]
    result: list[DrawnFile] = []
    for name in order_units(present, unit_order):
        u = code_of[name]
        lo, hi = int(unit_bounds[u]), int(unit_bounds[u + 1])
        for row, reason in _draw_unit(u, lo, hi, by_key, by_type, type_code, type_names, bits, flagged, forced,
                                      forced_rows, rules):
            result.append(DrawnFile(len(result) + 1, reg.numbers[row], name, reg.case_types[row], reason,
                                    reg.refs[row]))
    return result


def _draw_unit(u: int, lo: int, hi: int, by_key: np.ndarray, by_type: np.ndarray, type_code: np.ndarray,
               type_names: list[str], bits: np.ndarray, flagged: dict, forced: list[tuple[str, int, int]],
               forced_rows: tuple[np.ndarray, np.ndarray] | None, rules: SampleRules) -> list[tuple[int, str]]:
    """Picks of one unit as (row, reason); `lo:hi` is the unit's slice of both orders."""
    picks: list[tuple[int, str]] = []
    drawn: set[int] = set()
    if forced_rows is not None:  # files forced in by case number, in key order
        rows, bounds = forced_rows
        for row in rows[bounds[u]:bounds[u + 1]].tolist():
            drawn.add(row)
            picks.append((row, "forced:file"))
    for flag, minimum, bit in forced:
        have = sum(1 for row, _ in picks if bits[row] & bit)
        rows, bounds = flagged[flag]
        for row in rows[bounds[u]:bounds[u + 1]].tolist():
            if have >= minimum:
                break
            if row not in drawn:
                drawn.add(row)
                picks.append((row, f"forced:{flag}"))
                have += 1
    remaining = unit_quota(rules.quota, hi - lo) - len(picks)
    if remaining <= 0:
        return picks
    if not rules.stratify_by_case_type:
        for row in by_key[lo:hi].tolist():
            if remaining == 0:
                break
            if row not in drawn:
                drawn.add(row)
                picks.append((row, "random"))
                remaining -= 1
        return picks
    unit_rows = by_type[lo:hi]  # the same unit slice: both orders sort by unit first
    codes = type_code[unit_rows]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    forced_in: dict[int, int] = {}
    for row in drawn:
        forced_in[int(type_code[row])] = forced_in.get(int(type_code[row]), 0) + 1
    strata = []  # (case type code, rows in key order, undrawn after forced picks), in name order
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        code = int(codes[s])
        strata.append((code, unit_rows[s:e], e - s - forced_in.get(code, 0)))
    seats = [0] * len(strata)
    pointer = [0] * len(strata)
    for _ in range(remaining):
        best = -1
        best_size = best_div = 0
        for i, (_, _, size) in enumerate(strata):
            s = seats[i]
            if s >= size:
                continue
            div = 2 * s + 1
            if best < 0 or size * best_div > best_size * div:
                best, best_size, best_div = i, size, div
        assert best >= 0, "remaining never exceeds the undrawn files"
        code, rows, _ = strata[best]
        p = pointer[best]
        while int(rows[p]) in drawn:
            p += 1
        row = int(rows[p])
        pointer[best] = p + 1
        drawn.add(row)
        picks.append((row, f"stratum:{type_names[code]}"))
        seats[best] += 1
    return picks
