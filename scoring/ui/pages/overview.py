"""Overview: what the database holds, and the headline figures of a campaign's results as the circulated
notice (评查情况通报) publishes them: files reviewed and per grade, average, pass and excellent rates,
vetoes, the grade distribution and the units grouped by their average.

Readers see only campaigns whose results they may read (leads: all; everyone else: published ones).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.aggregate import CampaignFigures, campaign_figures
from scoring.ui import charts, state
from scoring.ui.common import reported, role_label, table
from scoring.ui.figures_cache import figures
from scoring.ui.i18n import t
from scoring.ui.widgets import chart_labels, choose_campaign, fmt2, num, pct, show_chart
from scoring.views import overview_counts


def notice_sentence(f: CampaignFigures) -> str:
    """"抽查65本案卷，优秀16本，良好24本，合格21本，不合格4本" in the chosen language."""
    parts = [t("cmp.ov.notice_grade", grade=g, n=n) for g, n in f.grade_counts.items()]
    return t("cmp.ov.notice", n=f.files_reviewed, grades=t("cmp.ov.notice_sep").join(parts))


def _counts(user) -> None:  # noqa: ANN001
    with state.acting() as (session, actor):
        counts = overview_counts(session, actor)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("overview.units"), counts.units, border=True)
    c2.metric(t("overview.case_files"), counts.case_files, border=True)
    c3.metric(t("overview.campaigns"), counts.campaigns, border=True)
    c4.metric(t("overview.users"), counts.active_users, border=True)
    if counts.units == 0 and user.role == "lead":
        st.info(t("overview.no_units"))


def _headline(f: CampaignFigures) -> None:
    st.markdown(f"#### {notice_sentence(f)}")
    row = st.columns(5)
    row[0].metric(t("cmp.ov.files"), f.files_reviewed, border=True)
    row[1].metric(t("cmp.ov.mean"), fmt2(f.mean), border=True)
    row[2].metric(t("cmp.ov.pass_rate"), pct(f.pass_rate), border=True)
    row[3].metric(t("cmp.ov.excellent_rate"), pct(f.excellent_rate), border=True)
    row[4].metric(t("cmp.ov.vetoes"), f.veto_count, border=True)
    grades = st.columns(max(len(f.grade_counts), 1))
    for col, (grade, n) in zip(grades, f.grade_counts.items(), strict=False):
        col.metric(t("cmp.ov.grade_files", grade=grade), n, border=True)
    st.caption(t("cmp.ov.definitions", median=fmt2(f.median), low=fmt2(f.min), high=fmt2(f.max),
                 units=f.units, pass_line=fmt2(f.pass_line)))
    if f.files_pending:
        st.warning(t("cmp.ov.pending", n=f.files_pending, sampled=f.files_sampled))


def _distribution(f: CampaignFigures) -> None:
    st.subheader(t("cmp.ov.distribution"))
    left, right = st.columns([3, 2])
    with left:
        show_chart(charts.grade_chart(f, chart_labels()), "ov_grade_chart")
    with right:
        frame = charts.grade_frame(f)
        table(pd.DataFrame({t("cmp.col.grade"): frame["grade"], t("cmp.col.files"): frame["files"],
                            t("cmp.col.share"): frame["share"]}),
              hide_index=True, width="stretch",
              column_config={t("cmp.col.share"): st.column_config.NumberColumn(format="%.2f")})


def _groups(f: CampaignFigures) -> None:
    st.subheader(t("cmp.ov.groups"))
    cols = st.columns(max(len(f.unit_groups), 1))
    for col, g in zip(cols, f.unit_groups, strict=False):
        with col:
            span = (t("cmp.ov.band_top", low=fmt2(g.min)) if g.upper is None
                    else t("cmp.ov.band", low=fmt2(g.min), high=fmt2(g.upper)))
            st.markdown(f"**{g.band}** · {span} · {t('cmp.ov.n_units', n=len(g.units))}")
            if g.units:
                table(pd.DataFrame({t("cmp.col.unit"): [u.unit for u in g.units],
                                    t("cmp.col.mean"): [num(u.mean) for u in g.units],
                                    t("cmp.col.files"): [u.files for u in g.units]}),
                      hide_index=True, width="stretch", height=min(38 + 35 * len(g.units), 320),
                      column_config={t("cmp.col.mean"): st.column_config.NumberColumn(format="%.2f")})


def _focus(f: CampaignFigures) -> None:
    if not f.focus:
        return
    with st.expander(t("cmp.ov.focus")):
        table(pd.DataFrame({t("cmp.col.focus"): [t(f"focus.{x.focus}") for x in f.focus],
                            t("cmp.col.files"): [x.files for x in f.focus],
                            t("cmp.col.rate"): [num(x.rate) for x in f.focus]}),
              hide_index=True, width="stretch",
              column_config={t("cmp.col.rate"): st.column_config.NumberColumn(format="%.2f")})


def render() -> None:
    st.title(t("overview.title"))
    with reported():
        with state.acting() as (session, user):
            assert user is not None
            st.caption(t("overview.welcome", name=user.display_name, role=role_label(user.role)))
            _counts(user)
        st.header(t("cmp.ov.results"))
        campaign = choose_campaign("ov_campaign")
        if campaign is None:
            return
        shown = figures(campaign_figures, campaign.id)
        if not shown.files_reviewed:
            st.info(t("cmp.ov.no_results"))
            return
        _headline(shown)
        _distribution(shown)
        _groups(shown)
        _focus(shown)
        st.divider()
        links = st.columns(3)
        links[0].page_link("scoring/ui/pages/compare.py", label=t("page.compare"), icon=":material/leaderboard:",
                           query_params={"campaign": str(campaign.id)})
        links[1].page_link("scoring/ui/pages/problems.py", label=t("page.problems"), icon=":material/report:",
                           query_params={"campaign": str(campaign.id)})
        links[2].page_link("scoring/ui/pages/unit_detail.py", label=t("page.unit_detail"),
                           icon=":material/apartment:", query_params={"campaign": str(campaign.id)})


if __name__ == "__main__":
    render()
