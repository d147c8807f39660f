"""How a reason reads on the scoring form, for every way a standard words it (fixed, per occurrence,
a range, "其他问题"), and the warning confirmation before submitting."""

from __future__ import annotations

from decimal import Decimal

from scoring.rubric.model import CItem
from scoring.rubric.schema import OTHER_REASON, Deduction
from scoring.ui.i18n import t


def _num(d: Decimal | None) -> str:
    return "" if d is None else f"{d.normalize():f}"


def reason_label(reason_id: str, item: CItem, texts: str = "rules") -> str:
    """A reason as the form lists it; `texts="bonus"` words a bonus item's award the same way."""
    if reason_id == OTHER_REASON:
        return t("rules.other", max=_num(item.allow_other))
    d: Deduction | None = item.deduction(reason_id)
    if d is None:
        return reason_id
    cap = t(f"{texts}.cap", cap=_num(d.cap)) if d.cap is not None else ""
    if d.points is not None:
        return t(f"{texts}.fixed", reason=d.reason, points=_num(d.points))
    if d.per_occurrence is not None:
        return t(f"{texts}.each", reason=d.reason, points=_num(d.per_occurrence), cap=cap)
    assert d.range is not None
    key = f"{texts}.range_each" if d.range.per == "occurrence" else f"{texts}.range"
    return t(key, reason=d.reason, low=_num(d.range.min), high=_num(d.range.max), cap=cap)


def reason_options(item: CItem) -> list[str]:
    """The reasons a reviewer may choose on an item: the listed ones, then `other` where allowed."""
    return [d.id for d in item.deductions] + ([OTHER_REASON] if item.allow_other is not None else [])
