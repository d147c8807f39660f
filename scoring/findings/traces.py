"""Tracing a finding to the files and standing defects behind it.

A lead sees real case numbers and unit names. Anyone else (an observer of a published campaign) sees
them anonymised when the campaign says so, by the rule in `scoring.anonymise`: in a unit's findings
the case number's serial is masked; in campaign-level findings the unit is "某单位" and the case "某案".
A lead may ask for the anonymised form (`anonymise=True`, e.g. for a circulated appendix).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from scoring.anonymise import SOME_CASE_SHORT, SOME_UNIT, mask_case_number
from scoring.db.models import (
    CampaignStandard,
    CaseFile,
    FileDeduction,
    FileResult,
    FindingLink,
    Unit,
    User,
)
from scoring.findings.store import readable_finding
from scoring.standards import load_version


@dataclass
class Trace:
    case_file_id: int
    case_number: str
    unit_name: str
    item_id: str
    item_title: str
    reason_id: str
    reason: str
    is_veto: bool
    comment: str
    location: str
    points: Decimal | None  # None when the defect no longer stands (a stale finding's old basis)
    score: Decimal | None
    grade: str | None
    standing: bool  # the defect still stands in the file's final result


def _labels(session: Session, campaign_id: int) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """item/veto id -> title, (item, reason) -> reason text, over the campaign's standard versions."""
    titles: dict[str, str] = {}
    reasons: dict[tuple[str, str], str] = {}
    hashes = session.scalars(select(CampaignStandard.standard_hash).where(
        CampaignStandard.campaign_id == campaign_id).distinct())
    for h in sorted(hashes):
        std = load_version(session, h)
        for item_id, (_, item) in std.items_by_id.items():
            titles.setdefault(item_id, item.title)
            for d in item.deductions:
                reasons.setdefault((item_id, d.id), d.reason)
        for v in std.vetoes:
            titles.setdefault(v.id, v.title)
            reasons.setdefault((v.id, v.id), v.title)
    return titles, reasons


def finding_traces(session: Session, actor: User | None, finding_id: int, *,
                   anonymise: bool | None = None) -> list[Trace]:
    """The files and defects behind a finding, in the units' order then by case number."""
    finding, campaign, lead = readable_finding(session, actor, finding_id)
    masked = bool(anonymise) if lead else campaign.anonymise or bool(anonymise)
    fd, fr = FileDeduction, FileResult
    stmt = (select(FindingLink.case_file_id, CaseFile.case_number, Unit.name, FindingLink.item_id,
                   FindingLink.reason_id, fd.reason, fd.is_veto, fd.comment, fd.location, fd.points, fr.score, fr.grade,
                   fd.id)
            .select_from(FindingLink)
            .join(CaseFile, CaseFile.id == FindingLink.case_file_id)
            .join(Unit, Unit.id == CaseFile.unit_id)
            .outerjoin(fd, and_(fd.campaign_id == campaign.id, fd.case_file_id == FindingLink.case_file_id,
                                fd.item_id == FindingLink.item_id, fd.reason_id == FindingLink.reason_id))
            .outerjoin(fr, and_(fr.campaign_id == campaign.id, fr.case_file_id == FindingLink.case_file_id))
            .where(FindingLink.finding_id == finding.id)
            .order_by(Unit.sort_order, Unit.id, CaseFile.case_number, FindingLink.item_id, FindingLink.reason_id))
    rows = session.execute(stmt).all()
    titles, reasons = _labels(session, campaign.id) if rows else ({}, {})
    out = []
    for (cf_id, number, unit, item_id, reason_id, reason, is_veto, comment, location, points, score, grade,
         fd_id) in rows:
        if masked:
            if finding.unit_id is None:
                number, unit = SOME_CASE_SHORT, SOME_UNIT
            else:
                number = mask_case_number(number)
        out.append(Trace(
            case_file_id=cf_id, case_number=number, unit_name=unit, item_id=item_id,
            item_title=titles.get(item_id, item_id), reason_id=reason_id,
            reason=reason if reason is not None else reasons.get((item_id, reason_id), reason_id),
            is_veto=bool(is_veto) if is_veto is not None else item_id == reason_id, comment=comment or "",
            location=location or "", points=points, score=score, grade=grade, standing=fd_id is not None))
    return out
