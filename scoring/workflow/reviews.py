"""Reviews: a reviewer's marks on one file, saved as drafts, submitted, locked, reopened by the lead.

Rules enforced here, not in the pages:
- only the assigned reviewer edits a review, and only while it is a draft;
- a save names the version it was made against; if the review changed meanwhile (another tab, another
  person) the save is refused with the current marks (ConflictError), never silently overwritten;
- submitting needs every deduction and veto to say where in the file the defect is;
- blind review: until a reviewer has submitted a file, other reviewers' marks on it are hidden;
- every change is written to the audit log in the same transaction, with old and new values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scoring import audit
from scoring.audit_state import insert_rows
from scoring.calibration.gate import require_calibrated
from scoring.db.models import (
    Assignment,
    Campaign,
    Review,
    ReviewMark,
    User,
    utcnow,
)
from scoring.domain import MarkStatus, ReviewStatus
from scoring.engine import ScoreResult, reason_amount, score, suspicious_messages
from scoring.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemReport,
    ValidationFailed,
)
from scoring.file_attributes import attributes_of, parse_answer
from scoring.item_values import pack
from scoring.marks import Marks
from scoring.messages import Msg
from scoring.policy import Action, Situation, allowed, check, rules_for
from scoring.rubric.model import Standard
from scoring.rubric.schema import FileAttributes
from scoring.rubric.vocabulary import active_vocabulary
from scoring.standards import load_version
from scoring.workflow.campaigns import file_grading, standard_hash_for
from scoring.workflow.changes import file_changed


def marks_of(review: Review) -> Marks:
    """Rebuild the reviewer's marks from the stored rows."""
    items: dict[str, dict] = {}
    vetoes: dict[str, dict] = {}
    for row in review.marks:
        loc = {k: v for k, v in (("page", row.page), ("media_file", row.media_file), ("media_time", row.media_time)) if v}
        if row.status == MarkStatus.VETO:
            vetoes[row.item_id] = {"comment": row.comment, **loc}
        elif row.status == MarkStatus.NA:
            items[row.item_id] = {"na": True, "comment": row.comment}
        elif row.status == MarkStatus.OK:
            items.setdefault(row.item_id, {"deductions": []})["comment"] = row.comment
        else:
            chosen = {"points": row.chosen_points} if row.chosen_points is not None else {}
            items.setdefault(row.item_id, {"deductions": []}).setdefault("deductions", []).append(
                {"reason": row.reason_id, "occurrences": row.occurrences, "comment": row.comment, **chosen, **loc})
    return Marks.model_validate({"items": items, "vetoes": vetoes})


_MARK_BLANK = {"reason_id": None, "occurrences": 1, "points": Decimal(0), "chosen_points": None, "comment": "",
               "page": None, "media_file": None, "media_time": None}


def _rows(standard: Standard, marks: Marks) -> list[dict[str, Any]]:
    """The review_marks rows of `marks` (every column given, as one INSERT of many rows needs)."""
    rows: list[dict[str, Any]] = []
    for item_id, im in marks.items.items():
        if im.na:
            rows.append({**_MARK_BLANK, "item_id": item_id, "status": MarkStatus.NA, "comment": im.comment})
            continue
        if im.comment:
            rows.append({**_MARK_BLANK, "item_id": item_id, "status": MarkStatus.OK, "comment": im.comment})
        bonus = standard.bonus_by_id.get(item_id)
        item = bonus if bonus is not None else standard.items_by_id[item_id][1]
        for dm in im.deductions:
            rows.append({
                "item_id": item_id, "status": MarkStatus.BONUS if bonus is not None else MarkStatus.DEDUCT,
                "reason_id": dm.reason, "occurrences": dm.occurrences, "points": reason_amount(item, dm),
                "chosen_points": dm.points, "comment": dm.comment, "page": dm.page, "media_file": dm.media_file,
                "media_time": dm.media_time})
    for veto_id, vm in marks.vetoes.items():
        rows.append({**_MARK_BLANK, "item_id": veto_id, "status": MarkStatus.VETO, "comment": vm.comment,
                     "page": vm.page, "media_file": vm.media_file, "media_time": vm.media_time})
    return rows


def _store(session: Session, review: Review, marks: Marks, result: ScoreResult, *, updated_at: Any = None) -> None:
    """Store a review's marks and score: the old mark rows deleted by the flush (delete-orphan), the new
    ones written in one INSERT and read back in order (by id) when next asked for. Nothing is changed
    before the standard is looked up (its query would flush a change outside `_flush`'s conflict check)."""
    standard, _, _ = _context(session, review)
    if updated_at is not None:
        review.updated_at = updated_at
    review.marks.clear()
    _set_result(review, result)
    _flush(session, review)
    insert_rows(session, ReviewMark, [{**r, "review_id": review.id} for r in _rows(standard, marks)])
    session.expire(review, ["marks"])


def _marks_by_item(marks: Marks) -> dict[str, object]:
    out: dict[str, object] = {k: v.model_dump(mode="json", exclude_defaults=True) for k, v in marks.items.items()}
    out.update({f"veto:{k}": v.model_dump(mode="json", exclude_defaults=True) for k, v in marks.vetoes.items()})
    return out


def _context(session: Session, review: Review) -> tuple[Standard, FileAttributes, Campaign]:
    assignment = review.assignment
    campaign = session.get_one(Campaign, assignment.campaign_id)
    return (load_version(session, review.standard_hash), attributes_of(assignment.case_file, review.answers),
            campaign)


def compute(session: Session, review: Review, marks: Marks | None = None) -> ScoreResult:
    """Score a review's (or the given) marks under its own standard version and its campaign's bands."""
    standard, attrs, campaign = _context(session, review)
    bands, pass_line = file_grading(session, campaign, review.standard_hash)
    return score(standard, attrs, marks if marks is not None else marks_of(review), bands=bands, pass_line=pass_line)


def get_review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(code="review.not_found", id=review_id)
    return review


def scoring_situation(actor: User | None, assignment: Assignment) -> Situation:
    """Whether the file is the actor's to score: assigned to them, and not of their own unit (回避)."""
    if actor is None:
        return Situation()
    unit = assignment.case_file.unit_id
    return Situation(assigned_to_actor=assignment.reviewer_id == actor.id,
                     own_unit=actor.unit_id is not None and actor.unit_id == unit)


def check_scoring(actor: User | None, assignment: Assignment) -> User:
    """`policy.check` for scoring this assignment's file, with the refusal said in the file's terms."""
    situation = scoring_situation(actor, assignment)
    if actor is not None and actor.active and rules_for(actor.role, Action.SCORE) and not allowed(actor, Action.SCORE, situation):
        number = assignment.case_file.case_number
        if not situation.assigned_to_actor:
            raise PermissionDenied(code="review.not_assigned", case_number=number, user=actor.username)
        raise PermissionDenied(code="review.own_unit", case_number=number, user=actor.username)
    return check(actor, Action.SCORE, situation, what=Msg("policy.what.score_file", {"case_number": assignment.case_file.case_number}))


def open_review(session: Session, actor: User | None, assignment_id: int) -> Review:
    """The reviewer's review of an assigned file, created as an empty draft on first open."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(code="assign.not_found", id=assignment_id)
    actor = check_scoring(actor, assignment)
    require_calibrated(session, actor, assignment.campaign_id)
    if assignment.review is not None:
        return assignment.review
    campaign = session.get_one(Campaign, assignment.campaign_id)
    review = Review(assignment=assignment, standard_hash=standard_hash_for(session, campaign, assignment.case_file),
                    status=ReviewStatus.DRAFT)
    session.add(review)
    session.flush()
    audit.record(session, actor_id=actor.id, action="open_review", entity="review", entity_id=review.id,
                 new={"assignment": assignment.id, "standard": review.standard_hash})
    return review


def _check_editable(actor: User | None, review: Review, expected_version: int) -> None:
    check_scoring(actor, review.assignment)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationFailed(code="review.locked")
    if review.version != expected_version:
        raise ConflictError(current=marks_of(review), code="review.changed_elsewhere", version=review.version,
                            edited=expected_version)


def _flush(session: Session, review: Review) -> None:
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise ConflictError(code="review.changed_same_moment") from None


def _set_result(review: Review, result: ScoreResult) -> None:
    """The stored score of a review: total, grade, veto, the result document and its packed item values
    (`item_values`, derived from the document, never set anywhere else)."""
    review.total, review.grade, review.veto = result.score, result.grade, bool(result.veto.triggered)
    review.result = result.to_dict()
    review.item_values = pack(review.result)


def store_marks(session: Session, review: Review, marks: Marks) -> ScoreResult:
    """Re-score and store a review's marks under its (current) standard version, whatever its status: used
    when the lead switches the campaign to another version (scoring.standard_impact), never by reviewers."""
    result = compute(session, review, marks)
    _store(session, review, marks, result)
    return result


def save_draft(session: Session, actor: User, review_id: int, marks: Marks, expected_version: int) -> Review:
    review = get_review(session, review_id)
    _check_editable(actor, review, expected_version)
    result = compute(session, review, marks)  # refuses marks that do not fit the standard
    old = _marks_by_item(marks_of(review))
    new = _marks_by_item(marks)
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    _store(session, review, marks, result, updated_at=utcnow())
    if changed:
        audit.record(session, actor_id=actor.id, action="save_draft", entity="review", entity_id=review.id,
                     old={k: old.get(k) for k in changed}, new={k: new.get(k) for k in changed})
    return review


def save_first_or_draft(session: Session, actor: User, assignment_id: int, marks: Marks,
                        expected_version: int) -> Review:
    """Save a draft of the reviewer's own file, creating the review with the first save: opening a file
    creates nothing, so `expected_version` 0 means "no review yet" — and is a conflict once another tab
    has made one (never a silent overwrite)."""
    actor, review, expected_version = _review_or_first(session, actor, assignment_id, expected_version)
    return save_draft(session, actor, review.id, marks, expected_version)


def _review_or_first(session: Session, actor: User, assignment_id: int, expected_version: int
                     ) -> tuple[User, Review, int]:
    """The review of the actor's own file, created now when `expected_version` is 0 and none exists; a
    version 0 against an existing review (or one gone) is a conflict."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(code="assign.not_found", id=assignment_id)
    actor = check_scoring(actor, assignment)
    review = assignment.review
    if review is None:
        if expected_version != 0:
            raise ConflictError(current=Marks(), code="review.gone")
        review = open_review(session, actor, assignment_id)
        return actor, review, review.version
    if expected_version == 0:
        raise ConflictError(current=marks_of(review), code="review.started_elsewhere")
    return actor, review, expected_version


def _refresh_result(session: Session, review: Review) -> None:
    file_changed(session, review.assignment.campaign_id, review.assignment.case_file_id)


def missing_locations(marks: Marks) -> list[Problem]:
    problems = []
    for item_id, im in marks.items.items():
        for i, dm in enumerate(im.deductions):
            if not dm.location.given:
                problems.append(Problem(code="review.deduction_needs_location", params={"reason": dm.reason, "item": item_id},
                                        path=f"items.{item_id}.deductions[{i}]"))
    for veto_id, vm in marks.vetoes.items():
        if not vm.location.given:
            problems.append(Problem(code="review.veto_needs_location", params={"veto": veto_id}, path=f"vetoes.{veto_id}"))
    return problems


def submit_review(session: Session, actor: User, review_id: int, expected_version: int, *,
                  confirm_warnings: bool = False) -> Review:
    """Lock the review. Refused while a location is missing, an attribute the standard's conditions read
    is unanswered, or a warning (`ScoreResult.warnings`) is not confirmed."""
    review = get_review(session, review_id)
    _check_editable(actor, review, expected_version)
    marks = marks_of(review)
    problems = missing_locations(marks)
    if problems:
        raise ProblemReport(problems, title_code="review.cannot_submit")
    result = compute(session, review, marks)
    standard, attrs, _ = _context(session, review)
    missing = standard.missing_attributes(attrs)
    if missing:
        vocab = active_vocabulary()
        raise ProblemReport([Problem(code="review.answer_first", params={
            "key": key, "label": d.zh if (d := vocab.attribute(key)) else key}, path=f"answers.{key}") for key in missing],
            title_code="review.cannot_submit")
    if result.warnings and not confirm_warnings:
        raise ProblemReport([Problem(code=w.code, params=w.params) for w in suspicious_messages(standard, marks)],
                            title_code="review.confirm_warnings")
    review.status = ReviewStatus.SUBMITTED
    _set_result(review, result)
    review.submitted_at = review.updated_at = utcnow()
    _flush(session, review)
    _refresh_result(session, review)
    audit.record(session, actor_id=actor.id, action="submit_review", entity="review", entity_id=review.id,
                 old={"status": ReviewStatus.DRAFT}, new={"status": ReviewStatus.SUBMITTED, "score": result.score,
                                                          "grade": result.grade})
    return review


def answer_attributes(session: Session, actor: User, review_id: int, answers: dict[str, Any],
                      expected_version: int) -> Review:
    """The reviewer answers declared attributes on the scoring form (marked "reviewer" in the result);
    the draft is re-scored. An answer of None clears it."""
    review = get_review(session, review_id)
    _check_editable(actor, review, expected_version)
    current = dict(review.answers or {})
    old = {k: current.get(k) for k in answers}
    for key, value in answers.items():
        stored = parse_answer(key, value)
        if stored is None:
            current.pop(key, None)
        else:
            current[key] = stored
    review.answers = current
    result = compute(session, review)
    _set_result(review, result)
    review.updated_at = utcnow()
    _flush(session, review)
    audit.record(session, actor_id=actor.id, action="answer_attributes", entity="review", entity_id=review.id,
                 old=old, new={k: current.get(k) for k in answers})
    return review


def answer_first_or_draft(session: Session, actor: User, assignment_id: int, answers: dict[str, Any],
                          expected_version: int) -> Review:
    """The reviewer answers attributes on the form of their own file, creating the review with the first
    answer (like `save_first_or_draft`: opening a file creates nothing; `expected_version` 0 means "no
    review yet")."""
    actor, review, expected_version = _review_or_first(session, actor, assignment_id, expected_version)
    return answer_attributes(session, actor, review.id, answers, expected_version)


def reopen_review(session: Session, actor: User, review_id: int, reason: str) -> Review:
    check(actor, Action.REOPEN_REVIEW)
    if not reason.strip():
        raise ValidationFailed(code="review.reopen_reason")
    review = get_review(session, review_id)
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationFailed(code="review.reopen_submitted_only")
    review.status = ReviewStatus.DRAFT
    review.submitted_at = None
    review.updated_at = utcnow()
    _flush(session, review)
    _refresh_result(session, review)
    audit.record(session, actor_id=actor.id, action="reopen_review", entity="review", entity_id=review.id,
                 old={"status": ReviewStatus.SUBMITTED}, new={"status": ReviewStatus.DRAFT}, note=reason.strip())
    return review


def visible_reviews(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> list[Review]:
    """The reviews of a file this actor may see (blind review, `Action.READ_REVIEWS`).

    Where the policy allows it unconditionally (the lead), all of them; where it allows it once the
    actor's own review is submitted (a reviewer), the submitted ones and their own; otherwise only their
    own (none for an observer)."""
    reviews = list(session.scalars(
        select(Review).join(Assignment).where(Assignment.campaign_id == campaign_id,
                                              Assignment.case_file_id == case_file_id).order_by(Review.id)))
    if allowed(actor, Action.READ_REVIEWS):
        return reviews
    own = [r for r in reviews if actor is not None and r.assignment.reviewer_id == actor.id]
    submitted = bool(own) and own[0].status == ReviewStatus.SUBMITTED
    if allowed(actor, Action.READ_REVIEWS, Situation(own_submitted=submitted)):
        return [r for r in reviews if r.status == ReviewStatus.SUBMITTED or r in own]
    return own
