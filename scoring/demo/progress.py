"""Progress of a long demo load, for whoever shows it (the set-up page's progress bar, the CLI).

The loaders call `report(step, done, total)`; a caller that wants to see it wraps the load in
`reporting(callback)`. A context variable rather than a parameter threaded through every loader, so the
loaders' signatures stay as the CLI and tests know them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[str, int, int], None]  # (step, done, total)
_current: ContextVar[Reporter | None] = ContextVar("demo_progress", default=None)


def report(step: str, done: int, total: int) -> None:
    callback = _current.get()
    if callback is not None:
        callback(step, done, total)


@contextmanager
def reporting(callback: Reporter) -> Iterator[None]:
    token = _current.set(callback)
    try:
        yield
    finally:
        _current.reset(token)
