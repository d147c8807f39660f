"""Re-check (复核) and the final result of each file.

When the submitted reviews of a file trigger one of the campaign's re-check rules (grades in different
bands, a veto on one side only, a gap of N points or more, a review below the pass line), the panel
lead re-checks it: either records their own final marks, or adopts one submitted review (for example
a further reviewer's) as final, always with a reason.

The final result of a file is defined as:
1. the re-check result, when the lead has recorded one;
2. otherwise, once every assigned review is submitted and no re-check rule is triggered, the mean of
   the submitted scores (rounded half-up to two places), graded with the campaign's bands; where the
   reviews carry vetoes, the grade is no better than the grades those reviews were given;
3. otherwise there is no final result yet (status: scoring, or awaiting re-check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scoring import audit
from scoring.db.models import Assignment, Campaign, CaseFile, Recheck, Review, User, utcnow
from scoring.domain import ReviewStatus
from scoring.engine import grade_for, round_score, score
from scoring.errors import ConflictError, NotFound, ValidationFailed
from scoring.marks import Marks
from scoring.policy import Action, check
from scoring.standards import load_version
from scoring.workflow.campaigns import RecheckRules, campaign_bands, file_grading, recheck_rules, standard_hash_for
from scoring.workflow.changes import file_changed
from scoring.workflow.reviews import attributes_of, marks_of


def triggered_rules(reviews: list[Review], rules: RecheckRules, pass_line: Decimal) -> list[str]:
    """Which re-check rules the submitted reviews of one file trigger (codes, in a fixed order)."""
    done = [r for r in reviews if r.status == ReviewStatus.SUBMITTED and r.total is not None]
    totals = [r.total for r in done if r.total is not None]  # one per review in `done`
    found: list[str] = []
    if rules.below_pass_line and any(not (r.result or {}).get("passed", total >= pass_line)
                                     for r, total in zip(done, totals, strict=True)):
        found.append("below_pass_line")
    if len(done) < 2:
        return found
    if rules.grade_differs and len({r.grade for r in done}) > 1:
        found.append("grade_differs")
    if rules.veto_one_side and len({bool(r.veto) for r in done}) > 1:
        found.append("veto_one_side")
    if rules.gap is not None and max(totals) - min(totals) >= rules.gap:
        found.append("gap")
    return found


@dataclass
class FileOutcome:
    """Where one sampled file stands and, when it has one, its final result."""

    case_file_id: int
    case_number: str
    unit: str
    assigned: int
    submitted: int
    triggers: list[str] = field(default_factory=list)
    source: str | None = None  # "recheck" / "mean" / None
    score: Decimal | None = None
    grade: str | None = None
    veto: bool = False
    recheck_id: int | None = None

    @property
    def status(self) -> str:
        if self.source == "recheck":
            return "rechecked"
        if self.source == "mean":
            return "final"
        if self.assigned == 0:
            return "unassigned"
        if self.submitted < self.assigned:
            return "scoring"
        return "awaiting_recheck"


def submitted_score(review: Review) -> tuple[Decimal, str]:
    """A submitted review's total and grade (submitting a review stores both)."""
    if review.total is None or review.grade is None:
        raise ValueError(f"review {review.id} is not scored")  # internal: submitted reviews carry a score
    return review.total, review.grade


def _reviews(session: Session, campaign_id: int, case_file_id: int) -> list[Review]:
    return list(session.scalars(
        select(Review).join(Assignment).where(Assignment.campaign_id == campaign_id,
                                              Assignment.case_file_id == case_file_id).order_by(Review.id)))


def outcome(session: Session, campaign: Campaign, case_file: CaseFile) -> FileOutcome:
    assigned = session.scalars(select(Assignment).where(
        Assignment.campaign_id == campaign.id, Assignment.case_file_id == case_file.id)).all()
    reviews = _reviews(session, campaign.id, case_file.id)
    submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    bands, pass_line = (file_grading(session, campaign, submitted[0].standard_hash) if submitted
                        else (campaign_bands(campaign), campaign.pass_line))
    out = FileOutcome(case_file.id, case_file.case_number, case_file.unit.name, len(assigned), len(submitted),
                      triggered_rules(submitted, recheck_rules(campaign), pass_line))
    rc = session.scalar(select(Recheck).where(Recheck.campaign_id == campaign.id,
                                              Recheck.case_file_id == case_file.id))
    if rc is not None:
        out.source, out.score, out.grade, out.veto, out.recheck_id = "recheck", rc.total, rc.grade, rc.veto, rc.id
    elif assigned and len(submitted) == len(assigned) and not out.triggers:
        mean = round_score(sum((submitted_score(r)[0] for r in submitted), Decimal(0)) / len(submitted))
        names = [b.name for b in bands]
        grades = [grade_for(mean, bands)] + [submitted_score(r)[1] for r in submitted if r.veto]
        out.source, out.score, out.veto = "mean", mean, any(r.veto for r in submitted)
        out.grade = names[max(names.index(g) for g in grades)]
    return out


def record_recheck(
    session: Session,
    actor: User,
    campaign: Campaign,
    case_file: CaseFile,
    *,
    reason: str,
    marks: Marks | None = None,
    adopt_review_id: int | None = None,
    expected_version: int | None = None,
) -> Recheck:
    """Record the lead's final marks (or adopt one submitted review) for a file, with a reason."""
    check(actor, Action.RECHECK)
    return store_recheck(session, actor, campaign, case_file, reason=reason, marks=marks,
                         adopt_review_id=adopt_review_id, expected_version=expected_version)


def store_recheck(
    session: Session,
    actor: User,
    campaign: Campaign,
    case_file: CaseFile,
    *,
    reason: str,
    marks: Marks | None = None,
    adopt_review_id: int | None = None,
    expected_version: int | None = None,
    note: str = "",
) -> Recheck:
    """The re-check path itself, for callers that checked their own permission: the lead's re-check
    above, and a panel member's decision amending a file after an objection (scoring.objections)."""
    if not reason.strip():
        raise ValidationFailed(code="recheck.reason")
    if (marks is None) == (adopt_review_id is None):
        raise ValidationFailed(code="recheck.marks_or_adopt")
    reviews = _reviews(session, campaign.id, case_file.id)
    if adopt_review_id is not None:
        adopted = next((r for r in reviews if r.id == adopt_review_id), None)
        if adopted is None:
            raise NotFound(code="recheck.not_review_of_file", id=adopt_review_id, case_number=case_file.case_number)
        if adopted.status != ReviewStatus.SUBMITTED:
            raise ValidationFailed(code="recheck.adopt_submitted")
        marks = marks_of(adopted)
        standard_hash = adopted.standard_hash
    else:
        assert marks is not None  # checked above: either the marks or a review to adopt
        standard_hash = standard_hash_for(session, campaign, case_file)
    bands, pass_line = file_grading(session, campaign, standard_hash)
    result = score(load_version(session, standard_hash), attributes_of(case_file), marks, bands=bands,
                   pass_line=pass_line)
    rc = session.scalar(select(Recheck).where(Recheck.campaign_id == campaign.id,
                                              Recheck.case_file_id == case_file.id))
    old = None
    if rc is None:
        rc = Recheck(campaign_id=campaign.id, case_file_id=case_file.id, decided_by_id=actor.id)
        session.add(rc)
    else:
        if expected_version is not None and rc.version != expected_version:
            raise ConflictError(code="recheck.changed")
        old = {"score": rc.total, "grade": rc.grade, "marks": rc.marks, "reason": rc.reason}
    rc.standard_hash = standard_hash
    rc.marks = marks.model_dump(mode="json", exclude_defaults=True)
    rc.adopted_review_id = adopt_review_id
    rc.total, rc.grade, rc.veto = result.score, result.grade, bool(result.veto.triggered)
    rc.result = result.to_dict()
    rc.reason = reason.strip()
    rc.decided_by_id = actor.id
    rc.decided_at = utcnow()  # a re-recorded decision says who decided it last, and when
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise ConflictError(code="recheck.changed_same_moment") from None
    file_changed(session, campaign.id, case_file.id)
    audit.record(session, actor_id=actor.id, action="recheck", entity="recheck", entity_id=rc.id, old=old,
                 new={"case_file": case_file.case_number, "score": rc.total, "grade": rc.grade, "marks": rc.marks,
                      "adopted_review": adopt_review_id}, note=note or rc.reason)
    return rc


def recheck_marks(rc: Recheck) -> Marks:
    return Marks.model_validate(rc.marks)
