"""Python's cycle collector paused around bulk steps that build hundreds of thousands of objects.

Every 700 allocations start a collection, and the older generations' collections walk every live object
of the process again. Drafting a province's findings builds ~180,000 defect tuples, then drafts, links
and audit entries: a quarter of its CPU went to collections (4.2 s with the collector, 3.1 s without);
the draw of 50,000 files from a million a quarter too (6.5 -> 5.0 s), the register import a quarter
(48 -> 36 s at a million rows) and the scores export a tenth. Their objects make few or no reference
cycles: reference counting frees them as before, and a cycle made meanwhile is collected once the
collector runs again, or by `sweep`, which a streamed step calls after each chunk so that its memory
stays flat. Not for documents built with python-docx: its objects point back at their parents, and the
supervision recommendations peaked at 960 MB instead of 391 MB without collections.

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


def sweep() -> None:
    """Collect the cycles a paused step has made since the last collection (the youngest generation:
    what was allocated since and is still alive). A streamed step sweeps after each chunk, so its
    memory stays flat however long the stream: the register import made ~160 KB of cycles per 1,000
    rows, 180 MB more at a million without it."""
    gc.collect(0)


def bulk_step(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a core function that builds objects by the hundred thousand: it runs `collector_paused`."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return fn(*args, **kwargs)

    return run
