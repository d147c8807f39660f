"""Reviewer agreement (lead): Krippendorff's alpha on the totals of double-scored files with its
bootstrap interval, the items reviewers agree on least (a sign the standard's wording is read
differently), and each reviewer's severity against their co-reviewers.

Reviewer names are the lead's to see: the core (`readable_agreement`) replaces them with aliases for
anyone else, and this page is on the lead's list only.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.aggregate import ItemAgreement
from scoring.aggregate.disclosure import is_lead, readable_agreement
from scoring.ui import charts, state
from scoring.ui.common import focus_label, reported, table
from scoring.ui.figures_cache import figures
from scoring.ui.i18n import t
from scoring.ui.widgets import (
    chart_labels,
    choose_campaign,
    filters,
    focus_labels,
    show_chart,
)


def _alpha(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def reading(alpha: float | None) -> str:
    """Krippendorff's rule of thumb: ≥ 0.800 reliable, ≥ 0.667 tentative, below that not reliable."""
    if alpha is None:
        return t("cmp.ag.reading_none")
    if alpha >= 0.8:
        return t("cmp.ag.reading_good")
    if alpha >= 0.667:
        return t("cmp.ag.reading_tentative")
    return t("cmp.ag.reading_poor")


def items_table(items: list[ItemAgreement]) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("cmp.col.item"): f"{i.item_id} {i.item_title}", t("cmp.col.focus"): focus_label(i.focus) if i.focus else "",
          t("cmp.col.alpha"): i.alpha, t("cmp.col.ci"): (f"{_alpha(i.ci_low)}–{_alpha(i.ci_high)}"
                                                         if i.ci_low is not None and i.ci_high is not None else "–"),
          t("cmp.col.pair_files"): i.files, t("cmp.col.deducted_files"): i.deducted_files,
          t("cmp.col.disagree_files"): i.disagree_files} for i in items],
        columns=[t("cmp.col.item"), t("cmp.col.focus"), t("cmp.col.alpha"), t("cmp.col.ci"), t("cmp.col.pair_files"),
                 t("cmp.col.deducted_files"), t("cmp.col.disagree_files")])


def render() -> None:
    st.title(t("cmp.ag.title"))
    with reported():
        campaign = choose_campaign("ag_campaign")
        if campaign is None:
            return
        unit_kind, case_type, _ = filters("ag")
        with state.acting() as (_, user):
            lead = is_lead(user)
        ag = figures(readable_agreement, campaign.id, unit_kind=unit_kind, case_type=case_type)
        if not ag.files:
            st.info(t("cmp.ag.none"))
            return
        c = st.columns(4)
        c[0].metric(t("cmp.ag.alpha"), _alpha(ag.alpha), border=True, help=t("cmp.ag.alpha_help"))
        c[1].metric(t("cmp.ag.interval"), f"{_alpha(ag.ci_low)}–{_alpha(ag.ci_high)}", border=True,
                    help=t("cmp.ag.interval_help", b=ag.n_boot, seed=ag.seed))
        c[2].metric(t("cmp.ag.files"), ag.files, border=True)
        c[3].metric(t("cmp.ag.reviewers"), ag.reviewers, border=True)
        st.markdown(reading(ag.alpha))

        st.subheader(t("cmp.ag.lowest"))
        st.caption(t("cmp.ag.lowest_help", files=ag.min_item_files, deducted=ag.min_deducted_files))
        if ag.lowest:
            show_chart(charts.item_agreement_chart(ag.lowest, chart_labels(), focus_labels()), "ag_items")
            table(items_table(ag.lowest), hide_index=True, width="stretch",
                  column_config={t("cmp.col.alpha"): st.column_config.NumberColumn(format="%.3f")})
        else:
            st.info(t("cmp.ag.no_lowest"))
        with st.expander(t("cmp.ag.all_items", n=len(ag.items))):
            table(items_table(ag.items), hide_index=True, width="stretch",
                  column_config={t("cmp.col.alpha"): st.column_config.NumberColumn(format="%.3f")})

        st.subheader(t("cmp.ag.severity"))
        st.caption(t("cmp.ag.severity_help"))
        names = [r.display_name if lead else t("cmp.reviewer_alias", letter=r.username) for r in ag.severity]
        show_chart(charts.severity_chart(ag.severity, names, chart_labels()), "ag_severity")
        table(pd.DataFrame(
            [{t("cmp.col.reviewer"): name, t("cmp.col.pair_files"): r.files,
              t("cmp.col.severity"): round(r.severity, 2), t("cmp.col.mean_abs_diff"): round(r.mean_abs_diff, 2)}
             for name, r in zip(names, ag.severity, strict=True)]),
            hide_index=True, width="stretch",
            column_config={t("cmp.col.severity"): st.column_config.NumberColumn(format="%+.2f"),
                    t("cmp.col.mean_abs_diff"): st.column_config.NumberColumn(format="%.2f")})


if __name__ == "__main__":
    render()
