"""Feedback and objections (反馈与异议): a unit liaison reads their unit's released results and objects within
the window; the lead releases the results, extends the deadline and assigns each objection; the assigned
panel member decides it. Every rule is the core's (scoring.objections)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from scoring import timefmt
from scoring.domain import Role
from scoring.objections.counts import objection_counts
from scoring.objections.deciding import (
    amended_marks,
    assign_objection,
    decide_objection,
    eligible_deciders,
    final_marks,
    objections_assigned_to,
    objections_for_lead,
)
from scoring.objections.filing import attachment, file_objection
from scoring.objections.liaison import liaison_view, released_campaigns
from scoring.objections.window import (
    end_of_day,
    extend_deadline,
    release_results,
    window_of,
)
from scoring.ui import state
from scoring.ui.common import reported, table
from scoring.ui.i18n import t
from scoring.views import list_campaigns
from scoring.workflow.campaigns import get_campaign


def _status(status: str) -> str:
    return t(f"obj.status.{status}")


def _decision(decision: str | None) -> str:
    return t(f"obj.decision.{decision}") if decision else ""


def _downloads(items: list[tuple[int, str]], key: str) -> None:
    for att_id, name in items:
        with state.acting() as (session, actor):
            filename, data = attachment(session, actor, att_id)
        st.download_button(t("obj.download", name=filename), data, file_name=filename, mime="application/pdf",
                           key=f"{key}_{att_id}")


def _liaison() -> None:
    with state.acting() as (session, actor):
        campaigns = released_campaigns(session, actor)
    if not campaigns:
        st.info(t("obj.none_released"))
        return
    by_id = {c.id: c.name for c in campaigns}
    cid = st.selectbox(t("obj.campaign"), list(by_id), format_func=by_id.__getitem__, key="obj_campaign")
    with state.acting() as (session, actor):
        view = liaison_view(session, actor, get_campaign(session, cid))
    st.markdown(t("obj.window", deadline=timefmt.show(view.deadline)))
    (st.info if view.window_open else st.warning)(t("obj.window_open") if view.window_open else t("obj.window_closed"))
    st.subheader(t("obj.files"))
    targets: dict[str, tuple[int, str, str]] = {}
    for f in view.files:
        with st.expander(f"{f.case_number} · {f.score} · {f.grade}", expanded=False):
            if not f.deductions:
                st.caption(t("obj.no_deductions"))
                continue
            table(pd.DataFrame([{
                t("obj.col.item"): f"{d.item_id} {d.item_title}",
                t("obj.col.reason"): (t("obj.veto") + "：" if d.is_veto else "") + d.reason,
                t("obj.col.points"): None if d.is_veto else float(d.points), t("obj.col.comment"): d.comment,
                t("obj.col.where"): d.location} for d in f.deductions]), hide_index=True, width="stretch")
        for d in f.deductions:
            label = f"{f.case_number} · {d.item_id} · {(t('obj.veto') + '：') if d.is_veto else ''}{d.reason}"
            targets[label] = (f.case_file_id, d.item_id, d.reason_id)
    if view.window_open and targets:
        st.subheader(t("obj.new"))
        target = st.selectbox(t("obj.target"), list(targets), key="obj_target")
        grounds = st.text_area(t("obj.grounds"), key="obj_grounds", max_chars=5000)
        files = st.file_uploader(t("obj.attach"), type=["pdf"], accept_multiple_files=True, key="obj_files")
        if st.button(t("obj.submit"), key="obj_submit", type="primary"):
            fid, item_id, reason_id = targets[target]
            with state.acting(write=True) as (session, actor):
                obj = file_objection(session, actor, get_campaign(session, cid), fid, item_id,
                                     reason_id, grounds, [(u.name, u.getvalue()) for u in files or []])
                new_id = obj.id
            state.flash(t("obj.filed", id=new_id))
            st.rerun()
    st.subheader(t("obj.mine"))
    if not view.objections:
        st.caption(t("obj.none"))
        return
    table(pd.DataFrame([{
        "#": o.id, t("obj.col.case"): o.case_number, t("obj.col.reason"): o.deduction_text,
        t("obj.col.grounds"): o.grounds, t("obj.col.status"): _status(o.status),
        t("obj.col.decision"): _decision(o.decision), t("obj.col.decision_reason"): o.decision_reason,
        t("obj.col.score_change"): f"{o.score_before} → {o.score_after}" if o.decision else ""}
        for o in view.objections]), hide_index=True, width="stretch", key="obj_mine")


def _lead() -> None:
    with state.acting() as (session, actor):
        campaigns = list_campaigns(session, actor)
    if not campaigns:
        st.info(t("obj.none_released"))
        return
    by_id = {c.id: c.name for c in campaigns}
    cid = st.selectbox(t("obj.campaign"), list(by_id), format_func=by_id.__getitem__, key="obj_campaign")
    with state.acting() as (session, actor):
        window = window_of(session, cid)
        deadline = window.deadline if window else None
        rows = objections_for_lead(session, actor, get_campaign(session, cid))
        counts = objection_counts(session, cid)
    if deadline is None:
        st.subheader(t("obj.release"))
        day = st.date_input(t("obj.deadline"), value=dt.date.today() + dt.timedelta(days=7), key="obj_deadline")
        if st.button(t("obj.release_btn"), key="obj_release", type="primary"):
            with state.acting(write=True) as (session, actor):
                w = release_results(session, actor, get_campaign(session, cid), end_of_day(day))
                until = w.deadline
            state.flash(t("obj.released", deadline=timefmt.show(until)))
            st.rerun()
        return
    st.markdown(t("obj.window", deadline=timefmt.show(deadline)))
    with st.expander(t("obj.extend")):
        day = st.date_input(t("obj.deadline"), value=timefmt.local(deadline).date() + dt.timedelta(days=3),
                            key="obj_extend_day")
        why = st.text_input(t("obj.extend_reason"), key="obj_extend_reason")
        if st.button(t("obj.extend_btn"), key="obj_extend"):
            with state.acting(write=True) as (session, actor):
                w = extend_deadline(session, actor, get_campaign(session, cid), end_of_day(day),
                                    why)
                until = w.deadline
            state.flash(t("obj.extended", deadline=timefmt.show(until)))
            st.rerun()
    st.caption(t("obj.counts", received=counts.received, accepted=counts.accepted, partly=counts.partly))
    st.subheader(t("obj.all"))
    if not rows:
        st.caption(t("obj.none"))
    else:
        table(pd.DataFrame([{
            "#": o.id, t("obj.col.case"): o.case_number, t("pc.col.unit"): o.unit,
            t("obj.col.reason"): o.deduction_text, t("obj.col.grounds"): o.grounds,
            t("obj.col.status"): _status(o.status), t("obj.col.assigned"): o.assigned_to or "",
            t("obj.col.decision"): _decision(o.decision), t("obj.col.decision_reason"): o.decision_reason,
            t("obj.col.score_change"): f"{o.score_before} → {o.score_after}" if o.decision else ""} for o in rows]),
            hide_index=True, width="stretch", key="obj_all")
    waiting = [o for o in rows if o.decision is None]
    if waiting:
        st.subheader(t("obj.assign"))
        by_obj = {o.id: o for o in waiting}
        oid = st.selectbox(t("obj.assign_which"), list(by_obj), key="obj_assign_which",
                           format_func=lambda i: f"#{i} {by_obj[i].case_number} · {by_obj[i].deduction_text}")
        _downloads(by_obj[oid].attachments, f"obj_att_{oid}")
        with state.acting() as (session, actor):
            members = [(u.id, u.display_name) for u in eligible_deciders(session, actor, oid)]
        if not members:
            st.warning(t("obj.no_eligible"))
        else:
            names = dict(members)
            member = st.selectbox(t("obj.assign_to"), list(names), format_func=names.__getitem__, key="obj_assign_to")
            if st.button(t("obj.assign_btn"), key="obj_assign"):
                with state.acting(write=True) as (session, actor):
                    assign_objection(session, actor, oid, member)
                state.flash(t("obj.assigned_ok", id=oid))
                st.rerun()


def _member() -> None:
    with state.acting() as (session, actor):
        rows = [o for o in objections_assigned_to(session, actor) if o.decision is None]
    st.subheader(t("obj.to_decide"))
    if not rows:
        st.caption(t("obj.none"))
        return
    by_obj = {o.id: o for o in rows}
    oid = st.selectbox(t("obj.assign_which"), list(by_obj), key="obj_decide_which",
                       format_func=lambda i: f"#{i} {by_obj[i].case_number} · {by_obj[i].deduction_text}")
    o = by_obj[oid]
    st.markdown(f"**{t('obj.decide', id=oid)}** · {o.case_number}（{o.unit}）· {o.deduction_text}")
    st.markdown(f"{t('obj.col.grounds')}：{o.grounds}")
    _downloads(o.attachments, f"obj_datt_{oid}")
    decision = st.radio(t("obj.decision"), ["upheld", "accepted", "partly"], format_func=_decision, key="obj_decision",
                        horizontal=True)
    occurrences = None
    if decision == "partly":
        occurrences = int(st.number_input(t("obj.occurrences"), min_value=1, value=1, step=1, key="obj_occ"))
    reason = st.text_area(t("obj.decision_reason"), key="obj_decision_reason")
    if st.button(t("obj.decide_btn"), key="obj_decide", type="primary"):
        with state.acting(write=True) as (session, actor):
            marks = None
            if decision != "upheld":
                row = next(x for x in objections_assigned_to(session, actor) if x.id == oid)
                base = final_marks(session, row.campaign_id, row.case_file_id, row.item_id, row.reason_id)
                marks = amended_marks(base, row.item_id, row.reason_id,
                                      occurrences=occurrences if decision == "partly" else None)
            decided = decide_objection(session, actor, oid, decision, reason, marks,
                                       expected_version=o.version)
            before, after = decided.score_before, decided.score_after
        state.flash(t("obj.decided_ok", id=oid, before=before, after=after))
        st.rerun()


def render() -> None:
    st.title(t("obj.title"))
    state.show_flashes()
    with reported():
        with state.acting() as (session, user):
            role = user.role if user else None
        if role == Role.LIAISON:
            _liaison()
        elif role == Role.LEAD:
            _lead()
            _member()
        else:
            _member()


if __name__ == "__main__":
    render()
