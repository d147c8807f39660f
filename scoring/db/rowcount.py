"""How many rows a DML statement matched, read from the result `Session.execute` returns."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """`Session.execute` is typed to return a `Result`; for an INSERT/UPDATE/DELETE it is the driver's
    `CursorResult`, which has the count."""
    return cast("CursorResult[Any]", result).rowcount
