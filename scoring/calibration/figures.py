"""What the calibration round shows: per file and item who deducted what, each reviewer's distance from the
reference marks, and Krippendorff's alpha (interval, on the totals, reviewers as coders and calibration
files as units) from the project's agreement code.

Distance from the reference, per reviewer, over the calibration files that have reference marks:
`total_gap` is the mean of |reviewer's total - reference total|; `item_gap` the mean over those files of
the sum over items of |points the reviewer deducted on the item - points the reference deducted|.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.aggregate.agreement import alpha_interval
from scoring.calibration.round import calibration_files, round_of
from scoring.db.models import CalibrationScore, Campaign, User
from scoring.engine import round_score
from scoring.messages import Msg
from scoring.policy import Action, check
from scoring.standards import load_version

D0 = Decimal(0)


@dataclass(frozen=True)
class ItemSpread:
    """One item of one calibration file: what each reviewer deducted (and why), and the reference."""

    case_number: str
    item_id: str
    title: str
    by_reviewer: dict[str, Decimal]  # display name -> points deducted on the item
    reasons: dict[str, list[str]]  # display name -> reason ids
    reference: Decimal | None

    @property
    def differs(self) -> bool:
        values = set(self.by_reviewer.values()) | ({self.reference} if self.reference is not None else set())
        return len(values) > 1


@dataclass(frozen=True)
class ReviewerDistance:
    reviewer: str
    files: int  # calibration files scored
    compared: int  # of which have a reference
    total_gap: Decimal | None
    item_gap: Decimal | None


@dataclass
class CalibrationFigures:
    files: list[str]
    reviewers: list[str]
    totals: dict[str, dict[str, Decimal]]  # case number -> reviewer -> total
    reference_totals: dict[str, Decimal]
    items: list[ItemSpread] = field(default_factory=list)
    distances: list[ReviewerDistance] = field(default_factory=list)
    alpha: float | None = None

    @property
    def differing_items(self) -> list[ItemSpread]:
        return [i for i in self.items if i.differs]


def _deducted(result: dict) -> dict[str, Decimal]:
    return {i["item_id"]: Decimal(str(i["deducted"])).quantize(Decimal("0.01")) for i in result.get("items", [])
            if i["status"] == "deduct"}


def _reasons(marks: dict) -> dict[str, list[str]]:
    out = {item: [d["reason"] for d in m.get("deductions", [])] for item, m in marks.get("items", {}).items()}
    out.update({v: ["veto"] for v in marks.get("vetoes", {})})
    return out


def calibration_figures(session: Session, actor: User | None, campaign: Campaign) -> CalibrationFigures:
    check(actor, Action.MANAGE_CALIBRATION)
    files = calibration_files(session, campaign.id)
    scores = list(session.scalars(select(CalibrationScore).where(CalibrationScore.campaign_id == campaign.id)
                                  .order_by(CalibrationScore.id)))
    names = {s.user_id: s.user.display_name for s in scores}
    reviewers = sorted({names[s.user_id] for s in scores if not s.is_reference})
    number = {cf.id: cf.case_number for cf in files}
    rows = [s for s in scores if s.case_file_id in number]
    mine = {(number[s.case_file_id], names[s.user_id]): s for s in rows if not s.is_reference}
    refs = {number[s.case_file_id]: s for s in rows if s.is_reference}
    fig = CalibrationFigures(files=[cf.case_number for cf in files], reviewers=reviewers,
                             totals={n: {r: mine[(n, r)].total for r in reviewers if (n, r) in mine}
                                     for n in number.values()},
                             reference_totals={n: s.total for n, s in refs.items()})
    for cf in files:
        n = cf.case_number
        cells = {r: mine[(n, r)] for r in reviewers if (n, r) in mine}
        if not cells and n not in refs:
            continue
        any_hash = next(iter(cells.values())).standard_hash if cells else refs[n].standard_hash
        std = load_version(session, any_hash)
        deducted = {r: _deducted(s.result) for r, s in cells.items()}
        reasons = {r: _reasons(s.marks) for r, s in cells.items()}
        ref = _deducted(refs[n].result) if n in refs else None
        for item_id, (_, item) in std.items_by_id.items():
            spread = ItemSpread(n, item_id, item.title, {r: d.get(item_id, D0) for r, d in deducted.items()},
                                {r: rs.get(item_id, []) for r, rs in reasons.items()},
                                None if ref is None else ref.get(item_id, D0))
            if any(spread.by_reviewer.values()) or spread.reference:
                fig.items.append(spread)
    for r in reviewers:
        done = [n for n in fig.files if (n, r) in mine]
        compared = [n for n in done if n in refs]
        if compared:
            total_gap: Decimal | None = round_score(sum((abs(mine[(n, r)].total - refs[n].total) for n in compared), D0)
                                    / len(compared))
            gaps = D0
            for n in compared:
                a, b = _deducted(mine[(n, r)].result), _deducted(refs[n].result)
                gaps += sum((abs(a.get(k, D0) - b.get(k, D0)) for k in set(a) | set(b)), D0)
            item_gap: Decimal | None = round_score(gaps / len(compared))
        else:
            total_gap = item_gap = None
        fig.distances.append(ReviewerDistance(r, len(done), len(compared), total_gap, item_gap))
    matrix = np.full((len(reviewers), len(fig.files)), np.nan)
    for i, r in enumerate(reviewers):
        for j, n in enumerate(fig.files):
            if (n, r) in mine:
                matrix[i, j] = float(mine[(n, r)].total)
    fig.alpha = alpha_interval(matrix) if reviewers else None
    return fig


@dataclass(frozen=True)
class CalibrationRecord:
    """What the campaign record (and, if the lead wants, the notice) states about the round."""

    files: int
    reviewers: int
    alpha: float | None
    in_notice: bool

    def sentence(self) -> str:
        """The record's sentence (Chinese: the notice is)."""
        return self.message().render("zh")

    def message(self) -> Msg:
        """The sentence in either language (the CLI prints it in its language)."""
        agreement = Msg("calibration.record_alpha", {"alpha": f"{self.alpha:.2f}"}) if self.alpha is not None else ""
        return Msg("calibration.record", {"reviewers": self.reviewers, "files": self.files, "agreement": agreement})


def calibration_record(session: Session, campaign_id: int) -> CalibrationRecord | None:
    """The round's summary, once at least one reviewer has scored a calibration file (None: not held)."""
    rnd = round_of(session, campaign_id)
    if rnd is None:
        return None
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    reviewers = set(session.scalars(select(CalibrationScore.user_id).where(
        CalibrationScore.campaign_id == campaign_id, CalibrationScore.is_reference.is_(False))))
    if not reviewers:
        return None
    totals: dict[tuple[int, int], float] = {
        (s.user_id, s.case_file_id): float(s.total) for s in session.scalars(select(CalibrationScore).where(
            CalibrationScore.campaign_id == campaign_id, CalibrationScore.is_reference.is_(False)))}
    files = [cf.id for cf in calibration_files(session, campaign_id)]
    coders = sorted(reviewers)
    matrix = np.array([[totals.get((c, f), np.nan) for f in files] for c in coders], dtype=float)
    return CalibrationRecord(len(files), len(coders), alpha_interval(matrix), rnd.in_notice)
