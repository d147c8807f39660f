"""Shared pieces of the aggregation core: filters, exact arithmetic on stored hundredths, records.

Scores are stored as integer hundredths (`Centi`), so SQL sums and counts are exact on every backend;
every figure derived from them is computed with `Decimal` and rounded once, half-up to two places,
like the scores themselves. Statistical estimates (bootstrap intervals, alpha, severity) are floats.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVarTuple, Unpack

from sqlalchemy import BigInteger, Engine, Select, type_coerce
from sqlalchemy.orm import Session

from scoring.db.models import Campaign, FileResult, Unit, User
from scoring.domain import ALL_FOCUS, UNIT_KIND_LABELS, UnitKind
from scoring.engine import grade_for, round_score
from scoring.errors import NotFound, ValidationFailed
from scoring.rubric.schema import GradeBand
from scoring.rubric.vocabulary import active_vocabulary
from scoring.standards import load_version
from scoring.workflow.campaigns import campaign_bands
from scoring.workflow.publish import require_results_access

HUNDRED = Decimal(100)

_Ts = TypeVarTuple("_Ts")


@contextmanager
def as_session(db: Session | Engine) -> Iterator[Session]:
    """Let every API function take a session (caller's transaction) or an engine (read on its own)."""
    if isinstance(db, Session):
        yield db
        return
    with Session(db) as session:
        yield session


def raw(column: Any) -> Any:
    """A Centi column as its stored integer hundredths, so SUM/MIN/MAX stay exact integers in SQL."""
    return type_coerce(column, BigInteger)


def centi(value: Any) -> Decimal:
    """Stored hundredths (int, or Decimal from PostgreSQL's SUM) to a two-place Decimal."""
    return (Decimal(int(value)) / HUNDRED).quantize(Decimal("0.01"))


def ratio(numerator: Any, denominator: Any, scale: int = 100) -> Decimal | None:
    """numerator / denominator x scale, rounded half-up to two places; None when the denominator is 0."""
    d = Decimal(int(denominator))
    return round_score(Decimal(int(numerator)) * scale / d) if d else None


def mean_of_centi(total_hundredths: Any, n: int) -> Decimal | None:
    return round_score(Decimal(int(total_hundredths)) / (HUNDRED * n)) if n else None


def median_of_centi(sorted_hundredths: Sequence[int]) -> Decimal | None:
    """Median of stored scores: the middle one, or the mean of the two middle ones (rounded half-up)."""
    n = len(sorted_hundredths)
    if not n:
        return None
    mid = n // 2
    if n % 2:
        return centi(sorted_hundredths[mid])
    return round_score(Decimal(sorted_hundredths[mid - 1] + sorted_hundredths[mid]) / (2 * HUNDRED))


def get_campaign_row(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(code="results.no_campaign", id=campaign_id)
    return campaign


Actor = User | int | None  # the acting account, or its id (benchmarks and engine callers)


def readable_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """The campaign, once the policy lets the actor read its results (`Action.READ_RESULTS`: the lead
    every campaign, reviewers, observers and liaisons published ones); PermissionDenied otherwise."""
    campaign = get_campaign_row(session, campaign_id)
    require_results_access(session.get(User, actor) if isinstance(actor, int) else actor, campaign)
    return campaign


def bands_of(campaign: Campaign) -> list[GradeBand]:
    return campaign_bands(campaign)


def grade_of(value: Decimal | None, bands: list[GradeBand]) -> str | None:
    """The band a (rounded) mean falls in: the same rule as a file's grade, without vetoes."""
    if value is None:
        return None
    return grade_for(value, bands)


def check_unit_kind(unit_kind: str | None) -> str | None:
    """Accept `department`/`town` or their Chinese labels (区级部门/乡镇)."""
    if unit_kind is None:
        return None
    for kind, label in UNIT_KIND_LABELS.items():
        if unit_kind in (kind.value, label):
            return kind.value
    known = [f"{k.value} ({label})" for k, label in UNIT_KIND_LABELS.items()]
    raise ValidationFailed(code="results.unknown_unit_kind", kind=unit_kind, known=known)


def check_case_type(case_type: str | None) -> str | None:
    if case_type is None:
        return None
    known = active_vocabulary().case_types
    if case_type not in known:
        raise ValidationFailed(code="results.unknown_case_type", case_type=case_type, known=list(known))
    return case_type


def scoped(stmt: Select[Unpack[_Ts]], campaign_id: int, unit_kind: str | None,
           case_type: str | None) -> Select[Unpack[_Ts]]:
    """Join `units` to a statement over `file_results` and restrict it to the campaign and filters."""
    return filter_results(stmt.join(Unit, Unit.id == FileResult.unit_id), campaign_id, unit_kind, case_type)


def filter_results(stmt: Select[Unpack[_Ts]], campaign_id: int, unit_kind: str | None,
                   case_type: str | None) -> Select[Unpack[_Ts]]:
    """Restrict a statement that already joins `file_results` and `units`."""
    stmt = stmt.where(FileResult.campaign_id == campaign_id)
    if unit_kind is not None:
        stmt = stmt.where(Unit.kind == UnitKind(unit_kind).value)
    if case_type is not None:
        stmt = stmt.where(FileResult.case_type == case_type)
    return stmt


def focus_order(focus_ids: Iterable[str]) -> list[str]:
    """The four focus areas first, then the general categories, then anything else by name."""
    known = list(ALL_FOCUS)
    ids = set(focus_ids)
    return [f for f in known if f in ids] + sorted(ids - set(known))


def focus_label(focus: str) -> str:
    return ALL_FOCUS.get(focus, focus)


def titles_for(session: Session, standard_hashes: Iterable[str]) -> dict[str, str]:
    """item id / veto id -> title over the given standard versions (a handful per campaign)."""
    titles: dict[str, str] = {}
    for h in sorted(set(standard_hashes)):
        std = load_version(session, h)
        for item_id, (_, item) in std.items_by_id.items():
            titles.setdefault(item_id, item.title)
        for veto in std.vetoes:
            titles.setdefault(veto.id, veto.title)
    return titles


def plain(value: Any) -> Any:
    """Decimals to floats and dataclasses to dicts, recursively: what JSON and pandas want."""
    if isinstance(value, Decimal):
        return float(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class Figures:
    """Mixin for result dataclasses: `to_dict()` (nested, JSON-ready) and `to_record()` (flat row)."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    def to_record(self) -> dict[str, Any]:
        """One flat row for a table or a DataFrame; nested figures become prefixed columns."""
        return self.to_dict()


@dataclass
class Defect(Figures):
    """The one defect type of the results: a deduction reason (or veto) of an item, by focus area.

    `FinalDefect` (one file's standing defect) and `DefectCount` (how many files carry it) extend it."""

    focus: str
    focus_label: str
    item_id: str
    item_title: str
    reason_id: str
    reason: str
    is_veto: bool


def records(items: Iterable[Figures]) -> list[dict[str, Any]]:
    return [i.to_record() for i in items]


def to_frame(items: Iterable[Figures]) -> Any:
    """A pandas DataFrame of the flat records (pandas imported only when asked for)."""
    import pandas as pd

    return pd.DataFrame.from_records(records(items))
