"""A database too busy to take a save: retried with backoff, then a clear "try again", never a traceback.

SQLite lets one writer in at a time; under many concurrent saves a writer can wait past the busy
timeout and get "database is locked". PostgreSQL can report a deadlock or serialization failure.
`transaction()` turns these into `DatabaseBusy` (the pages show it in the person's language and keep
what they typed); `scoring.db.session.retrying()` runs a unit of work again, with growing waits, before giving up.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from scoring.errors import CaseReviewError

T = TypeVar("T")
BUSY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")
ATTEMPTS = 4
FIRST_WAIT = 0.05  # seconds; doubles each attempt, with jitter


class DatabaseBusy(CaseReviewError):
    """The database could not take the change now; nothing was saved and the person should try again."""

    def __init__(self) -> None:
        super().__init__(code="db.busy")


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(orig).lower()
    return any(t in text for t in BUSY_TEXTS)
