"""Re-check (lead): files whose reviews trigger a re-check rule, their reviews side by side, the final result.

The lead records the final result with a reason: adopt one submitted review, or enter final marks (a
compact editor, optionally starting from a review); or assigns a further reviewer. A submitted review
can be reopened with a reason. The final result of a file (defined in `scoring.workflow.recheck`) is the
re-check result when there is one, else the mean of the submitted reviews when they agree.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from scoring import timefmt
from scoring.db.models import Campaign, CaseFile, User
from scoring.desk.lead_assignment import file_reviewers, reviewer_options
from scoring.desk.lead_recheck import (
    Comparison,
    RecheckInfo,
    compare_reviews,
    file_outcome,
    parse_marks,
    preview_recheck,
    recheck_files,
    recheck_form,
    recheck_info,
    review_marks,
)
from scoring.errors import CaseReviewError
from scoring.marks import Marks
from scoring.rubric.model import CItem
from scoring.ui import pdf_viewer, state
from scoring.ui.common import reported, show_error, table, yes_no
from scoring.ui.i18n import t
from scoring.ui.widgets import (
    DIFF_STYLE,
    choose_campaign,
    column_names,
    fmt,
    items_frame,
    totals_frame,
)
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import recheck_rules
from scoring.workflow.progress import final_results
from scoring.workflow.recheck import FileOutcome, record_recheck
from scoring.workflow.reviews import reopen_review


def trigger_label(code: str, gap: Decimal | None) -> str:
    return t(f"recheckp.trigger_{code}", gap=fmt(gap))


def triggers_text(codes: list[str], gap: Decimal | None) -> str:
    return "、".join(trigger_label(c, gap) for c in codes)


def source_label(source: str | None) -> str:
    return t(f"recheckp.source_{source}") if source else ""


def status_label(status: str) -> str:
    return t(f"recheckp.status_{status}")


# ------------------------------------------------------------------------------------------ lists

def _lists(awaiting: list[FileOutcome], done: list[FileOutcome], gap: Decimal | None) -> None:
    st.subheader(t("recheckp.awaiting", n=len(awaiting)))
    if awaiting:
        table(pd.DataFrame(
            [{t("col.case_number"): o.case_number, t("col.unit"): o.unit,
              t("recheckp.col_submitted"): f"{o.submitted}/{o.assigned}",
              t("recheckp.col_triggers"): triggers_text(o.triggers, gap)} for o in awaiting]),
            hide_index=True, width="stretch")
    else:
        st.caption(t("recheckp.none_awaiting"))
    st.subheader(t("recheckp.done", n=len(done)))
    if done:
        table(pd.DataFrame(
            [{t("col.case_number"): o.case_number, t("col.unit"): o.unit,
              t("recheckp.col_triggers"): triggers_text(o.triggers, gap),
              t("recheckp.col_score"): fmt(o.score), t("recheckp.col_grade"): o.grade} for o in done]),
            hide_index=True, width="stretch")
    else:
        st.caption(t("recheckp.none_done"))


def _final_results(campaign_id: int) -> None:
    with st.expander(t("recheckp.all_results")):
        st.caption(t("recheckp.definition"))
        with state.acting() as (session, actor):
            rows = final_results(session, actor, campaign_id)
        if not rows:
            st.caption(t("recheckp.no_results"))
            return
        table(pd.DataFrame(
            [{t("col.case_number"): r.case_number, t("col.unit"): r.unit, t("recheckp.col_score"): fmt(r.score),
              t("recheckp.col_grade"): r.grade, t("recheckp.col_veto"): yes_no(r.veto),
              t("recheckp.col_source"): source_label(r.source), t("recheckp.col_reviews"): r.reviews}
             for r in rows]),
            hide_index=True, width="stretch")


# ------------------------------------------------------------------------------------------ one file

def _final_box(out: FileOutcome) -> None:
    if out.source:
        veto = t("recheckp.with_veto") if out.veto else ""
        st.success(t("recheckp.final", score=fmt(out.score), grade=out.grade, source=source_label(out.source))
                   + veto)
    else:
        st.warning(t("recheckp.no_final", status=status_label(out.status)))


def _comparison(comparison: Comparison) -> None:
    st.markdown(f"**{t('recheckp.reviews')}**")
    if not comparison.reviews:
        st.info(t("recheckp.no_reviews"))
        return
    table(totals_frame(comparison), hide_index=True, width="stretch")
    st.markdown(f"**{t('recheckp.side_by_side')}**")
    st.caption(t("recheckp.differs_n", n=comparison.differing, total=len(comparison.rows)))
    only = st.toggle(t("recheckp.only_differing"), key="rcp_only_diff")
    frame = items_frame(comparison, only_differing=only)
    diff = t("recheckp.col_differs")
    styled = frame.style.apply(lambda r: [DIFF_STYLE if r[diff] else "" for _ in r], axis=1)
    config = {diff: st.column_config.TextColumn(width=30), t("recheckp.col_item"): st.column_config.TextColumn(
        width=60), t("recheckp.col_title"): st.column_config.TextColumn(width="medium")} | {name: st.column_config.TextColumn(width="large") for name in column_names(comparison)}
    table(styled, hide_index=True, width="stretch", column_config=config,
          row_height=56 if len(comparison.reviews) <= 3 else None)


def _record(campaign_id: int, case_file_id: int, info: RecheckInfo | None, reason: str, **kw: Any) -> None:
    try:
        with state.acting(write=True) as (session, actor):
            rc = record_recheck(session, actor, session.get_one(Campaign, campaign_id),
                                session.get_one(CaseFile, case_file_id), reason=reason,
                                expected_version=info.version if info else None, **kw)
            done = (fmt(rc.total), rc.grade)
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.flash(t("recheckp.recorded_ok", score=done[0], grade=done[1]))
    st.rerun()


def _reason_label(item: CItem, reason_id: str) -> str:
    d = item.deduction(reason_id)
    if d is None:
        return reason_id
    if d.points is not None:
        return t("recheckp.reason_fixed", reason=d.reason, points=fmt(d.points))
    return t("recheckp.reason_each", reason=d.reason, points=fmt(d.per_occurrence))


def _marks_editor(campaign_id: int, case_file_id: int, comparison: Comparison,
                  info: RecheckInfo | None) -> Marks | None:
    """The lead's final marks: per applicable item, reasons (with occurrences) or not applicable; vetoes."""
    starts = [""] + (["rc"] if info else []) + [f"r{c.review_id}" for c in comparison.reviews]
    names = dict(zip((f"r{c.review_id}" for c in comparison.reviews), column_names(comparison), strict=True))

    def start_label(s: str) -> str:
        if s == "":
            return t("recheckp.start_blank")
        if s == "rc":
            return t("recheckp.start_recheck")
        return t("recheckp.start_review", name=names[s])

    start = st.selectbox(t("recheckp.start_from"), starts, key=f"rcp_start_{case_file_id}", format_func=start_label)
    with state.acting() as (session, actor):
        form = recheck_form(session, actor, campaign_id, case_file_id)
        if start == "rc" and info is not None:
            base = parse_marks(info.marks)
        elif start.startswith("r"):
            base = review_marks(session, actor, int(start[1:]))
        else:
            base = Marks()
    prefix = f"rcp_m_{case_file_id}_{start}_"
    std = form.standard
    items: dict[str, dict] = {}
    for section in std.sections:
        applicable = [i for i in section.items if i.id in form.items]
        if not applicable:
            continue
        st.markdown(f"**{section.title}**")
        for item in applicable:
            bim = base.items.get(item.id)
            listed = [d.id for d in item.deductions]
            c1, c2, c3 = st.columns([3, 6, 2])
            c1.markdown(f"{item.id} {item.title}  \n{t('recheckp.item_max', max=fmt(item.max))}")
            na = c3.checkbox(t("recheckp.na"), value=bool(bim and bim.na), key=f"{prefix}{item.id}_na",
                             disabled=not item.allow_na)
            chosen = c2.multiselect(
                t("recheckp.reasons"), listed, key=f"{prefix}{item.id}_r", disabled=na,
                default=[dm.reason for dm in (bim.deductions if bim else []) if dm.reason in listed],
                format_func=partial(_reason_label, item), label_visibility="collapsed",
                placeholder=t("recheckp.no_deduction"))
            deductions = []
            for rid in chosen:
                d = item.deduction(rid)
                old = next((dm for dm in bim.deductions if dm.reason == rid), None) if bim else None
                n = 1
                if d is not None and d.per_occurrence is not None:
                    n = c2.number_input(t("recheckp.occurrences", reason=d.reason), min_value=1, max_value=999,
                                        step=1, value=old.occurrences if old else 1, key=f"{prefix}{item.id}_{rid}_n")
                entry: dict[str, object] = {"reason": rid, "occurrences": int(n)}
                if old is not None:  # keep where the reviewer found the defect and what they wrote
                    entry.update(media_file=old.media_file, media_time=old.media_time)
                cp, cc = c2.columns([1, 3])
                entry["page"] = cp.text_input(t("scorep.page"), value=(old.page or "") if old else "",
                                              key=f"{prefix}{item.id}_{rid}_page", placeholder="12 / 3-5").strip() or None
                entry["comment"] = cc.text_input(t("scorep.comment"), value=old.comment if old else "",
                                                 key=f"{prefix}{item.id}_{rid}_comment", max_chars=2000).strip()
                deductions.append(entry)
            if na:
                items[item.id] = {"na": True}
            elif deductions:
                items[item.id] = {"deductions": deductions}
    vetoes: dict[str, dict] = {}
    if form.vetoes:
        titles = {v.id: v.title for v in std.vetoes}
        chosen_vetoes = st.multiselect(t("recheckp.vetoes"), list(form.vetoes), key=f"{prefix}vetoes",
                                       default=[v for v in base.vetoes if v in form.vetoes],
                                       format_func=lambda v: f"{v} {titles[v]}", placeholder=t("recheckp.none"))
        for vid in chosen_vetoes:
            old_veto = base.vetoes.get(vid)
            vetoes[vid] = old_veto.model_dump(exclude_defaults=True) if old_veto is not None else {}
    marks = parse_marks({"items": items, "vetoes": vetoes})
    with state.acting() as (session, actor):
        result = preview_recheck(session, actor, campaign_id, case_file_id, marks)
    veto = t("recheckp.with_veto") if result.veto.triggered else ""
    st.info(t("recheckp.marks_preview", score=fmt(result.score), grade=result.grade) + veto)
    return marks


def _further(campaign_id: int, case_file_id: int) -> None:
    with state.acting() as (session, actor):
        have = {r.reviewer_id for r in file_reviewers(session, actor, campaign_id, case_file_id)}
        options = [r for r in reviewer_options(session, actor) if r.id not in have]
    if not options:
        st.info(t("recheckp.no_further"))
        return
    by_id = {r.id: r for r in options}
    chosen = st.selectbox(t("assign.reviewer"), list(by_id), key=f"rcp_further_{case_file_id}",
                          format_func=lambda i: f"{by_id[i].display_name}（{by_id[i].username}，"
                          f"{by_id[i].unit or t('assign.no_unit')}）")
    st.caption(t("recheckp.further_help"))
    if st.button(t("recheckp.further_submit"), key="rcp_further_btn"):
        try:
            with state.acting(write=True) as (session, actor):
                assign(session, actor, session.get_one(Campaign, campaign_id),
                       session.get_one(CaseFile, case_file_id), session.get_one(User, chosen))
        except CaseReviewError as exc:
            show_error(exc)
            return
        state.flash(t("recheckp.further_done", name=by_id[chosen].display_name))
        st.rerun()


def _decide(campaign_id: int, case_file_id: int, comparison: Comparison, info: RecheckInfo | None) -> None:
    st.subheader(t("recheckp.decide"))
    if info is not None:
        st.info(t("recheckp.recorded", by=info.decided_by, at=timefmt.show(info.decided_at),
                  score=fmt(info.total), grade=info.grade, reason=info.reason))
    modes = ["adopt", "marks", "further"]
    mode = st.radio(t("recheckp.mode"), modes, key="rcp_mode", horizontal=True,
                    format_func=lambda m: t(f"recheckp.mode_{m}"))
    if mode == "further":
        with reported():
            _further(campaign_id, case_file_id)
        return
    kwargs: dict[str, object] = {}
    if mode == "adopt":
        if not comparison.reviews:
            st.info(t("recheckp.no_reviews"))
            return
        labels = {c.review_id: f"{n} · {fmt(c.total)} · {c.grade}"
                  for n, c in zip(column_names(comparison), comparison.reviews, strict=True)}
        kwargs["adopt_review_id"] = st.selectbox(t("recheckp.adopt"), list(labels), key=f"rcp_adopt_{case_file_id}",
                                                 format_func=labels.__getitem__)
    else:
        try:
            marks = _marks_editor(campaign_id, case_file_id, comparison, info)
        except CaseReviewError as exc:
            show_error(exc)
            marks = None
        if marks is None:
            return
        kwargs["marks"] = marks
    reason = st.text_area(t("recheckp.reason"), key=f"rcp_reason_{case_file_id}", placeholder=t("recheckp.reason_hint"))
    if st.button(t("recheckp.record"), key="rcp_record", type="primary"):
        _record(campaign_id, case_file_id, info, reason, **kwargs)


def _reopen(comparison: Comparison, case_file_id: int) -> None:
    with st.expander(t("recheckp.reopen")):
        if not comparison.reviews:
            st.caption(t("recheckp.no_reviews"))
            return
        labels = dict(zip((c.review_id for c in comparison.reviews), column_names(comparison), strict=True))
        review_id = st.selectbox(t("recheckp.reopen_which"), list(labels), key=f"rcp_reopen_{case_file_id}",
                                 format_func=labels.__getitem__)
        reason = st.text_input(t("recheckp.reason"), key=f"rcp_reopen_reason_{case_file_id}")
        st.caption(t("recheckp.reopen_help"))
        if st.button(t("recheckp.reopen_submit"), key="rcp_reopen_btn"):
            try:
                with state.acting(write=True) as (session, actor):
                    reopen_review(session, actor, review_id, reason)
            except CaseReviewError as exc:
                show_error(exc)
                return
            state.flash(t("recheckp.reopened", name=labels[review_id]))
            st.rerun()


def _file(campaign_id: int, case_file_id: int, gap: Decimal | None) -> None:
    with state.acting() as (session, actor):
        out = file_outcome(session, actor, campaign_id, case_file_id)
        comparison = compare_reviews(session, actor, campaign_id, case_file_id)
        info = recheck_info(session, actor, campaign_id, case_file_id)
    st.subheader(t("recheckp.file_title", number=out.case_number, unit=out.unit))
    _final_box(out)
    if out.triggers:
        st.caption(t("recheckp.triggered", rules=triggers_text(out.triggers, gap)))
    _comparison(comparison)
    pdf = pdf_viewer.readable(case_file_id)
    if pdf is not None:  # the electronic case file beside the lead's decision
        decide_col, pdf_col = st.columns([3, 2])
        with pdf_col:
            st.markdown(f"**{t('pdfv.title')}**")
            pdf_viewer.viewer(case_file_id, pdf)
    else:
        decide_col = st.container()
    with decide_col:
        with reported():
            _decide(campaign_id, case_file_id, comparison, info)
        with reported():
            _reopen(comparison, case_file_id)


def render() -> None:
    st.title(t("recheckp.title"))
    with reported():
        campaign = choose_campaign("rcp_campaign", workflow=True)
        if campaign is None:
            return
        with state.acting() as (session, actor):
            outs = recheck_files(session, actor, campaign.id)
            gap = recheck_rules(session.get_one(Campaign, campaign.id)).gap
        awaiting = [o for o in outs if o.status == "awaiting_recheck"]
        done = [o for o in outs if o.status == "rechecked"]
        _lists(awaiting, done, gap)
        if outs:
            by_id = {o.case_file_id: o for o in awaiting + done}
            st.divider()
            # The label names the file only: a keyed selectbox keeps the option labels it first showed,
            # so a status in it would go stale after a decision (the lists above show the status).
            chosen = st.selectbox(t("recheckp.choose"), list(by_id), key="rcp_file",
                                  format_func=lambda i: f"{by_id[i].case_number}（{by_id[i].unit}）")
            _file(campaign.id, chosen, gap)
        st.divider()
        _final_results(campaign.id)


if __name__ == "__main__":
    render()
