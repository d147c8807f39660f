"""Final results kept in tables, so units and campaigns are compared with SQL aggregation.

`refresh` re-derives one file's final result (definition in `scoring.workflow.recheck`) and its focus-area
scores and standing defects; the workflow calls it on every submit, reopen, re-check and assignment
change, in the same transaction. `rebuild` re-derives a whole campaign (and a test checks both agree).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from scoring.audit_state import insert_rows
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileDeduction,
    FileFocusScore,
    FileResult,
    Recheck,
    Review,
)
from scoring.domain import ReviewStatus
from scoring.engine import round_score
from scoring.marks import Marks
from scoring.standards import load_version
from scoring.workflow.assignments import sampled_files
from scoring.workflow.campaigns import campaign_bands, file_grading
from scoring.workflow.changes import on_file_changed
from scoring.workflow.recheck import outcome
from scoring.workflow.reviews import marks_of

D0 = Decimal(0)


def _dec(v: object) -> Decimal:
    return Decimal(str(v))


def _result_of(review: Review) -> dict[str, Any]:
    """A submitted review's result document (submitting a review stores it)."""
    if review.result is None:
        raise ValueError(f"review {review.id} is not scored")  # internal: submitted reviews carry a score
    return review.result


def _defects(session: Session, results: Sequence[tuple[str, dict, Callable[[], Marks]]]) -> dict[tuple[str, str], dict]:
    """(item, reason) -> merged defect over the given (standard hash, result dict, marks) sources; the marks
    are asked for only where a veto was found (for its comment and location)."""
    merged: dict[tuple[str, str], dict] = {}
    for std_hash, result, marks_of_source in results:
        standard = load_version(session, std_hash)
        entries = [
            dict(item_id=d["item_id"], reason_id=d["reason_id"], is_veto=False, focus=d["focus"], reason=d["reason"],
                 points=_dec(d["points"]), comment=d.get("comment") or "", location=d.get("location") or "")
            for d in result.get("deductions", [])
        ]
        vetoes = result.get("veto", {}).get("triggered", [])
        if vetoes:
            marks = marks_of_source()
            for vid in vetoes:
                v = standard.vetoes_by_id[vid]
                vm = marks.vetoes.get(vid)
                entries.append(dict(item_id=vid, reason_id=vid, is_veto=True, focus=v.focus, reason=v.title,
                                    points=D0, comment=vm.comment if vm else "",
                                    location=vm.location.describe() if vm else ""))
        for e in entries:
            key = (e["item_id"], e["reason_id"])
            if key in merged:
                m = merged[key]
                m["points_sum"] += e["points"]
                m["reviews"] += 1
                m["comment"] = m["comment"] or e["comment"]
                m["location"] = m["location"] or e["location"]
            else:
                merged[key] = {**e, "points_sum": e.pop("points"), "reviews": 1, "standard_hash": std_hash}
    return merged


def refresh(session: Session, campaign: Campaign, case_file: CaseFile) -> FileResult | None:
    """Re-derive one file's final result rows; remove them when the file has no final result (yet)."""
    of_file = {m: (m.campaign_id == campaign.id, m.case_file_id == case_file.id)
               for m in (FileResult, FileFocusScore, FileDeduction)}
    if session.scalar(select(or_(*[exists().where(*w) for w in of_file.values()]))):  # one look, not three deletes
        for model, criteria in of_file.items():  # (most refreshes, a file's first submitted review, find nothing)
            session.execute(delete(model).where(*criteria))
    out = outcome(session, campaign, case_file)
    if out.source is None:
        return None
    reviews = session.scalars(
        select(Review).join(Assignment).where(
            Assignment.campaign_id == campaign.id, Assignment.case_file_id == case_file.id,
            Review.status == ReviewStatus.SUBMITTED)).all()
    n_reviews = len(reviews)  # submitted reviews of the file, whichever way its result was settled
    if out.source == "recheck":
        rc = session.get_one(Recheck, out.recheck_id)
        sources = [(rc.standard_hash, rc.result, functools.partial(Marks.model_validate, rc.marks))]
    else:
        sources = [(r.standard_hash, _result_of(r), functools.partial(marks_of, r)) for r in reviews]
    bands, pass_line = (file_grading(session, campaign, sources[0][0]) if sources
                        else (campaign_bands(campaign), campaign.pass_line))
    bands_pass = {b.name: b.min >= pass_line for b in bands}
    assert out.grade is not None  # a file with a source has its score and grade
    row = FileResult(campaign_id=campaign.id, case_file_id=case_file.id, unit_id=case_file.unit_id,
                     case_type=case_file.case_type, source=out.source, score=out.score, grade=out.grade,
                     passed=bands_pass[out.grade], veto=out.veto, reviews=n_reviews)
    session.add(row)
    focus_max: dict[str, Decimal] = defaultdict(lambda: D0)
    focus_earned: dict[str, Decimal] = defaultdict(lambda: D0)
    for _, result, _ in sources:
        for part in result.get("focus", []):
            focus_max[part["id"]] += _dec(part["applicable_max"])
            focus_earned[part["id"]] += _dec(part["earned"])
    n = Decimal(len(sources))
    where = {"campaign_id": campaign.id, "case_file_id": case_file.id, "unit_id": case_file.unit_id}
    insert_rows(session, FileFocusScore, [
        {**where, "focus": focus, "applicable_max": round_score(focus_max[focus] / n),
         "earned": round_score(focus_earned[focus] / n)} for focus in sorted(focus_max)])
    insert_rows(session, FileDeduction, [
        {**where, "standard_hash": m["standard_hash"], "item_id": item_id, "reason_id": reason_id,
         "is_veto": m["is_veto"], "focus": m["focus"], "reason": m["reason"],
         "points": round_score(m["points_sum"] / m["reviews"]), "reviews": m["reviews"], "comment": m["comment"],
         "location": m["location"]}
        for (item_id, reason_id), m in sorted(_defects(session, sources).items())])
    session.flush()
    return row


@on_file_changed
def refresh_by_ids(session: Session, campaign_id: int, case_file_id: int) -> FileResult | None:
    return refresh(session, session.get_one(Campaign, campaign_id), session.get_one(CaseFile, case_file_id))


def rebuild(session: Session, campaign: Campaign) -> int:
    """Re-derive every sampled file's final result; returns how many files have one."""
    return sum(refresh(session, campaign, cf) is not None for cf in sampled_files(session, campaign.id))
