"""The panel's settings that are not part of a campaign, read from the environment.

They are deployment choices (how long a browser stays signed in, the panel's time zone, how large an
electronic case file may be), so they sit beside `CASEREVIEW_DB_URL` rather than in the database.
Each has a default that suits a district panel; a bad value is a clear error, never a silent default.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring.errors import ValidationFailed

ENV_IDLE_HOURS = "CASEREVIEW_SESSION_IDLE_HOURS"
ENV_MAX_DAYS = "CASEREVIEW_SESSION_MAX_DAYS"
ENV_TIMEZONE = "CASEREVIEW_TIMEZONE"
ENV_PDF_MAX_MB = "CASEREVIEW_PDF_MAX_MB"
ENV_PDF_MAX_PAGES = "CASEREVIEW_PDF_MAX_PAGES"

DEFAULT_IDLE_HOURS = 8.0
DEFAULT_MAX_DAYS = 7.0
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_PDF_MAX_MB = 50.0
DEFAULT_PDF_MAX_PAGES = 3000


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed(code="settings.not_number", name=name, raw=raw) from None
    if value <= 0:
        raise ValidationFailed(code="settings.not_positive", name=name, raw=raw)
    return value


@dataclass(frozen=True)
class SessionLimits:
    """A signed-in browser ends after `idle` without a request, and `absolute` after signing in."""

    idle: dt.timedelta
    absolute: dt.timedelta


def session_limits() -> SessionLimits:
    return SessionLimits(idle=dt.timedelta(hours=_number(ENV_IDLE_HOURS, DEFAULT_IDLE_HOURS)),
                         absolute=dt.timedelta(days=_number(ENV_MAX_DAYS, DEFAULT_MAX_DAYS)))


def timezone() -> ZoneInfo:
    """The panel's time zone for every time shown to a person (stored times are UTC)."""
    name = os.environ.get(ENV_TIMEZONE, "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(code="settings.bad_timezone", name=ENV_TIMEZONE, value=name) from None


@dataclass(frozen=True)
class PdfLimits:
    max_bytes: int
    max_pages: int


def pdf_limits() -> PdfLimits:
    return PdfLimits(max_bytes=int(_number(ENV_PDF_MAX_MB, DEFAULT_PDF_MAX_MB) * 1024 * 1024),
                     max_pages=int(_number(ENV_PDF_MAX_PAGES, DEFAULT_PDF_MAX_PAGES)))
