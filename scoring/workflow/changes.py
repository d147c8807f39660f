"""A file's scoring inputs changed: the one upward signal in the workflow.

Assignment, review and re-check sit below the result layer and must not import it, yet every change they
make has to re-derive the file's final result in the same transaction. They call `file_changed`; the
result layer registers itself with `on_file_changed` when `scoring.workflow` is imported (its
``__init__`` imports it), so the signal always has its listener.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

Listener = Callable[[Session, int, int], object]
_listeners: list[Listener] = []


def on_file_changed(listener: Listener) -> Listener:
    """Register a listener (campaign id, case file id); registering the same one twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def file_changed(session: Session, campaign_id: int, case_file_id: int) -> None:
    """Tell the layers above that this file's assignments, reviews or re-check changed."""
    if not _listeners:
        raise RuntimeError("no listener for file changes: import scoring.workflow, not its modules alone")  # internal
    for listener in _listeners:
        listener(session, campaign_id, case_file_id)
