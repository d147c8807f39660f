"""Per-process and per-session state: the database engine, the rubric library, the signed-in user."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scoring import preferences, sign_in_sessions
from scoring.db.models import User
from scoring.db.session import default_url, open_db, retrying, session_factory, transaction
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RUBRIC_SUFFIXES, RubricLibrary
from scoring.settings import session_limits
from scoring.ui import i18n, session_cookie
from scoring.ui.i18n import t

USER_KEY = "user_id"
DEAD_TOKEN_KEY = "session_token_ended"  # the last token found ended: not looked up again
SSO_KEY = "signed_in_via_sso"
FLASH_KEY = "flash_messages"
ENV_RUBRICS = "CASEREVIEW_RUBRICS"  # rubric folders for the pages (os.pathsep-separated); default rubrics/


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_db(url)


def engine() -> Engine:
    """The engine for $CASEREVIEW_DB_URL (default sqlite:///casereview.db), opened and migrated once."""
    return _engine(default_url())


@contextmanager
def db_session() -> Iterator[Session]:
    """A fresh read session (for writes use `scoring.db.session.transaction(engine())`)."""
    with session_factory(engine())() as session:
        yield session


# ------------------------------------------------------------------------------------------ rubrics

def rubric_paths() -> list[Path]:
    raw = os.environ.get(ENV_RUBRICS, "")
    paths = [Path(p) for p in raw.split(os.pathsep) if p.strip()]
    return paths or [DEFAULT_RUBRIC_DIR]


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int], ...]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(f for f in p.rglob("*") if f.suffix in RUBRIC_SUFFIXES)
        elif p.exists():
            files.append(p)
    return tuple(sorted((str(f), f.stat().st_mtime_ns) for f in files))


@st.cache_resource(show_spinner=False, max_entries=4)
def _library(paths: tuple[str, ...], fingerprint: tuple[tuple[str, int], ...]) -> RubricLibrary:
    return RubricLibrary.load([Path(p) for p in paths])


def rubric_library() -> RubricLibrary:
    """The shipped standards (reloaded when a rubric file changes). Raises ProblemReport."""
    paths = rubric_paths()
    return _library(tuple(str(p) for p in paths), _fingerprint(paths))


# ------------------------------------------------------------------------------------------ user

@dataclass(frozen=True)
class SignedIn:
    """What the shell needs to know about the signed-in user, detached from any session."""

    id: int
    username: str
    display_name: str
    role: str


def current_user_id() -> int | None:
    value = st.session_state.get(USER_KEY)
    return int(value) if value is not None else None


def current_user(session: Session) -> User | None:
    """The signed-in, still active user loaded in `session`; signs out an account deactivated meanwhile."""
    user_id = current_user_id()
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        forget_user()
        return None
    return user


@contextmanager
def acting(*, write: bool = False) -> Iterator[tuple[Session, User]]:
    """The one way a page gets its actor: a session and the active signed-in account loaded in it.

    `write=True` opens a transaction (committed when the block ends without error). An account signed
    out or deactivated meanwhile stops the page with a message; the core re-checks every permission.
    """
    opened = transaction(engine()) if write else db_session()
    with opened as session:
        yield session, _active_or_stop(session)


def _active_or_stop(session: Session) -> User:
    """The signed-in, active account; an account signed out or deactivated meanwhile stops the page."""
    user = current_user(session)
    if user is None:
        st.warning(t("shell.signed_out"))
        st.stop()
    return user


def acting_id() -> int:
    """The id of the account `acting()` yields, for core entry points that take an engine and an account id
    and open their own transactions (register import, sampling); they re-check it through the policy."""
    with acting() as (_, user):
        return user.id


T = TypeVar("T")


def acting_retrying(work: Callable[[Session, User], T]) -> T:
    """`acting(write=True)` for one unit of work that is run again, with growing waits, while the database
    is busy (a draft save under many writers); `DatabaseBusy` (a "try again" in the person's language)
    only after the retries."""
    return retrying(engine(), lambda session: work(session, _active_or_stop(session)))


def signed_in() -> SignedIn | None:
    with db_session() as session:
        user = current_user(session)
        if user is None:
            return None
        return SignedIn(user.id, user.username, user.display_name, user.role)


def remember_user(user_id: int, *, via_sso: bool = False) -> None:
    st.session_state[USER_KEY] = user_id
    st.session_state[SSO_KEY] = via_sso


def forget_user() -> None:
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(SSO_KEY, None)


def start_session(user_id: int, *, via: str = "password") -> None:
    """After a successful sign-in: open a server-side session and have the browser keep its token, so a
    reload, a second tab or a link keeps the person signed in."""
    with transaction(engine()) as session:
        user = session.get(User, user_id)
        if user is None:
            return
        token = sign_in_sessions.start(session, user, via=via)
        language = user.language
    remember_user(user_id, via_sso=(via == "sso"))
    i18n.adopt_account_language(language)
    session_cookie.keep(token, int(session_limits().absolute.total_seconds()))


def restore_session() -> None:
    """Every run: the tab's token (or, on a fresh tab, the browser's cookie) decides who is signed in.
    A session ended elsewhere (sign-out, password change, deactivation, "sign out everywhere") or expired
    signs this tab out at once."""
    token = session_cookie.current() or session_cookie.from_browser()
    if token is None or token == st.session_state.get(DEAD_TOKEN_KEY):
        return
    with transaction(engine()) as session:
        user = sign_in_sessions.resume(session, token)
        found = (user.id, user.language) if user is not None else None
    if found is None:
        forget_user()
        session_cookie.drop()  # the browser's cookie is dead: delete it, and never ask about it again
        st.session_state[DEAD_TOKEN_KEY] = token
        return
    if current_user_id() != found[0]:
        remember_user(found[0], via_sso=signed_in_via_sso())
        i18n.adopt_account_language(found[1])
    st.session_state[session_cookie.TOKEN_KEY] = token


def keep_language(language: str) -> None:
    """The language switch's callback: keep the choice with the signed-in account."""
    user_id = current_user_id()
    if user_id is None:
        return
    with transaction(engine()) as session:
        preferences.set_language(session, session.get(User, user_id), language)


def end_session() -> None:
    """Sign out: end the server-side session (audited) and delete the browser's cookie."""
    token = session_cookie.current()
    if token:
        with transaction(engine()) as session:
            sign_in_sessions.sign_out(session, token)
    session_cookie.drop()
    st.session_state[DEAD_TOKEN_KEY] = token
    forget_user()


def signed_in_via_sso() -> bool:
    return bool(st.session_state.get(SSO_KEY))


# ------------------------------------------------------------------------------------------ flash

def flash(message: str, kind: str = "success") -> None:
    """A message to show at the top of the next run (after st.rerun())."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(message)
