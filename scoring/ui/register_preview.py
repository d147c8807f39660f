"""The register import preview beyond counts: which column of the file each field came from, and the
first rows exactly as they were parsed (so a wrong column mapping is seen before anything is stored)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import islice
from typing import Any

import pandas as pd
import streamlit as st

from scoring.errors import CaseReviewError
from scoring.register.importer import ImportReport, read_register, register_spec
from scoring.ui.common import table
from scoring.ui.i18n import t

FIRST_ROWS = 5
CACHE_KEY = "reg_preview_rows"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _first_rows(file_id: str, data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    cached = st.session_state.get(CACHE_KEY)
    if cached and cached[0] == file_id:
        return cached[1]
    try:
        rows = [(r.row, r.values) for r in islice(read_register(data, filename), FIRST_ROWS)]
    except CaseReviewError:
        rows = []  # the report already lists why the file cannot be read
    st.session_state[CACHE_KEY] = (file_id, rows)
    return rows


def show(report: ImportReport, file_id: str, data: bytes, filename: str) -> None:
    """The column mapping and the first parsed rows of an uploaded register."""
    labels = {name: synonyms[0] for name, synonyms in register_spec().synonyms.items()}
    found = [(f, h) for f, h in report.columns.items() if h]
    if not found:
        return
    st.markdown(f"**{t('regprev.mapping')}**")
    table(pd.DataFrame([{t("regprev.col_field"): labels.get(f, f), t("regprev.col_source"): h}
                        for f, h in found]), hide_index=True, width="stretch")
    rows = _first_rows(file_id, data, filename)
    if not rows:
        return
    st.markdown(f"**{t('regprev.first_rows', n=len(rows))}**")
    columns = {f: f"{labels.get(f, f)} ← {h}" for f, h in found}
    table(pd.DataFrame([{t("col.row"): n, **{columns[f]: _cell(values.get(f)) for f in columns}}
                        for n, values in rows]), hide_index=True, width="stretch")
