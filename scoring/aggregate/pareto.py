"""The Pareto view of problems: deduction reasons ranked by the files carrying them, with the running
share of all problem occurrences (how few reasons make up most of what reviewers found).

Counts are files per reason (`top_problems`); a file with three different reasons counts three times in
the total, once per reason. For a mean result (two reviewers agreed, no re-check) a reason counts when
at least one of the reviewers recorded it (`file_deductions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scoring.aggregate.campaign import DefectCount, top_problems
from scoring.aggregate.common import Actor, Figures, ratio


@dataclass
class ParetoRow(Figures):
    rank: int  # 1 = most files; ties are ordered by item id and reason id and get their own rank
    problem: DefectCount
    cumulative_files: int
    cumulative_pct: Decimal  # cumulative_files / all occurrences x 100, half-up to two places
    occurrence_pct: Decimal  # this reason's files / all occurrences x 100

    def to_record(self) -> dict:
        return {"rank": self.rank, **self.problem.to_record(), "cumulative_files": self.cumulative_files,
                "cumulative_pct": float(self.cumulative_pct), "occurrence_pct": float(self.occurrence_pct)}


def pareto_rows(problems: Sequence[DefectCount]) -> list[ParetoRow]:
    """Problems most files first (ties: item id, reason id) with running totals over all of them."""
    ordered = sorted(problems, key=lambda p: (-p.files, p.item_id, p.reason_id))
    total = sum(p.files for p in ordered)
    out: list[ParetoRow] = []
    running = 0
    for i, p in enumerate(ordered, start=1):
        running += p.files
        out.append(ParetoRow(i, p, running, ratio(running, total) or Decimal(0), ratio(p.files, total) or Decimal(0)))
    return out


def pareto(db: Session | Engine, actor: Actor, campaign_id: int, *, focus: str | None = None, unit_kind: str | None = None,
           case_type: str | None = None) -> list[ParetoRow]:
    """Every deduction reason (and veto) of the selection, ranked, with cumulative shares."""
    return pareto_rows(top_problems(db, actor, campaign_id, per_focus=None, focus=focus, unit_kind=unit_kind,
                                    case_type=case_type))
