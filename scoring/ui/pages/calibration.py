"""Calibration round (试评): the lead picks the files, records reference marks, reads how the reviewers
differ and writes guidance notes per item; a reviewer scores the calibration files before live scoring."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from scoring.calibration.figures import calibration_figures, calibration_record
from scoring.calibration.gate import calibration_pending
from scoring.calibration.guidance import guidance_for, set_guidance
from scoring.calibration.round import (
    calibration_campaigns,
    calibration_files,
    my_calibration,
    round_of,
    set_calibration,
    submit_calibration,
)
from scoring.db.models import CampaignStandard, CaseFile
from scoring.domain import Role
from scoring.marks import Marks
from scoring.rubric.model import Standard
from scoring.standards import load_version
from scoring.ui import state
from scoring.ui.common import reported, table
from scoring.ui.i18n import t
from scoring.workflow.assignments import sampled_files
from scoring.workflow.campaigns import get_campaign


def _campaign_id() -> int | None:
    with state.acting() as (session, actor):
        campaigns = calibration_campaigns(session, actor)
    if not campaigns:
        st.info(t("cal.none"))
        return None
    by_id = {c.id: c.name for c in campaigns}
    return st.selectbox(t("obj.campaign"), list(by_id), format_func=by_id.__getitem__, key="cal_campaign")


def _marks_inputs(standard_hash: str, key: str) -> Marks:
    """A compact marks form: the deductions found (with occurrences) and the vetoes found."""
    std = load_version_cached(standard_hash)
    labels: dict[str, tuple[str, str]] = {}
    for item_id, (_, item) in std.items_by_id.items():
        for d in item.deductions:
            labels[f"{item_id} {item.title}：{d.reason}"] = (item_id, d.id)
    chosen = st.multiselect(t("cal.deductions"), list(labels), key=f"{key}_deds", placeholder=t("widget.choose"))
    items: dict[str, dict] = {}
    for label in chosen:
        item_id, reason = labels[label]
        n = st.number_input(f"{t('cal.col.occurrences')} · {label}", min_value=1, value=1, step=1,
                            key=f"{key}_n_{item_id}_{reason}")
        items.setdefault(item_id, {"deductions": []})["deductions"].append({"reason": reason, "occurrences": int(n)})
    vetoes = {v.id: v.title for v in std.vetoes}
    picked = st.multiselect(t("cal.vetoes"), list(vetoes), format_func=lambda v: f"{v} {vetoes[v]}",
                            key=f"{key}_vetoes", placeholder=t("widget.choose"))
    return Marks.model_validate({"items": items, "vetoes": {v: {} for v in picked}})


@st.cache_resource(max_entries=32)
def load_version_cached(standard_hash: str) -> Standard:
    with state.db_session() as session:
        return load_version(session, standard_hash)


def _score_section(campaign_id: int, title: str) -> None:
    st.subheader(title)
    with state.acting() as (session, user):
        tasks = my_calibration(session, user, get_campaign(session, campaign_id))
    if not tasks:
        st.info(t("cal.none"))
        return
    by_id = {x.case_file_id: x for x in tasks}
    fid = st.selectbox(t("cal.file"), list(by_id), key="cal_file", format_func=lambda i: (
        f"{by_id[i].case_number} · {by_id[i].unit} · {t('cal.done') if by_id[i].done else t('cal.todo')}"))
    task = by_id[fid]
    marks = _marks_inputs(task.standard_hash, f"cal_{fid}")
    if st.button(t("cal.submit"), key="cal_submit", type="primary"):
        with state.acting(write=True) as (session, actor):
            row = submit_calibration(session, actor, get_campaign(session, campaign_id),
                                     fid, marks)
            total = row.total
        state.flash(t("cal.submitted", score=total))
        st.rerun()


def _setup(campaign_id: int) -> None:
    st.subheader(t("cal.setup"))
    with state.db_session() as session:
        campaign = get_campaign(session, campaign_id)
        rnd = round_of(session, campaign_id)
        current = [cf.case_number for cf in calibration_files(session, campaign_id)]
        sampled = {cf.id for cf in sampled_files(session, campaign_id)}
        options = [n for fid, n in session.execute(
            select(CaseFile.id, CaseFile.case_number).where(CaseFile.decision_date >= campaign.window_start,
                                                            CaseFile.decision_date <= campaign.window_end)
            .order_by(CaseFile.case_number)) if fid not in sampled]
    files = st.multiselect(t("cal.files"), options, default=[n for n in current if n in options], key="cal_files",
                           max_selections=5, placeholder=t("widget.choose"))
    required = st.checkbox(t("cal.required"), value=rnd.required if rnd else True, key="cal_required")
    in_notice = st.checkbox(t("cal.in_notice"), value=rnd.in_notice if rnd else False, key="cal_in_notice")
    if st.button(t("cal.save"), key="cal_save"):
        with state.acting(write=True) as (session, actor):
            set_calibration(session, actor, get_campaign(session, campaign_id), files,
                            required=required, in_notice=in_notice)
        state.flash(t("cal.saved"))
        st.rerun()


def _results(campaign_id: int) -> None:
    st.subheader(t("cal.results"))
    with state.acting() as (session, actor):
        campaign = get_campaign(session, campaign_id)
        fig = calibration_figures(session, actor, campaign)
        record = calibration_record(session, campaign_id)
        notes = guidance_for(session, campaign_id)
        hashes = [h for (h,) in session.execute(select(CampaignStandard.standard_hash)
                                                .where(CampaignStandard.campaign_id == campaign_id))]
    st.metric(t("cal.alpha"), "–" if fig.alpha is None else f"{fig.alpha:.3f}", border=True)
    if record is not None:
        st.caption(t("cal.record", sentence=record.sentence()))
    st.markdown(f"**{t('cal.totals')}**")
    table(pd.DataFrame([{t("cal.col.file"): n, **{r: fig.totals[n].get(r) for r in fig.reviewers},
                         t("cal.reference_col"): fig.reference_totals.get(n)} for n in fig.files]),
          hide_index=True, width="stretch", key="cal_totals")
    st.markdown(f"**{t('cal.distance')}**")
    table(pd.DataFrame([{t("cal.col.reviewer"): d.reviewer, t("cal.col.files"): d.files,
                         t("cal.col.compared"): d.compared, t("cal.col.total_gap"): d.total_gap,
                         t("cal.col.item_gap"): d.item_gap} for d in fig.distances]),
          hide_index=True, width="stretch", key="cal_distance")
    st.markdown(f"**{t('cal.differ')}**")
    table(pd.DataFrame([{t("cal.col.file"): i.case_number, t("cal.col.item"): f"{i.item_id} {i.title}",
                         t("cal.col.by"): "；".join(f"{r} {v}" for r, v in i.by_reviewer.items()),
                         t("cal.reference_col"): i.reference} for i in fig.differing_items]),
          hide_index=True, width="stretch", key="cal_items")
    st.subheader(t("cal.guidance"))
    titles: dict[str, str] = {}
    for h in hashes:
        std = load_version_cached(h)
        titles.update({i: it.title for i, (_, it) in std.items_by_id.items()})
    ordered = sorted(titles, key=lambda i: (i not in {x.item_id for x in fig.differing_items}, i))
    item = st.selectbox(t("cal.guidance_item"), ordered, format_func=lambda i: f"{i} {titles[i]}", key="cal_g_item")
    note = st.text_area(t("cal.guidance_note"), value=notes.get(item, ""), key=f"cal_g_note_{item}")
    if st.button(t("cal.guidance_save"), key="cal_g_save"):
        with state.acting(write=True) as (session, actor):
            set_guidance(session, actor, get_campaign(session, campaign_id), item, note)
        state.flash(t("cal.guidance_saved"))
        st.rerun()


def render() -> None:
    st.title(t("cal.title"))
    st.caption(t("cal.intro"))
    state.show_flashes()
    with reported():
        with state.acting() as (session, user):
            role = user.role if user else None
        campaign_id = _campaign_id()
        if campaign_id is None:
            return
        if role == Role.LEAD:
            _setup(campaign_id)
            _score_section(campaign_id, t("cal.reference"))
            _results(campaign_id)
        else:
            with state.acting() as (session, actor):
                pending = calibration_pending(session, actor, campaign_id)
            st.info(t("cal.pending", n=pending) if pending else t("cal.all_done"))
            _score_section(campaign_id, t("cal.score"))


if __name__ == "__main__":
    render()
