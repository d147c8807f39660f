"""Progress of a campaign: where each sampled file stands, counted in SQL (the layer below publishing).

Counting for the progress page happens in SQL over the campaign's current sample; a file's state is:

- ``final``: it has a final result (`scoring.workflow.results` keeps one row per file that has one: re-checked,
  or the mean of agreeing reviews, see `scoring.workflow.recheck`);
- ``unassigned``: no reviewer yet;
- ``awaiting_recheck``: every assigned review is submitted but there is no final result, so the
  reviews trigger a re-check rule;
- ``not_started``: reviewers are assigned but none has opened the file;
- ``in_progress``: otherwise (some reviews opened or submitted, not all submitted).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Subquery, case, exists, func, select
from sqlalchemy.orm import Session

from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileResult,
    Review,
    SampleItem,
    Unit,
    User,
)
from scoring.domain import ReviewStatus, SampledFileState
from scoring.errors import NotFound
from scoring.policy import Action, check
from scoring.workflow.assignments import ReviewerProgress, reviewer_progress
from scoring.workflow.sampling.record import current_items

FILE_STATES: tuple[str, ...] = tuple(SampledFileState)


def load_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(code="campaign.no_id", id=campaign_id)
    return campaign


def load_case_file(session: Session, case_file_id: int) -> CaseFile:
    cf = session.get(CaseFile, case_file_id)
    if cf is None:
        raise NotFound(code="case_file.no_id", id=case_file_id)
    return cf


def file_stats(campaign_id: int) -> tuple[Subquery, ColumnElement[str]]:
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
        .where(current_items(campaign_id))
        .subquery()
    )
    state = case(
        (inner.c.has_result, SampledFileState.FINAL.value),
        (inner.c.assigned == 0, SampledFileState.UNASSIGNED.value),
        (inner.c.submitted >= inner.c.assigned, SampledFileState.AWAITING_RECHECK.value),
        (inner.c.started == 0, SampledFileState.NOT_STARTED.value),
        else_=SampledFileState.IN_PROGRESS.value,
    )
    return inner, state


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
    check(actor, Action.READ_ASSIGNMENTS)
    rows = session.execute(
        select(FileResult.case_file_id, CaseFile.case_number, Unit.name, FileResult.source, FileResult.score,
               FileResult.grade, FileResult.veto, FileResult.reviews)
        .join(CaseFile, CaseFile.id == FileResult.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .join(SampleItem, (SampleItem.case_file_id == FileResult.case_file_id) & current_items(campaign_id))
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
    check(actor, Action.READ_ASSIGNMENTS)
    inner, state = file_stats(campaign_id)

    def n(cond):  # noqa: ANN001, ANN202
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    rows = session.execute(
        select(inner.c.unit, func.count(), n(inner.c.assigned > 0),
               n((inner.c.assigned > 0) & (inner.c.submitted >= inner.c.assigned)),
               n(state == SampledFileState.AWAITING_RECHECK), n(state == SampledFileState.FINAL))
        .group_by(inner.c.unit, inner.c.unit_order)
        .order_by(inner.c.unit_order, inner.c.unit)
    ).all()
    return [UnitProgress(u, int(a), int(b), int(c), int(d), int(e)) for u, a, b, c, d, e in rows]


def lead_reviewer_progress(session: Session, actor: User | None, campaign_id: int) -> list[ReviewerProgress]:
    """`scoring.workflow.assignments.reviewer_progress`, for the lead only."""
    check(actor, Action.READ_ASSIGNMENTS)
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
    check(actor, Action.READ_ASSIGNMENTS)
    inner, state = file_stats(campaign_id)
    got = dict(session.execute(select(state, func.count()).group_by(state)).all())
    return {s: int(got.get(s, 0)) for s in FILE_STATES}


def file_states(session: Session, actor: User | None, campaign_id: int, *, states: tuple[str, ...] = FILE_STATES,
                limit: int = 200, offset: int = 0) -> tuple[list[FileState], int]:
    """One page of the sampled files in the given states (draw order), and how many there are in all."""
    check(actor, Action.READ_ASSIGNMENTS)
    inner, state = file_stats(campaign_id)
    base = select(inner.c.case_file_id, inner.c.draw_order, inner.c.case_number, inner.c.unit, inner.c.assigned,
                  inner.c.started, inner.c.submitted, state.label("state")).where(state.in_(states))
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = session.execute(base.order_by(inner.c.draw_order).limit(limit).offset(offset)).all()
    return [FileState(cf, order, number, unit, int(a), int(s), int(sub), st)
            for cf, order, number, unit, a, s, sub, st in rows], total
