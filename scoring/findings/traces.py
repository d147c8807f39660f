"""Tracing a finding to the files and standing defects behind it.

A lead sees real case numbers and unit names. Anyone else (an observer of a published campaign) sees
them anonymised when the campaign says so, by the rule in `scoring.anonymise`: in a unit's findings
the case number's serial is masked; in campaign-level findings the unit is "某单位" and the case "某案".
A lead may ask for the anonymised form (`anonymise=True`, e.g. for a circulated appendix).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, select, type_coerce
from sqlalchemy.orm import Session

from scoring.aggregate.common import centi, raw
from scoring.anonymise import SOME_CASE_SHORT, SOME_UNIT, mask_case_number
from scoring.db.bulk import plain_rows
from scoring.db.models import (
    CampaignStandard,
    CaseFile,
    FileDeduction,
    FileResult,
    Finding,
    FindingLink,
    Unit,
    User,
)
from scoring.findings.store import link_sources, readable_finding
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


def _chunks(ids: list[int], sources: dict[int, list[int]], size: int = 500) -> Iterator[list[int]]:
    """The findings in groups whose sources (`link_sources`) number about `size`: each group's links are
    read in one statement, a finding with all of its sources."""
    chunk: list[int] = []
    count = 0
    for fid in ids:
        chunk.append(fid)
        count += len(sources[fid])
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def finding_traces(session: Session, actor: User | None, finding_id: int, *,
                   anonymise: bool | None = None) -> list[Trace]:
    """The files and defects behind a finding, in the units' order then by case number."""
    return findings_traces(session, actor, [finding_id], anonymise=anonymise)[finding_id]


def findings_traces(session: Session, actor: User | None, finding_ids: Sequence[int], *,
                    anonymise: bool | None = None) -> dict[int, list[Trace]]:
    """`finding_traces` of several findings (each checked as it is): their links read together, as the
    driver returns them, and each campaign's labels looked up once (a province notice's appendix
    traces a hundred thousand links)."""
    readable = {fid: readable_finding(session, actor, fid) for fid in dict.fromkeys(finding_ids)}
    out: dict[int, list[Trace]] = {fid: [] for fid in readable}
    labels: dict[int, tuple[dict[str, str], dict[tuple[str, str], str]]] = {}
    decimals: dict[int, Decimal] = {}  # points and scores take few values: each converted once

    def _decimal(hundredths: int | None) -> Decimal | None:
        if hundredths is None:
            return None
        if hundredths not in decimals:
            decimals[hundredths] = centi(hundredths)
        return decimals[hundredths]

    def _context(fid: int) -> tuple[tuple[dict[str, str], dict[tuple[str, str], str]], Callable[[str, str], tuple[str, str]] | None]:
        """A finding's campaign's labels and how its case numbers and units are masked (None: shown)."""
        finding, campaign, lead = readable[fid]
        if campaign.id not in labels:
            labels[campaign.id] = _labels(session, campaign.id)
        if not (bool(anonymise) if lead else campaign.anonymise or bool(anonymise)):
            return labels[campaign.id], None
        if finding.unit_id is None:
            return labels[campaign.id], lambda _number, _unit: (SOME_CASE_SHORT, SOME_UNIT)
        return labels[campaign.id], lambda number, unit: (mask_case_number(number), unit)

    fd, fr, fl = FileDeduction, FileResult, FindingLink
    sources = link_sources(session, [finding for finding, _, _ in readable.values()])
    session.flush()  # read below the session: the driver's tuples
    for chunk in _chunks(list(readable), sources):
        columns: list[Any] = [fl.finding_id, fl.case_file_id, CaseFile.case_number, Unit.name, fl.item_id,
                              fl.reason_id, fd.reason, type_coerce(fd.is_veto, Integer), fd.comment, fd.location,
                              raw(fd.points), raw(fr.score), fr.grade, fd.id]
        stmt = (select(*columns)
                .select_from(fl)
                .join(Finding, Finding.id == fl.finding_id)
                .join(CaseFile, CaseFile.id == fl.case_file_id)
                .join(Unit, Unit.id == CaseFile.unit_id)
                .outerjoin(fd, and_(fd.campaign_id == Finding.campaign_id, fd.case_file_id == fl.case_file_id,
                                    fd.item_id == fl.item_id, fd.reason_id == fl.reason_id))
                .outerjoin(fr, and_(fr.campaign_id == Finding.campaign_id, fr.case_file_id == fl.case_file_id))
                .where(fl.finding_id.in_(sorted({src for fid in chunk for src in sources[fid]})))
                .order_by(Unit.sort_order, Unit.id, CaseFile.case_number, fl.item_id, fl.reason_id, fl.finding_id))
        # The rows come in the traces' order (case numbers in the database's collation), numbered as they
        # come: a finding with several sources (a recommendation's problems) merges theirs by that number.
        rows_of: dict[int, list[tuple[int, tuple[Any, ...]]]] = defaultdict(list)
        for n, row in enumerate(plain_rows(session.connection(), stmt)):
            rows_of[row[0]].append((n, row))
        for fid in chunk:
            of = sources[fid]
            rows = rows_of[of[0]] if len(of) == 1 else heapq.merge(*(rows_of[src] for src in of))
            (titles, reasons), mask = _context(fid)
            traces = out[fid]
            for _, (_, cf_id, number, unit, item_id, reason_id, reason, is_veto, comment, location, points, score,
                    grade, fd_id) in rows:
                if mask is not None:
                    number, unit = mask(number, unit)
                traces.append(Trace(
                    case_file_id=cf_id, case_number=number, unit_name=unit, item_id=item_id,
                    item_title=titles.get(item_id, item_id), reason_id=reason_id,
                    reason=reason if reason is not None else reasons.get((item_id, reason_id), reason_id),
                    is_veto=bool(is_veto) if is_veto is not None else item_id == reason_id, comment=comment or "",
                    location=location or "", points=_decimal(points), score=_decimal(score), grade=grade,
                    standing=fd_id is not None))
    return out
