"""The re-check page's entry points for the panel lead: files awaiting re-check, reviews side by side,
the final-marks editor's form and preview, and the re-check record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from scoring.db.models import (
    Assignment,
    CaseFile,
    Recheck,
    Review,
    User,
)
from scoring.domain import ReviewStatus
from scoring.engine import ScoreResult, score
from scoring.errors import ProblemReport, problems_from_validation
from scoring.marks import Marks
from scoring.policy import Action, check
from scoring.rubric.model import Standard
from scoring.standards import load_version
from scoring.workflow.campaigns import file_grading, standard_for
from scoring.workflow.progress import (
    file_stats,
    load_campaign,
    load_case_file,
)
from scoring.workflow.recheck import FileOutcome, outcome
from scoring.workflow.reviews import attributes_of, compute, get_review, marks_of

# ------------------------------------------------------------------------------------------ re-check

def recheck_files(session: Session, actor: User | None, campaign_id: int) -> list[FileOutcome]:
    """The files awaiting re-check and those already re-checked, in draw order, with the rules triggered."""
    check(actor, Action.RECHECK)
    campaign = load_campaign(session, campaign_id)
    inner, state = file_stats(campaign_id)
    rechecked = exists().where(Recheck.campaign_id == campaign_id, Recheck.case_file_id == inner.c.case_file_id)
    ids = list(session.scalars(
        select(inner.c.case_file_id).where((state == "awaiting_recheck") | rechecked).order_by(inner.c.draw_order)))
    files = {cf.id: cf for cf in session.scalars(
        select(CaseFile).where(CaseFile.id.in_(ids)).options(selectinload(CaseFile.unit)))} if ids else {}
    outs = [outcome(session, campaign, files[i]) for i in ids]
    return [o for o in outs if o.status in ("awaiting_recheck", "rechecked")]


def file_outcome(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> FileOutcome:
    check(actor, Action.RECHECK)
    return outcome(session, load_campaign(session, campaign_id), load_case_file(session, case_file_id))


@dataclass(frozen=True)
class ReviewColumn:
    """One submitted review in the side-by-side comparison."""

    review_id: int
    assignment_id: int
    reviewer: str
    username: str
    total: Decimal | None
    grade: str | None
    veto: bool
    vetoes: tuple[str, ...]  # titles of the triggered vetoes
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class Cell:
    """What one reviewer recorded on one item (or veto)."""

    status: str  # ok / deduct / na / not_applicable (items); veto / ok (vetoes); missing
    reasons: tuple[tuple[str, str, int], ...] = ()  # (reason id, reason text, occurrences)
    points: Decimal = Decimal(0)  # deducted from the item, after its floor
    comment: str = ""
    location: str = ""

    def signature(self) -> tuple:
        return (self.status, tuple(sorted((r[0], r[2]) for r in self.reasons)))


@dataclass(frozen=True)
class ComparedRow:
    key: str  # item id, or veto id
    kind: str  # item / veto
    section: str
    title: str
    max: Decimal | None
    cells: tuple[Cell, ...]

    @property
    def differs(self) -> bool:
        """The reviewers disagree on the status, the reasons or the occurrences (not on wording)."""
        return len({c.signature() for c in self.cells}) > 1


@dataclass(frozen=True)
class Comparison:
    reviews: tuple[ReviewColumn, ...]
    rows: tuple[ComparedRow, ...] = field(default_factory=tuple)

    @property
    def differing(self) -> int:
        return sum(r.differs for r in self.rows)


def _cells(standard: Standard, marks: Marks, result: ScoreResult) -> dict[str, Cell]:
    items = {i.item_id: i for i in result.items}
    out: dict[str, Cell] = {}
    for section in standard.sections:
        for item in section.items:
            scored = items.get(item.id)
            im = marks.items.get(item.id)
            reasons = []
            comments = [im.comment] if im is not None and im.comment else []
            locations = []
            for dm in im.deductions if im is not None else []:
                d = item.deduction(dm.reason)
                reasons.append((dm.reason, d.reason if d else dm.reason, dm.occurrences))
                if dm.comment:
                    comments.append(dm.comment)
                if dm.location.given:
                    locations.append(dm.location.describe())
            out[item.id] = Cell(scored.status if scored else "missing", tuple(reasons),
                                scored.deducted if scored else Decimal(0), "；".join(comments), "；".join(locations))
    for veto in standard.vetoes:
        vm = marks.vetoes.get(veto.id)
        out[f"veto:{veto.id}"] = (Cell("veto", comment=vm.comment, location=vm.location.describe())
                                  if vm is not None else Cell("ok"))
    return out


def compare_reviews(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> Comparison:
    """A file's submitted reviews side by side, item by item, in the order of the standard."""
    check(actor, Action.RECHECK)
    reviews = list(session.scalars(
        select(Review).join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.campaign_id == campaign_id, Assignment.case_file_id == case_file_id,
               Review.status == ReviewStatus.SUBMITTED)
        .order_by(Review.id)))
    columns: list[ReviewColumn] = []
    per_review: list[dict[str, Cell]] = []
    rows: dict[str, tuple[str, str, str, Decimal | None]] = {}  # key -> kind, section, title, max (in order)
    standards: dict[str, Standard] = {}
    for review in reviews:
        if review.standard_hash not in standards:
            std = standards[review.standard_hash] = load_version(session, review.standard_hash)
            for section in std.sections:
                for item in section.items:
                    rows.setdefault(item.id, ("item", section.title, item.title, item.max))
            for veto in std.vetoes:
                rows.setdefault(f"veto:{veto.id}", ("veto", "", veto.title, None))
        std = standards[review.standard_hash]
        marks = marks_of(review)
        result = compute(session, review, marks)
        per_review.append(_cells(std, marks, result))
        a = review.assignment
        columns.append(ReviewColumn(
            review.id, a.id, a.reviewer.display_name, a.reviewer.username, review.total, review.grade,
            bool(review.veto), tuple(std.vetoes_by_id[v].title for v in result.veto.triggered),
            review.submitted_at))
    compared = tuple(
        ComparedRow(key.removeprefix("veto:"), kind, section, title, maximum,
                    tuple(cells.get(key, Cell("missing")) for cells in per_review))
        for key, (kind, section, title, maximum) in rows.items()
    )
    return Comparison(tuple(columns), compared)


def review_marks(session: Session, actor: User | None, review_id: int) -> Marks:
    """A review's marks (the lead may start final marks from them)."""
    check(actor, Action.RECHECK)
    return marks_of(get_review(session, review_id))


@dataclass(frozen=True)
class RecheckInfo:
    id: int
    version: int
    reason: str
    decided_by: str
    decided_at: dt.datetime
    adopted_review_id: int | None
    total: Decimal
    grade: str
    veto: bool
    marks: dict


def recheck_info(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> RecheckInfo | None:
    check(actor, Action.RECHECK)
    rc = session.scalar(select(Recheck).where(Recheck.campaign_id == campaign_id,
                                              Recheck.case_file_id == case_file_id))
    if rc is None:
        return None
    by = session.get(User, rc.decided_by_id)
    return RecheckInfo(rc.id, rc.version, rc.reason, by.display_name if by else "", rc.decided_at,
                       rc.adopted_review_id, rc.total, rc.grade, bool(rc.veto), dict(rc.marks or {}))


@dataclass(frozen=True)
class RecheckForm:
    """What the lead's final-marks editor offers for a file: the standard, and what applies to it."""

    standard: Standard
    items: tuple[str, ...]  # applicable item ids, in order
    vetoes: tuple[str, ...]  # applicable veto ids


def recheck_form(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> RecheckForm:
    check(actor, Action.RECHECK)
    campaign, cf = load_campaign(session, campaign_id), load_case_file(session, case_file_id)
    std = standard_for(session, campaign, cf)
    attrs = attributes_of(cf)
    return RecheckForm(std, tuple(i for i in std.items_by_id if std.item_applies(i, attrs)),
                       tuple(v.id for v in std.vetoes if std.veto_applies(v.id, attrs)))


def parse_marks(data: dict) -> Marks:
    """Marks from their JSON form; a malformed entry is a ProblemReport, never a raw validation error."""
    try:
        return Marks.model_validate(data)
    except ValidationError as exc:
        problems = [dataclasses.replace(p, path=".".join(map(str, e["loc"])), column=None)
                    for e, p in zip(exc.errors(), problems_from_validation(exc.errors()), strict=True)]
        raise ProblemReport(problems, title_code="recheck.marks_invalid") from None


def preview_recheck(session: Session, actor: User | None, campaign_id: int, case_file_id: int,
                    marks: Marks) -> ScoreResult:
    """The result the lead's final marks would give (nothing written)."""
    check(actor, Action.RECHECK)
    campaign, cf = load_campaign(session, campaign_id), load_case_file(session, case_file_id)
    standard = standard_for(session, campaign, cf)
    bands, pass_line = file_grading(session, campaign, standard.hash)  # as record_recheck grades it
    return score(standard, attributes_of(cf), marks, bands=bands, pass_line=pass_line)
