"""Account administration and signing in, as the pages need them.

`scoring.users` creates accounts and checks passwords; this module adds what a multi-user front end
needs on top: a sign-in that keeps the failure count (and so the lock-out) even though the sign-in
itself fails, mapping a single-sign-on e-mail address to an account, listing accounts, and
deactivating / reactivating them (lead only, audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from scoring import audit, sign_in_sessions
from scoring.db.models import Unit, User, utcnow
from scoring.db.session import session_factory
from scoring.domain import Role
from scoring.errors import CaseReviewError, NotFound, ValidationFailed
from scoring.users import authenticate, hash_password, password_matches, require_role


def sign_in(engine: Engine, username: str, password: str, *, now: dt.datetime | None = None) -> int:
    """Check a user name and password; return the user's id.

    Unlike a plain `authenticate` inside `transaction()`, a failed attempt is committed too, so that
    repeated failures do lock the account. Raises `CaseReviewError` (wrong password) or
    `PermissionDenied` (locked).
    """
    if not username.strip() or not password:
        raise ValidationFailed("enter a user name and a password")
    with session_factory(engine)() as session:
        try:
            user = authenticate(session, username, password, now=now, commit_claim=True)
        except CaseReviewError:
            session.commit()  # keep failed_logins / locked_until
            raise
        session.commit()
        return user.id


def user_for_email(session: Session, email: str | None) -> User:
    """The active account whose e-mail address is `email` (case-insensitive), for single sign-on."""
    address = (email or "").strip()
    if not address:
        raise NotFound("the sign-in provider gave no e-mail address; ask the panel lead to create your account")
    user = session.scalar(select(User).where(func.lower(User.email) == address.lower()))
    if user is None:
        raise NotFound(f"no account for {address}: ask the panel lead to create your account")
    if not user.active:
        raise NotFound(f"the account for {address} is deactivated: ask the panel lead")
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
    require_role(actor, Role.LEAD)
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
    require_role(actor, Role.LEAD)
    assert actor is not None
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    if not active and user.id == actor.id:
        raise ValidationFailed("you cannot deactivate your own account")
    if user.active == active:
        state = "active" if active else "deactivated"
        raise ValidationFailed(f"{user.username} is {state} already")
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
    from scoring.db.models import Assignment, CaseFile
    from scoring.users import find_unit

    require_role(actor, Role.LEAD)
    assert actor is not None
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    old = {"display_name": user.display_name, "role": user.role,
           "unit": user.unit.name if user.unit else None, "email": user.email}
    new_role = Role(role).value if role is not None else user.role
    if user.id == actor.id and new_role != Role.LEAD:
        raise ValidationFailed("you cannot take away your own lead role")
    unit = user.unit if unit_name is _KEEP else find_unit(session, unit_name or None)  # type: ignore[arg-type]
    if new_role == Role.REVIEWER and unit is None:
        raise ValidationFailed("a reviewer needs a home unit (for recusal: nobody reviews their own unit)")
    if new_role == Role.LIAISON and unit is None:
        raise ValidationFailed("a unit liaison needs the unit they speak for")
    if new_role == Role.REVIEWER and unit is not None:
        clash = session.scalars(select(CaseFile.case_number).join(Assignment, Assignment.case_file_id == CaseFile.id)
                                .where(Assignment.reviewer_id == user.id, CaseFile.unit_id == unit.id)).all()
        if clash:
            raise ValidationFailed(f"{user.display_name} is assigned files of {unit.name} ({', '.join(clash[:3])}); "
                                   "remove those assignments before moving them there (回避)")
    if display_name is not None:
        if not display_name.strip():
            raise ValidationFailed("a display name is required")
        user.display_name = display_name.strip()
    if email is not _KEEP:
        address = (str(email).strip() if email else "") or None
        if address and session.scalar(select(User).where(func.lower(User.email) == address.lower(), User.id != user.id)):
            raise ValidationFailed(f"e-mail {address} belongs to another account")
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
        raise ValidationFailed("sign in first")
    if not password_matches(user, current):
        raise ValidationFailed("the current password is wrong")
    user.password_hash = hash_password(new)
    ended = sign_in_sessions.end_all(session, user.id, "password_changed", keep_token=keep_token)
    session.flush()
    audit.record(session, actor_id=user.id, action="change_password", entity="user", entity_id=user.id,
                 new={"password": "(changed)", "other_sessions_ended": ended})
