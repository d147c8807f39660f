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
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, literal_column, select
from sqlalchemy.orm import Session, aliased

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


def _has_result(campaign_id: int, case_file_id: Any) -> ColumnElement[bool]:
    # EXISTS over the id, not SELECT *: SQLite then answers from the (campaign, file) index alone.
    return select(FileResult.id).where(FileResult.campaign_id == campaign_id,
                                       FileResult.case_file_id == case_file_id).exists()


def _file_counts(campaign_id: int, case_file_id: Any) -> tuple[Any, Any, Any, ColumnElement[bool]]:
    """Reviewers assigned / started / submitted and whether there is a final result, for the file
    `case_file_id` (a column of the enclosing query): correlated scalar subqueries, each answered from an
    index alone (assignments by campaign and file; reviews by assignment, and status)."""
    per_file = (Assignment.campaign_id == campaign_id) & (Assignment.case_file_id == case_file_id)
    n_assigned = select(func.count(Assignment.id)).where(per_file).scalar_subquery()
    n_started = (select(func.count(Review.id)).join(Assignment, Assignment.id == Review.assignment_id)
                 .where(per_file).scalar_subquery())
    n_submitted = (select(func.count(Review.id)).join(Assignment, Assignment.id == Review.assignment_id)
                   .where(per_file, Review.status == ReviewStatus.SUBMITTED).scalar_subquery())
    has_result = _has_result(campaign_id, case_file_id)
    return n_assigned, n_started, n_submitted, has_result


def _state(has_result: ColumnElement[bool], unassigned: ColumnElement[bool], all_submitted: ColumnElement[bool],
           started: ColumnElement[bool]) -> ColumnElement[str]:
    """A sampled file's state (see the module docstring) from four conditions, tested in this order (SQL's
    CASE stops at the first that holds, so a file with a final result costs one index lookup)."""
    return case(
        (has_result, SampledFileState.FINAL.value),
        (unassigned, SampledFileState.UNASSIGNED.value),
        (all_submitted, SampledFileState.AWAITING_RECHECK.value),
        (started, SampledFileState.IN_PROGRESS.value),
        else_=SampledFileState.NOT_STARTED.value,
    )


def _names(*labels: str) -> list[ColumnElement[Any]]:
    """GROUP BY terms naming the select list's labelled columns. Repeating the expression instead would
    bind its constants a second time, and SQLite, no longer seeing the same expression, would compute
    each file's state twice (every subquery in it included)."""
    return [literal_column(name) for name in labels]


def file_stats(campaign_id: int) -> tuple[Subquery, ColumnElement[str]]:
    """One row per sampled file: draw order, case file id, reviewers assigned / started / submitted and
    whether it has a final result; and its state (see the module docstring).

    Only the sample's own columns are read per file (no case file or unit row): callers join those
    for the rows they show."""
    n_assigned, n_started, n_submitted, has_result = _file_counts(campaign_id, SampleItem.case_file_id)
    inner = (
        select(SampleItem.draw_order.label("draw_order"), SampleItem.case_file_id.label("case_file_id"),
               n_assigned.label("assigned"), n_started.label("started"), n_submitted.label("submitted"),
               has_result.label("has_result"))
        .where(current_items(campaign_id))
        .subquery()
    )
    state = _state(inner.c.has_result, inner.c.assigned == 0, inner.c.submitted >= inner.c.assigned,
                   inner.c.started > 0)
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


def progress_counts(session: Session, actor: User | None,
                    campaign_id: int) -> tuple[dict[str, int], list[UnitProgress]]:
    """`state_counts` and `unit_progress` from one GROUP BY pass over the sampled files (the progress page
    shows both).

    Each file's assignments are counted once, grouped by file, with their submitted reviews (looked up
    by assignment and status: the reviews' (assignment_id, status) index answers alone); whether a
    review was started is asked only of files that are neither final, unassigned nor fully submitted.
    The database returns a row per unit, state and the two flags below; Python sums them."""
    check(actor, Action.READ_ASSIGNMENTS)
    submitted_review = aliased(Review)
    per_file = (
        select(Assignment.case_file_id.label("case_file_id"), func.count().label("assigned"),
               func.count(submitted_review.id).label("submitted"))
        .outerjoin(submitted_review, (submitted_review.assignment_id == Assignment.id)
                   & (submitted_review.status == ReviewStatus.SUBMITTED))
        .where(Assignment.campaign_id == campaign_id)
        .group_by(Assignment.case_file_id)
        .subquery()
    )
    has_result = _has_result(campaign_id, SampleItem.case_file_id)
    started = (select(Review.id).join(Assignment, Assignment.id == Review.assignment_id)
               .where(Assignment.campaign_id == campaign_id, Assignment.case_file_id == SampleItem.case_file_id)
               .exists())
    has_reviewers = per_file.c.case_file_id.is_not(None)
    fully_scored = has_reviewers & (per_file.c.submitted >= per_file.c.assigned)
    state = _state(has_result, ~has_reviewers, fully_scored, started)
    rows = session.execute(
        select(CaseFile.unit_id, state.label("file_state"), case((has_reviewers, 1), else_=0).label("with_reviewers"),
               case((fully_scored, 1), else_=0).label("fully_scored"), func.count())
        .select_from(SampleItem)
        .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
        .outerjoin(per_file, per_file.c.case_file_id == SampleItem.case_file_id)
        .where(current_items(campaign_id))
        .group_by(CaseFile.unit_id, *_names("file_state", "with_reviewers", "fully_scored"))
    ).all()
    states = dict.fromkeys(FILE_STATES, 0)
    sums: dict[int, list[int]] = {}
    for unit_id, st, with_reviewers, scored, n in rows:
        n = int(n)
        states[st] += n
        acc = sums.setdefault(unit_id, [0, 0, 0, 0, 0])
        acc[0] += n
        acc[1] += n if with_reviewers else 0
        acc[2] += n if scored else 0
        acc[3] += n if st == SampledFileState.AWAITING_RECHECK else 0
        acc[4] += n if st == SampledFileState.FINAL else 0
    units = sorted(session.execute(select(Unit.id, Unit.name, Unit.sort_order)).all(), key=lambda u: (u[2], u[1]))
    return states, [UnitProgress(name, *sums[uid]) for uid, name, _ in units if uid in sums]


def unit_progress(session: Session, actor: User | None, campaign_id: int) -> list[UnitProgress]:
    """Per unit of the sample, in the units' listing order (see `progress_counts`)."""
    return progress_counts(session, actor, campaign_id)[1]


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
    got = dict(session.execute(select(state.label("file_state"), func.count()).group_by(*_names("file_state"))).all())
    return {s: int(got.get(s, 0)) for s in FILE_STATES}


def file_states(session: Session, actor: User | None, campaign_id: int, *, states: tuple[str, ...] = FILE_STATES,
                limit: int = 200, offset: int = 0) -> tuple[list[FileState], int]:
    """One page of the sampled files in the given states (draw order), and how many there are in all.

    One statement: the page is chosen on the files' states alone, with the number of files chosen
    beside each row (a window count); the reviewers' counts, case number and unit are read for the rows
    of the page only. A page past the end has no row to carry the number, so that asks for it alone."""
    check(actor, Action.READ_ASSIGNMENTS)
    inner, state = file_stats(campaign_id)
    chosen = select(inner.c.case_file_id, inner.c.draw_order).where(state.in_(states))
    page = (chosen.add_columns(func.count().over().label("total"))
            .order_by(inner.c.draw_order).limit(limit).offset(offset).subquery())
    n_assigned, n_started, n_submitted, has_result = _file_counts(campaign_id, page.c.case_file_id)
    rows = session.execute(
        select(page.c.case_file_id, page.c.draw_order, CaseFile.case_number, Unit.name, n_assigned, n_started,
               n_submitted, _state(has_result, n_assigned == 0, n_submitted >= n_assigned, n_started > 0),
               page.c.total)
        .join(CaseFile, CaseFile.id == page.c.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .order_by(page.c.draw_order)
    ).all()
    if rows:
        total = int(rows[0][-1])
    elif offset:
        total = int(session.scalar(select(func.count()).select_from(chosen.subquery())) or 0)
    else:
        total = 0
    return [FileState(cf, order, number, unit, int(a), int(s), int(sub), st)
            for cf, order, number, unit, a, s, sub, st, _ in rows], total
