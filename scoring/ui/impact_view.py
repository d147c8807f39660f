"""Impact before change (Standards page, panel lead): pick a campaign and an edited version of one of its
standards (from the library or an uploaded YAML / xlsx), see which files and units the new version would
move (`standard_impact.simulate`; grade changes highlighted), then switch explicitly with a reason
(`standard_impact.switch`, audited). The rules (who may, what fits, the re-scoring) are the core's."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from scoring import policy
from scoring.errors import CaseReviewError
from scoring.rubric.model import Standard
from scoring.rubric.upload_check import check_uploaded
from scoring.standard_impact import Impact, simulate, standards_in_use, switch
from scoring.ui import state
from scoring.ui.common import show_error, show_problems, table
from scoring.ui.i18n import t
from scoring.views import list_campaigns
from scoring.workflow.campaigns import get_campaign

RESULT = "impact_result"  # session state: (campaign id, new hash, Impact) of the last simulation
LIBRARY, UPLOAD = "library", "upload"


def allowed() -> bool:
    with state.db_session() as session:
        return policy.allowed(state.current_user(session), policy.Action.SWITCH_STANDARD)


def _score(value: Any) -> str:
    return f"{value:.2f}"


def _files_frame(impact: Impact) -> pd.io.formats.style.Styler:
    changed = t("impact.col.grade_changed")
    frame = pd.DataFrame(
        [{t("impact.col.case"): f.case_number, t("impact.col.unit"): f.unit,
          t("impact.col.old_score"): _score(f.old_score), t("impact.col.new_score"): _score(f.new_score),
          t("impact.col.old_grade"): f.old_grade, t("impact.col.new_grade"): f.new_grade,
          changed: "●" if f.grade_changes else ""} for f in impact.files],
        columns=[t("impact.col.case"), t("impact.col.unit"), t("impact.col.old_score"), t("impact.col.new_score"),
                 t("impact.col.old_grade"), t("impact.col.new_grade"), changed])
    return frame.style.apply(
        lambda row: ["background-color: #ffe8cc; font-weight: bold" if row[changed] else "" for _ in row], axis=1)


def _units_frame(impact: Impact) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("impact.col.unit"): u.unit, t("impact.col.files"): u.files, t("impact.col.old_mean"): _score(u.old_mean),
          t("impact.col.new_mean"): _score(u.new_mean)} for u in impact.units],
        columns=[t("impact.col.unit"), t("impact.col.files"), t("impact.col.old_mean"), t("impact.col.new_mean")])


def _candidate(in_use: dict[str, str]) -> Standard | None:
    """The edited version to weigh: one of the campaign's standards, from the library or an upload."""
    sources = {s: t(f"impact.source.{s}") for s in (LIBRARY, UPLOAD)}  # labels of this run's language
    source = st.segmented_control(t("impact.source"), list(sources), key="impact_source", required=True,
                                  default=LIBRARY, format_func=sources.__getitem__)
    if source == UPLOAD:
        upload = st.file_uploader(t("stdx.upload"), type=["yaml", "yml", "xlsx"], key="impact_upload")
        if upload is None:
            return None
        standards = dict(check_uploaded(upload.name, upload.getvalue()).standards)
    else:
        standards = dict(state.rubric_library().standards)
    fitting = {sid: std for sid, std in standards.items() if sid in in_use}
    if not fitting:
        st.info(t("impact.none_fit", ids="、".join(in_use)))
        return None
    chosen = st.selectbox(t("impact.standard"), list(fitting), key=f"impact_std_{source}",
                          format_func=lambda sid: f"{fitting[sid].title} ({sid})")
    return fitting[chosen] if chosen is not None else None


def _show(impact: Impact) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("impact.files_checked"), impact.files_checked)
    c2.metric(t("impact.files_moved"), len(impact.files))
    c3.metric(t("impact.grades_changed"), len(impact.grade_changes))
    c4.metric(t("impact.units_moved"), len(impact.units))
    if impact.problems:
        st.error(t("impact.misfits", n=len(impact.problems)))
        show_problems(impact.problems)
    if impact.files:
        st.markdown(f"**{t('impact.by_file')}**")
        table(_files_frame(impact), hide_index=True, width="stretch")
    else:
        st.success(t("impact.nothing_moves"))
    if impact.units:
        st.markdown(f"**{t('impact.by_unit')}**")
        table(_units_frame(impact), hide_index=True, width="stretch")


def _switch(campaign_id: int, new: Standard, impact: Impact) -> None:
    st.markdown(f"**{t('impact.switch_title')}**")
    reason = st.text_input(t("impact.reason"), key="impact_reason", max_chars=500)
    sure = st.checkbox(t("impact.confirm", standard=new.id, hash=new.hash[:12]), key="impact_confirm")
    if not st.button(t("impact.switch"), key="impact_switch", type="primary", icon=":material/swap_horiz:",
                     disabled=not sure or bool(impact.problems)):
        return
    try:
        with state.acting(write=True) as (session, actor):
            campaign = get_campaign(session, campaign_id)
            done = switch(session, actor, campaign, new, reason=reason, expected_new_hash=new.hash)
            name = campaign.name
    except CaseReviewError as exc:
        show_error(exc)
        return
    st.session_state.pop(RESULT, None)
    st.session_state.pop("impact_confirm", None)
    state.flash(t("impact.switched", campaign=name, standard=new.id, hash=new.hash[:12], n=len(done.files)))
    st.rerun()


def impact_section() -> None:
    """The section on the Standards page (only for those the policy lets switch a standard)."""
    if not allowed():
        return
    st.markdown(f"#### {t('impact.title')}")
    st.caption(t("impact.help"))
    try:
        with state.acting() as (session, actor):
            campaigns = {c.id: c.name for c in list_campaigns(session, actor)}
        if not campaigns:
            st.info(t("impact.no_campaigns"))
            return
        campaign_id = st.selectbox(t("impact.campaign"), list(campaigns), key="impact_campaign",
                                   format_func=campaigns.__getitem__)
        with state.acting() as (session, actor):
            in_use = standards_in_use(session, actor, get_campaign(session, campaign_id))
        new = _candidate(in_use)
        if new is None:
            return
        current = in_use[new.id]
        st.caption(t("impact.versions", current=current[:12], new=new.hash[:12]))
        if current == new.hash:
            st.info(t("impact.same"))
            return
        if st.button(t("impact.run"), key="impact_run", icon=":material/difference:"):
            with state.acting() as (session, actor):
                result = simulate(session, actor, get_campaign(session, campaign_id), new)
            st.session_state[RESULT] = (campaign_id, new.hash, result)
    except CaseReviewError as exc:
        show_error(exc)
        return
    kept = st.session_state.get(RESULT)
    if kept is None or kept[:2] != (campaign_id, new.hash):
        return
    _show(kept[2])
    _switch(campaign_id, new, kept[2])
