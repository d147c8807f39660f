"""Times as a person reads them: stored times are naive UTC; every page shows the panel's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scoring.settings import timezone


def local(moment: dt.datetime, tz: ZoneInfo | None = None) -> dt.datetime:
    """A stored (naive UTC, or aware) time in the panel's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz or timezone())


def show(moment: dt.datetime | str | None, fmt: str = "%Y-%m-%d %H:%M", tz: ZoneInfo | None = None) -> str:
    """`moment` (a datetime, or an ISO text as records keep it) in the panel's time zone; empty for none."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return local(moment, tz).strftime(fmt)
