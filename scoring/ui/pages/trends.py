"""Year over year (lead): two campaigns; for units reviewed in both, the change in mean and in each
focus area, and whether last campaign's most frequent problems came back (`year_over_year`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.aggregate import year_over_year
from scoring.domain import ALL_FOCUS
from scoring.ui import charts, state
from scoring.ui.common import focus_label, reported, table, yes_no
from scoring.ui.i18n import t
from scoring.ui.widgets import chart_labels, filters, focus_labels, num, show_chart
from scoring.workflow.publish import readable_campaigns

TOP_N = 10


def _pick() -> tuple[int, int] | None:
    with state.acting() as (session, actor):
        campaigns = readable_campaigns(session, actor)  # newest first
        names = {c.id: f"{c.name}（{c.year}）" for c in campaigns}
    if len(campaigns) < 2:
        st.info(t("cmp.yy.need_two"))
        return None
    ids = list(names)
    c1, c2 = st.columns(2)
    previous = c1.selectbox(t("cmp.yy.previous"), ids, index=1, key="yy_previous", format_func=names.__getitem__)
    current = c2.selectbox(t("cmp.yy.current"), ids, index=0, key="yy_current", format_func=names.__getitem__)
    if previous == current:
        st.warning(t("cmp.yy.same"))
        return None
    return previous, current


def render() -> None:
    st.title(t("cmp.yy.title"))
    with reported():
        picked = _pick()
        if picked is None:
            return
        previous, current = picked
        unit_kind, case_type, _ = filters("yy")
        with state.acting() as (session, user):
            yoy = year_over_year(session, user, previous, current, top_n=TOP_N, unit_kind=unit_kind, case_type=case_type)
        if not yoy.units:
            st.info(t("cmp.yy.no_units"))
        else:
            st.subheader(t("cmp.yy.change"))
            st.caption(t("cmp.yy.change_help", previous=yoy.previous, current=yoy.current))
            show_chart(charts.change_chart(yoy.units, chart_labels()), "yy_change")
            frame = charts.change_frame(yoy.units)
            table(pd.DataFrame({
                t("cmp.col.unit"): frame["unit"], t("cmp.col.previous_mean"): frame["previous"],
                t("cmp.col.current_mean"): frame["current"], t("cmp.col.change"): frame["change"],
                t("cmp.col.previous_grade"): frame["previous_grade"],
                t("cmp.col.current_grade"): frame["current_grade"],
                t("cmp.col.previous_files"): frame["previous_files"],
                t("cmp.col.current_files"): frame["current_files"],
            }), hide_index=True, width="stretch", column_config={
                c: st.column_config.NumberColumn(format=f) for c, f in (
                    (t("cmp.col.previous_mean"), "%.2f"), (t("cmp.col.current_mean"), "%.2f"),
                    (t("cmp.col.change"), "%+.2f"))})
            st.subheader(t("cmp.yy.focus"))
            show_chart(charts.focus_change_heatmap(yoy.units, list(ALL_FOCUS), chart_labels(), focus_labels()),
                       "yy_focus")
            with st.expander(t("cmp.yy.focus_table")):
                fc = charts.focus_change_frame(yoy.units, focus_labels())
                table(pd.DataFrame({
                    t("cmp.col.unit"): fc["unit"], t("cmp.col.focus"): fc["focus_label"],
                    t("cmp.col.previous_rate"): fc["previous"], t("cmp.col.current_rate"): fc["current"],
                    t("cmp.col.change"): fc["change"]}), hide_index=True, width="stretch")
        st.subheader(t("cmp.yy.recurring", n=TOP_N))
        if not yoy.problems:
            st.info(t("cmp.yy.no_problems"))
            return
        table(pd.DataFrame(
            [{t("cmp.col.focus"): focus_label(p.focus), t("cmp.col.item"): f"{p.item_id} {p.item_title}",
              t("cmp.col.reason"): p.reason, t("cmp.col.previous_files"): p.previous_files,
              t("cmp.col.previous_share"): num(p.previous_share), t("cmp.col.current_files"): p.current_files,
              t("cmp.col.current_share"): num(p.current_share), t("cmp.col.recurred"): yes_no(p.recurred),
              t("cmp.col.recurred_units"): "、".join(u.unit for u in p.units if u.recurred),
              t("cmp.col.units_change"): "、".join(f"{u.unit}（{u.previous_files}→{u.current_files}）" for u in p.units)}
             for p in yoy.problems]),
            hide_index=True, width="stretch",
            column_config={t("cmp.col.previous_share"): st.column_config.NumberColumn(format="%.2f"),
                    t("cmp.col.current_share"): st.column_config.NumberColumn(format="%.2f")})


if __name__ == "__main__":
    render()
