"""What a unit liaison sees: nothing before the release; then only their own unit's sampled files with
the final marks, every standing deduction and veto (reason, location, comment) and their objections with
the decisions. No reviewer's or decider's name ever appears here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.db.models import (
    Campaign,
    CaseFile,
    FileDeduction,
    FileResult,
    Objection,
    ObjectionWindow,
    Unit,
    User,
    utcnow,
)
from scoring.errors import PermissionDenied
from scoring.messages import Msg
from scoring.objections.window import is_open, window_of
from scoring.policy import Action, Situation, allowed, check
from scoring.standards import load_version


@dataclass(frozen=True)
class ObjectionView:
    id: int
    case_number: str
    item_id: str
    reason_id: str
    deduction_text: str
    grounds: str
    filed_at: dt.datetime
    status: str  # open / assigned / decided
    decision: str | None
    decision_reason: str
    score_before: Decimal | None
    score_after: Decimal | None
    attachments: list[tuple[int, str]]  # (attachment id, file name)


@dataclass(frozen=True)
class StandingDeduction:
    item_id: str
    reason_id: str
    is_veto: bool
    item_title: str
    reason: str
    points: Decimal
    comment: str
    location: str


@dataclass(frozen=True)
class LiaisonFile:
    case_file_id: int
    case_number: str
    case_type: str
    score: Decimal
    grade: str
    passed: bool
    veto: bool
    deductions: list[StandingDeduction] = field(default_factory=list)


@dataclass(frozen=True)
class LiaisonView:
    campaign_id: int
    campaign_name: str
    unit: str
    released_at: dt.datetime
    deadline: dt.datetime
    window_open: bool
    files: list[LiaisonFile]
    objections: list[ObjectionView]


def require_liaison_access(session: Session, actor: User | None, campaign: Campaign) -> User:
    """A liaison with a unit, of a campaign whose results are released; anyone else is refused."""
    released = window_of(session, campaign.id) is not None
    own = actor is not None and actor.unit_id is not None  # the view shows the actor's own unit only
    if not released and allowed(actor, Action.READ_RELEASED, Situation(own_unit=own, released=True)):
        raise PermissionDenied(code="objection.not_released", name=campaign.name)  # refused only for the timing
    return check(actor, Action.READ_RELEASED, Situation(own_unit=own, released=released),
                 what=Msg("policy.what.read_released"))


def released_campaigns(session: Session, actor: User | None) -> list[Campaign]:
    """The campaigns whose results were released (what a liaison may open)."""
    check(actor, Action.READ_RELEASED, Situation(own_unit=True, released=True), what=Msg("policy.what.read_released"))
    return list(session.scalars(select(Campaign).join(ObjectionWindow, ObjectionWindow.campaign_id == Campaign.id)
                                .order_by(Campaign.year.desc(), Campaign.id.desc())))


def objection_views(session: Session, rows: list[Objection]) -> list[ObjectionView]:
    return [ObjectionView(o.id, o.case_file.case_number, o.item_id, o.reason_id, o.deduction_text, o.grounds,
                          o.filed_at, o.status, o.decision, o.decision_reason, o.score_before, o.score_after,
                          [(a.id, a.filename) for a in o.attachments]) for o in rows]


def liaison_view(session: Session, actor: User | None, campaign: Campaign, *, now: dt.datetime | None = None
                 ) -> LiaisonView:
    actor = require_liaison_access(session, actor, campaign)
    window = window_of(session, campaign.id)
    assert window is not None
    unit = session.get(Unit, actor.unit_id)
    assert unit is not None
    results = session.execute(
        select(FileResult, CaseFile).join(CaseFile, CaseFile.id == FileResult.case_file_id)
        .where(FileResult.campaign_id == campaign.id, FileResult.unit_id == unit.id)
        .order_by(CaseFile.case_number)).all()
    deductions: dict[int, list[FileDeduction]] = {}
    for d in session.scalars(select(FileDeduction).where(FileDeduction.campaign_id == campaign.id,
                                                         FileDeduction.unit_id == unit.id).order_by(FileDeduction.id)):
        deductions.setdefault(d.case_file_id, []).append(d)
    titles: dict[str, dict[str, str]] = {}

    def title(std_hash: str, item_id: str) -> str:
        if std_hash not in titles:
            std = load_version(session, std_hash)
            titles[std_hash] = {**{i: it.title for i, (_, it) in std.items_by_id.items()},
                                **{v: veto.title for v, veto in std.vetoes_by_id.items()}}
        return titles[std_hash].get(item_id, item_id)

    files = [
        LiaisonFile(cf.id, cf.case_number, cf.case_type, fr.score, fr.grade, fr.passed, fr.veto, [
            StandingDeduction(d.item_id, d.reason_id, d.is_veto, title(d.standard_hash, d.item_id), d.reason,
                              d.points, d.comment, d.location)
            for d in deductions.get(cf.id, [])])
        for fr, cf in results
    ]
    objections = list(session.scalars(select(Objection).where(Objection.campaign_id == campaign.id,
                                                              Objection.unit_id == unit.id).order_by(Objection.id)))
    return LiaisonView(campaign.id, campaign.name, unit.name, window.released_at, window.deadline,
                       is_open(window, now or utcnow()), files, objection_views(session, objections))
