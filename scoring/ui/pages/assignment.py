"""Assignment (lead): who scores which sampled file.

Automatic assignment and bulk CSV assignment are previewed first (nothing written) and then applied as
a whole; the core re-derives the plan on apply and refuses it if the assignments changed meanwhile.
Recusal (nobody reviews their own unit) and "no removing a scored assignment" are the core's rules; the
page shows its refusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from scoring.db.models import Campaign, CaseFile, User
from scoring.desk.lead_assignment import (
    SampledFile,
    apply_previewed,
    assignment_template_csv,
    plan_load,
    preview_auto,
    preview_csv,
    reviewer_options,
    sampled_with_assignments,
)
from scoring.errors import CaseReviewError
from scoring.ui import state
from scoring.ui.common import reported, show_error, table
from scoring.ui.i18n import t
from scoring.ui.widgets import choose_campaign
from scoring.workflow.assignments import PlannedAssignment, assign, unassign

AUTO_KEY = "assign_auto_preview"
CSV_KEY = "assign_csv_preview"


@dataclass
class CsvUpload:
    """A checked bulk-assignment file kept between runs: its bytes and its plan (or the error)."""

    campaign_id: int
    file_id: str
    name: str
    data: bytes
    plan: list[PlannedAssignment] | None
    error: CaseReviewError | None


def status_label(status: str) -> str:
    return t(f"assign.status_{status}")


def _reviewers_text(f: SampledFile) -> str:
    return "、".join(f"{r.name}（{status_label(r.status)}）" for r in f.reviewers)


def files_frame(files: list[SampledFile], per_file: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("sampling.col_order"): f.draw_order,
                t("col.case_number"): f.case_number,
                t("col.unit"): f.unit,
                t("col.case_type"): f.case_type,
                t("assign.col_count"): f"{len(f.reviewers)}/{per_file}",
                t("assign.col_reviewers"): _reviewers_text(f),
            }
            for f in files
        ],
        columns=[t("sampling.col_order"), t("col.case_number"), t("col.unit"), t("col.case_type"),
                 t("assign.col_count"), t("assign.col_reviewers")],
    )


def plan_frame(plan: list[PlannedAssignment]) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("col.case_number"): p.case_number, t("col.unit"): p.unit, t("assign.col_reviewer"): p.reviewer}
         for p in plan],
        columns=[t("col.case_number"), t("col.unit"), t("assign.col_reviewer")],
    )


def _show_plan(campaign_id: int, plan: list[PlannedAssignment]) -> None:
    table(plan_frame(plan), hide_index=True, width="stretch")
    with state.acting() as (session, actor):
        loads = plan_load(session, actor, campaign_id, plan)
    st.markdown(f"**{t('assign.load')}**")
    table(
        pd.DataFrame(
            [{t("assign.col_reviewer"): r.name, t("col.unit"): r.unit, t("assign.col_existing"): r.existing,
              t("assign.col_planned"): r.planned, t("assign.col_total"): r.total} for r in loads],
            columns=[t("assign.col_reviewer"), t("col.unit"), t("assign.col_existing"), t("assign.col_planned"),
                     t("assign.col_total")],
        ),
        hide_index=True, width="stretch",
    )


def _apply(campaign_id: int, plan: list[PlannedAssignment], how: str, **kw: Any) -> bool:
    try:
        with state.acting(write=True) as (session, actor):
            added = apply_previewed(session, actor,
                                    session.get_one(Campaign, campaign_id), plan, how=how, **kw)
    except CaseReviewError as exc:
        show_error(exc)
        return False
    state.flash(t("assign.applied", n=added))
    return True


# ------------------------------------------------------------------------------------------ automatic

def _auto_tab(campaign) -> None:  # noqa: ANN001
    st.caption(t("assign.auto_help", n=campaign.reviewers_per_file))
    if st.button(t("assign.auto_plan"), key="asg_plan", icon=":material/auto_awesome:"):
        st.session_state.pop(AUTO_KEY, None)
        try:
            with state.acting() as (session, actor):
                plan = preview_auto(session, actor, session.get_one(Campaign, campaign.id))
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state[AUTO_KEY] = (campaign.id, plan)
    stored = st.session_state.get(AUTO_KEY)
    if stored is None or stored[0] != campaign.id:
        return
    plan = stored[1]
    if not plan:
        st.info(t("assign.nothing_to_do"))
        return
    st.info(t("assign.auto_preview", n=len(plan)))
    _show_plan(campaign.id, plan)
    c1, c2 = st.columns(2)
    if c1.button(t("assign.apply"), key="asg_apply", type="primary"):
        if _apply(campaign.id, plan, "auto"):
            st.session_state.pop(AUTO_KEY, None)
            st.rerun()
    if c2.button(t("assign.discard"), key="asg_discard"):
        st.session_state.pop(AUTO_KEY, None)
        st.rerun()


# ------------------------------------------------------------------------------------------ manual

def _manual_tab(campaign, files: list[SampledFile]) -> None:  # noqa: ANN001
    with state.acting() as (session, actor):
        reviewers = reviewer_options(session, actor)
    by_file = {f.case_file_id: f for f in files}
    by_reviewer = {r.id: r for r in reviewers}
    st.markdown(f"**{t('assign.add')}**")
    if not reviewers:
        st.info(t("assign.no_reviewers"))
    else:
        c1, c2 = st.columns(2)
        file_id = c1.selectbox(
            t("assign.file"), list(by_file), key="asg_add_file",
            format_func=lambda i: f"{by_file[i].case_number}（{by_file[i].unit}）· "
            f"{len(by_file[i].reviewers)}/{campaign.reviewers_per_file}")
        reviewer_id = c2.selectbox(
            t("assign.reviewer"), list(by_reviewer), key="asg_add_reviewer",
            format_func=lambda i: f"{by_reviewer[i].display_name}（{by_reviewer[i].username}，"
            f"{by_reviewer[i].unit or t('assign.no_unit')}）")
        if st.button(t("assign.add_submit"), key="asg_add"):
            try:
                with state.acting(write=True) as (session, actor):
                    assign(session, actor, session.get_one(Campaign, campaign.id),
                           session.get_one(CaseFile, file_id), session.get_one(User, reviewer_id))
            except CaseReviewError as exc:
                show_error(exc)
            else:
                state.flash(t("assign.added", reviewer=by_reviewer[reviewer_id].display_name,
                              file=by_file[file_id].case_number))
                st.rerun()
    st.markdown(f"**{t('assign.remove')}**")
    assigned = {r.assignment_id: (f, r) for f in files for r in f.reviewers}
    if not assigned:
        st.caption(t("assign.none_assigned"))
        return
    chosen = st.selectbox(
        t("assign.assignment"), list(assigned), key="asg_remove_choice",
        format_func=lambda a: f"{assigned[a][0].case_number} · {assigned[a][1].name}"
        f"（{status_label(assigned[a][1].status)}）")
    st.caption(t("assign.remove_help"))
    if st.button(t("assign.remove_submit"), key="asg_remove"):
        try:
            with state.acting(write=True) as (session, actor):
                unassign(session, actor, chosen)
        except CaseReviewError as exc:
            show_error(exc)
        else:
            f, r = assigned[chosen]
            state.flash(t("assign.removed", reviewer=r.name, file=f.case_number))
            st.rerun()


# ------------------------------------------------------------------------------------------ bulk CSV

def _uploader_key() -> str:
    return f"asg_csv_upload_{st.session_state.get('asg_csv_upload_n', 0)}"


def _reset_csv() -> None:
    st.session_state.pop(CSV_KEY, None)
    st.session_state["asg_csv_upload_n"] = st.session_state.get("asg_csv_upload_n", 0) + 1


def _csv_tab(campaign) -> None:  # noqa: ANN001
    st.caption(t("assign.csv_help"))
    with state.acting() as (session, actor):
        template = assignment_template_csv(session, actor, session.get_one(Campaign, campaign.id))
    st.download_button(t("assign.template"), template, file_name="assignments-template.csv", mime="text/csv",
                       key="asg_template", icon=":material/download:")
    uploaded = st.file_uploader(t("assign.csv_upload"), type=["csv", "txt"], key=_uploader_key())
    if uploaded is None:
        st.session_state.pop(CSV_KEY, None)
        return
    upload: CsvUpload | None = st.session_state.get(CSV_KEY)
    if upload is None or upload.file_id != uploaded.file_id or upload.campaign_id != campaign.id:
        data = uploaded.getvalue()
        plan, error = None, None
        try:
            with state.acting() as (session, actor):
                plan = preview_csv(session, actor, session.get_one(Campaign, campaign.id), data,
                                   uploaded.name)
        except CaseReviewError as exc:
            error = exc
        upload = CsvUpload(campaign.id, uploaded.file_id, uploaded.name, data, plan, error)
        st.session_state[CSV_KEY] = upload
    if upload.error is not None:
        st.error(t("assign.csv_bad", name=upload.name))
        show_error(upload.error)
    else:
        st.success(t("assign.csv_ok", name=upload.name, n=len(upload.plan or [])))
        _show_plan(campaign.id, upload.plan or [])
    c1, c2 = st.columns(2)
    apply = c1.button(t("assign.csv_apply"), key="asg_csv_apply", type="primary",
                      disabled=upload.error is not None or not upload.plan)
    if c2.button(t("assign.discard"), key="asg_csv_cancel"):
        _reset_csv()
        st.rerun()
    if apply and upload.plan:
        if _apply(campaign.id, upload.plan, "csv", data=upload.data, filename=upload.name):
            _reset_csv()
            st.rerun()


def render() -> None:
    st.title(t("assign.title"))
    with reported():
        campaign = choose_campaign("asg_campaign", workflow=True)
        if campaign is None:
            return
        with state.acting() as (session, actor):
            files = sampled_with_assignments(session, actor, campaign.id)
        if not files:
            st.info(t("assign.no_sample"))
            return
        full = sum(len(f.reviewers) >= campaign.reviewers_per_file for f in files)
        st.caption(t("assign.summary", files=len(files), full=full, n=campaign.reviewers_per_file))
        table(files_frame(files, campaign.reviewers_per_file), hide_index=True, width="stretch")
        tab_auto, tab_manual, tab_csv = st.tabs([t("assign.tab_auto"), t("assign.tab_manual"), t("assign.tab_csv")])
        with tab_auto, reported():
            _auto_tab(campaign)
        with tab_manual, reported():
            _manual_tab(campaign, files)
        with tab_csv, reported():
            _csv_tab(campaign)


if __name__ == "__main__":
    render()
