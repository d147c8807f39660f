"""Python's cycle collector paused around bulk steps that build hundreds of thousands of objects.

Drafting a province's findings builds ~180,000 defect tuples, then drafts, links and audit entries; every
700 allocations start a collection, and the older generations' collections walk every live object of the
process again. A quarter of the drafting's CPU went there (4.2 s with the collector, 3.1 s without), and
a tenth of the notice's and the supervision recommendations'. None of that work makes reference cycles it
needs collected: reference counting frees its objects as before, and any cycle made meanwhile is
collected once the collector runs again.

The pause is process-wide (the collector is), so it is counted: the first step to enter pauses the
collector if it was running, the last to leave resumes it, however the server's sessions interleave.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_inside = 0  # bulk steps running now, in any thread
_resume = False  # whether the collector ran when the first of them entered


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector paused (see the module docstring)."""
    global _inside, _resume
    with _lock:
        if _inside == 0:
            _resume = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _resume:
                gc.enable()


def bulk_step(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a core function that builds objects by the hundred thousand: it runs `collector_paused`."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return fn(*args, **kwargs)

    return run
