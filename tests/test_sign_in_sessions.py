"""Server-side sign-in sessions: a token signs a browser in until it idles out, ages out, or is ended."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from scoring import audit, sign_in_sessions
from scoring.accounts import authenticate, change_own_password, create_user, set_active, update_account
from scoring.db.models import SignInSession, User
from scoring.db.session import session_factory
from scoring.errors import CaseReviewError, PermissionDenied, ValidationFailed
from scoring.settings import SessionLimits

T0 = dt.datetime(2026, 3, 2, 9, 0)
LIMITS = SessionLimits(idle=dt.timedelta(hours=8), absolute=dt.timedelta(days=7))


def _people(session, factory):
    factory.unit("区水务局")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    rv = create_user(session, username="rv", display_name="甲", role="reviewer", unit_name="区水务局",
                     password="reviewer-pass", actor=lead)
    return lead, rv


def test_token_signs_in_and_is_never_stored_in_clear(session, factory):
    _, rv = _people(session, factory)
    token = sign_in_sessions.start(session, rv, now=T0)
    assert len(token) >= 40
    assert sign_in_sessions.resume(session, token, now=T0 + dt.timedelta(minutes=5), limits=LIMITS) is rv
    # Nowhere in the database: not in the sessions table, not in the audit log.
    dump = "\n".join(str(r) for table in ("sign_in_sessions", "audit_log")
                     for r in session.execute(text(f"SELECT * FROM {table}")).all())
    assert token not in dump
    assert session.scalar(select(SignInSession.token_hash)) == sign_in_sessions.token_hash(token)
    # A stored hash is not a token: presenting it signs nobody in.
    assert sign_in_sessions.resume(session, sign_in_sessions.token_hash(token), now=T0, limits=LIMITS) is None


def test_sign_in_and_sign_out_are_audited_and_sign_out_ends_every_session_of_the_person(session, factory):
    lead, rv = _people(session, factory)
    token, laptop = sign_in_sessions.start(session, rv, now=T0), sign_in_sessions.start(session, rv, now=T0)
    lead_token = sign_in_sessions.start(session, lead, now=T0)
    assert sign_in_sessions.sign_out(session, token, now=T0 + dt.timedelta(hours=1)) == 2
    later = T0 + dt.timedelta(hours=1)
    assert sign_in_sessions.resume(session, token, now=later, limits=LIMITS) is None
    assert sign_in_sessions.resume(session, laptop, now=later, limits=LIMITS) is None
    assert sign_in_sessions.resume(session, lead_token, now=later, limits=LIMITS) is lead
    actions = [e.action for e in audit.history(session, "user", rv.id)]
    assert actions[-3:] == ["sign_in", "sign_in", "sign_out"]
    assert sign_in_sessions.sign_out(session, token) == 0  # already ended


def test_idle_timeout_ends_the_session_and_use_keeps_it_alive(session, factory):
    _, rv = _people(session, factory)
    token = sign_in_sessions.start(session, rv, now=T0)
    now = T0
    for _ in range(5):  # used every 7 hours: never idle for 8
        now += dt.timedelta(hours=7)
        assert sign_in_sessions.resume(session, token, now=now, limits=LIMITS) is rv
    assert sign_in_sessions.resume(session, token, now=now + dt.timedelta(hours=8, seconds=1), limits=LIMITS) is None
    row = session.scalar(select(SignInSession))
    assert row.end_reason == "idle"
    # Ended for good: even a moment later within the idle limit it does not come back.
    assert sign_in_sessions.resume(session, token, now=now + dt.timedelta(hours=8, seconds=2), limits=LIMITS) is None


def test_absolute_timeout_ends_even_a_busy_session(session, factory):
    _, rv = _people(session, factory)
    token = sign_in_sessions.start(session, rv, now=T0)
    now = T0
    while now < T0 + dt.timedelta(days=7) - dt.timedelta(hours=1):
        now += dt.timedelta(hours=1)
        assert sign_in_sessions.resume(session, token, now=now, limits=LIMITS) is rv
    now += dt.timedelta(hours=1, seconds=1)
    assert sign_in_sessions.resume(session, token, now=now, limits=LIMITS) is None
    assert session.scalar(select(SignInSession.end_reason)) == "expired"


def test_limits_come_from_settings(monkeypatch, session, factory):
    _, rv = _people(session, factory)
    monkeypatch.setenv("CASEREVIEW_SESSION_IDLE_HOURS", "0.5")
    token = sign_in_sessions.start(session, rv, now=T0)
    assert sign_in_sessions.resume(session, token, now=T0 + dt.timedelta(minutes=29)) is rv
    assert sign_in_sessions.resume(session, token, now=T0 + dt.timedelta(minutes=29 + 31)) is None
    monkeypatch.setenv("CASEREVIEW_SESSION_MAX_DAYS", "soon")
    with pytest.raises(ValidationFailed, match="CASEREVIEW_SESSION_MAX_DAYS"):
        sign_in_sessions.resume(session, "x" * 43, now=T0)


def test_password_change_by_the_lead_ends_every_session_of_the_account(session, factory):
    lead, rv = _people(session, factory)
    tokens = [sign_in_sessions.start(session, rv, now=T0) for _ in range(3)]
    lead_token = sign_in_sessions.start(session, lead, now=T0)
    update_account(session, lead, rv.id, password="a-new-password")
    assert all(sign_in_sessions.resume(session, t, now=T0, limits=LIMITS) is None for t in tokens)
    assert sign_in_sessions.resume(session, lead_token, now=T0, limits=LIMITS) is lead  # others unaffected


def test_own_password_change_keeps_this_browser_and_ends_the_others(session, factory):
    _, rv = _people(session, factory)
    here, elsewhere = (sign_in_sessions.start(session, rv, now=T0) for _ in range(2))
    with pytest.raises(ValidationFailed, match="current password"):
        change_own_password(session, rv, "wrong-one", "another-pass", keep_token=here)
    assert sign_in_sessions.resume(session, elsewhere, now=T0, limits=LIMITS) is rv
    change_own_password(session, rv, "reviewer-pass", "another-pass", keep_token=here)
    assert sign_in_sessions.resume(session, here, now=T0, limits=LIMITS) is rv
    assert sign_in_sessions.resume(session, elsewhere, now=T0, limits=LIMITS) is None
    assert authenticate(session, "rv", "another-pass", now=T0) is rv
    assert audit.history(session, "user", rv.id)[-1].action == "change_password"


def test_deactivation_and_lockout_end_sessions(session, factory):
    lead, rv = _people(session, factory)
    token = sign_in_sessions.start(session, rv, now=T0)
    set_active(session, lead, rv.id, False)
    assert sign_in_sessions.resume(session, token, now=T0, limits=LIMITS) is None
    set_active(session, lead, rv.id, True)
    assert sign_in_sessions.resume(session, token, now=T0, limits=LIMITS) is None  # reactivating revives nothing
    token = sign_in_sessions.start(session, rv, now=T0)
    for _ in range(5):
        with pytest.raises(CaseReviewError):
            authenticate(session, "rv", "wrong", now=T0)
    assert sign_in_sessions.resume(session, token, now=T0, limits=LIMITS) is None
    assert session.scalar(select(SignInSession.end_reason).where(
        SignInSession.token_hash == sign_in_sessions.token_hash(token))) == "locked"


def test_sign_out_everywhere_self_or_lead_only(session, factory):
    lead, rv = _people(session, factory)
    other = create_user(session, username="rv2", display_name="乙", role="reviewer", unit_name="区水务局",
                        password="reviewer-pass", actor=lead)
    tokens = [sign_in_sessions.start(session, rv, now=T0) for _ in range(2)]
    with pytest.raises(PermissionDenied):
        sign_in_sessions.sign_out_everywhere(session, other, rv.id)
    assert sign_in_sessions.open_sessions(session, rv.id) == 2
    assert sign_in_sessions.sign_out_everywhere(session, lead, rv.id, now=T0) == 2
    assert all(sign_in_sessions.resume(session, t, now=T0, limits=LIMITS) is None for t in tokens)
    entry = audit.history(session, "user", rv.id)[-1]
    assert (entry.action, entry.actor_id, entry.new_value) == ("sign_out_everywhere", lead.id, {"sessions": 2})
    mine = sign_in_sessions.start(session, other, now=T0)
    assert sign_in_sessions.sign_out_everywhere(session, other, other.id, now=T0) == 1
    assert sign_in_sessions.resume(session, mine, now=T0, limits=LIMITS) is None


def test_purge_marks_stale_sessions_ended(session, factory):
    _, rv = _people(session, factory)
    old = sign_in_sessions.start(session, rv, now=T0)
    fresh = sign_in_sessions.start(session, rv, now=T0 + dt.timedelta(hours=9))
    assert sign_in_sessions.purge_expired(session, now=T0 + dt.timedelta(hours=9), limits=LIMITS) == 1
    session.expire_all()
    assert sign_in_sessions.resume(session, old, now=T0 + dt.timedelta(hours=9), limits=LIMITS) is None
    assert sign_in_sessions.resume(session, fresh, now=T0 + dt.timedelta(hours=9), limits=LIMITS) is rv


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(idle=st.integers(min_value=1, max_value=48),
       gaps=st.lists(st.integers(min_value=0, max_value=60 * 60), min_size=1, max_size=12))
def test_property_a_session_lives_exactly_while_every_gap_is_within_the_limits(sqlite_engine, idle, gaps):
    """Whatever the pattern of use, the token works exactly until the first gap longer than the idle limit
    or the first use past the absolute limit, and never after. Each example rolls back its rows."""
    limits = SessionLimits(idle=dt.timedelta(minutes=idle * 10), absolute=dt.timedelta(hours=20))
    with session_factory(sqlite_engine)() as session:
        user = User(username="p", display_name="p", role="lead")
        session.add(user)
        session.flush()
        token = sign_in_sessions.start(session, user, now=T0)
        now, last, alive = T0, T0, True
        for gap in gaps:
            now += dt.timedelta(seconds=gap * 6)
            expected = alive and (now - last <= limits.idle) and (now - T0 <= limits.absolute)
            got = sign_in_sessions.resume(session, token, now=now, limits=limits) is not None
            assert got == expected
            alive = expected
            if got and now - last >= sign_in_sessions.TOUCH_EVERY:
                last = now
        session.rollback()
