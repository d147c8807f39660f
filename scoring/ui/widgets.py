"""Widgets shared by the pages (pages never import pages): choosing a campaign the reader may read (also
from a link: `?campaign=ID`) or, on the lead's workflow pages, any campaign; choosing a unit; the
results filters, chart labels in the chosen language, reviews side by side, and small formatting helpers.

The permission check is the core's (`scoring.aggregate.disclosure.results_campaign`): the selector
only offers readable campaigns, and a campaign named in the URL is checked before anything is shown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from scoring import timefmt
from scoring.aggregate.disclosure import results_campaign
from scoring.csv_safe import frame_csv
from scoring.desk.lead_recheck import Comparison
from scoring.domain import (
    ALL_FOCUS,
    UNIT_KIND_LABELS,
    CampaignStatus,
    Role,
    UnitKind,
)
from scoring.errors import CaseReviewError, NotFound, ValidationFailed
from scoring.policy import Action, check
from scoring.rubric.vocabulary import active_vocabulary
from scoring.ui import state
from scoring.ui.charts import LABELS_ZH
from scoring.ui.common import focus_label, show_error
from scoring.ui.i18n import t
from scoring.workflow.campaigns import campaign_bands
from scoring.workflow.publish import readable_campaigns

T = TypeVar("T")

CAMPAIGN_KEY = "chosen_campaign_id"  # one chosen campaign across every page (workflow and results)
LEAD_CAMPAIGN_KEY = CAMPAIGN_KEY
UNIT_KEY = "results_unit_id"
ALL = "__all__"


@dataclass(frozen=True)
class ChosenCampaign:
    id: int
    name: str
    year: int
    status: str
    anonymise: bool
    bands: tuple[str, ...]
    pass_line: Decimal
    window_start: dt.date
    window_end: dt.date
    reviewers_per_file: int


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value not in (None, "") else None


def _param_int(name: str) -> int:
    raw = _param(name)
    try:
        return int(str(raw))
    except ValueError:
        raise ValidationFailed(t("cmp.bad_param", name=name, value=raw)) from None


def _drop_param(name: str) -> None:
    if name in st.query_params:
        del st.query_params[name]


def choose_campaign(key: str, *, label: str | None = None, remember: str = CAMPAIGN_KEY,
                    url_param: str | None = "campaign", workflow: bool = False) -> ChosenCampaign | None:
    """A selector over the campaigns this reader may read (newest first). A campaign named in the URL
    is checked by the core first: one that is unpublished (for anyone but the lead) or unknown is
    refused with the core's message, and nothing of it is shown. None when there is nothing to show.

    `workflow=True` is the lead's workflow pages' selector: every campaign (lead only), remembered across
    those pages, plain names."""
    if workflow:
        remember, label = LEAD_CAMPAIGN_KEY, label or t("lw.campaign")
    with state.acting() as (session, user):
        if workflow:
            check(user, Action.MANAGE_CAMPAIGNS)
        if url_param and _param(url_param) is not None and _param(url_param) != str(st.session_state.get(remember)):
            try:
                wanted = results_campaign(session, user, _param_int(url_param))
            except CaseReviewError as exc:
                show_error(exc)
                _drop_param(url_param)
                return None
            st.session_state[remember] = wanted.id
            st.session_state.pop(key, None)
        campaigns = readable_campaigns(session, user)
        if not campaigns:
            empty = "lw.no_campaigns" if workflow else "cmp.no_campaigns_lead" if user.role == Role.LEAD else "cmp.no_published"
            st.info(t(empty))
            return None
        by_id = {c.id: ChosenCampaign(c.id, c.name, c.year, c.status, bool(c.anonymise),
                                      tuple(b.name for b in campaign_bands(c)), c.pass_line, c.window_start,
                                      c.window_end, c.reviewers_per_file) for c in campaigns}
    ids = list(by_id)
    remembered = st.session_state.get(remember)
    index = ids.index(remembered) if remembered in by_id else 0
    if st.session_state.get(key) not in by_id:
        st.session_state.pop(key, None)
    labels = {i: f"{c.name}（{c.year}）" if workflow else campaign_option(c) for i, c in by_id.items()}  # texts fixed now, in the chosen language
    chosen = st.selectbox(label or t("cmp.campaign"), ids, index=index, key=key, format_func=labels.__getitem__)
    st.session_state[remember] = chosen
    if url_param:
        st.query_params[url_param] = str(chosen)
    with state.acting() as (session, user):  # published meanwhile withdrawn: the core refuses
        results_campaign(session, user, chosen)
    return by_id[chosen]


def campaign_option(c: ChosenCampaign) -> str:
    status = "" if c.status == CampaignStatus.PUBLISHED else t("cmp.unpublished_mark", status=t(f"status.{c.status}"))
    return f"{c.name}（{c.year}）{status}"


def choose_unit(key: str, units: list[tuple[int, str]], *, url_param: str = "unit") -> int | None:
    """A unit selector (id, name); a unit named in the URL (`?unit=ID`) is preselected when it is one of
    them, refused with a message otherwise."""
    if not units:
        return None
    ids = [u for u, _ in units]
    names = dict(units)
    if _param(url_param) is not None and _param(url_param) != str(st.session_state.get(UNIT_KEY)):
        wanted = _param_int(url_param)
        if wanted not in names:
            _drop_param(url_param)
            raise NotFound(t("cmp.unit_not_found", unit=wanted))
        st.session_state[UNIT_KEY] = wanted
        st.session_state.pop(key, None)
    remembered = st.session_state.get(UNIT_KEY)
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)
    chosen = st.selectbox(t("cmp.unit"), ids, index=ids.index(remembered) if remembered in names else 0, key=key,
                          format_func=names.__getitem__)
    st.session_state[UNIT_KEY] = chosen
    st.query_params[url_param] = str(chosen)
    return chosen


def filters(prefix: str, *, focus: Iterable[str] | None = None) -> tuple[str | None, str | None, str | None]:
    """Unit kind, case type (and focus area when `focus` is given) selectors; None = all."""
    cols = st.columns(3 if focus is not None else 2)
    kinds = {ALL: t("all"), **{k.value: unit_kind_label(k.value) for k in UnitKind}}
    kind = cols[0].selectbox(t("cmp.filter_kind"), list(kinds), key=f"{prefix}_kind", format_func=kinds.__getitem__)
    types = {ALL: t("all"), **{c: c for c in active_vocabulary().case_types}}
    case_type = cols[1].selectbox(t("cmp.filter_case_type"), list(types), key=f"{prefix}_case_type",
                                  format_func=types.__getitem__)
    chosen_focus = None
    if focus is not None:
        areas = {ALL: t("all"), **{f: focus_label(f) for f in focus}}
        chosen_focus = cols[2].selectbox(t("cmp.filter_focus"), list(areas), key=f"{prefix}_focus",
                                         format_func=areas.__getitem__)
    return (None if kind == ALL else kind, None if case_type == ALL else case_type,
            None if chosen_focus in (None, ALL) else chosen_focus)


def unit_kind_label(kind: str) -> str:
    return t(f"cmp.kind.{kind}") if kind in {k.value for k in UNIT_KIND_LABELS} else kind


def chart_labels() -> dict[str, str]:
    return {k: t(f"cmp.chart.{k}") for k in LABELS_ZH}


def focus_labels() -> dict[str, str]:
    return {f: focus_label(f) for f in ALL_FOCUS}


PAGE_SIZE = 50  # rows a long list shows at once: a page costs the same for 40 files and 4,000


def paged(rows: Sequence[T], key: str) -> Sequence[T]:
    """One page of a long list, with its page picker; the whole list when it fits on one page."""
    size = PAGE_SIZE
    pages = max(1, math.ceil(len(rows) / size))
    if pages == 1:
        return rows
    if int(st.session_state.get(key) or 1) > pages:  # the list got shorter (a filter): stay in range
        st.session_state[key] = pages
    page = int(st.number_input(t("widget.page", pages=pages), min_value=1, max_value=pages, step=1, key=key))
    start = (page - 1) * size
    st.caption(t("widget.page_range", first=start + 1, last=min(start + size, len(rows)), total=len(rows)))
    return rows[start:start + size]


def num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def fmt2(value: Decimal | float | None) -> str:
    return "–" if value is None else f"{float(value):.2f}"


def pct(value: Decimal | float | None) -> str:
    return "–" if value is None else f"{float(value):.2f}%"


def source_label(source: str) -> str:
    return t(f"cmp.source.{source}") if source in ("mean", "recheck") else source


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a BOM, so Excel on Chinese Windows opens it with the right encoding; formulas defused."""
    return frame_csv(frame)


ALTAIR_VIEW_DEFAULTS = ("continuousWidth", "continuousHeight")  # Altair's default theme; Streamlit sizes charts


def show_chart(chart: alt.TopLevelMixin, key: str) -> None:
    """A chart, its Vega-Lite spec built without Altair's check against the schema: checking a
    500-unit heatmap's spec was half of the comparison page's run. Every chart builder's spec is
    checked against the schema by the tests instead (tests/test_charts.py); Streamlit still ships the
    data as Arrow, as `st.altair_chart` does."""
    spec = chart.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for name in ALTAIR_VIEW_DEFAULTS:
        view.pop(name, None)
    if "view" in spec.get("config", {}) and not view:
        del spec["config"]["view"]
    st.vega_lite_chart(spec, width="stretch", key=key)


# ------------------------------------------------------------------------------------------ reviews side by side

DIFF_STYLE = "background-color: rgba(255, 170, 0, 0.22)"
DIFF_MARK = "⚠"


def fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def cell_status_label(status: str) -> str:
    return t(f"recheckp.cell_{status}")


def column_names(comparison: Comparison) -> list[str]:
    names = [c.reviewer for c in comparison.reviews]
    return [f"{c.reviewer}（{c.username}）" if names.count(c.reviewer) > 1 else c.reviewer
            for c in comparison.reviews]


def totals_frame(comparison: Comparison) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("assign.col_reviewer"): name, t("recheckp.col_score"): fmt(c.total), t("recheckp.col_grade"): c.grade,
          t("recheckp.col_vetoes"): "、".join(c.vetoes) or t("recheckp.none"),
          t("recheckp.col_submitted_at"): timefmt.show(c.submitted_at)}
         for name, c in zip(column_names(comparison), comparison.reviews, strict=True)])


def cell_text(cell, kind: str) -> str:  # noqa: ANN001 - a desk.lead_recheck comparison cell
    """One reviewer's mark on one item, in one cell: status and points, reasons, where, comment."""
    head = cell_status_label(cell.status)
    if kind == "item" and cell.points:
        head += f" −{fmt(cell.points)}"
    parts = [head]
    reasons = "；".join(text + (f" ×{n}" if n > 1 else "") for _, text, n in cell.reasons)
    if reasons:
        parts.append(reasons)
    if cell.location:
        parts.append(f"@{cell.location}")
    if cell.comment:
        parts.append(f"「{cell.comment}」")
    return " · ".join(parts)


def items_frame(comparison: Comparison, *, only_differing: bool = False) -> pd.DataFrame:
    """One row per item (and veto), one column per reviewer (status, points, reasons, where and comment in
    one cell), so the comparison fits the page without scrolling sideways; differences are flagged."""
    names = column_names(comparison)
    diff = t("recheckp.col_differs")
    rows = []
    for row in comparison.rows:
        if only_differing and not row.differs:
            continue
        title = row.title if row.kind == "item" else t("recheckp.veto_title", title=row.title)
        data: dict[str, object] = {diff: DIFF_MARK if row.differs else "", t("recheckp.col_item"): row.key,
                                   t("recheckp.col_title"): title}
        for name, cell in zip(names, row.cells, strict=True):
            data[name] = cell_text(cell, row.kind)
        rows.append(data)
    return pd.DataFrame(rows, columns=[diff, t("recheckp.col_item"), t("recheckp.col_title"), *names])
