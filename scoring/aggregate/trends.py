"""Year over year: did units improve, and did last year's most frequent problems come back?

Standards change between years, so problems are matched on (item id, reason id) only, whatever the
standard version; units are matched by their id (the units table is shared by all campaigns).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from scoring.aggregate.common import (
    Actor,
    Figures,
    as_session,
    check_case_type,
    check_unit_kind,
    focus_label,
    focus_order,
    ratio,
    readable_campaign,
    scoped,
)
from scoring.aggregate.units import ReasonCount, reason_counts, unit_summary
from scoring.db.models import FileResult, Unit


@dataclass
class FocusChange(Figures):
    focus: str
    label: str
    previous: Decimal | None
    current: Decimal | None
    change: Decimal | None  # current - previous, in rate points


@dataclass
class UnitChange(Figures):
    unit_id: int
    unit: str
    previous_files: int
    current_files: int
    previous_mean: Decimal
    current_mean: Decimal
    change: Decimal  # current mean - previous mean (both as published, rounded to two places)
    previous_grade: str
    current_grade: str
    focus: list[FocusChange] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        d = self.to_dict()
        d.pop("focus")
        d.update({f"change.{f.focus}": (float(f.change) if f.change is not None else None) for f in self.focus})
        return d


@dataclass
class UnitRecurrence(Figures):
    unit_id: int
    unit: str
    previous_files: int
    current_files: int

    @property
    def recurred(self) -> bool:
        return self.previous_files > 0 and self.current_files > 0


@dataclass
class RecurringProblem(Figures):
    """One of last year's most frequent problems and how often it stands in this year's files."""

    item_id: str
    reason_id: str
    item_title: str
    reason: str
    focus: str
    previous_files: int
    previous_share: Decimal | None  # % of last year's reviewed files
    current_files: int
    current_share: Decimal | None  # % of this year's reviewed files
    recurred: bool  # any file this year
    units: list[UnitRecurrence] = field(default_factory=list)  # units with it in either year

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        for u, src in zip(d["units"], self.units, strict=True):
            u["recurred"] = src.recurred
        return d

    def to_record(self) -> dict[str, Any]:
        d = self.to_dict()
        d["units"] = "、".join(f"{u.unit}（{u.previous_files}→{u.current_files}）" for u in self.units)
        return d


@dataclass
class YearOverYear(Figures):
    previous_id: int
    previous: str
    current_id: int
    current: str
    units: list[UnitChange] = field(default_factory=list)  # units reviewed in both campaigns
    problems: list[RecurringProblem] = field(default_factory=list)  # last year's top problems, most frequent first


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else b - a


def year_over_year(db: Session | Engine, actor: Actor, previous_id: int, current_id: int, *, top_n: int = 10,
                   unit_kind: str | None = None, case_type: str | None = None) -> YearOverYear:
    """Units reviewed in both campaigns with the change in their mean and in each focus-area rate
    (focus areas present in either year; the change only where present in both), and last year's
    `top_n` most frequent problems (by files) with their files this year, overall and per unit."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        prev_c, cur_c = readable_campaign(session, actor, previous_id), readable_campaign(session, actor, current_id)
        prev = {u.unit_id: u for u in unit_summary(session, actor, previous_id, unit_kind=unit_kind, case_type=case_type,
                                                   top_n=0)}
        cur = {u.unit_id: u for u in unit_summary(session, actor, current_id, unit_kind=unit_kind, case_type=case_type,
                                                  top_n=0)}
        changes = []
        for uid in (u for u in cur if u in prev):
            p, c = prev[uid], cur[uid]
            pr, cr = p.focus_rates, c.focus_rates
            focus = [FocusChange(f, focus_label(f), pr.get(f), cr.get(f), _diff(pr.get(f), cr.get(f)))
                     for f in focus_order(set(pr) | set(cr))]
            changes.append(UnitChange(uid, c.unit, p.files, c.files, p.mean, c.mean, c.mean - p.mean, p.grade,
                                      c.grade, focus))
        reviewed = {cid: int(session.scalar(scoped(select(func.count()).select_from(FileResult), cid, unit_kind,
                                                  case_type)) or 0) for cid in (previous_id, current_id)}
        prev_all = reason_counts(session, actor, previous_id, unit_kind=unit_kind, case_type=case_type, by_unit=False)
        cur_all = reason_counts(session, actor, current_id, unit_kind=unit_kind, case_type=case_type, by_unit=False)
        prev_units = reason_counts(session, actor, previous_id, unit_kind=unit_kind, case_type=case_type)
        cur_units = reason_counts(session, actor, current_id, unit_kind=unit_kind, case_type=case_type)
        unit_ids = set(prev_units) | set(cur_units)
        names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids)))).all())
        order = dict(session.execute(select(Unit.id, Unit.sort_order).where(Unit.id.in_(list(unit_ids)))).all())

    def per_unit(counts: dict[int, list[ReasonCount]]) -> dict[tuple[str, str], dict[int, int]]:
        out: dict[tuple[str, str], dict[int, int]] = {}
        for uid, reasons in counts.items():
            for r in reasons:
                out.setdefault((r.item_id, r.reason_id), {})[uid] = r.files
        return out

    # A problem may be both a veto and a deduction only if ids collide; counts add up per (item, reason).
    def totals(counts: dict[None, list[ReasonCount]]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for r in counts.get(None, []):
            out[(r.item_id, r.reason_id)] = out.get((r.item_id, r.reason_id), 0) + r.files
        return out

    cur_tot, pu, cu = totals(cur_all), per_unit(prev_units), per_unit(cur_units)
    problems = []
    for r in prev_all.get(None, [])[:top_n]:
        key = (r.item_id, r.reason_id)
        n_cur = cur_tot.get(key, 0)
        uids = set(pu.get(key, {})) | set(cu.get(key, {}))
        units = [UnitRecurrence(uid, names[uid], pu.get(key, {}).get(uid, 0), cu.get(key, {}).get(uid, 0))
                 for uid in sorted(uids, key=lambda u: (order[u], u))]
        problems.append(RecurringProblem(r.item_id, r.reason_id, r.item_title, r.reason, r.focus, r.files,
                                         ratio(r.files, reviewed[previous_id]), n_cur,
                                         ratio(n_cur, reviewed[current_id]), n_cur > 0, units))
    return YearOverYear(previous_id, prev_c.name, current_id, cur_c.name, changes, problems)
