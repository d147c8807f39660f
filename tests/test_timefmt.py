"""Times are stored in UTC and shown in the panel's time zone (default Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring import timefmt
from scoring.errors import ValidationFailed


def test_default_is_shanghai_and_the_setting_changes_it(monkeypatch):
    stored = dt.datetime(2025, 3, 1, 23, 30)  # naive UTC, as the database keeps it
    monkeypatch.delenv("CASEREVIEW_TIMEZONE", raising=False)
    assert timefmt.show(stored) == "2025-03-02 07:30"
    monkeypatch.setenv("CASEREVIEW_TIMEZONE", "Europe/Berlin")
    assert timefmt.show(stored, "%H:%M:%S") == "00:30:00"
    assert timefmt.show(None) == ""
    assert timefmt.show("2025-03-01T23:30:00") == "2025-03-02 00:30"
    monkeypatch.setenv("CASEREVIEW_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationFailed, match="CASEREVIEW_TIMEZONE='Mars/Olympus' is not a known time zone"):
        timefmt.show(stored)
