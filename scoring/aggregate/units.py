"""Per-unit figures of a campaign, aggregated in SQL over the materialised final results.

A file counts once it has a final result (`file_results`, see `scoring.workflow.recheck` for the definition):
files still being scored or awaiting re-check are not in any figure. Every query groups by unit (and
grade, focus area or deduction reason); the only per-file data fetched is the list of final scores,
needed for the median and the bootstrap, and that is as long as the sample, not the register.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeVarTuple, Unpack, overload

from sqlalchemy import Engine, Select, and_, case, func, select, tuple_
from sqlalchemy.orm import Session

from scoring.aggregate.common import (
    Actor,
    Figures,
    as_session,
    bands_of,
    centi,
    check_case_type,
    check_unit_kind,
    focus_label,
    focus_order,
    grade_of,
    mean_of_centi,
    median_of_centi,
    ratio,
    raw,
    readable_campaign,
    scoped,
    titles_for,
)
from scoring.db.models import CaseFile, FileDeduction, FileFocusScore, FileResult, Unit
from scoring.domain import UnitKind
from scoring.workflow.campaigns import unit_bands

_Ts = TypeVarTuple("_Ts")


@dataclass
class ReasonCount(Figures):
    """A deduction reason (or veto) and how many files carry it in their final result."""

    item_id: str
    item_title: str
    reason_id: str
    reason: str
    focus: str
    is_veto: bool
    files: int

    def label(self) -> str:
        return f"{self.item_id}-{self.reason_id} {self.reason}"


@dataclass
class FocusRate(Figures):
    """Score rate of one focus area: Σ earned / Σ applicable maximum x 100 over the files it applies to."""

    focus: str
    label: str
    files: int
    applicable_max: Decimal
    earned: Decimal
    rate: Decimal | None


@dataclass
class UnitFigures(Figures):
    unit_id: int
    unit: str
    kind: str
    sort_order: int
    files: int  # files with a final result
    mean: Decimal
    median: Decimal
    min: Decimal
    max: Decimal
    grade_counts: dict[str, int]  # in the campaign's band order, every band present (0 when none)
    pass_rate: Decimal  # % of files whose grade is at or above the pass line
    excellent_rate: Decimal  # % of files in the top band
    veto_count: int  # files whose final result carries a veto
    grade: str  # the mean graded with the campaign's bands
    focus: list[FocusRate] = field(default_factory=list)
    top_deductions: list[ReasonCount] = field(default_factory=list)
    total: Decimal = Decimal(0)  # sum of the files' final scores (a tie-break: scoring.ranking)

    @property
    def focus_rates(self) -> dict[str, Decimal | None]:
        return {f.focus: f.rate for f in self.focus}

    def to_record(self) -> dict[str, Any]:
        d = self.to_dict()
        out = {k: v for k, v in d.items() if k not in ("grade_counts", "focus", "top_deductions")}
        out.update({f"grade.{name}": n for name, n in self.grade_counts.items()})
        out.update({f"focus.{f.focus}": (float(f.rate) if f.rate is not None else None) for f in self.focus})
        out["top_deductions"] = "；".join(f"{r.label()}（{r.files}）" for r in self.top_deductions)
        return out


def unit_scores(db: Session | Engine, campaign_id: int, *, unit_kind: str | None = None,
                case_type: str | None = None) -> dict[int, list[int]]:
    """unit id -> its files' final scores in hundredths, ascending (one row per reviewed file)."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    stmt = scoped(select(FileResult.unit_id, raw(FileResult.score)).select_from(FileResult),
                  campaign_id, unit_kind, case_type).order_by(FileResult.unit_id, raw(FileResult.score))
    out: dict[int, list[int]] = defaultdict(list)
    with as_session(db) as session:
        for unit_id, score in session.execute(stmt):
            out[unit_id].append(int(score))
    return dict(out)


def focus_rates(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None, case_type: str | None = None,
                by_unit: bool = True) -> dict[int | None, list[FocusRate]]:
    """Focus-area score rates per unit (key None for the whole selection when `by_unit` is false: the
    campaign average profile a unit is compared with).

    Summed per unit and focus area in SQL, from `file_focus_scores` alone, in the order of its (campaign,
    unit, focus) index: no sort, no table row. A focus score stands only beside its file's final result
    (written and removed together), so the final results are joined only to filter by case type. The
    whole selection's sums are those of its units (integers: exact)."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    stmt = _scoped(select(FileFocusScore.unit_id, FileFocusScore.focus, func.count(),
                          func.sum(raw(FileFocusScore.applicable_max)), func.sum(raw(FileFocusScore.earned))),
                   FileFocusScore, campaign_id, unit_kind, case_type)
    stmt = stmt.group_by(FileFocusScore.unit_id, FileFocusScore.focus)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        rows: Sequence[Any] = session.execute(stmt).all()  # unit id, focus, files, max, earned
    return _focus_lists((unit_id if by_unit else None, focus, n, mx, earned) for unit_id, focus, n, mx, earned in rows)


def _focus_lists(rows: Iterable[tuple[Any, str, Any, Any, Any]]) -> dict[Any, list[FocusRate]]:
    """(key, focus, files, applicable max, earned in hundredths) rows summed per key and focus area."""
    sums: dict[Any, dict[str, list[int]]] = defaultdict(dict)
    for key, focus, n, mx, earned in rows:
        acc = sums[key].setdefault(focus, [0, 0, 0])
        acc[0] += int(n)
        acc[1] += int(mx)
        acc[2] += int(earned)
    return {k: [FocusRate(f, focus_label(f), v[f][0], centi(v[f][1]), centi(v[f][2]), ratio(v[f][2], v[f][1]))
                for f in focus_order(v)] for k, v in sums.items()}


def overall_focus(units: Iterable[UnitFigures]) -> list[FocusRate]:
    """The selection's focus rates from its units' (`focus_rates(by_unit=False)` without a query): the
    sums are integers of hundredths, so adding the units' is exact. The units must carry their focus
    rates (`unit_summary(with_focus=True)`)."""
    rows = ((None, f.focus, f.files, int(f.applicable_max * 100), int(f.earned * 100)) for u in units for f in u.focus)
    return _focus_lists(rows).get(None, [])


def _scoped(stmt: Select[Unpack[_Ts]], model: type[FileDeduction] | type[FileFocusScore], campaign_id: int,
            unit_kind: str | None, case_type: str | None) -> Select[Unpack[_Ts]]:
    """A statement over a per-file table that carries its file's unit (`file_deductions`,
    `file_focus_scores`) restricted to the campaign and the (checked) filters; its rows stand only beside
    their file's final result, which is joined only to filter by case type."""
    stmt = stmt.where(model.campaign_id == campaign_id)
    if unit_kind is not None:
        stmt = stmt.where(model.unit_id.in_(select(Unit.id).where(Unit.kind == UnitKind(unit_kind).value)))
    if case_type is not None:
        stmt = stmt.join(FileResult, and_(FileResult.campaign_id == model.campaign_id,
                                          FileResult.case_file_id == model.case_file_id)
                         ).where(FileResult.case_type == case_type)
    return stmt


def scoped_deductions(stmt: Select[Unpack[_Ts]], campaign_id: int, unit_kind: str | None, case_type: str | None,
                      only: Collection[tuple[str, str]] | None = None) -> Select[Unpack[_Ts]]:
    """Restrict a statement over `file_deductions` alone to the campaign, the (checked) filters and, with
    `only`, these (item id, reason id) pairs. A deduction row stands only beside its file's final result
    (`scoring.workflow.results.refresh` writes and removes them together), so the final results are
    joined only to filter by case type."""
    stmt = _scoped(stmt, FileDeduction, campaign_id, unit_kind, case_type)
    if only is not None:
        stmt = stmt.where(tuple_(FileDeduction.item_id, FileDeduction.reason_id).in_(sorted(only)))
    return stmt


@overload
def reason_counts(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                  case_type: str | None = None, by_unit: Literal[True] = True,
                  only: Collection[tuple[str, str]] | None = None, top: int | None = None) -> dict[int, list[ReasonCount]]: ...
@overload
def reason_counts(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                  case_type: str | None = None, by_unit: Literal[False],
                  only: Collection[tuple[str, str]] | None = None, top: int | None = None) -> dict[None, list[ReasonCount]]: ...
@overload
def reason_counts(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                  case_type: str | None = None, by_unit: bool,
                  only: Collection[tuple[str, str]] | None = None,
                  top: int | None = None) -> dict[int | None, list[ReasonCount]]: ...
def reason_counts(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None, case_type: str | None = None,
                  by_unit: bool = True, only: Collection[tuple[str, str]] | None = None, top: int | None = None
                  ) -> dict[int | None, list[ReasonCount]] | dict[int, list[ReasonCount]] | dict[None, list[ReasonCount]]:
    """Files per deduction reason, most frequent first (ties: item id, reason id), per unit or overall;
    `only`: just these (item id, reason id) pairs (the units behind a short list of top problems); `top`:
    only each unit's (or the selection's) `top` first.

    Read from `file_deductions` alone (`scoped_deductions`), grouped in the order of its problems index
    (item, reason, veto, unit): no sort, no table row. With `top`, the database returns the reasons
    ranked (by files alone, ties sharing a rank) within the first `top`, which holds every reason of the
    first `top` in this order whatever the database's collation; Python orders them and cuts."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    if only is not None and not only:
        return {}
    keys = [FileDeduction.item_id, FileDeduction.reason_id, FileDeduction.is_veto]
    unit_cols = [FileDeduction.unit_id] if by_unit else []
    stmt = select(*unit_cols, *keys, func.min(FileDeduction.reason), func.min(FileDeduction.focus), func.count(),
                  func.min(FileDeduction.standard_hash))
    stmt = scoped_deductions(stmt, campaign_id, unit_kind, case_type, only).group_by(*keys, *unit_cols)
    if top is not None:
        ranked = stmt.add_columns(func.rank().over(partition_by=unit_cols or None, order_by=func.count().desc())
                                  .label("files_rank")).subquery()
        stmt = select(*list(ranked.c)[:-1]).where(ranked.c.files_rank <= top)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        rows: Sequence[Any] = session.execute(stmt).all()  # (unit id,) keys, reason, focus, files, hash
        if not rows:
            return {}
        titles = titles_for(session, {r[-1] for r in rows})
    out: dict[int | None, list[ReasonCount]] = defaultdict(list)
    for row in rows:
        key, rest = (row[0], row[1:]) if by_unit else (None, row)
        item_id, reason_id, is_veto, reason, focus, n, _ = rest
        out[key].append(ReasonCount(item_id, titles.get(item_id, item_id), reason_id, reason, focus, bool(is_veto),
                                    int(n)))
    for v in out.values():
        v.sort(key=lambda r: (-r.files, r.item_id, r.reason_id, r.is_veto))
        if top is not None:
            del v[top:]
    return dict(out)


def unit_summary(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
                 case_type: str | None = None, top_n: int = 5, with_focus: bool = True,
                 scores: dict[int, list[int]] | None = None) -> list[UnitFigures]:
    """Every unit with at least one final result, in the units' listing order (sort order, id).

    Definitions: mean, median, min and max of the files' final scores (mean and median rounded half-up
    to two places); grade counts by the files' final grades; pass rate = files passed / files x 100;
    excellent rate = files in the top band / files x 100; veto count = files whose final result carries a
    veto; unit grade = the rounded mean graded with the campaign's unit bands; focus rates as in `FocusRate`
    over the unit's files; `top_deductions` = the `top_n` reasons carried by most of the unit's files.
    `unit_kind` is department/town (or 区级部门/乡镇); `case_type` one of the domain's case types.
    `with_focus=False` leaves the focus rates out (callers that only group units by their mean);
    `scores` is `unit_scores` of the same selection when the caller already has it.
    """
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        campaign = readable_campaign(session, actor, campaign_id)
        bands = bands_of(campaign)
        grading = unit_bands(campaign)
        top = bands[0].name
        stmt = select(
            Unit.id, Unit.name, Unit.kind, Unit.sort_order, func.count(), func.sum(raw(FileResult.score)),
            func.min(raw(FileResult.score)), func.max(raw(FileResult.score)),
            func.sum(case((FileResult.passed.is_(True), 1), else_=0)),
            func.sum(case((FileResult.veto.is_(True), 1), else_=0)),
            func.sum(case((FileResult.grade == top, 1), else_=0)),
        ).select_from(FileResult)
        stmt = scoped(stmt, campaign_id, unit_kind, case_type).group_by(Unit.id, Unit.name, Unit.kind, Unit.sort_order)
        main = session.execute(stmt).all()
        grades: dict[int, dict[str, int]] = defaultdict(dict)
        gstmt = scoped(select(FileResult.unit_id, FileResult.grade, func.count()).select_from(FileResult),
                      campaign_id, unit_kind, case_type).group_by(FileResult.unit_id, FileResult.grade)
        for unit_id, grade, n in session.execute(gstmt):
            grades[unit_id][grade] = int(n)
        if scores is None:
            scores = unit_scores(session, campaign_id, unit_kind=unit_kind, case_type=case_type)
        focus = focus_rates(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type) if with_focus else {}
        reasons = (reason_counts(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type, top=top_n)
                   if top_n else {})
        out = []
        for uid, name, kind, order, n, total, lo, hi, passed, vetoes, excellent in main:
            n = int(n)
            mean = mean_of_centi(total, n)
            median = median_of_centi(scores[uid])
            pass_rate, excellent_rate = ratio(passed, n), ratio(excellent, n)
            unit_grade = grade_of(mean, grading)
            # every group has at least one file, so none of these is empty
            assert mean is not None and median is not None and unit_grade is not None
            assert pass_rate is not None and excellent_rate is not None
            counts = {b.name: grades[uid].get(b.name, 0) for b in bands}
            counts.update({g: c for g, c in grades[uid].items() if g not in counts})  # not expected
            out.append(UnitFigures(
                unit_id=uid, unit=name, kind=kind, sort_order=order, files=n, mean=mean,
                median=median, min=centi(lo), max=centi(hi), grade_counts=counts,
                pass_rate=pass_rate, excellent_rate=excellent_rate, veto_count=int(vetoes),
                grade=unit_grade, focus=focus.get(uid, []), top_deductions=reasons.get(uid, [])[:top_n],
                total=centi(total),
            ))
        out.sort(key=lambda u: (u.sort_order, u.unit_id))
        return out


@dataclass
class FileRow(Figures):
    """One reviewed file's final result, for drill-down from a unit or a problem."""

    case_file_id: int
    case_number: str
    unit_id: int
    unit: str
    case_type: str
    score: Decimal
    grade: str
    passed: bool
    veto: bool
    source: str  # mean / recheck
    reviews: int


def file_list(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_id: int | None = None, unit_kind: str | None = None,
              case_type: str | None = None) -> list[FileRow]:
    """The reviewed files (with a final result) of a campaign or one unit, lowest score first."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)
        stmt = select(FileResult.case_file_id, CaseFile.case_number, FileResult.unit_id, Unit.name,
                      FileResult.case_type, FileResult.score, FileResult.grade, FileResult.passed, FileResult.veto,
                      FileResult.source, FileResult.reviews).select_from(FileResult).join(
            CaseFile, CaseFile.id == FileResult.case_file_id)
        stmt = scoped(stmt, campaign_id, unit_kind, case_type)
        if unit_id is not None:
            stmt = stmt.where(FileResult.unit_id == unit_id)
        stmt = stmt.order_by(raw(FileResult.score), CaseFile.case_number)
        return [FileRow(*row) for row in session.execute(stmt)]
