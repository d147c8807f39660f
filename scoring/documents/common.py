"""What every document shares: who may make it, the result it returns, warnings, numbers and names."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from scoring.db.models import Campaign, User
from scoring.domain import CampaignStatus
from scoring.policy import Action, Situation, allowed, check
from scoring.workflow.campaigns import get_campaign
from scoring.workflow.publish import require_results_access

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


@dataclass(frozen=True)
class DocWarning:
    """Something the person making the document must know (shown in the app and by the CLI).

    `code` names the kind (the app translates it as ``doc.warn.<code>`` with `detail`); `message` is
    the English text the CLI prints."""

    code: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class Document:
    """A generated file: its name, bytes, media type and the warnings met while making it."""

    filename: str
    content: bytes
    media_type: str
    warnings: list[DocWarning] = field(default_factory=list)
    unit_id: int | None = None  # supervision recommendations: the addressee


def documents_campaign(session: Session, actor: User | None, campaign_ref: int | str, *,
                       observers: bool = False) -> Campaign:
    """The campaign, once the actor may make this document: a lead always; with `observers`, also an
    observer when the campaign's results are published (the notice). Raises PermissionDenied."""
    campaign = get_campaign(session, campaign_ref)
    situation = Situation(published=campaign.status == CampaignStatus.PUBLISHED)
    check(actor, Action.MAKE_NOTICE if observers else Action.MAKE_DOCUMENTS, situation)
    require_results_access(actor, campaign)
    return campaign


def is_lead(actor: User | None) -> bool:
    return allowed(actor, Action.READ_REVIEWER_NAMES)


def num(value: Decimal | float | int | None) -> str:
    """A score or rate as every document writes it: two decimals, 78.12, 82.50, 95.00; '-' for None."""
    if value is None:
        return "-"
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def bound(value: Decimal | float | int) -> str:
    """A threshold the lead set (a band's lower bound, a pass line) as written: 90, 59.5."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".")


def cn_date(day: dt.date | None) -> str:
    """2025-03-05 -> 2025年3月5日; None -> the blank form field 　　年　　月　　日."""
    if day is None:
        return "　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(name: str) -> str:
    """A file name that works on Windows and in a zip: no path separators or reserved characters."""
    cleaned = _UNSAFE_NAME.sub("_", name).strip(" .") or "document"
    return cleaned[:150]
