"""How many objections a campaign received and how they were decided (for the notice), and whether they
block publishing. Reads the tables only, so the campaign module can ask without an import cycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring.db.models import Objection, ObjectionWindow, utcnow
from scoring.messages import Msg

DECISIONS = ("upheld", "accepted", "partly")  # 维持原评查意见 / 采纳 / 部分采纳


@dataclass(frozen=True)
class ObjectionCounts:
    received: int
    accepted: int
    partly: int
    upheld: int
    open: int

    def sentence(self) -> str:
        """The notice's sentence about objections (Chinese: the notice is)."""
        return self.message().render("zh")

    def message(self) -> Msg:
        """The counts in either language (the CLI prints them in its language)."""
        return Msg("objection.counts", {"received": self.received, "accepted": self.accepted, "partly": self.partly})


def objection_counts(session: Session, campaign_id: int) -> ObjectionCounts:
    found = session.execute(select(Objection.decision, func.count()).where(Objection.campaign_id == campaign_id)
                            .group_by(Objection.decision)).all()
    rows = {decision or "open": n for decision, n in found}
    return ObjectionCounts(received=sum(rows.values()), accepted=rows.get("accepted", 0), partly=rows.get("partly", 0),
                           upheld=rows.get("upheld", 0), open=rows.get("open", 0))


def has_window(session: Session, campaign_id: int) -> bool:
    return session.scalar(select(ObjectionWindow.id).where(ObjectionWindow.campaign_id == campaign_id)) is not None


def publish_blocker(session: Session, campaign_id: int, now: dt.datetime | None = None) -> Msg | None:
    """Why results cannot be published yet because of objections (None: nothing in the way)."""
    window = session.scalar(select(ObjectionWindow).where(ObjectionWindow.campaign_id == campaign_id))
    if window is None:
        return None
    now = now or utcnow()
    if window.deadline > now:
        return Msg("objection.window_open", {"deadline": f"{window.deadline:%Y-%m-%d %H:%M}"})
    n_open = objection_counts(session, campaign_id).open
    if n_open:
        return Msg("objection.undecided", {"n": n_open})
    return None
