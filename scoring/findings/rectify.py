"""Rectification (整改) requirements per unit: what is to be put right, who answers for it, by when.

The lead adds, edits and deletes them (each change audited with old and new values; edits may pass the
version they saw for optimistic locking); observers read them once the campaign is published.
`propose_rectifications` drafts requirements from a unit's included problem findings and the standard's
recommendation texts, for the lead to edit before adding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Finding, Rectification, Unit, User, utcnow
from scoring.domain import ALL_FOCUS
from scoring.errors import ConflictError, NotFound, ValidationFailed
from scoring.findings.store import get_campaign_row, readable_campaign
from scoring.findings.text import problem_phrase
from scoring.messages import Msg
from scoring.policy import Action, check

STATUSES: tuple[str, ...] = ("open", "in_progress", "done")  # 待整改 / 整改中 / 已整改
STATUS_LABELS = {"open": "待整改", "in_progress": "整改中", "done": "已整改"}
OWNER_MAX = 200
REQUIREMENT_MAX = 5000


@dataclass
class RectificationView:
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    requirement: str
    owner: str
    deadline: dt.date
    status: str
    version: int
    position: int
    updated_at: dt.datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def _view(r: Rectification, unit_name: str) -> RectificationView:
    return RectificationView(r.id, r.campaign_id, r.unit_id, unit_name, r.requirement, r.owner, r.deadline, r.status,
                             r.version, r.position, r.updated_at)


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(code="findings.no_unit", id=unit_id)
    return unit


def parse_deadline(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(code="rectify.bad_deadline", value=value) from None


def _text(value: str, what: str, limit: int) -> str:
    """`what`: "requirement" or "owner" (a rectify.what.* message)."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(code="rectify.needs", what=Msg(f"rectify.what.{what}"))
    if len(text) > limit:
        raise ValidationFailed(code="rectify.too_long", what=Msg(f"rectify.what.{what}"), max=limit, n=len(text))
    return text


def _status(value: str) -> str:
    if value not in STATUSES:
        raise ValidationFailed(code="rectify.unknown_status", status=value, known=list(STATUSES))
    return value


def _fields(r: Rectification) -> dict:
    return {"requirement": r.requirement, "owner": r.owner, "deadline": r.deadline, "status": r.status}


def list_rectifications(session: Session, actor: User | None, campaign_id: int,
                        unit_id: int | None = None) -> list[RectificationView]:
    """The campaign's requirements (or one unit's), in the units' order, then as the lead ordered them."""
    readable_campaign(session, actor, campaign_id)
    stmt = (select(Rectification, Unit.name).join(Unit, Unit.id == Rectification.unit_id)
            .where(Rectification.campaign_id == campaign_id)
            .order_by(Unit.sort_order, Unit.id, Rectification.position, Rectification.id))
    if unit_id is not None:
        stmt = stmt.where(Rectification.unit_id == unit_id)
    return [_view(r, name) for r, name in session.execute(stmt)]


def add_rectification(session: Session, actor: User | None, campaign_id: int, unit_id: int, *, requirement: str,
                      owner: str, deadline: dt.date | str, status: str = "open") -> RectificationView:
    actor = check(actor, Action.EDIT_FINDINGS)
    get_campaign_row(session, campaign_id)
    unit = _unit(session, unit_id)
    last = session.scalar(select(func.max(Rectification.position)).where(
        Rectification.campaign_id == campaign_id, Rectification.unit_id == unit_id))
    now = utcnow()
    r = Rectification(campaign_id=campaign_id, unit_id=unit_id,
                      requirement=_text(requirement, "requirement", REQUIREMENT_MAX),
                      owner=_text(owner, "owner", OWNER_MAX),
                      deadline=parse_deadline(deadline), status=_status(status),
                      position=(last + 1) if last is not None else 0, version=1, created_at=now,
                      created_by_id=actor.id, updated_at=now, updated_by_id=actor.id)
    session.add(r)
    session.flush()
    audit.record(session, actor_id=actor.id, action="add_rectification", entity="rectification", entity_id=r.id,
                 new={"campaign_id": campaign_id, "unit": unit.name, **_fields(r)})
    return _view(r, unit.name)


def _locked(session: Session, rectification_id: int, expected_version: int | None) -> Rectification:
    r = session.scalar(select(Rectification).where(Rectification.id == rectification_id).with_for_update())
    if r is None:
        raise NotFound(code="rectify.not_found", id=rectification_id)
    if expected_version is not None and r.version != expected_version:
        raise ConflictError(current=_view(r, _unit(session, r.unit_id).name), code="rectify.changed",
                            id=rectification_id, edited=expected_version, version=r.version)
    return r


def update_rectification(session: Session, actor: User | None, rectification_id: int, *,
                         requirement: str | None = None, owner: str | None = None,
                         deadline: dt.date | str | None = None, status: str | None = None,
                         expected_version: int | None = None) -> RectificationView:
    actor = check(actor, Action.EDIT_FINDINGS)
    r = _locked(session, rectification_id, expected_version)
    wanted: dict[str, str | dt.date] = {}
    if requirement is not None:
        wanted["requirement"] = _text(requirement, "requirement", REQUIREMENT_MAX)
    if owner is not None:
        wanted["owner"] = _text(owner, "owner", OWNER_MAX)
    if deadline is not None:
        wanted["deadline"] = parse_deadline(deadline)
    if status is not None:
        wanted["status"] = _status(status)
    new = {k: v for k, v in wanted.items() if getattr(r, k) != v}
    unit = _unit(session, r.unit_id)
    if not new:
        return _view(r, unit.name)
    old = {k: getattr(r, k) for k in new}
    for k, v in new.items():
        setattr(r, k, v)
    r.version += 1
    r.updated_at, r.updated_by_id = utcnow(), actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="update_rectification", entity="rectification", entity_id=r.id,
                 old=old, new=new)
    return _view(r, unit.name)


def delete_rectification(session: Session, actor: User | None, rectification_id: int, *,
                         expected_version: int | None = None) -> None:
    actor = check(actor, Action.EDIT_FINDINGS)
    r = _locked(session, rectification_id, expected_version)
    unit = _unit(session, r.unit_id)
    audit.record(session, actor_id=actor.id, action="delete_rectification", entity="rectification", entity_id=r.id,
                 old={"campaign_id": r.campaign_id, "unit": unit.name, **_fields(r)})
    session.delete(r)
    session.flush()


def propose_rectifications(session: Session, actor: User | None, campaign_id: int, unit_id: int) -> list[str]:
    """Draft requirements for a unit from its included problem findings (in their order), each with the
    standard's recommendation for that item when the unit's findings carry one; requirements the unit
    has already are left out. Nothing is stored: the lead edits and adds them."""
    actor = check(actor, Action.EDIT_FINDINGS)
    get_campaign_row(session, campaign_id)
    _unit(session, unit_id)
    findings = list(session.scalars(select(Finding).where(
        Finding.campaign_id == campaign_id, Finding.unit_id == unit_id, Finding.included.is_(True),
        Finding.stale.is_(False)).order_by(Finding.position, Finding.id)))
    recommendations: dict[str, str] = {}
    for f in findings:
        if f.section == "recommendation" and f.facts.get("item_id"):
            recommendations.setdefault(f.facts["item_id"], f.body)
    existing = set(session.scalars(select(Rectification.requirement).where(
        Rectification.campaign_id == campaign_id, Rectification.unit_id == unit_id)))
    used: set[str] = set()
    out: list[str] = []
    for f in findings:
        if f.section != "problem":
            continue
        facts = f.facts or {}
        if facts.get("reason"):
            area = ALL_FOCUS.get(f.focus or "", "")
            text = (f"对{area}方面" if area else "对") + f"“{problem_phrase(facts['reason'], facts.get('item_title'))}”问题"
            text += f"（{facts['files']}本案卷）" if facts.get("files") else ""
            text += "逐卷核查整改"
            rec = recommendations.get(facts.get("item_id", ""))
            if rec and facts["item_id"] not in used:
                used.add(facts["item_id"])
                text += "；" + rec.rstrip("。；;. ")
        else:
            text = f"针对“{f.title}”问题进行整改"
        text += "。"
        if text not in existing and text not in out:
            out.append(text)
    return out
