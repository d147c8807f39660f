"""Campaign-wide figures (what a published notice, 评查情况通报, reports) and the most frequent problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy import Engine, and_, case, func, select
from sqlalchemy.orm import Session

from scoring.aggregate.common import (
    Actor,
    Defect,
    Figures,
    as_session,
    bands_of,
    centi,
    check_case_type,
    check_unit_kind,
    filter_results,
    focus_label,
    focus_order,
    mean_of_centi,
    median_of_centi,
    ratio,
    raw,
    readable_campaign,
    scoped,
)
from scoring.aggregate.units import (
    FocusRate,
    ReasonCount,
    UnitFigures,
    focus_rates,
    reason_counts,
    scoped_deductions,
    unit_summary,
)
from scoring.db.models import (
    CaseFile,
    FileDeduction,
    FileResult,
    SampleItem,
    SampleRecord,
    Unit,
)
from scoring.ranking import order_units
from scoring.workflow.campaigns import unit_bands


@dataclass
class UnitMean(Figures):
    unit_id: int
    unit: str
    files: int
    mean: Decimal


@dataclass
class BandGroup(Figures):
    """The units whose mean falls in one grade band: min <= mean < upper (no upper for the top band)."""

    band: str
    min: Decimal
    upper: Decimal | None
    units: list[UnitMean] = field(default_factory=list)


@dataclass
class CampaignFigures(Figures):
    campaign_id: int
    campaign: str
    year: int
    pass_line: Decimal
    files_sampled: int  # in the current sample
    files_reviewed: int  # with a final result
    files_pending: int  # sampled, no final result yet (being scored or awaiting re-check)
    units: int  # units with at least one reviewed file
    grade_counts: dict[str, int]
    mean: Decimal | None
    median: Decimal | None
    min: Decimal | None
    max: Decimal | None
    pass_rate: Decimal | None
    excellent_rate: Decimal | None
    veto_count: int
    unit_groups: list[BandGroup] = field(default_factory=list)
    focus: list[FocusRate] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        d = self.to_dict()
        out = {k: v for k, v in d.items() if k not in ("grade_counts", "unit_groups", "focus")}
        out.update({f"grade.{k}": v for k, v in self.grade_counts.items()})
        out.update({f"units.{g.band}": len(g.units) for g in self.unit_groups})
        out.update({f"focus.{f.focus}": (float(f.rate) if f.rate is not None else None) for f in self.focus})
        return out


def _sampled(session: Session, campaign_id: int, unit_kind: str | None, case_type: str | None) -> int:
    stmt = (select(func.count()).select_from(SampleItem)
            .join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
            .join(CaseFile, CaseFile.id == SampleItem.case_file_id).join(Unit, Unit.id == CaseFile.unit_id)
            .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True)))
    if unit_kind is not None:
        stmt = stmt.where(Unit.kind == unit_kind)
    if case_type is not None:
        stmt = stmt.where(CaseFile.case_type == case_type)
    return int(session.scalar(stmt) or 0)


def campaign_figures(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                     case_type: str | None = None, units: list[UnitFigures] | None = None,
                     scores: dict[int, list[int]] | None = None, focus: list[FocusRate] | None = None
                     ) -> CampaignFigures:
    """The headline figures over every reviewed file of the selection.

    Same definitions as `unit_summary`, over all files at once (the mean is the mean of files, not of
    unit means). `unit_groups` puts each unit in the band its (rounded) mean falls in, using the
    campaign's bands, e.g. ≥90 / 80-89.99 / 60-79.99 / <60; best unit first within a band. `units` is
    `unit_summary` of the same selection when the caller already has it, `scores` its `unit_scores` and
    `focus` its `overall_focus` (`scoring.aggregate.comparison` passes all three)."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        campaign = readable_campaign(session, actor, campaign_id)
        bands = bands_of(campaign)
        stmt = select(func.count(), func.sum(raw(FileResult.score)), func.min(raw(FileResult.score)),
                      func.max(raw(FileResult.score)), func.sum(case((FileResult.passed.is_(True), 1), else_=0)),
                      func.sum(case((FileResult.veto.is_(True), 1), else_=0)),
                      func.sum(case((FileResult.grade == bands[0].name, 1), else_=0))).select_from(FileResult)
        n, total, lo, hi, passed, vetoes, excellent = session.execute(scoped(stmt, campaign_id, unit_kind,
                                                                            case_type)).one()
        n = int(n or 0)
        gstmt = scoped(select(FileResult.grade, func.count()).select_from(FileResult), campaign_id, unit_kind,
                      case_type).group_by(FileResult.grade)
        found = {g: int(c) for g, c in session.execute(gstmt)}
        counts = {b.name: found.pop(b.name, 0) for b in bands} | found
        if scores is None:
            sstmt = scoped(select(raw(FileResult.score)).select_from(FileResult), campaign_id, unit_kind,
                          case_type).order_by(raw(FileResult.score))
            ordered = [int(s) for s in session.scalars(sstmt)]
        else:
            ordered = sorted(chain.from_iterable(scores.values()))
        if units is None:
            units = unit_summary(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type, top_n=0,
                                 with_focus=False)
        ubands = unit_bands(campaign)
        groups = [BandGroup(b.name, b.min, ubands[i - 1].min if i else None) for i, b in enumerate(ubands)]
        by_name = {g.band: g for g in groups}
        for u in order_units(units, campaign.tie_break):
            by_name[u.grade].units.append(UnitMean(u.unit_id, u.unit, u.files, u.mean))
        if focus is None:
            focus = focus_rates(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type,
                                by_unit=False).get(None, [])
        sampled = _sampled(session, campaign_id, unit_kind, case_type)
        return CampaignFigures(
            campaign_id=campaign.id, campaign=campaign.name, year=campaign.year, pass_line=campaign.pass_line,
            files_sampled=sampled, files_reviewed=n, files_pending=max(sampled - n, 0), units=len(units),
            grade_counts=counts, mean=mean_of_centi(total or 0, n), median=median_of_centi(ordered),
            min=centi(lo) if n else None, max=centi(hi) if n else None, pass_rate=ratio(passed or 0, n),
            excellent_rate=ratio(excellent or 0, n), veto_count=int(vetoes or 0), unit_groups=groups,
            focus=focus,
        )


@dataclass
class UnitCount(Figures):
    unit_id: int
    unit: str
    files: int


@dataclass
class DefectCount(Defect):
    """A deduction reason (or veto) with the files carrying it and the units they belong to."""

    files: int
    share: Decimal | None  # files / reviewed files of the selection x 100
    units: list[UnitCount] = field(default_factory=list)  # most files first

    def to_record(self) -> dict[str, Any]:
        d = self.to_dict()
        d["units"] = "、".join(f"{u.unit}（{u.files}）" for u in self.units)
        d["unit_count"] = len(self.units)
        return d


def top_problems(db: Session | Engine, actor: Actor, campaign_id: int, *, per_focus: int | None = 5, focus: str | None = None,
                 unit_kind: str | None = None, case_type: str | None = None) -> list[DefectCount]:
    """The most frequent problems by focus area: for each focus area (four focus areas first, then the
    general categories), its `per_focus` reasons carried by most files (None: all), with the units.

    A problem is an (item id, reason id) pair standing in files' final results (`file_deductions`,
    one row per file and reason, so counts are files). Sort by `files` for a Pareto over all areas."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        overall = reason_counts(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type, by_unit=False)
        if not overall:
            return []
        shown = listed_problems(overall[None], focus=focus, per_focus=per_focus)
        # the units behind the listed reasons: counts only (the labels are the overall rows')
        per_unit = session.execute(scoped_deductions(
            select(FileDeduction.item_id, FileDeduction.reason_id, FileDeduction.unit_id, func.count()),
            campaign_id, unit_kind, case_type, {(r.item_id, r.reason_id) for r in shown},
        ).group_by(FileDeduction.item_id, FileDeduction.reason_id, FileDeduction.is_veto, FileDeduction.unit_id)).all()
        names = dict(session.execute(select(Unit.id, Unit.name)).all())
        reviewed = session.scalar(scoped(select(func.count()).select_from(FileResult), campaign_id, unit_kind,
                                        case_type))
    where: dict[tuple[str, str], list[UnitCount]] = defaultdict(list)
    for item_id, reason_id, unit_id, n in per_unit:
        where[(item_id, reason_id)].append(UnitCount(unit_id, names[unit_id], int(n)))
    return [DefectCount(r.focus, focus_label(r.focus), r.item_id, r.item_title, r.reason_id, r.reason, r.is_veto,
                        r.files, ratio(r.files, reviewed or 0),
                        sorted(where[(r.item_id, r.reason_id)], key=lambda u: (-u.files, u.unit_id)))
            for r in shown]


def listed_problems(reasons: Iterable[ReasonCount], *, focus: str | None = None,
                    per_focus: int | None = None) -> list[ReasonCount]:
    """Reasons by focus area (the four focus areas first, then the general categories), each area's first
    `per_focus` (None: all) in the order given (most files first); only area `focus` when given."""
    by_focus: dict[str, list[ReasonCount]] = defaultdict(list)
    for r in reasons:
        if focus is None or r.focus == focus:
            by_focus[r.focus].append(r)
    return [r for f in focus_order(by_focus) for r in (by_focus[f][:per_focus] if per_focus is not None else by_focus[f])]


@dataclass
class ProblemFile(Figures):
    case_file_id: int
    case_number: str
    unit_id: int
    unit: str
    points: Decimal  # mean over the reviews that recorded it (re-check: its own)
    reviews: int
    comment: str
    location: str
    score: Decimal
    grade: str


def problem_files(db: Session | Engine, actor: Actor, campaign_id: int, item_id: str, reason_id: str, *,
                  unit_id: int | None = None, unit_kind: str | None = None,
                  case_type: str | None = None) -> list[ProblemFile]:
    """The files whose final result carries this problem (drill-down from a problem or a unit)."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        stmt = (select(FileDeduction.case_file_id, CaseFile.case_number, FileDeduction.unit_id, Unit.name,
                       FileDeduction.points, FileDeduction.reviews, FileDeduction.comment, FileDeduction.location,
                       FileResult.score, FileResult.grade)
                .select_from(FileDeduction)
                .join(FileResult, and_(FileResult.campaign_id == FileDeduction.campaign_id,
                                       FileResult.case_file_id == FileDeduction.case_file_id))
                .join(CaseFile, CaseFile.id == FileDeduction.case_file_id)
                .join(Unit, Unit.id == FileResult.unit_id)
                .where(FileDeduction.item_id == item_id, FileDeduction.reason_id == reason_id))
        stmt = filter_results(stmt, campaign_id, unit_kind, case_type)
        if unit_id is not None:
            stmt = stmt.where(FileResult.unit_id == unit_id)
        stmt = stmt.order_by(Unit.sort_order, Unit.id, CaseFile.case_number)
        rows: Sequence[Any] = session.execute(stmt).all()  # exactly ProblemFile's ten fields
        return [ProblemFile(*row) for row in rows]
