"""The findings core as the documents read it (`scoring.findings`): included findings in order,
their traces and the rectification requirements.

The documents never write findings; they print what the panel lead drafted, edited and included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from scoring import findings as api
from scoring.aggregate.common import focus_order
from scoring.db.models import User
from scoring.documents.common import DocWarning

SECTIONS = ("problem", "typical", "recommendation")


@dataclass
class FindingSet:
    """Included findings by section (in their position order), with traces when asked for."""

    problem: list[Any] = field(default_factory=list)
    typical: list[Any] = field(default_factory=list)
    recommendation: list[Any] = field(default_factory=list)
    traces: dict[int, list[Any]] = field(default_factory=dict)
    rectifications: list[Any] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)

    def all(self) -> list[Any]:
        return [*self.problem, *self.typical, *self.recommendation]

    def empty(self) -> bool:
        return not self.all()


def load_findings(session: Session, actor: User | None, campaign_id: int, *, unit_id: int | Literal["all"] | None,
                  traces: bool = True, rectifications: bool = True,
                  rectification_unit: int | None = None, anonymise: bool = False) -> FindingSet:
    """Included findings of one scope (`unit_id`: None = campaign-wide, an id = that unit's, "all"),
    sorted by position; their traces; the rectification requirements (of `rectification_unit`, or
    every unit's). `anonymise` masks the traces' case numbers and units for a lead too (the findings
    core masks them for everyone else when the campaign says so)."""

    out = FindingSet()
    rows = api.list_findings(session, actor, campaign_id, unit_id=unit_id, included_only=True)
    rows = [r for r in rows if getattr(r, "included", True)]
    for section in SECTIONS:
        getattr(out, section).extend(sorted((r for r in rows if r.section == section),
                                            key=lambda r: (r.position, r.id)))
    if traces:
        extra = {"anonymise": True} if anonymise else {}
        out.traces = api.findings_traces(session, actor, [f.id for f in out.all()], **extra)
    if rectifications:
        out.rectifications = list(api.list_rectifications(session, actor, campaign_id, unit_id=rectification_unit))
    stale = [f for f in out.all() if getattr(f, "stale", False)]
    if stale:
        out.warnings.append(DocWarning(
            "stale_findings",
            f"{len(stale)} included findings were drafted from earlier results and may be out of date: "
            + "; ".join(f.title for f in stale[:5]), {"n": len(stale)}))
    return out


def by_focus(findings: Sequence[Any]) -> list[tuple[str | None, list[Any]]]:
    """Findings grouped by focus area, the four focus areas first (the aggregation core's order)."""

    groups: dict[str | None, list[Any]] = {}
    for f in findings:
        groups.setdefault(f.focus or None, []).append(f)
    keys = focus_order([k for k in groups if k])
    return [(k, groups[k]) for k in keys] + ([(None, groups[None])] if None in groups else [])
