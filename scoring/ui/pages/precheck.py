"""Machine pre-check (lead): every file of the campaign's period against the pre-check rules, per unit
beside the hand-scored sample, per rule and per unit and rule, the flagged files, and the Excel export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.precheck.export import precheck_workbook
from scoring.precheck.run import beside_sample, run_precheck
from scoring.ui import state
from scoring.ui.common import focus_label, reported, table
from scoring.ui.i18n import t
from scoring.ui.widgets import choose_campaign
from scoring.workflow.campaigns import get_campaign

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render() -> None:
    st.title(t("pc.title"))
    st.caption(t("pc.intro"))
    with reported():
        chosen = choose_campaign("pc_campaign")
        if chosen is None:
            return
        with state.acting() as (session, user):
            campaign = get_campaign(session, chosen.id)
            result = run_precheck(session, user, campaign)
            units = beside_sample(session, campaign, result)
        if not result.n_files:
            st.info(t("pc.no_files"))
            return
        n_flagged = len(result.flagged_numbers())
        c = st.columns(4)
        c[0].metric(t("pc.files"), result.n_files, border=True)
        c[1].metric(t("pc.flagged"), n_flagged, border=True)
        c[2].metric(t("pc.rate"), f"{100 * n_flagged / result.n_files:.2f}", border=True)
        c[3].metric(t("pc.rules"), len(result.rules), border=True)
        st.download_button(t("pc.download"), precheck_workbook(result, chosen.name),
                           file_name=f"{chosen.name}-机器预检.xlsx", mime=XLSX, key="pc_download")

        st.subheader(t("pc.by_unit"))
        by_unit = pd.DataFrame({
            t("pc.col.unit"): units["unit"], t("pc.col.files"): units["files"],
            t("pc.col.flagged"): units["flagged_files"], t("pc.col.per100"): units["flagged_per_100"],
            t("pc.col.flags"): units["flags"], t("pc.col.sampled"): units["sampled"],
            t("pc.col.flagged_sampled"): units["flagged_sampled"], t("pc.col.mean"): units["mean_score"]})
        st.bar_chart(by_unit.set_index(t("pc.col.unit"))[t("pc.col.per100")], horizontal=True,
                     y_label=t("pc.chart"), x_label="")
        table(by_unit, hide_index=True, width="stretch", key="pc_units")
        st.caption(t("pc.force_hint"))

        st.subheader(t("pc.by_rule"))
        rules = result.by_rule()
        table(pd.DataFrame({
            t("pc.col.rule"): rules["rule"], t("pc.col.title"): rules["title"],
            t("pc.col.focus"): [focus_label(f) for f in rules["focus"]], t("pc.col.flagged"): rules["flagged"],
            t("pc.col.per100"): rules["per_100"], t("pc.col.hints"): rules["hints"], t("pc.col.basis"): rules["basis"],
        }), hide_index=True, width="stretch", key="pc_rules")

        st.subheader(t("pc.unit_rule"))
        ur = result.by_unit_rule()
        ur = ur[ur["flagged"] > 0]
        table(pd.DataFrame({
            t("pc.col.unit"): ur["unit"], t("pc.col.rule"): ur["rule"], t("pc.col.title"): ur["title"],
            t("pc.col.files"): ur["files"], t("pc.col.flagged"): ur["flagged"], t("pc.col.per100"): ur["per_100"],
        }), hide_index=True, width="stretch", key="pc_unit_rule")

        st.subheader(t("pc.flagged_files"))
        files = result.flagged_files()
        table(pd.DataFrame({
            t("pc.col.case"): files["case_number"], t("pc.col.unit"): files["unit"],
            t("pc.col.type"): files["case_type"], t("pc.col.date"): files["decision_date"].dt.date,
            t("pc.col.rules"): files["rules"]}), hide_index=True, width="stretch", key="pc_files")


if __name__ == "__main__":
    render()
