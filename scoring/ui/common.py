"""Helpers every page uses: tables, showing core errors and problem reports, labels for domain values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from scoring.errors import CaseReviewError, Problem, ProblemReport
from scoring.messages import localize
from scoring.ui.i18n import lang, t

MISSING = "—"  # what a table cell shows for a missing value (a rank not given, an alpha undefined)


def table(data: Any, **options: Any) -> Any:
    """`st.dataframe` with a dash for missing values, where Streamlit writes "None" (English, and
    meaningless to a panel) in every language. Every table of the app is drawn through here."""
    return st.dataframe(data, placeholder=MISSING, **options)


def editor(data: Any, **options: Any) -> Any:
    """`st.data_editor` with the same dash for an empty cell (a new row's id, a date not set yet); what
    the editor returns is unchanged: an empty cell is still missing."""
    return st.data_editor(data, placeholder=MISSING, **options)


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    rows = [
        {
            t("col.row"): p.row if p.row is not None else p.line,
            t("col.column"): localize(p.column, lang()) if p.column else (p.path or ""),
            t("col.value"): p.value or "",
            t("col.message"): p.localized_message(lang()),
        }
        for p in problems
    ]
    columns = [t("col.row"), t("col.column"), t("col.value"), t("col.message")]
    frame = pd.DataFrame(rows, columns=columns)
    frame[t("col.row")] = frame[t("col.row")].astype("Int64")
    return frame


def show_problems(problems: list[Problem], total: int | None = None) -> None:
    """The problem list as a table (row, column, value, message)."""
    total = len(problems) if total is None else total
    if total > len(problems):
        st.caption(t("problems.capped", shown=len(problems), total=total))
    table(problems_frame(problems), hide_index=True, width="stretch")


def show_error(exc: CaseReviewError) -> None:
    """A core error as the person at the keyboard should see it: the message, and any problem table."""
    st.error(t("error.prefix", message=exc.localized(lang())))
    if isinstance(exc, ProblemReport) and exc.problems:
        show_problems(exc.problems)


@contextmanager
def reported() -> Iterator[None]:
    """Run a block; a `CaseReviewError` from the core is shown in the page instead of a traceback."""
    try:
        yield
    except CaseReviewError as exc:
        show_error(exc)


def role_label(role: str) -> str:
    return t(f"role.{role}")


def focus_label(focus: str) -> str:
    return t(f"focus.{focus}")


def flag_label(flag: str) -> str:
    return t(f"flag.{flag}")


def yes_no(value: bool) -> str:
    return t("yes") if value else t("no")
