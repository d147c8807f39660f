"""Ordering units by their mean, with the campaign's tie-break rule.

Published rules break ties between units with the same mean: by the sum of the files' totals, by the
number of files reviewed, or by the number of files in the top band (优秀); or they leave the tie
(`none`: tied units share a rank and are listed in the units' own order). The notice and every table
use `order_units` / `ranks`, so they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from scoring.errors import ValidationFailed
from scoring.workflow.campaigns import TIE_BREAKS

TIE_BREAK_LABELS = {
    "none": ("不区分（并列名次，按单位排列顺序列出）", "none (tied units share a rank)"),
    "sum_of_totals": ("案卷得分之和高者在前", "higher sum of file totals first"),
    "files": ("评查案卷数多者在前", "more files reviewed first"),
    "excellent": ("优秀案卷数多者在前", "more files in the top band first"),
}
assert set(TIE_BREAK_LABELS) == set(TIE_BREAKS)


class Rankable(Protocol):
    unit_id: int
    sort_order: int
    files: int
    mean: Decimal
    total: Decimal
    grade_counts: dict[str, int]


def check_rule(rule: str) -> str:
    if rule not in TIE_BREAKS:
        raise ValidationFailed(code="ranking.unknown_tie_break", rule=rule, known=list(TIE_BREAKS))
    return rule


def tie_key(unit: Any, rule: str) -> Decimal | int:
    """What breaks a tie on the mean (larger is better); 0 for `none`."""
    if rule == "sum_of_totals":
        return unit.total
    if rule == "files":
        return unit.files
    if rule == "excellent":
        return next(iter(unit.grade_counts.values()), 0) if unit.grade_counts else 0
    return 0


def _key(unit: Any, rule: str) -> tuple[Decimal, Decimal | int]:
    return unit.mean, tie_key(unit, rule)


def order_units(units: Sequence[Any], rule: str = "none") -> list[Any]:
    """Best first: mean, then the tie-break, then the units' listing order."""
    check_rule(rule)
    return sorted(units, key=lambda u: (-u.mean, -tie_key(u, rule), u.sort_order, u.unit_id))


def ranks(ordered: Sequence[Any], rule: str = "none") -> list[int]:
    """Competition ranks (1, 2, 2, 4) of units already in `order_units` order: units tie only when the
    mean and the tie-break value are both equal."""
    out: list[int] = []
    for i, u in enumerate(ordered):
        if i and _key(u, rule) == _key(ordered[i - 1], rule):
            out.append(out[-1])
        else:
            out.append(i + 1)
    return out
