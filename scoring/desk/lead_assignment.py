"""The assignment page's entry points for the panel lead: sampled files with their reviewers, reviewer
options and loads, automatic and CSV plans previewed then applied as a whole (re-derived first, so a plan
that went stale meanwhile is refused instead of half-applied), and the CSV template."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scoring.csv_safe import write_csv
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    Review,
    SampleItem,
    Unit,
    User,
)
from scoring.errors import ConflictError
from scoring.policy import Action, check, roles_with
from scoring.workflow.assignments import (
    PlannedAssignment,
    apply_plan,
    plan_auto_assignment,
    plan_from_csv,
)
from scoring.workflow.sampling.record import current_items

TEMPLATE_HEADER = ("案号", "评查人员")


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
    check(actor, Action.READ_ASSIGNMENTS)
    return _assigned(session, campaign_id, case_file_id).get(case_file_id, [])


def sampled_with_assignments(session: Session, actor: User | None, campaign_id: int) -> list[SampledFile]:
    """The campaign's sampled files in draw order, each with its reviewers and their review status."""
    check(actor, Action.READ_ASSIGNMENTS)
    files = session.execute(
        select(SampleItem.draw_order, SampleItem.reason, CaseFile.id, CaseFile.case_number, CaseFile.unit_id,
               Unit.name, CaseFile.case_type, CaseFile.procedure)
        .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(current_items(campaign_id))
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
    check(actor, Action.READ_ASSIGNMENTS)
    rows = session.execute(
        select(User.id, User.username, User.display_name, User.unit_id, Unit.name)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.role.in_(roles_with(Action.SCORE)), User.active.is_(True))
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
    check(actor, Action.READ_ASSIGNMENTS)
    existing = dict(session.execute(
        select(Assignment.reviewer_id, func.count()).where(Assignment.campaign_id == campaign_id)
        .group_by(Assignment.reviewer_id)).all())
    planned = Counter(p.reviewer_id for p in plan)
    return [ReviewerLoad(r.id, r.display_name, r.unit, int(existing.get(r.id, 0)), planned[r.id])
            for r in reviewer_options(session, actor)]


def preview_auto(session: Session, actor: User | None, campaign: Campaign) -> list[PlannedAssignment]:
    """The automatic plan (nothing written); ProblemReport when some file cannot be served."""
    check(actor, Action.READ_ASSIGNMENTS)
    return plan_auto_assignment(session, campaign)


def preview_csv(session: Session, actor: User | None, campaign: Campaign, data: bytes,
                filename: str) -> list[PlannedAssignment]:
    """A bulk-assignment CSV checked row by row (nothing written); ProblemReport lists every bad cell."""
    check(actor, Action.READ_ASSIGNMENTS)
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
    actor = check(actor, Action.ASSIGN)
    if how == "auto":
        again = plan_auto_assignment(session, campaign)
    elif how == "csv":
        if data is None:
            raise ValueError("a csv plan needs the file it was made from")  # internal: the page always passes it
        again = plan_from_csv(session, campaign, data, filename)
    else:
        raise ValueError(f"unknown plan kind {how!r}")  # internal: the pages pass auto or csv
    if again != list(plan):
        raise ConflictError(code="plan.changed")
    try:
        return apply_plan(session, actor, campaign, again, how=how)
    except IntegrityError:
        raise ConflictError(code="plan.same_moment") from None


def assignment_template_csv(session: Session, actor: User | None, campaign: Campaign) -> bytes:
    """A CSV to fill in (案号, 评查人员): one line per reviewer seat still open, UTF-8 with BOM."""
    files = sampled_with_assignments(session, actor, campaign.id)
    rows = ([f.case_number, ""] for f in files for _ in range(max(0, campaign.reviewers_per_file - len(f.reviewers))))
    return write_csv(rows, TEMPLATE_HEADER, bom=True).encode()
