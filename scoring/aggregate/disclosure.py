"""What a reader of the results may see: the permission check and anonymisation, for every page.

* Results: a lead reads every campaign; observers and reviewers only published ones
  (`scoring.workflow.campaigns.can_read_results`). Every entry point here checks it first, whatever campaign id
  it is handed (a URL, a stale selection).
* Reviewer names (agreement, severity) are shown to leads only; anyone else gets stable aliases
  `A`, `B`, ... (`username`) and `评查人员A` (`display_name`), lettered in the order the rows come.
* Case numbers and reviewers' comments in file lists and typical-problem examples are anonymised for
  everyone but the lead when the campaign says `anonymise`: the serial numbers in a case number are
  masked by the one rule of `scoring.anonymise` (`东环罚〔2024〕12号` -> `东环罚〔2024〕****号`) and comments are left out (they
  are free text and may name the parties). Unit names stay: the results are about units.
* A file's drill-down for anyone but the lead is its final result only (score, grade, the defects
  standing in it), never the individual reviews.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.aggregate.agreement import Agreement, ReviewerSeverity, agreement
from scoring.aggregate.campaign import ProblemFile, problem_files
from scoring.aggregate.common import Defect, focus_label, focus_order, titles_for
from scoring.aggregate.units import FileRow, file_list
from scoring.anonymise import mask_case_number
from scoring.db.models import Campaign, CaseFile, FileDeduction, FileResult, Unit, User
from scoring.domain import REVIEWER_ALIAS_PREFIX, reviewer_alias
from scoring.errors import NotFound
from scoring.policy import Action, allowed
from scoring.workflow.publish import require_results_access

R = TypeVar("R", FileRow, ProblemFile)


def is_lead(actor: User | None) -> bool:
    """Whether the reader sees reviewers' names (`Action.READ_REVIEWER_NAMES`: the lead)."""
    return allowed(actor, Action.READ_REVIEWER_NAMES)


def results_campaign(session: Session, actor: User | None, campaign_id: int) -> Campaign:
    """The campaign, if this reader may read its results (NotFound / PermissionDenied otherwise)."""
    campaign = session.get(Campaign, int(campaign_id))
    if campaign is None:
        raise NotFound(code="results.no_campaign", id=campaign_id)
    require_results_access(actor, campaign)
    return campaign


def anonymised_for(actor: User | None, campaign: Campaign) -> bool:
    """Case numbers and comments are hidden from this reader in this campaign."""
    return bool(campaign.anonymise) and not allowed(actor, Action.READ_UNMASKED)




def disclose_severity(actor: User | None, rows: Sequence[ReviewerSeverity]) -> list[ReviewerSeverity]:
    """Severity rows as this reader may see them: names for the lead, aliases (and no ids) for others."""
    if is_lead(actor):
        return list(rows)
    return [dataclasses.replace(r, reviewer_id=0, username=reviewer_alias(i),
                                display_name=f"{REVIEWER_ALIAS_PREFIX}{reviewer_alias(i)}")
            for i, r in enumerate(rows)]


def disclose_files(actor: User | None, campaign: Campaign, rows: Sequence[R]) -> list[R]:
    """File rows (a unit's files, a problem's files) with case numbers masked and comments left out
    when the campaign is anonymised and the reader is not the lead."""
    if not anonymised_for(actor, campaign):
        return list(rows)
    out = []
    for r in rows:
        changes: dict[str, Any] = {"case_number": mask_case_number(r.case_number)}
        if isinstance(r, ProblemFile):
            changes["comment"] = ""
        out.append(dataclasses.replace(r, **changes))
    return out


def readable_file_list(session: Session, actor: User | None, campaign_id: int, **filters: Any) -> list[FileRow]:
    """`file_list` for this reader (access checked, anonymised where due)."""
    campaign = results_campaign(session, actor, campaign_id)
    return disclose_files(actor, campaign, file_list(session, actor, campaign_id, **filters))


def readable_problem_files(session: Session, actor: User | None, campaign_id: int, item_id: str, reason_id: str,
                           **filters: Any) -> list[ProblemFile]:
    """`problem_files` for this reader (access checked, anonymised where due)."""
    campaign = results_campaign(session, actor, campaign_id)
    return disclose_files(actor, campaign, problem_files(session, actor, campaign_id, item_id, reason_id, **filters))


def readable_agreement(session: Session, actor: User | None, campaign_id: int, **options: Any) -> Agreement:
    """`agreement` for this reader: access checked, reviewer names only for the lead."""
    results_campaign(session, actor, campaign_id)
    found = agreement(session, campaign_id, **options)
    found.severity = disclose_severity(actor, found.severity)
    return found


@dataclass
class FinalDefect(Defect):
    """A deduction reason (or veto) standing in a file's final result."""

    points: Decimal  # mean over the reviews that recorded it (re-check: its own)
    reviews: int  # how many reviews recorded it (re-check: 1)
    comment: str
    location: str


@dataclass
class FinalResult(FileRow):
    """A file's final result as a reader sees it in a drill-down (no individual reviews)."""

    campaign_id: int = 0
    anonymised: bool = False
    defects: list[FinalDefect] = field(default_factory=list)  # focus order, then item and reason


def final_result(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> FinalResult:
    """One file's final result with the defects standing in it, for this reader."""
    campaign = results_campaign(session, actor, campaign_id)
    row = session.execute(
        select(FileResult, CaseFile.case_number, Unit.name).join(CaseFile, CaseFile.id == FileResult.case_file_id)
        .join(Unit, Unit.id == FileResult.unit_id)
        .where(FileResult.campaign_id == campaign.id, FileResult.case_file_id == int(case_file_id))).one_or_none()
    if row is None:
        raise NotFound(code="results.no_final_result", id=case_file_id, name=campaign.name)
    fr, case_number, unit = row
    hidden = anonymised_for(actor, campaign)
    deductions = list(session.scalars(select(FileDeduction).where(
        FileDeduction.campaign_id == campaign.id, FileDeduction.case_file_id == fr.case_file_id)))
    titles = titles_for(session, {d.standard_hash for d in deductions}) if deductions else {}
    order = {f: i for i, f in enumerate(focus_order({d.focus for d in deductions}))}
    deductions.sort(key=lambda d: (not d.is_veto, order[d.focus], d.item_id, d.reason_id))
    defects = [FinalDefect(d.focus, focus_label(d.focus), d.item_id, titles.get(d.item_id, d.item_id), d.reason_id,
                           d.reason, bool(d.is_veto), d.points, d.reviews, "" if hidden else d.comment, d.location)
               for d in deductions]
    return FinalResult(case_file_id=fr.case_file_id,
                       case_number=mask_case_number(case_number) if hidden else case_number, unit_id=fr.unit_id,
                       unit=unit, case_type=fr.case_type, score=fr.score, grade=fr.grade, passed=bool(fr.passed),
                       veto=bool(fr.veto), source=fr.source, reviews=fr.reviews, campaign_id=campaign.id,
                       anonymised=hidden, defects=defects)
