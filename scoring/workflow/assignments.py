"""Who scores which sampled file, with the recusal rule (回避): nobody reviews their own unit.

Automatic assignment gives each sampled file the campaign's number of distinct reviewers, never from the
file's own unit, always to the least-loaded eligible reviewer (ties broken by a hash of file and
reviewer, so pairs vary instead of always matching the same two people). Bulk assignment from a CSV is
checked row by row and applied as a whole or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from scoring import audit, limits
from scoring.audit_state import insert_rows
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileResult,
    Review,
    SampleItem,
    SampleRecord,
    Unit,
    User,
)
from scoring.domain import ReviewStatus
from scoring.errors import NotFound, Problem, ProblemReport, ValidationFailed
from scoring.policy import Action, check, roles_with
from scoring.workflow.changes import file_changed


def check_recusal(reviewer: User, case_file: CaseFile) -> None:
    if reviewer.role not in roles_with(Action.SCORE) or not reviewer.active:
        raise ValidationFailed(code="assign.not_active_reviewer", username=reviewer.username)
    if reviewer.unit_id is not None and reviewer.unit_id == case_file.unit_id:
        raise ValidationFailed(code="assign.own_unit", name=reviewer.display_name, unit=case_file.unit.name,
                               case_number=case_file.case_number)


def sampled_files(session: Session, campaign_id: int) -> list[CaseFile]:
    """The campaign's current sample, in draw order."""
    stmt = (
        select(CaseFile).join(SampleItem, SampleItem.case_file_id == CaseFile.id)
        .join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
        .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))
        .order_by(SampleItem.draw_order)
    )
    return list(session.scalars(stmt))


def _assignments(session: Session, campaign_id: int) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.campaign_id == campaign_id)))


def assign(session: Session, actor: User, campaign: Campaign, case_file: CaseFile, reviewer: User) -> Assignment:
    check(actor, Action.ASSIGN)
    check_recusal(reviewer, case_file)
    exists = session.scalar(select(Assignment).where(
        Assignment.campaign_id == campaign.id, Assignment.case_file_id == case_file.id,
        Assignment.reviewer_id == reviewer.id))
    if exists:
        raise ValidationFailed(code="assign.assigned_already", name=reviewer.display_name, case_number=case_file.case_number)
    a = Assignment(campaign_id=campaign.id, case_file_id=case_file.id, reviewer_id=reviewer.id)
    session.add(a)
    session.flush()
    file_changed(session, campaign.id, case_file.id)
    audit.record(session, actor_id=actor.id, action="assign", entity="assignment", entity_id=a.id,
                 new={"campaign": campaign.id, "case_file": case_file.case_number, "reviewer": reviewer.username})
    return a


def unassign(session: Session, actor: User, assignment_id: int) -> None:
    """Remove an assignment whose review has not been started (no marks, not submitted)."""
    check(actor, Action.ASSIGN)
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound(code="assign.not_found", id=assignment_id)
    review = a.review
    if review is not None and (review.marks or review.status != "draft"):
        raise ValidationFailed(code="assign.scored_already", name=a.reviewer.display_name,
                               case_number=a.case_file.case_number)
    old = {"case_file": a.case_file.case_number, "reviewer": a.reviewer.username}
    campaign_id, case_file_id = a.campaign_id, a.case_file_id
    if review is not None:
        session.delete(review)
    session.delete(a)
    session.flush()
    file_changed(session, campaign_id, case_file_id)
    audit.record(session, actor_id=actor.id, action="unassign", entity="assignment", entity_id=assignment_id, old=old)


@dataclass(frozen=True)
class PlannedAssignment:
    case_file_id: int
    case_number: str
    unit: str
    reviewer_id: int
    reviewer: str


def _tiebreak(case_number: str, username: str) -> str:
    return hashlib.sha256(f"{case_number}:{username}".encode()).hexdigest()


def _sampled_rows(session: Session, campaign_id: int) -> list[tuple[int, str, int, str]]:
    """(case file id, case number, unit id, unit name) of the current sample, in draw order: one query."""
    return [(file_id, number, unit_id, unit) for file_id, number, unit_id, unit in session.execute(
        select(CaseFile.id, CaseFile.case_number, CaseFile.unit_id, Unit.name)
        .join(SampleItem, SampleItem.case_file_id == CaseFile.id)
        .join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))
        .order_by(SampleItem.draw_order))]


def plan_auto_assignment(session: Session, campaign: Campaign, reviewers: list[User] | None = None) -> list[PlannedAssignment]:
    """The assignments automatic assignment would add (nothing is written). Raises ProblemReport listing
    every file that cannot get enough eligible reviewers.

    Set-based: one query for the sample, one for the existing assignments; per file only the tied
    least-loaded reviewers are hashed for the tie-break (the plan is the one the file-by-file planner
    made: tests/test_assignments_bulk.py keeps that planner as the reference)."""
    files = _sampled_rows(session, campaign.id)
    if not files:
        raise ValidationFailed(code="assign.no_sample")
    if reviewers is None:
        reviewers = list(session.scalars(select(User).where(User.role.in_(roles_with(Action.SCORE)), User.active.is_(True))
                                         .order_by(User.username)))
    if not reviewers:
        raise ValidationFailed(code="assign.no_reviewers")
    existing = session.execute(select(Assignment.case_file_id, Assignment.reviewer_id)
                               .where(Assignment.campaign_id == campaign.id)).all()
    load = Counter(r for _, r in existing)
    per_file: dict[int, set[int]] = {}
    for f, r in existing:
        per_file.setdefault(f, set()).add(r)
    people = [(r.id, r.unit_id, r.username, r.display_name) for r in reviewers]
    plan: list[PlannedAssignment] = []
    problems: list[Problem] = []
    for fid, number, unit_id, unit_name in files:
        have = per_file.setdefault(fid, set())
        need = campaign.reviewers_per_file - len(have)
        if need <= 0:
            continue
        eligible = [p for p in people if p[0] not in have and p[1] != unit_id]
        if len(eligible) < need:
            problems.append(Problem(code="assign.too_few_eligible", params={
                "case_number": number, "unit": unit_name, "need": need, "n": len(eligible)}))
            continue
        for _ in range(need):
            low = min(load[p[0]] for p in eligible)
            tied = [p for p in eligible if load[p[0]] == low]
            best = tied[0] if len(tied) == 1 else min(tied, key=lambda p: _tiebreak(number, p[2]))
            eligible.remove(best)
            load[best[0]] += 1
            have.add(best[0])
            plan.append(PlannedAssignment(fid, number, unit_name, best[0], best[3]))
    if problems:
        raise ProblemReport(problems, title_code="assign.auto_impossible")
    return _rebalance(plan, reviewers, load, per_file, {f[0]: f[2] for f in files})


def _rebalance(plan: list[PlannedAssignment], reviewers: list[User], load: Counter, per_file: dict[int, set[int]],
               file_unit: dict[int, int]) -> list[PlannedAssignment]:
    """Greedy file-by-file choice can leave loads uneven under recusal; move planned seats from the
    busiest reviewer to the least busy eligible one until no such move narrows the spread.

    A move needs a reviewer at least two seats below the one giving up the seat, so only seats of
    reviewers at the lowest load + 2 or more are looked at (none at all when the spread is at most 1)."""
    by_id = {r.id: r for r in reviewers}
    plan = list(plan)
    for _ in range(len(plan) * len(reviewers)):
        floor = min(load[r.id] for r in reviewers) + 2
        movable = [(i, p) for i, p in enumerate(plan) if load[p.reviewer_id] >= floor]
        if not movable:
            break
        moved = False
        for i, p in sorted(movable, key=lambda ip: -load[ip[1].reviewer_id]):
            candidates = [r for r in reviewers if r.id not in per_file[p.case_file_id]
                          and r.unit_id != file_unit[p.case_file_id] and load[r.id] + 1 < load[p.reviewer_id]]
            if not candidates:
                continue
            to = min(candidates, key=lambda r: (load[r.id], _tiebreak(p.case_number, r.username)))
            per_file[p.case_file_id].discard(p.reviewer_id)
            per_file[p.case_file_id].add(to.id)
            load[p.reviewer_id] -= 1
            load[to.id] += 1
            plan[i] = PlannedAssignment(p.case_file_id, p.case_number, p.unit, to.id, by_id[to.id].display_name)
            moved = True
            break
        if not moved:
            break
    return plan


def apply_plan(session: Session, actor: User, campaign: Campaign, plan: list[PlannedAssignment], *, how: str) -> int:
    """Write a plan as a whole: recusal checked for every row in bulk, the rows inserted in one
    statement, and only the files that had a final result re-derived (a new, unsubmitted assignment
    can take a result away, never make one)."""
    check(actor, Action.ASSIGN)
    if not plan:
        return 0
    reviewers = {u.id: u for u in session.scalars(select(User).where(User.id.in_({p.reviewer_id for p in plan})))}
    unit_of = {fid: unit for fid, _, unit, _ in _sampled_rows(session, campaign.id)}
    for p in plan:
        reviewer = reviewers.get(p.reviewer_id)
        unit = unit_of.get(p.case_file_id)
        if (reviewer is None or unit is None or reviewer.role not in roles_with(Action.SCORE) or not reviewer.active
                or (reviewer.unit_id is not None and reviewer.unit_id == unit)):
            cf = session.get(CaseFile, p.case_file_id)
            if reviewer is None or cf is None:
                raise NotFound(code="assign.no_reviewer_or_file", reviewer=p.reviewer_id, case_file=p.case_file_id)
            check_recusal(reviewer, cf)  # raises with the reason
    session.flush()
    insert_rows(session, Assignment, [
        {"campaign_id": campaign.id, "case_file_id": p.case_file_id, "reviewer_id": p.reviewer_id} for p in plan])
    touched = {p.case_file_id for p in plan}
    with_result = set(session.scalars(select(FileResult.case_file_id).where(FileResult.campaign_id == campaign.id)))
    for case_file_id in sorted(touched & with_result):
        file_changed(session, campaign.id, case_file_id)
    audit.record(session, actor_id=actor.id, action=f"assign_{how}", entity="campaign", entity_id=campaign.id,
                 new=[{"case_file": p.case_number, "reviewer": p.reviewer} for p in plan])
    return len(plan)


def auto_assign(session: Session, actor: User, campaign: Campaign) -> int:
    """Assign every sampled file its missing reviewers; all or nothing. Returns how many were added."""
    check(actor, Action.ASSIGN)
    return apply_plan(session, actor, campaign, plan_auto_assignment(session, campaign), how="auto")


CSV_FILE_COLUMNS = ("案号", "case_number")
CSV_REVIEWER_COLUMNS = ("评查人员", "reviewer", "用户名", "username")


def plan_from_csv(session: Session, campaign: Campaign, data: bytes, filename: str = "assignments.csv") -> list[PlannedAssignment]:
    """Check a bulk-assignment CSV (columns 案号, 评查人员 = user name or display name); every problem is
    listed by row and column, and nothing is planned unless all rows are good."""
    limits.check_size(len(data), limits.ASSIGNMENT_FILE, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030", errors="strict")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ProblemReport([Problem(code="file.undecodable", params={"bytes": data[exc.start:exc.start + 4].hex(" ")},
                                         file=filename, line=line)], title_code="assign.csv.bad_file") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise ProblemReport([Problem(code="file.bad_csv", params={"why": str(exc)}, file=filename)],
                            title_code="assign.csv.bad_file") from None
    if not rows:
        raise ProblemReport([Problem(code="file.empty", file=filename)], title_code="assign.csv.bad_file")
    header = [h.strip() for h in rows[0]]
    fcol = next((header.index(c) for c in CSV_FILE_COLUMNS if c in header), None)
    rcol = next((header.index(c) for c in CSV_REVIEWER_COLUMNS if c in header), None)
    if fcol is None or rcol is None:
        raise ProblemReport([Problem(code="assign.csv.columns", params={"found": header}, file=filename, row=1)],
                            title_code="assign.csv.bad_file")
    sampled = {cf.case_number: cf for cf in sampled_files(session, campaign.id)}
    users = list(session.scalars(select(User)))
    by_name = {u.username: u for u in users} | {u.display_name: u for u in users if u.display_name}
    existing = _assignments(session, campaign.id)
    count = Counter(a.case_file_id for a in existing)
    pairs = {(a.case_file_id, a.reviewer_id) for a in existing}
    problems: list[Problem] = []
    plan: list[PlannedAssignment] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        number = row[fcol].strip() if fcol < len(row) else ""
        who = row[rcol].strip() if rcol < len(row) else ""
        cf = sampled.get(number)
        reviewer = by_name.get(who)
        if cf is None:
            problems.append(Problem(code="assign.csv.not_sampled", file=filename, row=n,
                                    column=header[fcol], value=number))
        if reviewer is None:
            problems.append(Problem(code="assign.csv.no_user", file=filename, row=n, column=header[rcol], value=who))
        if cf is None or reviewer is None:
            continue
        try:
            check_recusal(reviewer, cf)
        except ValidationFailed as exc:
            problems.append(Problem(code=exc.code, params=exc.params, file=filename, row=n, column=header[rcol],
                                    value=who))
            continue
        if (cf.id, reviewer.id) in pairs:
            problems.append(Problem(code="assign.csv.already", params={"name": reviewer.display_name}, file=filename, row=n,
                                    column=header[rcol], value=who))
            continue
        pairs.add((cf.id, reviewer.id))
        count[cf.id] += 1
        if count[cf.id] > campaign.reviewers_per_file:
            problems.append(Problem(code="assign.csv.too_many", params={
                "n": count[cf.id], "per_file": campaign.reviewers_per_file}, file=filename, row=n, column=header[fcol],
                                    value=number))
            continue
        plan.append(PlannedAssignment(cf.id, cf.case_number, cf.unit.name, reviewer.id, reviewer.display_name))
    if problems:
        raise ProblemReport(problems, title_code="assign.csv.cannot_apply", title_params={"file": filename})
    return plan


@dataclass(frozen=True)
class ReviewerProgress:
    reviewer_id: int
    reviewer: str
    unit: str
    assigned: int
    draft: int
    submitted: int


def reviewer_progress(session: Session, campaign_id: int) -> list[ReviewerProgress]:
    """Files assigned, in draft and submitted per reviewer (counted in SQL: a row per reviewer).

    Each review is looked up by (assignment, status): an equality on both columns of the reviews'
    (assignment_id, status) index, which answers from the index alone. A plain join on assignment_id
    would let SQLite pick the unique assignment_id index (without statistics it always does) and read
    every review row, result document and all, for its status."""
    draft, submitted = aliased(Review), aliased(Review)
    stmt = (
        select(Assignment.reviewer_id, func.count(), func.count(draft.id), func.count(submitted.id))
        .outerjoin(draft, (draft.assignment_id == Assignment.id) & (draft.status == ReviewStatus.DRAFT))
        .outerjoin(submitted, (submitted.assignment_id == Assignment.id)
                   & (submitted.status == ReviewStatus.SUBMITTED))
        .where(Assignment.campaign_id == campaign_id)
        .group_by(Assignment.reviewer_id)
    )
    counts = {uid: (int(n), int(d), int(sub)) for uid, n, d, sub in session.execute(stmt)}
    people = {uid: (name, unit) for uid, name, unit in session.execute(
        select(User.id, User.display_name, func.coalesce(Unit.name, "")).outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.id.in_(list(counts))))}
    return [
        ReviewerProgress(uid, people[uid][0], people[uid][1], n, d, sub)
        for uid, (n, d, sub) in sorted(counts.items(), key=lambda kv: people[kv[0]][0])
    ]


def my_assignments(session: Session, actor: User, campaign_id: int | None = None) -> list[Assignment]:
    """A reviewer's own queue (only their own assignments)."""
    check(actor, Action.OWN_QUEUE)
    stmt = select(Assignment).where(Assignment.reviewer_id == actor.id).order_by(Assignment.id)
    if campaign_id is not None:
        stmt = stmt.where(Assignment.campaign_id == campaign_id)
    return list(session.scalars(stmt))
