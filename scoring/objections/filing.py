"""A liaison files an objection to one standing deduction or veto of their unit's file, within the window,
with grounds and optional PDF attachments (checked, stored once by content hash)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.case_pdfs import check_pdf
from scoring.db.models import (
    Campaign,
    CaseFile,
    FileDeduction,
    Objection,
    ObjectionAttachment,
    PdfBlob,
    User,
    utcnow,
)
from scoring.errors import NotFound, PermissionDenied, ValidationFailed
from scoring.messages import Msg
from scoring.objections.liaison import require_liaison_access
from scoring.objections.window import is_open, window_of
from scoring.policy import Action, Situation, allowed, check

MAX_ATTACHMENTS = 5
MAX_GROUNDS = 5000


def file_objection(session: Session, actor: User | None, campaign: Campaign, case_file_id: int, item_id: str,
                   reason_id: str, grounds: str, attachments: list[tuple[str, bytes]] | None = None,
                   *, now: dt.datetime | None = None) -> Objection:
    """Object to the standing deduction (item, reason) — or veto (veto id twice) — of an own-unit file."""
    actor = require_liaison_access(session, actor, campaign)
    now = now or utcnow()
    window = window_of(session, campaign.id)
    if not is_open(window, now):
        assert window is not None
        raise PermissionDenied(code="objection.window_closed", deadline=f"{window.deadline:%Y-%m-%d %H:%M}")
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None or case_file.unit_id != actor.unit_id:
        raise NotFound(code="objection.not_own_file", id=case_file_id)
    check(actor, Action.FILE_OBJECTION, Situation(own_unit=True, released=True, window_open=True),
          what=Msg("policy.what.file_objections"))
    grounds = grounds.strip()
    if not grounds:
        raise ValidationFailed(code="objection.no_grounds")
    if len(grounds) > MAX_GROUNDS:
        raise ValidationFailed(code="objection.grounds_long", n=len(grounds), max=MAX_GROUNDS)
    deduction = session.scalar(select(FileDeduction).where(
        FileDeduction.campaign_id == campaign.id, FileDeduction.case_file_id == case_file.id,
        FileDeduction.item_id == item_id, FileDeduction.reason_id == reason_id))
    if deduction is None:
        raise NotFound(code="objection.no_standing_deduction", case_number=case_file.case_number, item=item_id,
                       reason=reason_id)
    pending = session.scalar(select(Objection.id).where(
        Objection.campaign_id == campaign.id, Objection.case_file_id == case_file.id, Objection.item_id == item_id,
        Objection.reason_id == reason_id, Objection.decision.is_(None)))
    if pending is not None:
        raise ValidationFailed(code="objection.pending", id=pending)
    files = attachments or []
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(code="objection.too_many_attachments", max=MAX_ATTACHMENTS, n=len(files))
    checked = [check_pdf(name, data) for name, data in files]  # refuses a non-PDF naming the file
    text = f"{deduction.reason}（{deduction.points}分）" if not deduction.is_veto else f"否决项：{deduction.reason}"
    objection = Objection(campaign_id=campaign.id, case_file_id=case_file.id, unit_id=case_file.unit_id,
                          item_id=item_id, reason_id=reason_id, is_veto=deduction.is_veto, deduction_text=text,
                          grounds=grounds, filed_by_id=actor.id, filed_at=now, status="open")
    session.add(objection)
    session.flush()
    for pdf in checked:
        if session.get(PdfBlob, pdf.sha256) is None:
            session.add(PdfBlob(sha256=pdf.sha256, size=len(pdf.data), pages=pdf.pages, data=pdf.data))
        objection.attachments.append(ObjectionAttachment(sha256=pdf.sha256, filename=pdf.filename))
    session.flush()
    audit.record(session, actor_id=actor.id, action="file_objection", entity="objection", entity_id=objection.id,
                 new={"campaign": campaign.id, "case_file": case_file.case_number, "item": item_id,
                      "reason": reason_id, "grounds": grounds, "attachments": [p.filename for p in checked]})
    return objection


def attachment(session: Session, actor: User | None, attachment_id: int) -> tuple[str, bytes]:
    """An attachment's name and bytes: for the lead, the liaisons of its unit and the assigned member."""
    att = session.get(ObjectionAttachment, attachment_id)
    if att is None or actor is None or not actor.active:
        raise NotFound(code="objection.no_attachment", id=attachment_id)
    obj = att.objection
    situation = Situation(own_unit=actor.unit_id is not None and actor.unit_id == obj.unit_id,
                          assigned_to_actor=obj.assigned_to_id == actor.id)
    if not allowed(actor, Action.READ_OBJECTION_ATTACHMENT, situation):
        raise NotFound(code="objection.no_attachment", id=attachment_id)  # a refused id looks like a missing one
    blob = session.get(PdfBlob, att.sha256)
    assert blob is not None
    return att.filename, blob.data
