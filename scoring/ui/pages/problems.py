"""Problems: the deduction reasons (and vetoes) ranked by the files carrying them (Pareto: bars and the
cumulative share), filtered by focus area, unit kind and case type; the main problems of each focus
area as the notice lists them; and, for one problem, the units and files where it occurs (typical
examples, anonymised for readers other than the lead when the campaign says so).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.aggregate import top_problems
from scoring.aggregate.disclosure import (
    anonymised_for,
    readable_problem_files,
    results_campaign,
)
from scoring.aggregate.pareto import ParetoRow, pareto
from scoring.domain import ALL_FOCUS
from scoring.ui import charts, state
from scoring.ui.common import focus_label, reported, table, yes_no
from scoring.ui.figures_cache import figures
from scoring.ui.i18n import t
from scoring.ui.widgets import (
    ChosenCampaign,
    chart_labels,
    choose_campaign,
    csv_bytes,
    filters,
    focus_labels,
    num,
    show_chart,
)

CHART_DEFAULT = 25
PER_FOCUS = 3


def pareto_table(rows: list[ParetoRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("cmp.col.rank"): r.rank, t("cmp.col.focus"): focus_label(r.problem.focus),
          t("cmp.col.item"): f"{r.problem.item_id} {r.problem.item_title}",
          t("cmp.col.reason"): f"{r.problem.reason_id} {r.problem.reason}",
          t("cmp.col.veto"): yes_no(r.problem.is_veto),
          t("cmp.col.files"): r.problem.files, t("cmp.col.file_share"): num(r.problem.share),
          t("cmp.col.cumulative"): num(r.cumulative_pct), t("cmp.col.unit_count"): len(r.problem.units),
          t("cmp.col.units"): "、".join(f"{u.unit}（{u.files}）" for u in r.problem.units)} for r in rows],
        columns=[t("cmp.col.rank"), t("cmp.col.focus"), t("cmp.col.item"), t("cmp.col.reason"), t("cmp.col.veto"),
                 t("cmp.col.files"), t("cmp.col.file_share"), t("cmp.col.cumulative"), t("cmp.col.unit_count"),
                 t("cmp.col.units")])


def _headline(rows: list[ParetoRow]) -> None:
    total = rows[-1].cumulative_files
    to80 = next((r.rank for r in rows if r.cumulative_pct >= 80), len(rows))
    c = st.columns(3)
    c[0].metric(t("cmp.pb.reasons"), len(rows), border=True)
    c[1].metric(t("cmp.pb.occurrences"), total, border=True, help=t("cmp.pb.occurrences_help"))
    c[2].metric(t("cmp.pb.to80"), to80, border=True, help=t("cmp.pb.to80_help"))


def _pareto(rows: list[ParetoRow]) -> None:
    st.subheader(t("cmp.pb.pareto"))
    shown = rows
    if len(rows) > 5:
        n = st.slider(t("cmp.pb.chart_n"), min_value=5, max_value=len(rows), value=min(CHART_DEFAULT, len(rows)),
                      key="pb_chart_n")
        shown = rows[:n]
    show_chart(charts.pareto_chart(shown, chart_labels(), focus_labels(), list(ALL_FOCUS)), "pb_pareto")
    pareto = pareto_table(rows)
    table(pareto, hide_index=True, width="stretch",
          column_config={t("cmp.col.file_share"): st.column_config.NumberColumn(format="%.2f"),
                         t("cmp.col.cumulative"): st.column_config.NumberColumn(format="%.2f")})
    st.download_button(t("cmp.download"), csv_bytes(pareto), file_name="problems.csv", mime="text/csv",
                       key="pb_download", icon=":material/download:")


def _by_focus(campaign: ChosenCampaign, unit_kind: str | None, case_type: str | None, focus: str | None) -> None:
    st.subheader(t("cmp.pb.by_focus"))
    problems = figures(top_problems, campaign.id, per_focus=PER_FOCUS, focus=focus, unit_kind=unit_kind,
                       case_type=case_type)
    current = None
    lines: list[str] = []
    for p in problems:
        if p.focus != current:
            current = p.focus
            lines.append(f"\n**{focus_label(p.focus)}**\n")
        lines.append(t("cmp.pb.line", item=f"{p.item_id} {p.item_title}", reason=p.reason, n=p.files,
                       share=f"{float(p.share or 0):.2f}", units=len(p.units)))
    st.markdown("\n".join(lines))


def _where(campaign: ChosenCampaign, rows: list[ParetoRow], unit_kind: str | None, case_type: str | None) -> None:
    st.subheader(t("cmp.pb.where"))
    keys = [(r.problem.item_id, r.problem.reason_id) for r in rows]
    by_key = {k: r for k, r in zip(keys, rows, strict=True)}
    chosen = st.selectbox(t("cmp.pb.problem"), keys, key="pb_problem",
                          format_func=lambda k: f"{k[0]}-{k[1]} {by_key[k].problem.reason}（{by_key[k].problem.files}）")
    p = by_key[chosen].problem
    st.caption(t("cmp.pb.problem_caption", focus=focus_label(p.focus), item=p.item_title, files=p.files,
                 units=len(p.units)))
    with state.acting() as (session, user):
        files = readable_problem_files(session, user, campaign.id, p.item_id, p.reason_id, unit_kind=unit_kind,
                                       case_type=case_type)
        hidden = anonymised_for(user, results_campaign(session, user, campaign.id))
    left, right = st.columns([1, 2])
    left.dataframe(pd.DataFrame({t("cmp.col.unit"): [u.unit for u in p.units],
                                 t("cmp.col.files"): [u.files for u in p.units]}), hide_index=True, width="stretch")
    right.dataframe(pd.DataFrame(
        [{t("cmp.col.unit"): f.unit, t("cmp.col.case_number"): f.case_number, t("cmp.col.points"): num(f.points),
          t("cmp.col.recorded_by"): f.reviews, t("cmp.col.location"): f.location, t("cmp.col.comment"): f.comment,
          t("cmp.col.score"): num(f.score), t("cmp.col.grade"): f.grade} for f in files]),
        hide_index=True, width="stretch",
        column_config={t("cmp.col.points"): st.column_config.NumberColumn(format="%.2f"),
                       t("cmp.col.score"): st.column_config.NumberColumn(format="%.2f")})
    if hidden:
        st.caption(t("cmp.anonymised"))


def render() -> None:
    st.title(t("cmp.pb.title"))
    with reported():
        campaign = choose_campaign("pb_campaign")
        if campaign is None:
            return
        unit_kind, case_type, focus = filters("pb", focus=list(ALL_FOCUS))
        st.caption(t("cmp.mean_rule"))
        with state.acting() as (session, user):
            rows = pareto(session, user, campaign.id, focus=focus, unit_kind=unit_kind, case_type=case_type)
        if not rows:
            st.info(t("cmp.pb.none"))
            return
        _headline(rows)
        _pareto(rows)
        _by_focus(campaign, unit_kind, case_type, focus)
        _where(campaign, rows, unit_kind, case_type)


if __name__ == "__main__":
    render()
