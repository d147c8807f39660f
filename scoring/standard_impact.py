"""Impact before change: what switching a campaign to an edited standard version would do.

Before the switch, every review (and re-check) scored under the current version of that standard is
re-scored under both versions with the same marks; the result lists each file whose score or grade
moves, each unit whose mean moves, and the marks the new version cannot take (a removed item or reason).
The switch itself is an explicit, audited step by the panel lead: it is refused while any mark does not
fit the new version, stores the new version, re-scores the reviews and re-checks under it (each then
records the new version) and refreshes the final results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit, policy
from scoring.db.models import (
    Assignment,
    Campaign,
    CampaignStandard,
    CaseFile,
    Recheck,
    Review,
    User,
    utcnow,
)
from scoring.engine import round_score, score
from scoring.errors import NotFound, Problem, ProblemReport, ValidationFailed
from scoring.file_attributes import attributes_of
from scoring.marks import Marks
from scoring.messages import Msg
from scoring.rubric.model import Standard
from scoring.standards import load_version, store_standard
from scoring.workflow.campaigns import file_grading
from scoring.workflow.results import rebuild
from scoring.workflow.reviews import marks_of, store_marks


@dataclass
class FileChange:
    case_file_id: int
    case_number: str
    unit: str
    old_score: Decimal
    new_score: Decimal
    old_grade: str
    new_grade: str

    @property
    def grade_changes(self) -> bool:
        return self.old_grade != self.new_grade


@dataclass
class UnitChange:
    unit: str
    files: int
    old_mean: Decimal
    new_mean: Decimal


@dataclass
class Impact:
    standard_id: str
    old_hash: str
    new_hash: str
    files_checked: int = 0
    files: list[FileChange] = field(default_factory=list)  # only files whose score or grade moves
    units: list[UnitChange] = field(default_factory=list)  # only units whose mean moves
    problems: list[Problem] = field(default_factory=list)  # marks the new version cannot take

    @property
    def grade_changes(self) -> list[FileChange]:
        return [f for f in self.files if f.grade_changes]


def _scope_rows(session: Session, campaign: Campaign, standard_id: str) -> list[CampaignStandard]:
    rows = [r for r in session.scalars(select(CampaignStandard).where(CampaignStandard.campaign_id == campaign.id))
            if load_version(session, r.standard_hash).id == standard_id]
    if not rows:
        raise NotFound(code="impact.not_in_campaign", campaign=campaign.name, standard=standard_id)
    return rows


def standards_in_use(session: Session, actor: User, campaign: Campaign) -> dict[str, str]:
    """The standards the campaign scores with: standard id -> the version (hash) it uses now."""
    policy.check(actor, policy.Action.SWITCH_STANDARD)
    out: dict[str, str] = {}
    for row in session.scalars(select(CampaignStandard).where(CampaignStandard.campaign_id == campaign.id)
                               .order_by(CampaignStandard.id)):
        out.setdefault(load_version(session, row.standard_hash).id, row.standard_hash)
    return out


def _scored(session: Session, campaign: Campaign, old_hash: str) -> list[tuple[CaseFile, list[tuple[str, Marks, dict | None]]]]:
    """Per file scored under `old_hash`: each scoring's (kind, marks, answers): the re-check if there is one,
    else the reviews (the final result is the re-check, else the mean of the reviews)."""
    by_file: dict[int, list[tuple[str, Marks, dict | None]]] = defaultdict(list)
    files: dict[int, CaseFile] = {}
    rechecked: set[int] = set()
    for rc in session.scalars(select(Recheck).where(Recheck.campaign_id == campaign.id,
                                                    Recheck.standard_hash == old_hash)):
        by_file[rc.case_file_id].append((f"recheck:{rc.id}", Marks.model_validate(rc.marks), None))
        files[rc.case_file_id] = rc.case_file
        rechecked.add(rc.case_file_id)
    for review in session.scalars(select(Review).join(Assignment).where(
            Assignment.campaign_id == campaign.id, Review.standard_hash == old_hash).order_by(Review.id)):
        cf = review.assignment.case_file
        if cf.id not in rechecked:
            by_file[cf.id].append((f"review:{review.id}", marks_of(review), review.answers))
            files[cf.id] = cf
    return [(files[cid], by_file[cid]) for cid in sorted(by_file)]


def simulate(session: Session, actor: User, campaign: Campaign, new: Standard) -> Impact:
    """Re-score every scoring made under the campaign's current version of `new.id` under both versions."""
    policy.check(actor, policy.Action.SWITCH_STANDARD)
    rows = _scope_rows(session, campaign, new.id)
    old_hash = rows[0].standard_hash
    old = load_version(session, old_hash)
    if old_hash == new.hash:
        raise ValidationFailed(code="impact.same_version", campaign=campaign.name, standard=new.id)
    bands, pass_line = file_grading(session, campaign, old_hash)
    if not rows[0].grade_bands:  # no override: the new version's own bands grade under it
        new_bands, new_pass = list(new.grade_bands), new.pass_line
    else:
        new_bands, new_pass = bands, pass_line
    impact = Impact(standard_id=new.id, old_hash=old_hash, new_hash=new.hash)
    unit_old: dict[str, list[Decimal]] = defaultdict(list)
    unit_new: dict[str, list[Decimal]] = defaultdict(list)
    for cf, scorings in _scored(session, campaign, old_hash):
        impact.files_checked += 1
        olds, news, ok = [], [], True
        for what, marks, answers in scorings:
            attrs = attributes_of(cf, answers)
            before = score(old, attrs, marks, bands=bands, pass_line=pass_line)
            try:
                after = score(new, attrs, marks, bands=new_bands, pass_line=new_pass)
            except ProblemReport as exc:
                ok = False
                impact.problems.extend(
                    Problem(code="impact.misfit", params={"case_number": cf.case_number, "what": what,
                                                          "why": Msg(p.code, p.params) if p.code else p.message},
                            path=p.path) for p in exc.problems)
                continue
            olds.append(before)
            news.append(after)
        if not ok or not olds:
            continue
        o = round_score(sum((r.score for r in olds), Decimal(0)) / len(olds))
        n = round_score(sum((r.score for r in news), Decimal(0)) / len(news))
        og = olds[0].grade if len(olds) == 1 else _grade(o, bands, olds)
        ng = news[0].grade if len(news) == 1 else _grade(n, new_bands, news)
        unit_old[cf.unit.name].append(o)
        unit_new[cf.unit.name].append(n)
        if (o, og) != (n, ng):
            impact.files.append(FileChange(cf.id, cf.case_number, cf.unit.name, o, n, og, ng))
    for unit in sorted(unit_old):
        om = round_score(sum(unit_old[unit], Decimal(0)) / len(unit_old[unit]))
        nm = round_score(sum(unit_new[unit], Decimal(0)) / len(unit_new[unit]))
        if om != nm:
            impact.units.append(UnitChange(unit, len(unit_old[unit]), om, nm))
    return impact


def _grade(mean: Decimal, bands: list, results: list) -> str:
    """The mean's grade, no better than the worst vetoed review's grade (as the final result does)."""
    names = [b.name for b in bands]
    grades = [next(b.name for b in bands if mean >= b.min)] + [r.grade for r in results if r.veto.triggered]
    return names[max(names.index(g) for g in grades if g in names)]


def switch(session: Session, actor: User, campaign: Campaign, new: Standard, *, reason: str,
           expected_new_hash: str) -> Impact:
    """Switch the campaign to `new` (an explicit step: the lead confirms the version hash they reviewed the
    impact of). Refused while marks do not fit. Re-scores under the new version; audited."""
    policy.check(actor, policy.Action.SWITCH_STANDARD)
    if not reason.strip():
        raise ValidationFailed(code="impact.reason_needed")
    if expected_new_hash != new.hash:
        raise ValidationFailed(code="impact.changed_since", hash=new.hash[:12])
    impact = simulate(session, actor, campaign, new)
    if impact.problems:
        raise ProblemReport(impact.problems, title_code="impact.misfit_title", title_params={"n": impact.files_checked})
    store_standard(session, new)
    for row in _scope_rows(session, campaign, new.id):
        row.standard_hash = new.hash
    session.flush()
    for cf, scorings in _scored(session, campaign, impact.old_hash):
        for what, marks, _ in scorings:
            kind, _, ident = what.partition(":")
            if kind == "review":
                review = session.get_one(Review, int(ident))
                review.standard_hash = new.hash
                store_marks(session, review, marks)
                review.updated_at = utcnow()
            else:
                rc = session.get_one(Recheck, int(ident))
                bands, pass_line = file_grading(session, campaign, new.hash)
                result = score(new, attributes_of(cf), marks, bands=bands, pass_line=pass_line)
                rc.standard_hash = new.hash
                rc.total, rc.grade, rc.veto = result.score, result.grade, bool(result.veto.triggered)
                rc.result = result.to_dict()
    session.flush()
    rebuild(session, campaign)
    audit.record(session, actor_id=actor.id, action="switch_standard", entity="campaign", entity_id=campaign.id,
                 old={"standard": new.id, "hash": impact.old_hash},
                 new={"standard": new.id, "hash": new.hash, "files_changed": len(impact.files),
                      "grades_changed": len(impact.grade_changes)}, note=reason.strip())
    return impact
