"""Accounts: roles, home units, Argon2id password hashes and lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
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


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> User:
    """Check a password; lock the account for a while after repeated failures."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip()))
    generic = CaseReviewError("wrong user name or password")
    if user is None or not user.active or not user.password_hash:
        raise generic
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise PermissionDenied(f"account locked after {MAX_FAILED_LOGINS} failed sign-ins; try again in {minutes} min")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            sign_in_sessions.end_all(session, user.id, "locked", now=now)
            audit.record(session, actor_id=user.id, action="lockout", entity="user", entity_id=user.id)
        raise generic from None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user
