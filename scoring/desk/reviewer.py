"""What the reviewer's pages need, as plain values: the queue of own files, and one file opened for scoring.

Rules kept here (the pages only show the values):
- a reviewer's queue holds only their own assignments (one joined query, whatever its length);
- when the campaign hides unit names from reviewers (`anonymise`), the unit is left out (None);
- opening a file goes through `reviews.open_review` (own assignment only; creates the draft on first open)
  and carries everything the scoring form needs to score without the database: the exact standard version
  the review is made under, the file's attributes, the campaign's grade bands and pass line;
- other reviewers' reviews come only through `reviews.visible_reviews` (blind review), and only the
  submitted ones, once the reviewer's own review is submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from scoring.calibration.gate import require_calibrated
from scoring.db.models import Assignment, Campaign, CaseFile, Review, Unit, User
from scoring.domain import FILE_FLAGS, ReviewStatus
from scoring.engine import ScoreResult
from scoring.errors import NotFound, PermissionDenied
from scoring.file_attributes import reviewer_questions, with_answers
from scoring.marks import Marks
from scoring.policy import Action, check
from scoring.rubric.schema import FileAttributes, GradeBand
from scoring.rubric.vocabulary import AttributeDecl
from scoring.standards import load_version
from scoring.workflow.campaigns import file_grading, standard_hash_for
from scoring.workflow.reviews import (
    attributes_of,
    check_scoring,
    compute,
    marks_of,
    open_review,
    visible_reviews,
)

NOT_STARTED = "not_started"
QUEUE_STATUSES = (NOT_STARTED, ReviewStatus.DRAFT.value, ReviewStatus.SUBMITTED.value)


@dataclass(frozen=True)
class CampaignChoice:
    id: int
    name: str
    year: int
    assigned: int


@dataclass(frozen=True)
class QueueEntry:
    """One assigned file in a reviewer's queue."""

    assignment_id: int
    campaign_id: int
    campaign: str
    case_file_id: int
    case_number: str
    unit: str | None  # None when the campaign hides units from reviewers
    case_type: str
    procedure: str | None
    decision_date: dt.date
    description: str
    flags: list[str]  # keys of domain.FILE_FLAGS that are set
    status: str  # not_started / draft / submitted
    review_id: int | None
    total: Decimal | None  # the score of the last saved draft, or the submitted score
    grade: str | None
    veto: bool
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class QueueProgress:
    assigned: int
    not_started: int
    draft: int
    submitted: int

    @property
    def fraction(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0


def _entry(a: Assignment, campaign: Campaign) -> QueueEntry:
    cf, review = a.case_file, a.review
    return QueueEntry(
        assignment_id=a.id, campaign_id=campaign.id, campaign=campaign.name, case_file_id=cf.id,
        case_number=cf.case_number, unit=None if campaign.anonymise else cf.unit.name, case_type=cf.case_type,
        procedure=cf.procedure, decision_date=cf.decision_date, description=cf.description or "",
        flags=[f for f in FILE_FLAGS if getattr(cf, f)],
        status=review.status if review is not None else NOT_STARTED,
        review_id=review.id if review is not None else None,
        total=review.total if review is not None else None,
        grade=review.grade if review is not None else None,
        veto=bool(review.veto) if review is not None else False,
        updated_at=review.updated_at if review is not None else None,
    )


def reviewer_campaigns(session: Session, actor: User) -> list[CampaignChoice]:
    """The campaigns in which the reviewer has assigned files, newest first (counted in SQL)."""
    check(actor, Action.OWN_QUEUE)
    rows = session.execute(
        select(Campaign.id, Campaign.name, Campaign.year, func.count(Assignment.id))
        .join(Assignment, Assignment.campaign_id == Campaign.id)
        .where(Assignment.reviewer_id == actor.id)
        .group_by(Campaign.id, Campaign.name, Campaign.year)
        .order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return [CampaignChoice(cid, name, year, int(n)) for cid, name, year, n in rows]


_QUEUE_COLUMNS = (
    Assignment.id, Assignment.campaign_id, Campaign.name, Campaign.anonymise, CaseFile.id, CaseFile.case_number,
    Unit.name, CaseFile.case_type, CaseFile.procedure, CaseFile.decision_date, CaseFile.description,
    *(getattr(CaseFile, f) for f in FILE_FLAGS),
    Review.id, Review.status, Review.total, Review.grade, Review.veto, Review.updated_at,
)


def _queue_select(actor: User) -> Select[Any]:
    """The joined row of each of the actor's assigned files (`_QUEUE_COLUMNS`), in assignment order."""
    return (
        select(*_QUEUE_COLUMNS)
        .join(Campaign, Campaign.id == Assignment.campaign_id)
        .join(CaseFile, CaseFile.id == Assignment.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.reviewer_id == actor.id)
        .order_by(Assignment.id)
    )


def my_queue(session: Session, actor: User, campaign_id: int | None = None) -> list[QueueEntry]:
    """The reviewer's own assigned files (of one campaign, or all), in assignment order.

    One statement whatever the queue's length (assignment, file, unit, campaign and review joined),
    so a redraw of the reviewer's pages costs one query, not two per file."""
    check(actor, Action.OWN_QUEUE)
    stmt = _queue_select(actor)
    if campaign_id is not None:
        stmt = stmt.where(Assignment.campaign_id == campaign_id)
    return _entries(session, stmt)


def _entries(session: Session, stmt: Select[Any]) -> list[QueueEntry]:
    n_flags = len(FILE_FLAGS)
    out = []
    for row in session.execute(stmt):
        (aid, cid, cname, anonymise, fid, number, unit, ctype, proc, date, description) = row[:11]
        flags = [f for f, on in zip(FILE_FLAGS, row[11:11 + n_flags], strict=True) if on]
        rid, status, total, grade, veto, updated = row[11 + n_flags:]
        out.append(QueueEntry(
            assignment_id=aid, campaign_id=cid, campaign=cname, case_file_id=fid, case_number=number,
            unit=None if anonymise else unit, case_type=ctype, procedure=proc, decision_date=date,
            description=description or "", flags=flags, status=status if rid is not None else NOT_STARTED,
            review_id=rid, total=total, grade=grade, veto=bool(veto) if rid is not None else False,
            updated_at=updated))
    return out


WINDOW = 50  # files the scoring page's picker lists at once


@dataclass(frozen=True)
class QueueWindow:
    """A stretch of the reviewer's queue, for the scoring page's picker: it costs the same for a queue of
    40 files and one of 4,000 (a reviewer's action must not grow with the campaign)."""

    entries: list[QueueEntry]  # at most `size` files, in assignment order
    total: int  # files in the queue (with a search: files whose case number matches)
    first: int  # 1-based position of entries[0] among those `total` (0 when there are none)
    chosen: QueueEntry | None  # the file asked for, when it is the actor's (listed or not)
    position: int | None  # its 1-based position in the whole queue
    previous: int | None  # the assignment before it in the whole queue
    next: int | None  # the assignment after it (the queue's first when none is chosen)


def queue_window(session: Session, actor: User, around: int | None = None, *, search: str = "",
                 size: int = WINDOW) -> QueueWindow:
    """The page of `size` files of the actor's queue that holds assignment `around` (the first page when
    `around` is None or not the actor's), with its neighbours in the queue; with a `search`, the first
    `size` files whose case number contains it instead (case-insensitive). A fixed number of statements,
    each reading an index range or `size` rows, whatever the queue's length."""
    check(actor, Action.OWN_QUEUE)
    own = Assignment.reviewer_id == actor.id
    chosen = position = previous = following = None
    found = _entries(session, _queue_select(actor).where(Assignment.id == around)) if around is not None else []
    if found:  # its place and neighbours, and the queue's length, in one pass over the actor's index range
        chosen, before, after = found[0], Assignment.id < around, Assignment.id > around
        total, ahead, previous, following = session.execute(select(
            func.count(), func.coalesce(func.sum(case((before, 1), else_=0)), 0),
            func.max(case((before, Assignment.id))), func.min(case((after, Assignment.id)))).where(own)).one()
        position = int(ahead) + 1
    else:  # nothing chosen: "next" is the queue's first file
        total, following = session.execute(select(func.count(), func.min(Assignment.id)).where(own)).one()
    text = search.strip()
    if text:
        matches = CaseFile.case_number.icontains(text, autoescape=True)
        total = session.scalar(select(func.count()).select_from(Assignment)
                               .join(CaseFile, CaseFile.id == Assignment.case_file_id).where(own, matches)) or 0
        entries = _entries(session, _queue_select(actor).where(matches).limit(size))
        return QueueWindow(entries, total, 1 if entries else 0, chosen, position, previous, following)
    start = ((position - 1) // size) * size if position is not None else 0
    entries = _entries(session, _queue_select(actor).offset(start).limit(size))
    return QueueWindow(entries, total, start + 1 if entries else 0, chosen, position, previous, following)


def queue_progress(entries: list[QueueEntry]) -> QueueProgress:
    by = {s: sum(1 for e in entries if e.status == s) for s in QUEUE_STATUSES}
    return QueueProgress(len(entries), by[NOT_STARTED], by[ReviewStatus.DRAFT], by[ReviewStatus.SUBMITTED])


@dataclass(frozen=True)
class OpenedReview:
    """A review opened for scoring: the state it is in and what the form needs to score it offline."""

    review_id: int | None  # None: the file is not started (opening it created nothing)
    version: int  # 0 when not started: the expected version of the first save
    status: str  # draft / submitted
    standard_hash: str
    attributes: FileAttributes
    bands: list[GradeBand]
    pass_line: Decimal
    file: QueueEntry
    marks: Marks  # the stored marks of this version
    answers: dict[str, Any] = field(default_factory=dict)  # attributes the reviewer answered (stored form)
    base_attributes: FileAttributes | None = None  # the file's attributes without the answers
    questions: tuple[AttributeDecl, ...] = ()  # what the reviewer is asked (`file_attributes.reviewer_questions`)

    @property
    def locked(self) -> bool:
        return self.status != ReviewStatus.DRAFT


def open_for_scoring(session: Session, actor: User, assignment_id: int, *, create: bool = True) -> OpenedReview:
    """Open the reviewer's own review of an assigned file. With `create=False` opening changes nothing: a
    file not started yet comes back with `review_id` None and version 0, and the first save
    (`reviews.save_first_or_draft`) creates the review. Call in a transaction."""
    check(actor, Action.OWN_QUEUE)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(code="assign.not_found", id=assignment_id)
    if assignment.reviewer_id != actor.id:
        raise PermissionDenied(code="review.not_assigned", case_number=assignment.case_file.case_number,
                               user=actor.username)
    campaign = session.get(Campaign, assignment.campaign_id)
    if campaign is None:  # pragma: no cover - foreign key
        raise NotFound(code="results.no_campaign", id=assignment.campaign_id)
    require_calibrated(session, actor, campaign.id)
    base = attributes_of(assignment.case_file)
    if assignment.review is None and not create:
        std_hash = standard_hash_for(session, campaign, assignment.case_file)
        bands, pass_line = file_grading(session, campaign, std_hash)
        return OpenedReview(
            review_id=None, version=0, status=ReviewStatus.DRAFT.value, standard_hash=std_hash,
            attributes=base, bands=bands, pass_line=pass_line, file=_entry(assignment, campaign), marks=Marks(),
            base_attributes=base, questions=tuple(reviewer_questions(load_version(session, std_hash), base)),
        )
    review = open_review(session, actor, assignment_id)
    session.flush()
    bands, pass_line = file_grading(session, campaign, review.standard_hash)
    answers = dict(review.answers or {})
    return OpenedReview(
        review_id=review.id, version=review.version, status=review.status, standard_hash=review.standard_hash,
        attributes=with_answers(base, answers), bands=bands,
        pass_line=pass_line, file=_entry(assignment, campaign), marks=marks_of(review),
        answers=answers, base_attributes=base,
        questions=tuple(reviewer_questions(load_version(session, review.standard_hash), base)),
    )


@dataclass(frozen=True)
class OtherReview:
    """Another reviewer's submitted review of the same file, as shown after one's own is submitted."""

    review_id: int
    reviewer: str
    result: ScoreResult
    marks: Marks
    submitted_at: dt.datetime | None = None
    items: dict[str, Decimal] = field(default_factory=dict)  # item id -> points deducted (after the item floor)


def others_after_submission(session: Session, actor: User, assignment_id: int) -> list[OtherReview]:
    """Other reviewers' submitted reviews of this file; empty until the actor's own review is submitted."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(code="assign.not_found", id=assignment_id)
    actor = check_scoring(actor, assignment)
    own = assignment.review
    if own is None or own.status != ReviewStatus.SUBMITTED:
        return []
    out = []
    for r in visible_reviews(session, actor, assignment.campaign_id, assignment.case_file_id):
        if r.id == own.id or r.status != ReviewStatus.SUBMITTED:
            continue
        result = compute(session, r)
        out.append(OtherReview(review_id=r.id, reviewer=r.assignment.reviewer.display_name, result=result,
                               marks=marks_of(r), submitted_at=r.submitted_at,
                               items={i.item_id: i.deducted for i in result.items}))
    return out
