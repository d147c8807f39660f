"""Server-side sign-in sessions: what keeps a browser signed in across reloads, tabs and links.

Signing in creates a random token (256 bits) that the browser keeps in a cookie; the database stores
only its SHA-256, with when it was created and last seen, so a copy of the database cannot be used to
sign in. A token is accepted while the account is active and not locked, it was used within the idle
limit and it is younger than the absolute limit (`scoring.settings.session_limits`). Signing out, a
password change, the account being deactivated or locked, and "sign out everywhere" end sessions at
once (signing out ends all of the person's sessions, not only this browser's). Signing in and out are
audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import SignInSession, User, utcnow
from scoring.db.rowcount import rowcount
from scoring.errors import NotFound
from scoring.messages import Msg
from scoring.policy import Action, Situation, check
from scoring.settings import SessionLimits, session_limits

TOKEN_BYTES = 32
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen is written at most once a minute per session


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user: User, *, via: str = "password", now: dt.datetime | None = None) -> str:
    """Open a session for `user` (whose credentials were just checked); returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = SignInSession(user_id=user.id, token_hash=token_hash(token), via=via, created_at=now, last_seen_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=user.id, action="sign_in", entity="user", entity_id=user.id,
                 new={"via": via, "session": row.id})
    return token


def _end(session: Session, rows: list[SignInSession], reason: str, now: dt.datetime) -> int:
    for row in rows:
        row.ended_at = now
        row.end_reason = reason
    session.flush()
    return len(rows)


def resume(session: Session, token: str | None, *, now: dt.datetime | None = None,
           limits: SessionLimits | None = None) -> User | None:
    """The account a cookie's token signs in, or None (unknown, ended, expired, or the account may no
    longer sign in — the session is then ended so it can never come back)."""
    if not token:
        return None
    now = now or utcnow()
    limits = limits or session_limits()
    row = session.scalar(select(SignInSession).where(SignInSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    reason = None
    if user is None or not user.active:
        reason = "deactivated"
    elif user.locked_until and user.locked_until > now:
        reason = "locked"
    elif now - row.last_seen_at > limits.idle:
        reason = "idle"
    elif now - row.created_at > limits.absolute:
        reason = "expired"
    if reason:
        _end(session, [row], reason, now)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return user


def sign_out(session: Session, token: str | None, *, now: dt.datetime | None = None) -> int:
    """Sign out: end this browser's session and every other open session of the same person (a reviewer
    who signs out at the end of the day is signed out of the office PC and the laptop alike). Audited;
    returns how many sessions ended (0 when the token was unknown or already ended)."""
    if not token:
        return 0
    now = now or utcnow()
    row = session.scalar(select(SignInSession).where(SignInSession.token_hash == token_hash(token),
                                                     SignInSession.ended_at.is_(None)))
    if row is None:
        return 0
    count = end_all(session, row.user_id, "sign_out", now=now)
    audit.record(session, actor_id=row.user_id, action="sign_out", entity="user", entity_id=row.user_id,
                 new={"session": row.id, "sessions_ended": count})
    return count


def end_all(session: Session, user_id: int, reason: str, *, keep_token: str | None = None,
            now: dt.datetime | None = None) -> int:
    """End every open session of an account (a password change, deactivation, lock-out); returns how many.
    `keep_token` spares the browser that made the change (a person changing their own password)."""
    now = now or utcnow()
    stmt = select(SignInSession).where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
    if keep_token:
        stmt = stmt.where(SignInSession.token_hash != token_hash(keep_token))
    return _end(session, list(session.scalars(stmt)), reason, now)


def sign_out_everywhere(session: Session, actor: User | None, user_id: int, *,
                        now: dt.datetime | None = None) -> int:
    """End all of an account's sessions: a person their own, the panel lead anyone's. Audited."""
    actor = check(actor, Action.END_SESSIONS, Situation(own_account=actor is not None and actor.id == user_id),
                  what=Msg("policy.what.end_sessions"))
    if session.get(User, user_id) is None:
        raise NotFound(code="auth.no_user", id=user_id)
    count = end_all(session, user_id, "everywhere", now=now)
    audit.record(session, actor_id=actor.id, action="sign_out_everywhere", entity="user", entity_id=user_id,
                 new={"sessions": count})
    return count


def open_sessions(session: Session, user_id: int) -> int:
    """How many sessions of the account are open (not yet ended; expired ones end on their next use)."""
    return len(session.scalars(select(SignInSession.id).where(SignInSession.user_id == user_id,
                                                              SignInSession.ended_at.is_(None))).all())


def purge_expired(session: Session, *, now: dt.datetime | None = None, limits: SessionLimits | None = None) -> int:
    """Mark sessions past their limits as ended (housekeeping; `resume` refuses them anyway)."""
    now = now or utcnow()
    limits = limits or session_limits()
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.ended_at.is_(None),
               (SignInSession.last_seen_at < now - limits.idle) | (SignInSession.created_at < now - limits.absolute))
        .values(ended_at=now, end_reason="expired")
    )
    return int(rowcount(result) or 0)
