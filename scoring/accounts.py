"""Accounts: roles, home units, Argon2id password hashes, lock-out, sign-in and administration.

Creating accounts and checking passwords, plus what a multi-user front end needs on top: a sign-in that
keeps the failure count (and so the lock-out) even though the sign-in itself fails, mapping a
single-sign-on e-mail address to an account, listing accounts, and changing / deactivating them (lead
only, audited).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from scoring import audit, sign_in_sessions
from scoring.db.busy import DatabaseBusy, is_busy
from scoring.db.models import Assignment, CaseFile, Unit, User, utcnow
from scoring.db.rowcount import rowcount
from scoring.db.session import session_factory
from scoring.domain import Role
from scoring.errors import CaseReviewError, NotFound, PermissionDenied, ValidationFailed
from scoring.policy import Action, check

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def load_actor(session: Session, actor: User | int | None) -> User | None:
    """The acting account loaded in `session` (from an account or its id); None when there is none."""
    if isinstance(actor, int):
        return session.get(User, actor)
    return actor


def acting_id(engine: Engine, actor_id: int | None, action: Action) -> int:
    """For entry points that get an engine and an account id: the id, once `policy.check` allows the action."""
    with session_factory(engine)() as session:
        return check(load_actor(session, actor_id), action).id


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(code="auth.password_short", n=MIN_PASSWORD_LENGTH)
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
        raise NotFound(code="auth.no_unit", name=name)
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
    password_hash: str | None = None,
) -> User:
    """Create an account. Only a lead may, except the very first account (`bootstrap`), which must be a lead.

    `password_hash` (from `hash_password`) instead of `password`: accounts that share one password, such as
    the demo's, hash it once (Argon2 spends a fifth of a second per hash on purpose)."""
    if bootstrap:
        if count_users(session):
            raise PermissionDenied(code="auth.setup_done")
        if Role(role) != Role.LEAD:
            raise ValidationFailed(code="auth.first_is_lead")
    else:
        check(actor, Action.MANAGE_ACCOUNTS)
    username = username.strip()
    if not username:
        raise ValidationFailed(code="auth.username_required")
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(code="auth.unknown_role", role=role) from None
    if session.scalar(select(User).where(User.username == username)):
        raise ValidationFailed(code="auth.username_taken", username=username)
    unit = find_unit(session, unit_name)
    if role == Role.REVIEWER and unit is None:
        raise ValidationFailed(code="auth.reviewer_needs_unit")
    if role == Role.LIAISON and unit is None:
        raise ValidationFailed(code="auth.liaison_needs_unit")
    user = User(
        username=username, display_name=display_name.strip() or username, role=role.value,
        unit_id=unit.id if unit else None, email=email or None,
        password_hash=hash_password(password) if password else password_hash,
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
    claimed = user is not None and user.active and bool(user.password_hash) and rowcount(session.execute(
        update(User).where(User.id == user.id, User.failed_logins < MAX_FAILED_LOGINS,
                           or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1).execution_options(synchronize_session=False))) == 1
    if commit_claim:
        session.commit()
    if not claimed:
        _spend(password)
        raise generic
    assert user is not None and user.password_hash is not None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        locked = rowcount(session.execute(
            update(User).where(User.id == user.id, User.failed_logins >= MAX_FAILED_LOGINS)
            .values(locked_until=now + LOCKOUT, failed_logins=0).execution_options(synchronize_session=False)
        )) == 1
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


def sign_in(engine: Engine, username: str, password: str, *, now: dt.datetime | None = None) -> int:
    """Check a user name and password; return the user's id.

    Unlike a plain `authenticate` inside `transaction()`, a failed attempt is committed too, so that
    repeated failures do lock the account. Raises `CaseReviewError` (wrong password) or
    `PermissionDenied` (locked).
    """
    if not username.strip() or not password:
        raise ValidationFailed(code="auth.enter_credentials")
    for attempt in range(1, SIGN_IN_ATTEMPTS + 1):
        with session_factory(engine)() as session:
            try:
                try:
                    user = authenticate(session, username, password, now=now, commit_claim=True)
                except CaseReviewError:
                    session.commit()  # keep failed_logins / locked_until
                    raise
                session.commit()
                return user.id
            except DBAPIError as exc:  # a burst of sign-ins on SQLite: wait and try again, then "busy"
                if not is_busy(exc):
                    raise
                if attempt == SIGN_IN_ATTEMPTS:
                    raise DatabaseBusy() from None
        time.sleep(0.05 * 2 ** attempt * (0.5 + random.random()))
    raise AssertionError("unreachable")


SIGN_IN_ATTEMPTS = 5


def user_for_email(session: Session, email: str | None) -> User:
    """The active account whose e-mail address is `email` (case-insensitive), for single sign-on."""
    address = (email or "").strip()
    if not address:
        raise NotFound(code="auth.sso_no_email")
    user = session.scalar(select(User).where(func.lower(User.email) == address.lower()))
    if user is None:
        raise NotFound(code="auth.sso_no_account", address=address)
    if not user.active:
        raise NotFound(code="auth.sso_deactivated", address=address)
    return user


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    role: str
    unit: str | None
    email: str | None
    active: bool
    locked: bool
    has_password: bool


def list_accounts(session: Session, actor: User | None, *, now: dt.datetime | None = None) -> list[AccountRow]:
    """Every account with its unit and state (lead only)."""
    check(actor, Action.MANAGE_ACCOUNTS)
    now = now or utcnow()
    rows = session.execute(
        select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.id)
    ).all()
    return [
        AccountRow(
            id=u.id, username=u.username, display_name=u.display_name, role=u.role, unit=unit_name,
            email=u.email, active=u.active, locked=bool(u.locked_until and u.locked_until > now),
            has_password=bool(u.password_hash),
        )
        for u, unit_name in rows
    ]


def set_active(session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Deactivate (cannot sign in, keeps its history) or reactivate an account. Lead only; audited.

    A lead cannot deactivate their own account, so the panel is never left without an active lead.
    """
    actor = check(actor, Action.MANAGE_ACCOUNTS)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(code="auth.no_user", id=user_id)
    if not active and user.id == actor.id:
        raise ValidationFailed(code="auth.deactivate_self")
    if user.active == active:
        raise ValidationFailed(code="auth.active_already" if active else "auth.deactivated_already",
                               username=user.username)
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    else:
        sign_in_sessions.end_all(session, user.id, "deactivated")
    session.flush()
    audit.record(session, actor_id=actor.id, action="activate_user" if active else "deactivate_user",
                 entity="user", entity_id=user.id, old={"active": not active}, new={"active": active})
    return user


_KEEP = object()  # "leave as it is" for update_account's optional fields


def update_account(
    session: Session,
    actor: User | None,
    user_id: int,
    *,
    display_name: str | None = None,
    role: Role | str | None = None,
    unit_name: object = _KEEP,
    email: object = _KEEP,
    password: str | None = None,
) -> User:
    """Change an account's name, role, home unit, e-mail or password. Lead only; audited (old and new).

    Refused: a reviewer without a home unit; moving a reviewer into a unit whose files they are
    assigned (recusal); a lead taking away their own lead role. A new password also lifts a lock-out.
    """
    actor = check(actor, Action.MANAGE_ACCOUNTS)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(code="auth.no_user", id=user_id)
    old = {"display_name": user.display_name, "role": user.role,
           "unit": user.unit.name if user.unit else None, "email": user.email}
    new_role = Role(role).value if role is not None else user.role
    if user.id == actor.id and new_role != Role.LEAD:
        raise ValidationFailed(code="auth.own_lead_role")
    unit = user.unit if unit_name is _KEEP else find_unit(session, unit_name or None)  # type: ignore[arg-type]
    if new_role == Role.REVIEWER and unit is None:
        raise ValidationFailed(code="auth.reviewer_needs_unit")
    if new_role == Role.LIAISON and unit is None:
        raise ValidationFailed(code="auth.liaison_needs_unit")
    if new_role == Role.REVIEWER and unit is not None:
        clash = session.scalars(select(CaseFile.case_number).join(Assignment, Assignment.case_file_id == CaseFile.id)
                                .where(Assignment.reviewer_id == user.id, CaseFile.unit_id == unit.id)).all()
        if clash:
            raise ValidationFailed(code="auth.unit_clash", name=user.display_name, unit=unit.name,
                                   files=list(clash[:3]))
    if display_name is not None:
        if not display_name.strip():
            raise ValidationFailed(code="auth.display_name_required")
        user.display_name = display_name.strip()
    if email is not _KEEP:
        address = (str(email).strip() if email else "") or None
        if address and session.scalar(select(User).where(func.lower(User.email) == address.lower(), User.id != user.id)):
            raise ValidationFailed(code="auth.email_taken", address=address)
        user.email = address
    user.role = new_role
    user.unit_id = unit.id if unit else None
    if password:
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        sign_in_sessions.end_all(session, user.id, "password_changed")
    session.flush()
    session.refresh(user)
    new = {"display_name": user.display_name, "role": user.role,
           "unit": user.unit.name if user.unit else None, "email": user.email}
    changed = [k for k in new if old[k] != new[k]] + (["password"] if password else [])
    if changed:
        audit.record(session, actor_id=actor.id, action="update_user", entity="user", entity_id=user.id,
                     old={k: old.get(k) for k in changed if k != "password"},
                     new={k: new.get(k, "(reset)") for k in changed if k != "password"} |
                     ({"password": "(reset)"} if password else {}))
    return user


def change_own_password(session: Session, user: User | None, current: str, new: str, *,
                        keep_token: str | None = None) -> None:
    """A person changes their own password: the current one is checked, every other browser of theirs is
    signed out (`keep_token` is the one making the change), and the change is audited."""
    if user is None or not user.active:
        raise ValidationFailed(code="auth.sign_in_first")
    if not password_matches(user, current):
        raise ValidationFailed(code="auth.current_password_wrong")
    user.password_hash = hash_password(new)
    ended = sign_in_sessions.end_all(session, user.id, "password_changed", keep_token=keep_token)
    session.flush()
    audit.record(session, actor_id=user.id, action="change_password", entity="user", entity_id=user.id,
                 new={"password": "(changed)", "other_sessions_ended": ended})
