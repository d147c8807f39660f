"""Releasing preliminary results to the reviewed units, with the objection deadline the lead may extend."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Campaign, FileResult, ObjectionWindow, User, utcnow
from scoring.errors import ValidationFailed
from scoring.policy import Action, check
from scoring.settings import timezone
from scoring.workflow.assignments import sampled_files


def window_of(session: Session, campaign_id: int) -> ObjectionWindow | None:
    return session.scalar(select(ObjectionWindow).where(ObjectionWindow.campaign_id == campaign_id))


def end_of_day(day: dt.date, tz: ZoneInfo | None = None) -> dt.datetime:
    """23:59:59 of `day` in the panel's time zone, as the naive UTC time the database keeps."""
    local = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz or timezone())
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def release_results(session: Session, actor: User | None, campaign: Campaign, deadline: dt.datetime,
                    *, now: dt.datetime | None = None) -> ObjectionWindow:
    """Show each unit's liaison their preliminary results; objections may be filed until `deadline`."""
    actor = check(actor, Action.MANAGE_OBJECTIONS)
    now = now or utcnow()
    if window_of(session, campaign.id) is not None:
        raise ValidationFailed(code="objection.released_already", name=campaign.name)
    if campaign.status == "published":
        raise ValidationFailed(code="campaign.published_already", name=campaign.name)
    if deadline <= now:
        raise ValidationFailed(code="objection.deadline_past")
    n_sampled = len(sampled_files(session, campaign.id))
    n_final = session.scalar(select(func.count()).select_from(FileResult)
                             .where(FileResult.campaign_id == campaign.id)) or 0
    if not n_sampled:
        raise ValidationFailed(code="objection.nothing_to_release")
    if n_final < n_sampled:
        raise ValidationFailed(code="objection.files_not_final", open=n_sampled - n_final, n=n_sampled)
    window = ObjectionWindow(campaign_id=campaign.id, released_at=now, released_by_id=actor.id, deadline=deadline)
    session.add(window)
    session.flush()
    audit.record(session, actor_id=actor.id, action="release_results", entity="campaign", entity_id=campaign.id,
                 new={"deadline": deadline, "files": n_sampled})
    return window


def extend_deadline(session: Session, actor: User | None, campaign: Campaign, deadline: dt.datetime,
                    reason: str = "") -> ObjectionWindow:
    actor = check(actor, Action.MANAGE_OBJECTIONS)
    window = window_of(session, campaign.id)
    if window is None:
        raise ValidationFailed(code="objection.not_released", name=campaign.name)
    if campaign.status == "published":
        raise ValidationFailed(code="campaign.published_already", name=campaign.name)
    if deadline <= window.deadline:
        raise ValidationFailed(code="objection.extension_early", deadline=f"{window.deadline:%Y-%m-%d %H:%M}")
    old = window.deadline
    window.deadline = deadline
    window.extensions += 1
    session.flush()
    audit.record(session, actor_id=actor.id, action="extend_objection_deadline", entity="campaign",
                 entity_id=campaign.id, old={"deadline": old}, new={"deadline": deadline}, note=reason.strip())
    return window


def is_open(window: ObjectionWindow | None, now: dt.datetime | None = None) -> bool:
    return window is not None and (now or utcnow()) <= window.deadline
