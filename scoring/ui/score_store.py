"""Where the scoring page keeps a reviewer's input between reruns and page switches.

The form's marks live in a plain (non-widget) `st.session_state` entry per review, `score_form:<review id>`:

    {"version": the stored version the input is based on (the `expected_version` of the next save),
     "gen":     the widget-key generation (raised whenever the form is reset, so widgets start afresh),
     "entry":   the reviewer's input (`scoring.mark_entry` format),
     "saved":   the stored marks of that version (to tell unsaved changes)}

Streamlit drops a widget's state when the widget is not drawn (another page, an unchosen reason), so each
widget is seeded from the entry when its key is missing and writes its value back into the entry every
run. The entry is reset from the database only after a successful save, on an explicit reload, or when
the stored version moved on while there was nothing unsaved to lose.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from scoring.mark_entry import copy_entry, entry_from_marks, same_marks
from scoring.marks import Marks

FORM_PREFIX = "score_form:"
CONFLICT_PREFIX = "score_conflict:"
SELECTED = "score_assignment"  # the assignment the scoring page shows (set by "My files")


def form_key(review_id: int) -> str:
    return f"{FORM_PREFIX}{review_id}"


def conflict_key(review_id: int) -> str:
    return f"{CONFLICT_PREFIX}{review_id}"


def widget_key(review_id: int, gen: int, *parts: str) -> str:
    return "|".join((f"sf{review_id}g{gen}", *parts))


def get(review_id: int) -> dict[str, Any] | None:
    return st.session_state.get(form_key(review_id))


def is_dirty(store: dict[str, Any]) -> bool:
    return not same_marks(store["entry"], store["saved"])


def reset(review_id: int, version: int, marks: Marks) -> dict[str, Any]:
    """Replace the input with the stored marks of `version` (fresh widgets)."""
    old = get(review_id)
    store = {"version": version, "gen": (old["gen"] + 1) if old else 0, "entry": entry_from_marks(marks),
             "saved": marks}
    st.session_state[form_key(review_id)] = store
    return store


def ensure(review_id: int, version: int, marks: Marks) -> tuple[dict[str, Any], bool]:
    """The kept input of this review, created from the stored marks on first open. When the stored version
    moved on (saved in another tab) and nothing here is unsaved, the input follows it; returns whether it did."""
    store = get(review_id)
    if store is None:
        return reset(review_id, version, marks), False
    if store["version"] != version and not is_dirty(store) and conflict(review_id) is None:
        return reset(review_id, version, marks), True
    return store, False


def forget(review_id: int) -> None:
    st.session_state.pop(form_key(review_id), None)
    st.session_state.pop(conflict_key(review_id), None)


def conflict(review_id: int) -> dict[str, Any] | None:
    return st.session_state.get(conflict_key(review_id))


def set_conflict(review_id: int, *, version: int, marks: Marks, status: str, message: str) -> None:
    st.session_state[conflict_key(review_id)] = {"version": version, "marks": marks, "status": status,
                                                 "message": message}


def clear_conflict(review_id: int) -> None:
    st.session_state.pop(conflict_key(review_id), None)


def bind(key: str, value: Any) -> None:
    """Seed a widget's state from the kept input when Streamlit has none for it (first draw, or after the
    widget was not drawn for a while). Never overwrites what the reviewer just typed."""
    if key not in st.session_state:
        st.session_state[key] = value


def snapshot(review_id: int) -> dict[str, Any] | None:
    store = get(review_id)
    return None if store is None else {**store, "entry": copy_entry(store["entry"])}
