"""Deciding objections: the lead assigns each to a panel member who did not score the file and is not from
its unit (回避); that member upholds it, or accepts it fully or in part with amended final marks, which go
through the re-check path so the file's final result and everything built on it follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scoring import audit
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileResult,
    Objection,
    Recheck,
    Review,
    User,
    utcnow,
)
from scoring.domain import ReviewStatus
from scoring.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from scoring.marks import Marks
from scoring.messages import Msg
from scoring.objections.counts import DECISIONS
from scoring.policy import Action, Situation, check, roles_with
from scoring.workflow.recheck import store_recheck
from scoring.workflow.reviews import marks_of


@dataclass(frozen=True)
class LeadObjectionRow:
    id: int
    campaign_id: int
    case_file_id: int
    case_number: str
    unit: str
    item_id: str
    reason_id: str
    deduction_text: str
    grounds: str
    filed_at: dt.datetime
    status: str
    assigned_to: str | None
    decision: str | None
    decision_reason: str
    score_before: Decimal | None
    score_after: Decimal | None
    attachments: list[tuple[int, str]]
    version: int


# Whether the actor's role may decide objections at all (the real situation is checked per objection).
CAN_DECIDE = Situation(assigned_to_actor=True, own_unit=False, scored_file=False)


def _row(o: Objection, names: dict[int, str]) -> LeadObjectionRow:
    return LeadObjectionRow(o.id, o.campaign_id, o.case_file_id, o.case_file.case_number, o.case_file.unit.name, o.item_id,
                            o.reason_id, o.deduction_text, o.grounds, o.filed_at, o.status,
                            names.get(o.assigned_to_id) if o.assigned_to_id else None, o.decision, o.decision_reason,
                            o.score_before, o.score_after, [(a.id, a.filename) for a in o.attachments], o.version)


def _names(session: Session) -> dict[int, str]:
    return {uid: name for uid, name in session.execute(select(User.id, User.display_name))}


def objections_for_lead(session: Session, actor: User | None, campaign: Campaign) -> list[LeadObjectionRow]:
    check(actor, Action.MANAGE_OBJECTIONS)
    rows = session.scalars(select(Objection).where(Objection.campaign_id == campaign.id).order_by(Objection.id))
    names = _names(session)
    return [_row(o, names) for o in rows]


def objections_assigned_to(session: Session, actor: User | None) -> list[LeadObjectionRow]:
    """The objections a panel member has to decide (and has decided)."""
    actor = check(actor, Action.DECIDE_OBJECTION, CAN_DECIDE, what=Msg("policy.what.decide_objections"))
    rows = session.scalars(select(Objection).where(Objection.assigned_to_id == actor.id).order_by(Objection.id))
    names = _names(session)
    return [_row(o, names) for o in rows]


def _objection(session: Session, objection_id: int) -> Objection:
    obj = session.get(Objection, objection_id)
    if obj is None:
        raise NotFound(code="objection.not_found", id=objection_id)
    return obj


def _scorers(session: Session, obj: Objection) -> set[int]:
    """Everyone who scored the file in this campaign: its reviewers and the re-check's author."""
    ids = set(session.scalars(select(Assignment.reviewer_id).where(
        Assignment.campaign_id == obj.campaign_id, Assignment.case_file_id == obj.case_file_id)))
    rc = session.scalar(select(Recheck.decided_by_id).where(Recheck.campaign_id == obj.campaign_id,
                                                            Recheck.case_file_id == obj.case_file_id))
    if rc is not None:
        ids.add(rc)
    return ids


def why_not_eligible(session: Session, obj: Objection, member: User) -> Msg | None:
    if not member.active or member.role not in roles_with(Action.DECIDE_OBJECTION):
        return Msg("objection.member_inactive", {"name": member.display_name})
    if member.unit_id is not None and member.unit_id == obj.unit_id:
        return Msg("objection.member_own_unit", {"name": member.display_name})
    if member.id in _scorers(session, obj):
        return Msg("objection.member_scored", {"name": member.display_name})
    return None


def eligible_deciders(session: Session, actor: User | None, objection_id: int) -> list[User]:
    check(actor, Action.MANAGE_OBJECTIONS)
    obj = _objection(session, objection_id)
    members = session.scalars(select(User).where(User.role.in_(roles_with(Action.DECIDE_OBJECTION)),
                                                 User.active.is_(True)).order_by(User.username))
    return [m for m in members if why_not_eligible(session, obj, m) is None]


def assign_objection(session: Session, actor: User | None, objection_id: int, member_id: int) -> Objection:
    actor = check(actor, Action.MANAGE_OBJECTIONS)
    obj = _objection(session, objection_id)
    if obj.decision is not None:
        raise ValidationFailed(code="objection.decided_already", id=obj.id)
    member = session.get(User, member_id)
    if member is None:
        raise NotFound(code="objection.no_member", id=member_id)
    why = why_not_eligible(session, obj, member)
    if why:
        raise ValidationFailed(code=why.code, **why.params)
    old = obj.assigned_to_id
    obj.assigned_to_id, obj.status = member.id, "assigned"
    session.flush()
    audit.record(session, actor_id=actor.id, action="assign_objection", entity="objection", entity_id=obj.id,
                 old={"assigned_to": old}, new={"assigned_to": member.id})
    return obj


def final_marks(session: Session, campaign_id: int, case_file_id: int, item_id: str | None = None,
                reason_id: str | None = None) -> Marks:
    """The marks an amendment starts from: the re-check's, else the first submitted review that records
    the objected defect (else the first submitted review)."""
    rc = session.scalar(select(Recheck).where(Recheck.campaign_id == campaign_id, Recheck.case_file_id == case_file_id))
    if rc is not None:
        return Marks.model_validate(rc.marks)
    reviews = list(session.scalars(select(Review).join(Assignment).where(
        Assignment.campaign_id == campaign_id, Assignment.case_file_id == case_file_id,
        Review.status == ReviewStatus.SUBMITTED).order_by(Review.id)))
    if not reviews:
        raise ValidationFailed(code="objection.no_review")
    all_marks = [marks_of(r) for r in reviews]
    for marks in all_marks:
        if item_id is not None and _has(marks, item_id, reason_id or item_id):
            return marks
    return all_marks[0]


def _has(marks: Marks, item_id: str, reason_id: str) -> bool:
    if item_id == reason_id and item_id in marks.vetoes:
        return True
    item = marks.items.get(item_id)
    return item is not None and any(d.reason == reason_id for d in item.deductions)


def amended_marks(base: Marks, item_id: str, reason_id: str, *, occurrences: int | None = None,
                  points: Decimal | None = None) -> Marks:
    """`base` with the objected defect removed (accepted), or reduced to `occurrences` / `points` (partly)."""
    data = base.model_dump(mode="json", exclude_defaults=True)
    if item_id == reason_id and item_id in data.get("vetoes", {}):
        if occurrences is not None or points is not None:
            raise ValidationFailed(code="objection.veto_not_partly")
        del data["vetoes"][item_id]
        return Marks.model_validate(data)
    item = data.get("items", {}).get(item_id)
    found = [d for d in (item or {}).get("deductions", []) if d["reason"] == reason_id]
    if not found:
        raise ValidationFailed(code="objection.no_deduction_to_amend", item=item_id, reason=reason_id)
    if occurrences is None and points is None:
        item["deductions"] = [d for d in item["deductions"] if d["reason"] != reason_id]
    else:
        d = found[0]
        if occurrences is not None:
            if not 1 <= occurrences < d.get("occurrences", 1):
                raise ValidationFailed(code="objection.partly_occurrences", n=d.get("occurrences", 1))
            d["occurrences"] = occurrences
        if points is not None:
            if d.get("points") is None or not Decimal(0) < points < Decimal(str(d["points"])):
                raise ValidationFailed(code="objection.partly_points")
            d["points"] = str(points)
    return Marks.model_validate(data)


def decide_objection(session: Session, actor: User | None, objection_id: int, decision: str, reason: str,
                     marks: Marks | None = None, *, expected_version: int | None = None) -> Objection:
    """The assigned member's decision: `upheld` (no change), or `accepted` / `partly` with the amended final
    marks, recorded as the file's re-check."""
    actor = check(actor, Action.DECIDE_OBJECTION, CAN_DECIDE, what=Msg("policy.what.decide_objections"))
    obj = _objection(session, objection_id)
    if obj.assigned_to_id != actor.id:
        raise PermissionDenied(code="objection.not_yours", id=obj.id)
    check(actor, Action.DECIDE_OBJECTION, Situation(
        assigned_to_actor=True, own_unit=actor.unit_id is not None and actor.unit_id == obj.unit_id,
        scored_file=actor.id in _scorers(session, obj)), what=Msg("policy.what.decide_objection", {"id": obj.id}))
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(code="objection.changed", id=obj.id)
    if obj.decision is not None:
        raise ValidationFailed(code="objection.decided_already", id=obj.id)
    if decision not in DECISIONS:
        raise ValidationFailed(code="objection.unknown_decision", decision=decision, known=list(DECISIONS))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(code="objection.decision_reason")
    campaign = session.get(Campaign, obj.campaign_id)
    case_file = session.get(CaseFile, obj.case_file_id)
    assert campaign is not None and case_file is not None
    if campaign.status == "published":
        raise ValidationFailed(code="campaign.published_already", name=campaign.name)
    before = session.scalar(select(FileResult.score).where(FileResult.campaign_id == campaign.id,
                                                           FileResult.case_file_id == case_file.id))
    after = before
    if decision == "upheld":
        if marks is not None:
            raise ValidationFailed(code="objection.upheld_no_marks")
    else:
        if marks is None:
            raise ValidationFailed(code="objection.needs_marks")
        still = _has(marks, obj.item_id, obj.reason_id)
        if decision == "accepted" and still:
            raise ValidationFailed(code="objection.accepted_still_there")
        if decision == "partly":
            if obj.is_veto:
                raise ValidationFailed(code="objection.veto_not_partly")
            if not still:
                raise ValidationFailed(code="objection.partly_gone")
        store_recheck(session, actor, campaign, case_file, reason=f"异议#{obj.id}：{reason}", marks=marks,
                      note=f"objection #{obj.id} {decision}")
        after = session.scalar(select(FileResult.score).where(FileResult.campaign_id == campaign.id,
                                                              FileResult.case_file_id == case_file.id))
        if decision == "partly" and after is not None and before is not None and after <= before:
            raise ValidationFailed(code="objection.partly_must_raise")
    obj.decision, obj.decision_reason, obj.status = decision, reason, "decided"
    obj.decided_by_id, obj.decided_at = actor.id, utcnow()
    obj.score_before, obj.score_after = before, after
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise ConflictError(code="objection.decided_meanwhile", id=objection_id) from None
    audit.record(session, actor_id=actor.id, action="decide_objection", entity="objection", entity_id=obj.id,
                 old={"score": before}, new={"decision": decision, "score": after}, note=reason)
    return obj
