"""Times as a person reads them: stored times are naive UTC; every page shows the panel's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scoring.settings import timezone


def local(moment: dt.datetime, tz: ZoneInfo | None = None) -> dt.datetime:
    """A stored (naive UTC, or aware) time in the panel's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz or timezone())


def show(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M", tz: ZoneInfo | None = None) -> str:
    """`moment` formatted in the panel's time zone; empty for no time."""
    return "" if moment is None else local(moment, tz).strftime(fmt)
