"""The panel lead's workflow pages (sampling, assignment, re-check, progress): lead-only entry points.

Every function here checks that the acting user is the panel lead, then calls the core services
(`scoring.sampling`, `scoring.assignments`, `scoring.recheck`, `scoring.reviews`) or runs a read-only
query. The sampling services take no acting user, so the role check for them lives here; plans made
for a preview are re-derived before they are applied, so a plan that went stale meanwhile is refused
instead of half-applied.

Counting for the progress page happens in SQL over the campaign's current sample; a file's state is:

- ``final``: it has a final result (`scoring.results` keeps one row per file that has one: re-checked,
  or the mean of agreeing reviews, see `scoring.recheck`);
- ``unassigned``: no reviewer yet;
- ``awaiting_recheck``: every assigned review is submitted but there is no final result, so the
  reviews trigger a re-check rule;
- ``not_started``: reviewers are assigned but none has opened the file;
- ``in_progress``: otherwise (some reviews opened or submitted, not all submitted).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import Engine, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from scoring.assignments import (
    PlannedAssignment,
    ReviewerProgress,
    apply_plan,
    plan_auto_assignment,
    plan_from_csv,
    reviewer_progress,
)
from scoring.campaigns import campaign_bands, standard_for
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileResult,
    Recheck,
    Review,
    SampleItem,
    SampleRecord,
    Unit,
    User,
)
from scoring.db.session import session_factory
from scoring.domain import ReviewStatus, Role
from scoring.engine import ScoreResult, score
from scoring.errors import ConflictError, NotFound, Problem, ProblemReport
from scoring.marks import Marks
from scoring.recheck import FileOutcome, outcome
from scoring.reviews import attributes_of, compute, get_review, marks_of
from scoring.rubric.model import Standard
from scoring.sampling import (
    DrawnFile,
    SampleRules,
    VerifyResult,
    draw_sample,
    export_record,
    export_record_csv,
    preview_sample,
    verify_record,
)
from scoring.sampling.record import record_summary
from scoring.standards import load_version
from scoring.users import require_role

FILE_STATES = ("unassigned", "not_started", "in_progress", "awaiting_recheck", "final")
TEMPLATE_HEADER = ("案号", "评查人员")


def _lead(session: Session, actor: User | int | None) -> User:
    """The acting user, refused unless they are the panel lead."""
    if isinstance(actor, int):
        actor = session.get(User, actor)
    return require_role(actor, Role.LEAD)


def _check_lead(engine: Engine, actor_id: int | None) -> None:
    with session_factory(engine)() as session:
        _lead(session, actor_id)


# ------------------------------------------------------------------------------------------ sampling

def sample_preview(engine: Engine, actor_id: int | None, campaign_id: int, rules: SampleRules | dict,
                   seed: int) -> list[DrawnFile]:
    """What a draw would pick now; nothing is stored."""
    _check_lead(engine, actor_id)
    return preview_sample(engine, campaign_id, rules, seed)


def sample_draw(engine: Engine, actor_id: int | None, campaign_id: int, rules: SampleRules | dict,
                seed: int) -> int:
    """Draw and store the sample (or enlarge the current one); returns the new record's id."""
    _check_lead(engine, actor_id)
    return draw_sample(engine, campaign_id, rules, seed, actor_id=actor_id).id


def enlarged_rules(current: dict, quota: dict) -> SampleRules:
    """The current record's rules with a new quota (same forced rules, stratification and units)."""
    rules = SampleRules.parse(current).to_json()
    rules["quota"] = quota
    return SampleRules.parse(rules)


@dataclass(frozen=True)
class SampleView:
    """A campaign's current sample as the sampling page shows it."""

    record_id: int
    seed: int
    rules: dict
    created_at: str
    candidate_count: int
    register_fingerprint: str
    record_hash: str
    parent_record_hash: str | None
    items: list[dict]  # draw_order, case_number, unit, case_type, reason
    summary: list[dict]  # unit, case_type, candidates, drawn, forced


def current_record_id(session: Session, campaign_id: int) -> int | None:
    return session.scalar(
        select(func.max(SampleRecord.id)).where(SampleRecord.campaign_id == campaign_id,
                                               SampleRecord.is_current.is_(True)))


def sample_view(engine: Engine, actor_id: int | None, campaign_id: int) -> SampleView | None:
    """The current sample (record data, drawn files, summary by unit and case type), or None."""
    with session_factory(engine)() as session:
        _lead(session, actor_id)
        record_id = current_record_id(session, campaign_id)
    if record_id is None:
        return None
    data = export_record(engine, record_id)
    return SampleView(
        record_id=record_id, seed=data["seed"], rules=data["rules"], created_at=data["created_at"],
        candidate_count=data["candidate_count"], register_fingerprint=data["register_fingerprint"],
        record_hash=data["record_hash"], parent_record_hash=data["parent_record_hash"], items=data["items"],
        summary=record_summary(engine, record_id),
    )


def sample_verify(engine: Engine, actor_id: int | None, record_id: int) -> VerifyResult:
    _check_lead(engine, actor_id)
    return verify_record(engine, record_id)


def sample_exports(engine: Engine, actor_id: int | None, record_id: int) -> tuple[bytes, bytes]:
    """The record as JSON (verifiable later) and its files as CSV (UTF-8 with BOM, for Excel)."""
    _check_lead(engine, actor_id)
    data = (json.dumps(export_record(engine, record_id), ensure_ascii=False, indent=2) + "\n").encode()
    return data, export_record_csv(engine, record_id)


# ------------------------------------------------------------------------------------------ assignment

@dataclass(frozen=True)
class AssignedReviewer:
    assignment_id: int
    reviewer_id: int
    name: str
    username: str
    unit: str
    status: str  # not_started / draft / submitted


@dataclass(frozen=True)
class SampledFile:
    case_file_id: int
    draw_order: int
    case_number: str
    unit_id: int
    unit: str
    case_type: str
    procedure: str | None
    reason: str
    reviewers: tuple[AssignedReviewer, ...] = ()


def _current_items(campaign_id: int):  # noqa: ANN202
    cur = (select(func.max(SampleRecord.id)).where(SampleRecord.campaign_id == campaign_id,
                                                   SampleRecord.is_current.is_(True)).scalar_subquery())
    return SampleItem.sample_id == cur


def _assigned(session: Session, campaign_id: int, case_file_id: int | None = None) -> dict[int, list[AssignedReviewer]]:
    """Assignments of the campaign (or of one file) with reviewer, home unit and review status, by file."""
    reviewer_unit = Unit.__table__.alias("reviewer_unit")
    stmt = (
        select(Assignment.id, Assignment.case_file_id, User.id, User.display_name, User.username,
               reviewer_unit.c.name, Review.status)
        .join(User, User.id == Assignment.reviewer_id)
        .outerjoin(reviewer_unit, reviewer_unit.c.id == User.unit_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.campaign_id == campaign_id)
        .order_by(Assignment.id)
    )
    if case_file_id is not None:
        stmt = stmt.where(Assignment.case_file_id == case_file_id)
    by_file: dict[int, list[AssignedReviewer]] = {}
    for aid, cf_id, uid, name, username, unit, status in session.execute(stmt):
        by_file.setdefault(cf_id, []).append(
            AssignedReviewer(aid, uid, name, username, unit or "", status or "not_started"))
    return by_file


def file_reviewers(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> list[AssignedReviewer]:
    """The reviewers assigned one file, with their review status."""
    _lead(session, actor)
    return _assigned(session, campaign_id, case_file_id).get(case_file_id, [])


def sampled_with_assignments(session: Session, actor: User | None, campaign_id: int) -> list[SampledFile]:
    """The campaign's sampled files in draw order, each with its reviewers and their review status."""
    _lead(session, actor)
    files = session.execute(
        select(SampleItem.draw_order, SampleItem.reason, CaseFile.id, CaseFile.case_number, CaseFile.unit_id,
               Unit.name, CaseFile.case_type, CaseFile.procedure)
        .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(_current_items(campaign_id))
        .order_by(SampleItem.draw_order)
    ).all()
    by_file = _assigned(session, campaign_id)
    return [
        SampledFile(cf_id, order, number, unit_id, unit, ctype, proc, reason, tuple(by_file.get(cf_id, ())))
        for order, reason, cf_id, number, unit_id, unit, ctype, proc in files
    ]


@dataclass(frozen=True)
class ReviewerOption:
    id: int
    username: str
    display_name: str
    unit_id: int | None
    unit: str


def reviewer_options(session: Session, actor: User | None) -> list[ReviewerOption]:
    """Active reviewers with their home unit, by user name."""
    _lead(session, actor)
    rows = session.execute(
        select(User.id, User.username, User.display_name, User.unit_id, Unit.name)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.role == Role.REVIEWER, User.active.is_(True))
        .order_by(User.username)
    ).all()
    return [ReviewerOption(uid, username, name, unit_id, unit or "") for uid, username, name, unit_id, unit in rows]


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer_id: int
    name: str
    unit: str
    existing: int
    planned: int

    @property
    def total(self) -> int:
        return self.existing + self.planned


def plan_load(session: Session, actor: User | None, campaign_id: int,
              plan: list[PlannedAssignment]) -> list[ReviewerLoad]:
    """Per active reviewer: files already assigned in the campaign, files the plan adds."""
    _lead(session, actor)
    existing = dict(session.execute(
        select(Assignment.reviewer_id, func.count()).where(Assignment.campaign_id == campaign_id)
        .group_by(Assignment.reviewer_id)).all())
    planned = Counter(p.reviewer_id for p in plan)
    return [ReviewerLoad(r.id, r.display_name, r.unit, int(existing.get(r.id, 0)), planned[r.id])
            for r in reviewer_options(session, actor)]


def preview_auto(session: Session, actor: User | None, campaign: Campaign) -> list[PlannedAssignment]:
    """The automatic plan (nothing written); ProblemReport when some file cannot be served."""
    _lead(session, actor)
    return plan_auto_assignment(session, campaign)


def preview_csv(session: Session, actor: User | None, campaign: Campaign, data: bytes,
                filename: str) -> list[PlannedAssignment]:
    """A bulk-assignment CSV checked row by row (nothing written); ProblemReport lists every bad cell."""
    _lead(session, actor)
    return plan_from_csv(session, campaign, data, filename)


def apply_previewed(
    session: Session, actor: User | None, campaign: Campaign, plan: list[PlannedAssignment], *, how: str,
    data: bytes | None = None, filename: str = "assignments.csv",
) -> int:
    """Apply a plan the lead has seen, as a whole, if it is still what the preview showed.

    The plan is re-derived from the database as it is now (automatic: `plan_auto_assignment`; csv: the
    same file through `plan_from_csv`); any difference means the assignments changed since the preview,
    and nothing is applied.
    """
    actor = _lead(session, actor)
    if how == "auto":
        again = plan_auto_assignment(session, campaign)
    elif how == "csv":
        if data is None:
            raise ValueError("a csv plan needs the file it was made from")
        again = plan_from_csv(session, campaign, data, filename)
    else:
        raise ValueError(f"unknown plan kind {how!r}")
    if again != list(plan):
        raise ConflictError("the assignments changed since this plan was previewed; nothing was applied. "
                            "Preview the plan again.")
    try:
        return apply_plan(session, actor, campaign, again, how=how)
    except IntegrityError:
        raise ConflictError("another change to these assignments was made at the same moment; nothing was "
                            "applied. Preview the plan again.") from None


def assignment_template_csv(session: Session, actor: User | None, campaign: Campaign) -> bytes:
    """A CSV to fill in (案号, 评查人员): one line per reviewer seat still open, UTF-8 with BOM."""
    files = sampled_with_assignments(session, actor, campaign.id)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    for f in files:
        for _ in range(max(0, campaign.reviewers_per_file - len(f.reviewers))):
            writer.writerow([f.case_number, ""])
    return ("\ufeff" + out.getvalue()).encode()


# ------------------------------------------------------------------------------------------ re-check

def _load_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign with id {campaign_id}")
    return campaign


def load_case_file(session: Session, case_file_id: int) -> CaseFile:
    cf = session.get(CaseFile, case_file_id)
    if cf is None:
        raise NotFound(f"no case file with id {case_file_id}")
    return cf


def _file_stats(campaign_id: int):  # noqa: ANN202
    """One row per sampled file: draw order, number, unit, reviewers assigned / started / submitted,
    whether it has a final result, and its state (see the module docstring)."""
    per_file = (Assignment.campaign_id == campaign_id) & (Assignment.case_file_id == CaseFile.id)
    n_assigned = select(func.count(Assignment.id)).where(per_file).correlate(CaseFile).scalar_subquery()
    n_started = (select(func.count(Review.id)).join(Assignment, Assignment.id == Review.assignment_id)
                 .where(per_file).correlate(CaseFile).scalar_subquery())
    n_submitted = (select(func.count(Review.id)).join(Assignment, Assignment.id == Review.assignment_id)
                   .where(per_file, Review.status == ReviewStatus.SUBMITTED).correlate(CaseFile).scalar_subquery())
    has_result = exists().where(FileResult.campaign_id == campaign_id, FileResult.case_file_id == CaseFile.id)
    inner = (
        select(SampleItem.draw_order.label("draw_order"), CaseFile.id.label("case_file_id"),
               CaseFile.case_number.label("case_number"), Unit.name.label("unit"),
               Unit.sort_order.label("unit_order"), n_assigned.label("assigned"), n_started.label("started"),
               n_submitted.label("submitted"), has_result.label("has_result"))
        .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(_current_items(campaign_id))
        .subquery()
    )
    state = case(
        (inner.c.has_result, "final"),
        (inner.c.assigned == 0, "unassigned"),
        (inner.c.submitted >= inner.c.assigned, "awaiting_recheck"),
        (inner.c.started == 0, "not_started"),
        else_="in_progress",
    )
    return inner, state


def recheck_files(session: Session, actor: User | None, campaign_id: int) -> list[FileOutcome]:
    """The files awaiting re-check and those already re-checked, in draw order, with the rules triggered."""
    _lead(session, actor)
    campaign = _load_campaign(session, campaign_id)
    inner, state = _file_stats(campaign_id)
    rechecked = exists().where(Recheck.campaign_id == campaign_id, Recheck.case_file_id == inner.c.case_file_id)
    ids = list(session.scalars(
        select(inner.c.case_file_id).where((state == "awaiting_recheck") | rechecked).order_by(inner.c.draw_order)))
    files = {cf.id: cf for cf in session.scalars(
        select(CaseFile).where(CaseFile.id.in_(ids)).options(selectinload(CaseFile.unit)))} if ids else {}
    outs = [outcome(session, campaign, files[i]) for i in ids]
    return [o for o in outs if o.status in ("awaiting_recheck", "rechecked")]


def file_outcome(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> FileOutcome:
    _lead(session, actor)
    return outcome(session, _load_campaign(session, campaign_id), load_case_file(session, case_file_id))


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
    _lead(session, actor)
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
    _lead(session, actor)
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
    _lead(session, actor)
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
    _lead(session, actor)
    campaign, cf = _load_campaign(session, campaign_id), load_case_file(session, case_file_id)
    std = standard_for(session, campaign, cf)
    attrs = attributes_of(cf)
    return RecheckForm(std, tuple(i for i in std.items_by_id if std.item_applies(i, attrs)),
                       tuple(v.id for v in std.vetoes if std.veto_applies(v.id, attrs)))


def parse_marks(data: dict) -> Marks:
    """Marks from their JSON form; a malformed entry is a ProblemReport, never a raw validation error."""
    try:
        return Marks.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(e["msg"].removeprefix("Value error, "), path=".".join(map(str, e["loc"])))
                    for e in exc.errors()]
        raise ProblemReport(problems, title="the marks are not valid") from None


def preview_recheck(session: Session, actor: User | None, campaign_id: int, case_file_id: int,
                    marks: Marks) -> ScoreResult:
    """The result the lead's final marks would give (nothing written)."""
    _lead(session, actor)
    campaign, cf = _load_campaign(session, campaign_id), load_case_file(session, case_file_id)
    return score(standard_for(session, campaign, cf), attributes_of(cf), marks, bands=campaign_bands(campaign),
                 pass_line=campaign.pass_line)


@dataclass(frozen=True)
class FinalResultRow:
    case_file_id: int
    case_number: str
    unit: str
    source: str  # recheck / mean
    score: Decimal
    grade: str
    veto: bool
    reviews: int


def final_results(session: Session, actor: User | None, campaign_id: int) -> list[FinalResultRow]:
    """Every file of the campaign with a final result, in draw order."""
    _lead(session, actor)
    rows = session.execute(
        select(FileResult.case_file_id, CaseFile.case_number, Unit.name, FileResult.source, FileResult.score,
               FileResult.grade, FileResult.veto, FileResult.reviews)
        .join(CaseFile, CaseFile.id == FileResult.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .join(SampleItem, (SampleItem.case_file_id == FileResult.case_file_id) & _current_items(campaign_id))
        .where(FileResult.campaign_id == campaign_id)
        .order_by(SampleItem.draw_order)
    ).all()
    return [FinalResultRow(*r[:6], bool(r[6]), r[7]) for r in rows]


# ------------------------------------------------------------------------------------------ progress

@dataclass(frozen=True)
class UnitProgress:
    unit: str
    sampled: int
    assigned: int  # files with at least one reviewer
    fully_scored: int  # every assigned review submitted
    awaiting_recheck: int
    final: int


def unit_progress(session: Session, actor: User | None, campaign_id: int) -> list[UnitProgress]:
    """Per unit of the sample, counted in one SQL query."""
    _lead(session, actor)
    inner, state = _file_stats(campaign_id)

    def n(cond):  # noqa: ANN001, ANN202
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    rows = session.execute(
        select(inner.c.unit, func.count(), n(inner.c.assigned > 0),
               n((inner.c.assigned > 0) & (inner.c.submitted >= inner.c.assigned)),
               n(state == "awaiting_recheck"), n(state == "final"))
        .group_by(inner.c.unit, inner.c.unit_order)
        .order_by(inner.c.unit_order, inner.c.unit)
    ).all()
    return [UnitProgress(u, int(a), int(b), int(c), int(d), int(e)) for u, a, b, c, d, e in rows]


def lead_reviewer_progress(session: Session, actor: User | None, campaign_id: int) -> list[ReviewerProgress]:
    """`scoring.assignments.reviewer_progress`, for the lead only."""
    _lead(session, actor)
    return reviewer_progress(session, campaign_id)


@dataclass(frozen=True)
class FileState:
    case_file_id: int
    draw_order: int
    case_number: str
    unit: str
    assigned: int
    started: int
    submitted: int
    state: str


def state_counts(session: Session, actor: User | None, campaign_id: int) -> dict[str, int]:
    """How many sampled files are in each state (every state present, 0 when none)."""
    _lead(session, actor)
    inner, state = _file_stats(campaign_id)
    got = dict(session.execute(select(state, func.count()).group_by(state)).all())
    return {s: int(got.get(s, 0)) for s in FILE_STATES}


def file_states(session: Session, actor: User | None, campaign_id: int, *, states: tuple[str, ...] = FILE_STATES,
                limit: int = 200, offset: int = 0) -> tuple[list[FileState], int]:
    """One page of the sampled files in the given states (draw order), and how many there are in all."""
    _lead(session, actor)
    inner, state = _file_stats(campaign_id)
    base = select(inner.c.case_file_id, inner.c.draw_order, inner.c.case_number, inner.c.unit, inner.c.assigned,
                  inner.c.started, inner.c.submitted, state.label("state")).where(state.in_(states))
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = session.execute(base.order_by(inner.c.draw_order).limit(limit).offset(offset)).all()
    return [FileState(cf, order, number, unit, int(a), int(s), int(sub), st)
            for cf, order, number, unit, a, s, sub, st in rows], total
