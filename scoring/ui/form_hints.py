"""Notes beside the items of the scoring form: the machine pre-check's hints and the calibration guidance
(scoring.form_notes). The score page sets them for the file being scored; the form shows each item's."""

from __future__ import annotations

import streamlit as st

from scoring.form_notes import ItemNote
from scoring.ui.i18n import t

NOTES_KEY = "form_hints_notes"


def set_notes(notes: tuple[ItemNote, ...]) -> None:
    by_item: dict[str, list[ItemNote]] = {}
    for note in notes:
        by_item.setdefault(note.item_id, []).append(note)
    st.session_state[NOTES_KEY] = by_item


def show_notes(item_id: str) -> None:
    for note in st.session_state.get(NOTES_KEY, {}).get(item_id, []):
        if note.kind == "precheck":
            st.caption(f":material/fact_check: {t('hint.precheck', title=note.text)}")
        else:
            st.caption(f":material/lightbulb: {t('hint.guidance', note=note.text)}")
