"""Accounts: roles, home units, Argon2id password hashes and lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from scoring import audit, sign_in_sessions
from scoring.db.models import Unit, User, utcnow
from scoring.domain import Role
from scoring.errors import CaseReviewError, NotFound, PermissionDenied, ValidationFailed

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def require_role(actor: User | None, *roles: Role) -> User:
    """The permission check every core action calls: refuse unless `actor` has one of `roles`."""
    if actor is None or not actor.active:
        raise PermissionDenied("sign in first")
    if actor.role not in roles:
        wanted = " or ".join(r.value for r in roles)
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not do this; it needs role {wanted}")
    return actor


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    """Whether `password` is the account's password (no lock-out counting: the person is signed in)."""
    if not user.password_hash:
        return False
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def find_unit(session: Session, name: str | None) -> Unit | None:
    if not name:
        return None
    unit = session.scalar(select(Unit).where(Unit.name == name.strip()))
    if unit is None:
        raise NotFound(f"no unit named {name!r}")
    return unit


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    unit_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
    actor: User | None = None,
    bootstrap: bool = False,
) -> User:
    """Create an account. Only a lead may, except the very first account (`bootstrap`), which must be a lead."""
    if bootstrap:
        if count_users(session):
            raise PermissionDenied("set-up is done already: accounts exist; ask the panel lead")
        if Role(role) != Role.LEAD:
            raise ValidationFailed("the first account must be a panel lead")
    else:
        require_role(actor, Role.LEAD)
    username = username.strip()
    if not username:
        raise ValidationFailed("a user name is required")
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"unknown role {role!r}; use lead, reviewer, observer or liaison") from None
    if session.scalar(select(User).where(User.username == username)):
        raise ValidationFailed(f"user name {username!r} is taken")
    unit = find_unit(session, unit_name)
    if role == Role.REVIEWER and unit is None:
        raise ValidationFailed("a reviewer needs a home unit (for recusal: nobody reviews their own unit)")
    if role == Role.LIAISON and unit is None:
        raise ValidationFailed("a unit liaison needs the unit they speak for")
    user = User(
        username=username, display_name=display_name.strip() or username, role=role.value,
        unit_id=unit.id if unit else None, email=email or None,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor_id=actor.id if actor else user.id, action="create_user", entity="user",
                 entity_id=user.id, new={"username": username, "role": role.value, "unit": unit_name})
    return user


def _dummy_hash() -> str:
    """An Argon2 hash no password matches, made once: unknown names cost the same work as known ones."""
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = _hasher.hash(secrets.token_hex(16))
    return _DUMMY


_DUMMY: str | None = None


def _spend(password: str) -> None:
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None,
                 commit_claim: bool = False) -> User:
    """Check a password; lock the account for a while after repeated failures.

    Every failure (unknown name, inactive or locked account, wrong password) gets the same answer after
    the same Argon2 work, so neither the message nor the time tells which accounts exist. An attempt
    first claims one of the `MAX_FAILED_LOGINS` tries left with a conditional UPDATE (atomic on both
    databases), so of any number of concurrent guesses at most that many are checked against the
    password before the account locks; success gives the tries back. `commit_claim` commits the claim
    before the slow password check (sign-in does, so no lock is held meanwhile).
    """
    now = now or utcnow()
    generic = CaseReviewError(code="auth.wrong_credentials")
    user = session.scalar(select(User).where(User.username == username.strip()))
    claimed = user is not None and user.active and bool(user.password_hash) and session.execute(
        update(User).where(User.id == user.id, User.failed_logins < MAX_FAILED_LOGINS,
                           or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1).execution_options(synchronize_session=False)).rowcount == 1
    if commit_claim:
        session.commit()
    if not claimed:
        _spend(password)
        raise generic
    assert user is not None and user.password_hash is not None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        locked = session.execute(
            update(User).where(User.id == user.id, User.failed_logins >= MAX_FAILED_LOGINS)
            .values(locked_until=now + LOCKOUT, failed_logins=0).execution_options(synchronize_session=False)
        ).rowcount == 1
        session.expire(user, ["failed_logins", "locked_until"])
        if locked:
            sign_in_sessions.end_all(session, user.id, "locked", now=now)
            audit.record(session, actor_id=user.id, action="lockout", entity="user", entity_id=user.id)
        raise generic from None
    session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None)
                    .execution_options(synchronize_session=False))
    session.expire(user, ["failed_logins", "locked_until"])
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user
