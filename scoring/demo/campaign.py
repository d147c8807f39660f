"""Finished demo campaigns (2023 and 2024), run through the real workflow so the comparison pages have
something to show on first run.

For each campaign, as the panel lead: create it (`create_campaign`, the shipped standards by the default
mapping, default bands and re-check rules, two reviewers per file), draw the sample with a fixed seed
(`draw_sample`: a count per unit, stratified by case type, forced major decisions / waivers / hearings),
assign the demo reviewers (`plan_auto_assignment` + `apply_plan`, the core of `auto_assign`, limited to
the demo panel so that real accounts in the same database are never given demo work), then let every
reviewer open, save and submit their review (`open_review`, `save_draft`, `submit_review`) with the marks
`scoring.demo.marking` invents, and re-check (`record_recheck`) every file whose reviews trigger one of
the campaign's re-check rules; for the latest campaign, run the feedback round before publishing
(`_objection_round`: the results were released to the units, the 区城管执法局 liaison objected to one
deduction, and a panel member who had not scored the file decided it); finally publish the results
(`publish_campaign`), so that observers see them too. Nothing is written to the result tables directly:
the core keeps them.

The stratified draw picks files of every case type; the shipped standards cover them all (行政强制 by
`coercion`, 行政确认 / 给付 / 征收征用 by `other-acts`), so the demo uses the shipped library as it is.

Idempotent and resumable: a campaign is found by name; each step is skipped when already done (sample
drawn, reviewers assigned, review submitted, file re-checked, results published). The marks of a file depend only on the
content seed, the year, the case number and the reviewer, never on the order of work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileDeduction,
    FileResult,
    Review,
    SampleItem,
    SampleRecord,
    User,
    utcnow,
)
from scoring.db.session import transaction
from scoring.demo.marking import file_truth, lead_marks, reviewer_marks
from scoring.demo.people import LIAISON
from scoring.demo.progress import report
from scoring.domain import ReviewStatus, Role, reviewer_alias
from scoring.engine import ScoreResult, round_score, score
from scoring.errors import CaseReviewError
from scoring.objections.deciding import assign_objection, decide_objection, eligible_deciders
from scoring.objections.filing import file_objection
from scoring.objections.window import release_results, window_of
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary
from scoring.rubric.model import Standard
from scoring.standards import load_version
from scoring.workflow.assignments import apply_plan, plan_auto_assignment, sampled_files
from scoring.workflow.campaigns import (
    campaign_bands,
    create_campaign,
    file_grading,
    spec_from_options,
    standard_hash_for,
)
from scoring.workflow.publish import PUBLISHED, publish_campaign
from scoring.workflow.recheck import outcome, record_recheck, submitted_score
from scoring.workflow.reviews import attributes_of, open_review, save_draft, submit_review
from scoring.workflow.sampling import current_sample, draw_sample

CONTENT_SEED = 20250115  # the marks (picked so that every designed weakness shows in the small samples)


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    year: int
    sample_seed: int
    per_unit: int
    forced: tuple[str, ...]

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)

    @property
    def rules(self) -> dict[str, Any]:
        return {"quota": {"count": self.per_unit}, "stratify_by_case_type": True,
                "forced": [{"flag": flag, "min": 1} for flag in self.forced]}


CAMPAIGNS: tuple[DemoCampaign, ...] = (
    DemoCampaign("2023年度行政执法案卷评查（示例）", 2023, 20230601, 2, ("major_decision", "waiver")),
    DemoCampaign("2024年度行政执法案卷评查（示例）", 2024, 20240601, 3, ("major_decision", "waiver", "hearing_held")),
)
CAMPAIGN_NAMES = tuple(c.name for c in CAMPAIGNS)


def demo_library() -> RubricLibrary:
    """The shipped standards (`rubrics/`): their default mapping covers every case type."""
    return RubricLibrary.load([DEFAULT_RUBRIC_DIR])


def load_campaigns(engine: Engine, lead_id: int, reviewer_ids: list[int]) -> list[dict[str, Any]]:
    """Create, sample, assign, score and re-check every demo campaign (each a no-op when finished)."""
    library: RubricLibrary | None = None
    out = []
    for spec in CAMPAIGNS:
        if library is None and not _finished(engine, spec):
            library = demo_library()
        out.append(_load_one(engine, spec, lead_id, reviewer_ids, library))
    return out


def _find(session: Session, spec: DemoCampaign) -> Campaign | None:
    campaign = session.scalar(select(Campaign).where(Campaign.name == spec.name))
    if campaign is not None and (campaign.year, campaign.window_start, campaign.window_end) != (spec.year, *spec.window):
        raise CaseReviewError(code="demo.campaign_clash", name=spec.name, year=campaign.year,
                              start=campaign.window_start, end=campaign.window_end)
    return campaign


def _sample_size(session: Session, campaign_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(SampleItem).join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
        .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))) or 0


def _results(session: Session, campaign_id: int) -> int:
    return session.scalar(select(func.count()).select_from(FileResult).where(FileResult.campaign_id == campaign_id)) or 0


def _finished(engine: Engine, spec: DemoCampaign) -> bool:
    with transaction(engine) as session:
        campaign = _find(session, spec)
        if campaign is None:
            return False
        size = _sample_size(session, campaign.id)
        return size > 0 and _results(session, campaign.id) == size and campaign.status == PUBLISHED


def _load_one(engine: Engine, spec: DemoCampaign, lead_id: int, reviewer_ids: list[int],
              library: RubricLibrary | None) -> dict[str, Any]:
    created = False
    if _finished(engine, spec):
        with transaction(engine) as session:
            finished = _find(session, spec)
            assert finished is not None  # `_finished` found it
            return summary(session, finished, created=False, changed=False)
    assert library is not None
    with transaction(engine) as session:
        campaign = _find(session, spec)
        if campaign is None:
            start, end = spec.window
            campaign = create_campaign(
                session, spec_from_options(name=spec.name, year=spec.year, window_start=start, window_end=end,
                                           reviewers_per_file=2),
                library, session.get_one(User, lead_id))
            created = True
        campaign_id = campaign.id
    report(f"draw:{spec.year}", 0, 1)
    if current_sample(engine, campaign_id, actor_id=lead_id) is None:
        draw_sample(engine, campaign_id, spec.rules, spec.sample_seed, actor_id=lead_id)
    with transaction(engine) as session:
        campaign = session.get_one(Campaign, campaign_id)
        lead = session.get_one(User, lead_id)
        reviewers = [session.get_one(User, i) for i in reviewer_ids]
        plan = plan_auto_assignment(session, campaign, reviewers)
        if plan:
            apply_plan(session, lead, campaign, plan, how="auto")
        _score_all(session, spec, campaign, lead)
        if campaign.status != PUBLISHED:
            if spec == CAMPAIGNS[-1]:
                _objection_round(session, campaign, lead)
            publish_campaign(session, lead, campaign)
        return summary(session, campaign, created=created, changed=True)


def _objection_round(session: Session, campaign: Campaign, lead: User) -> None:
    """Feedback before publication (issue 13), as it happened some days ago: the results released to the
    units with a week to object, the demo liaison's objection to the first standing deduction of one of
    their unit's files, assigned to a demo reviewer who did not score it, who upholds it (the marks stand,
    so the demo's results are the same with or without the round). The window is closed by now, as
    publishing requires. Skipped when the results were released already or the liaison is missing."""
    liaison = session.scalar(select(User).where(User.username == LIAISON.username, User.active.is_(True)))
    if liaison is None or window_of(session, campaign.id) is not None:
        return
    released = utcnow().replace(microsecond=0) - dt.timedelta(days=12)
    release_results(session, lead, campaign, released + dt.timedelta(days=7), now=released)
    deduction = session.scalars(
        select(FileDeduction).join(CaseFile, CaseFile.id == FileDeduction.case_file_id)
        .where(FileDeduction.campaign_id == campaign.id, CaseFile.unit_id == liaison.unit_id,
               FileDeduction.is_veto.is_(False))
        .order_by(CaseFile.case_number, FileDeduction.item_id, FileDeduction.reason_id)).first()
    if deduction is None:
        return
    objection = file_objection(
        session, liaison, campaign, deduction.case_file_id, deduction.item_id, deduction.reason_id,
        "该处问题已在案卷归档前补正，补正材料附于卷末，请复核后撤销该项扣分。", now=released + dt.timedelta(days=3))
    member = next(m for m in eligible_deciders(session, lead, objection.id) if m.role == Role.REVIEWER)
    assign_objection(session, lead, objection.id, member.id)
    decide_objection(session, member, objection.id, "upheld",
                     "经复核，卷末补正材料形成于决定作出之后，不能证明办案时已规范处理，维持原扣分。")


def _score_all(session: Session, spec: DemoCampaign, campaign: Campaign, lead: User) -> None:
    standards: dict[str, Standard] = {}
    files = sampled_files(session, campaign.id)
    for n, case_file in enumerate(files):
        report(f"score:{spec.year}", n, len(files))
        std_hash = standard_hash_for(session, campaign, case_file)
        if std_hash not in standards:
            standards[std_hash] = load_version(session, std_hash)
        standard = standards[std_hash]
        attrs = attributes_of(case_file)
        truth = file_truth(CONTENT_SEED, spec.year, case_file.case_number, case_file.unit.name, case_file.unit.kind,
                           attrs, case_file.decision_date, standard)
        assignments = list(session.scalars(
            select(Assignment).where(Assignment.campaign_id == campaign.id, Assignment.case_file_id == case_file.id)
            .order_by(Assignment.id)))
        for a in assignments:
            if a.review is not None and a.review.status == ReviewStatus.SUBMITTED:
                continue
            reviewer = a.reviewer
            review = open_review(session, reviewer, a.id)
            marks = reviewer_marks(CONTENT_SEED, spec.year, truth, standard, attrs, reviewer.username)
            review = save_draft(session, reviewer, review.id, marks, review.version)
            submit_review(session, reviewer, review.id, review.version)
        out = outcome(session, campaign, case_file)
        if out.source is None and out.triggers:
            reviews = [a.review for a in assignments if a.review is not None]  # all of them: submitted above
            _recheck(session, spec, campaign, lead, case_file, standard, truth, reviews, out.triggers)
    report(f"score:{spec.year}", len(files), len(files))


TRIGGER_TEXT = {
    "grade_differs": "两名评查人员评定等次不一致（{grades}）",
    "veto_one_side": "否决项仅一方认定",
    "gap": "两份评分相差{gap}分",
    "below_pass_line": "有评分低于合格线",
}
LABELS = [reviewer_alias(i) for i in range(5)]  # the one alias scheme (scoring.domain)


def _vetoes(result: dict | ScoreResult | None) -> set[str]:
    if isinstance(result, ScoreResult):
        return set(result.veto.triggered)
    return set((result or {}).get("veto", {}).get("triggered", []))


def _recheck(session: Session, spec: DemoCampaign, campaign: Campaign, lead: User, case_file: CaseFile,
             standard: Standard, truth: Any, reviews: list[Review], triggers: list[str]) -> None:
    """The lead's re-check: adopt a review that matches their own view, else record their own marks."""
    attrs = attributes_of(case_file)
    marks = lead_marks(CONTENT_SEED, spec.year, truth, standard, attrs)
    bands, pass_line = file_grading(session, campaign, standard.hash)
    own = score(standard, attrs, marks, bands=bands, pass_line=pass_line)
    adopted = next(
        ((label, r) for label, r in zip(LABELS, reviews, strict=False)
         if _vetoes(r.result) == _vetoes(own) and r.grade == own.grade
         and abs(submitted_score(r)[0] - own.score) <= Decimal(1)),
        None)
    totals = [submitted_score(r)[0] for r in reviews]
    grades = [submitted_score(r)[1] for r in reviews]
    why = "；".join(TRIGGER_TEXT[t].format(grades="/".join(grades), gap=max(totals) - min(totals))
                   for t in triggers)
    found = ""
    vetoed = _vetoes(own)
    if vetoed:
        titles = "、".join(f"“{standard.vetoes_by_id[v].title}”" for v in sorted(vetoed))
        found = f"确认存在否决项情形{titles}，"
    elif any(_vetoes(r.result) for r in reviews):
        found = "未发现否决项情形，"
    if adopted is not None:
        label, review = adopted
        reason = (f"复核原因：{why}。组长调阅原卷复核，{found}认为评查人员{label}的评分意见准确，予以采纳，"
                  f"最终得分{review.total}分（{review.grade}）。")
        record_recheck(session, lead, campaign, case_file, reason=reason, adopt_review_id=review.id)
    else:
        reason = f"复核原因：{why}。组长调阅原卷逐项复核，{found}重新评定最终得分{own.score}分（{own.grade}）。"
        record_recheck(session, lead, campaign, case_file, reason=reason, marks=marks)


def summary(session: Session, campaign: Campaign, *, created: bool = False, changed: bool = False) -> dict[str, Any]:
    """Counts for messages and tests: files, submitted reviews, results by source, vetoes, grades."""
    cid = campaign.id
    by_source = dict(session.execute(select(FileResult.source, func.count()).where(FileResult.campaign_id == cid)
                                     .group_by(FileResult.source)).all())
    grades = dict(session.execute(select(FileResult.grade, func.count()).where(FileResult.campaign_id == cid)
                                  .group_by(FileResult.grade)).all())
    submitted = session.scalar(
        select(func.count()).select_from(Review).join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.campaign_id == cid, Review.status == ReviewStatus.SUBMITTED)) or 0
    vetoes = session.scalar(select(func.count()).select_from(FileResult)
                            .where(FileResult.campaign_id == cid, FileResult.veto.is_(True))) or 0
    scores = list(session.scalars(select(FileResult.score).where(FileResult.campaign_id == cid)))
    return {
        "id": cid, "name": campaign.name, "year": campaign.year, "status": campaign.status, "created": created,
        "changed": changed,
        "files": _sample_size(session, cid), "reviews": submitted, "results": sum(by_source.values()),
        "by_mean": by_source.get("mean", 0), "rechecked": by_source.get("recheck", 0), "vetoes": vetoes,
        "grades": {b.name: grades.get(b.name, 0) for b in campaign_bands(campaign)},
        "average": round_score(sum(scores, Decimal(0)) / len(scores)) if scores else None,
    }
