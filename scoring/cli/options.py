"""Options shared by the commands that use the database: `--db URL` and `--as USERNAME` (the acting account).

Kept apart from `scoring.cli.base` so that `casereview --help` and the light commands never import the
database stack.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from scoring.db.models import User
from scoring.db.session import default_url, open_db, session_factory
from scoring.domain import Role
from scoring.errors import CaseReviewError, NotFound


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `--db URL` (default: $CASEREVIEW_DB_URL, else ./casereview.db) and passes `engine`."""

    @click.option("--db", "db_url", default=None, metavar="URL",  # no envvar: an explicit `casereview --db` wins
                  help="Database URL (default: $CASEREVIEW_DB_URL or sqlite:///casereview.db).")
    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str | None, **kwargs: Any) -> Any:
        url = db_url or click.get_current_context().meta.get("casereview.db_url")
        return func(*args, engine=lazy_engine(url), **kwargs)

    return wrapper


class lazy_engine:  # noqa: N801 - reads like a function at call sites
    """Opens (and migrates) the database only when a command first needs it."""

    def __init__(self, url: str | None) -> None:
        self.url = url or default_url()
        self._engine: Engine | None = None

    def __call__(self) -> Engine:
        if self._engine is None:
            self._engine = open_db(self.url)
        return self._engine


def acting_user(session: Session, username: str | None) -> User:
    """The account a command acts as: --as NAME, else the only active panel lead. Every change a command
    makes is audited under it, and the core checks its permissions (`scoring.policy`)."""
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(code="cli.no_user", username=username)
        return user
    leads = session.scalars(select(User).where(User.role == Role.LEAD, User.active.is_(True))).all()
    if len(leads) != 1:
        raise CaseReviewError(code="cli.who_acts")
    return leads[0]


def acting_id(engine: Engine, username: str | None) -> int:
    """`acting_user`'s id, for core entry points that take an engine and an account id."""
    with session_factory(engine)() as session:
        return acting_user(session, username).id


def as_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `--as USERNAME` (passed as `as_user`): the acting account, default the only panel lead."""
    return click.option("--as", "as_user", metavar="USERNAME",
                        help="Acting account (default: the only panel lead).")(func)
