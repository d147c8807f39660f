"""A lead manages accounts: name, role, home unit, e-mail and password, with recusal kept and an audit."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring import audit
from scoring.accounts import authenticate, create_user, hash_password, update_account
from scoring.db.models import Assignment, Campaign
from scoring.errors import PermissionDenied, ValidationFailed


def _people(session, factory):
    factory.unit("区水务局")
    factory.unit("城桥镇", kind="town")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    rv = create_user(session, username="rv", display_name="甲", role="reviewer", unit_name="区水务局",
                     password="reviewer-pass", actor=lead)
    return lead, rv


def test_lead_changes_name_unit_role_and_password_with_audit(session, factory):
    lead, rv = _people(session, factory)
    update_account(session, lead, rv.id, display_name="甲（公职律师）", unit_name="城桥镇", email="RV@x.org")
    assert (rv.display_name, rv.unit.name, rv.email) == ("甲（公职律师）", "城桥镇", "RV@x.org")
    entry = audit.history(session, "user", rv.id)[-1]
    assert entry.action == "update_user" and entry.old_value["unit"] == "区水务局" and entry.new_value["unit"] == "城桥镇"
    now = dt.datetime(2026, 1, 1)
    for _ in range(5):
        with pytest.raises(Exception):
            authenticate(session, "rv", "wrong", now=now)
    update_account(session, lead, rv.id, password="a-new-password")
    assert authenticate(session, "rv", "a-new-password", now=now)  # the new password lifts the lock-out
    update_account(session, lead, rv.id, role="observer", unit_name=None)
    assert rv.role == "observer" and rv.unit_id is None


def test_update_rules(session, factory):
    lead, rv = _people(session, factory)
    with pytest.raises(PermissionDenied):
        update_account(session, rv, lead.id, display_name="x")
    with pytest.raises(ValidationFailed, match="own lead role"):
        update_account(session, lead, lead.id, role="reviewer")
    with pytest.raises(ValidationFailed, match="needs a home unit"):
        update_account(session, lead, rv.id, unit_name=None)
    with pytest.raises(ValidationFailed, match="display name is required"):
        update_account(session, lead, rv.id, display_name=" ")


def test_moving_a_reviewer_into_a_unit_they_review_is_refused(session, factory):
    lead, rv = _people(session, factory)
    town = factory.unit("堡镇", kind="town")
    cf = factory.case_file(town)
    campaign = Campaign(name="c", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 12, 31),
                        grade_bands=[], pass_line=60)
    session.add(campaign)
    session.flush()
    session.add(Assignment(campaign_id=campaign.id, case_file_id=cf.id, reviewer_id=rv.id))
    session.flush()
    with pytest.raises(ValidationFailed, match="回避"):
        update_account(session, lead, rv.id, unit_name="堡镇")
    assert rv.unit.name == "区水务局"


def test_accounts_sharing_a_password_hashed_once_each_sign_in_and_change_it_alone(session, factory):
    """The demo hashes its one shared password once for all its accounts (Argon2 is slow on purpose)."""
    lead, _ = _people(session, factory)
    shared = hash_password("shared-demo-pass")
    a, b = (create_user(session, username=n, display_name=n, role="observer", password_hash=shared, actor=lead)
            for n in ("o1", "o2"))
    assert authenticate(session, "o1", "shared-demo-pass").id == a.id
    assert authenticate(session, "o2", "shared-demo-pass").id == b.id
    update_account(session, lead, a.id, password="o1-own-password")
    assert authenticate(session, "o1", "o1-own-password").id == a.id
    assert authenticate(session, "o2", "shared-demo-pass").id == b.id  # the other account keeps the shared one
