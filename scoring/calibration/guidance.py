"""Guidance notes per standard item, agreed at calibration and shown beside the items on the scoring form
of every file in the campaign."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Campaign, GuidanceNote, User, utcnow
from scoring.errors import ValidationFailed
from scoring.policy import Action, check

MAX_NOTE = 2000


def set_guidance(session: Session, actor: User | None, campaign: Campaign, item_id: str, note: str) -> None:
    """Write (or, with an empty note, remove) the campaign's guidance on one item."""
    actor = check(actor, Action.MANAGE_CALIBRATION)
    item_id, note = item_id.strip(), note.strip()
    if not item_id:
        raise ValidationFailed(code="calibration.guidance_item")
    if len(note) > MAX_NOTE:
        raise ValidationFailed(code="calibration.guidance_long", max=MAX_NOTE, n=len(note))
    row = session.scalar(select(GuidanceNote).where(GuidanceNote.campaign_id == campaign.id,
                                                    GuidanceNote.item_id == item_id))
    old = row.note if row is not None else None
    if not note:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(GuidanceNote(campaign_id=campaign.id, item_id=item_id, note=note, updated_by_id=actor.id))
    else:
        row.note, row.updated_by_id, row.updated_at = note, actor.id, utcnow()
    session.flush()
    audit.record(session, actor_id=actor.id, action="set_guidance", entity="campaign", entity_id=campaign.id,
                 old={"item": item_id, "note": old}, new={"item": item_id, "note": note or None})


def guidance_for(session: Session, campaign_id: int) -> dict[str, str]:
    """Item id -> the campaign's guidance note (readable by everyone who scores in the campaign)."""
    rows = session.execute(select(GuidanceNote.item_id, GuidanceNote.note).where(GuidanceNote.campaign_id == campaign_id))
    return {item: note for item, note in rows}
