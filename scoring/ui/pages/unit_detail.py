"""Unit detail: one unit's files and grades, its deductions by item with the files they came from, a
drill-down to one file (the lead: its reviews side by side; everyone else: only the final result),
and its focus-area profile against the campaign average.

Case numbers and reviewers' comments are anonymised for readers other than the lead when the
campaign says so (`scoring.aggregate.disclosure`).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from scoring.aggregate import (
    DEFAULT_MIN_FILES,
    FileRow,
    ReasonCount,
    UnitFigures,
    bootstrap_units,
    focus_rates,
    reason_counts,
    unit_summary,
)
from scoring.aggregate.disclosure import (
    anonymised_for,
    final_result,
    is_lead,
    readable_file_list,
    readable_problem_files,
    results_campaign,
)
from scoring.desk.lead_recheck import compare_reviews
from scoring.ui import charts, state
from scoring.ui.common import focus_label, reported, table, yes_no
from scoring.ui.i18n import t
from scoring.ui.widgets import (
    ChosenCampaign,
    chart_labels,
    choose_campaign,
    choose_unit,
    fmt2,
    focus_labels,
    items_frame,
    num,
    pct,
    show_chart,
    source_label,
    totals_frame,
    unit_kind_label,
)
from scoring.workflow.reviews import visible_reviews


def files_frame(rows: list[FileRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("cmp.col.case_number"): r.case_number, t("cmp.col.case_type"): r.case_type,
          t("cmp.col.score"): num(r.score), t("cmp.col.grade"): r.grade, t("cmp.col.passed"): yes_no(r.passed),
          t("cmp.col.veto"): yes_no(r.veto), t("cmp.col.source"): source_label(r.source),
          t("cmp.col.reviews"): r.reviews} for r in rows],
        columns=[t("cmp.col.case_number"), t("cmp.col.case_type"), t("cmp.col.score"), t("cmp.col.grade"),
                 t("cmp.col.passed"), t("cmp.col.veto"), t("cmp.col.source"), t("cmp.col.reviews")])


def _summary(campaign: ChosenCampaign, unit: UnitFigures) -> None:
    with state.acting() as (session, user):
        everyone = bootstrap_units(session, user, campaign.id)
    unc = next(u for u in everyone if u.unit_id == unit.unit_id)
    ranked = sum(1 for u in everyone if u.rank is not None)
    st.caption(t("cmp.ud.kind", kind=unit_kind_label(unit.kind)))
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric(t("cmp.ov.files"), unit.files, border=True)
    top[1].metric(t("cmp.ov.mean"), fmt2(unit.mean), border=True)
    top[2].metric(t("cmp.col.unit_grade"), unit.grade, border=True)
    bottom[0].metric(t("cmp.ov.pass_rate"), pct(unit.pass_rate), border=True)
    bottom[1].metric(t("cmp.ov.excellent_rate"), pct(unit.excellent_rate), border=True)
    bottom[2].metric(t("cmp.ov.vetoes"), unit.veto_count, border=True)
    if unc.rank is None:
        st.info(t("cmp.ud.not_ranked", n=DEFAULT_MIN_FILES))
    else:
        st.markdown(t("cmp.ud.rank", rank=unc.rank, of=ranked, low=unc.rank_low, high=unc.rank_high,
                      ci_low=fmt2(unc.ci_low), ci_high=fmt2(unc.ci_high)))


def _files(campaign: ChosenCampaign, unit_id: int) -> list[FileRow]:
    st.subheader(t("cmp.ud.files"))
    with state.acting() as (session, actor):
        rows = readable_file_list(session, actor, campaign.id, unit_id=unit_id)
    table(files_frame(rows), hide_index=True, width="stretch",
          column_config={t("cmp.col.score"): st.column_config.NumberColumn(format="%.2f")})
    return rows


def _deductions(campaign: ChosenCampaign, unit_id: int) -> None:
    st.subheader(t("cmp.ud.deductions"))
    st.caption(t("cmp.mean_rule"))
    with state.acting() as (session, user):
        reasons: list[ReasonCount] = reason_counts(session, user, campaign.id).get(unit_id, [])
        files = {(r.item_id, r.reason_id): readable_problem_files(session, user, campaign.id, r.item_id, r.reason_id,
                                                                 unit_id=unit_id) for r in reasons}
        hidden = anonymised_for(user, results_campaign(session, user, campaign.id))
    if not reasons:
        st.info(t("cmp.ud.no_deductions"))
        return
    table(pd.DataFrame(
        [{t("cmp.col.focus"): focus_label(r.focus), t("cmp.col.item"): f"{r.item_id} {r.item_title}",
          t("cmp.col.reason"): (t("cmp.veto_mark") if r.is_veto else "") + r.reason, t("cmp.col.files"): r.files,
          t("cmp.col.case_numbers"): "、".join(f.case_number for f in files[(r.item_id, r.reason_id)])}
         for r in reasons]), hide_index=True, width="stretch")
    keys = [(r.item_id, r.reason_id) for r in reasons]
    labels = {(r.item_id, r.reason_id): f"{r.item_id}-{r.reason_id} {r.reason}（{r.files}）" for r in reasons}
    chosen = st.selectbox(t("cmp.ud.reason_files"), keys, format_func=labels.__getitem__, key="ud_reason")
    table(pd.DataFrame(
        [{t("cmp.col.case_number"): f.case_number, t("cmp.col.points"): num(f.points),
          t("cmp.col.recorded_by"): f.reviews, t("cmp.col.location"): f.location, t("cmp.col.comment"): f.comment,
          t("cmp.col.score"): num(f.score), t("cmp.col.grade"): f.grade} for f in files[chosen]]),
        hide_index=True, width="stretch",
        column_config={t("cmp.col.points"): st.column_config.NumberColumn(format="%.2f"),
                t("cmp.col.score"): st.column_config.NumberColumn(format="%.2f")})
    if hidden:
        st.caption(t("cmp.anonymised"))


def _final_result(campaign: ChosenCampaign, case_file_id: int) -> None:
    with state.acting() as (session, actor):
        fr = final_result(session, actor, campaign.id, case_file_id)
    veto = t("cmp.ud.with_veto") if fr.veto else ""
    st.success(t("cmp.ud.final", case=fr.case_number, score=fmt2(fr.score), grade=fr.grade,
                 source=source_label(fr.source), n=fr.reviews) + veto)
    if not fr.defects:
        st.caption(t("cmp.ud.no_defects"))
        return
    table(pd.DataFrame(
        [{t("cmp.col.focus"): focus_label(d.focus), t("cmp.col.item"): f"{d.item_id} {d.item_title}",
          t("cmp.col.reason"): (t("cmp.veto_mark") if d.is_veto else "") + d.reason,
          t("cmp.col.points"): num(d.points), t("cmp.col.recorded_by"): d.reviews,
          t("cmp.col.location"): d.location, t("cmp.col.comment"): d.comment} for d in fr.defects]),
        hide_index=True, width="stretch",
        column_config={t("cmp.col.points"): st.column_config.NumberColumn(format="%.2f")})
    if fr.anonymised:
        st.caption(t("cmp.anonymised"))


def _reviews(campaign: ChosenCampaign, case_file_id: int) -> None:
    """The lead's view: every review of the file, then the submitted ones side by side."""
    with state.acting() as (session, user):
        reviews = visible_reviews(session, user, campaign.id, case_file_id)
        listed = [{t("cmp.col.reviewer"): r.assignment.reviewer.display_name,
                   t("cmp.col.status"): t(f"cmp.review_status.{r.status}"), t("cmp.col.score"): num(r.total),
                   t("cmp.col.grade"): r.grade or "", t("cmp.col.veto"): yes_no(bool(r.veto))} for r in reviews]
        comparison = compare_reviews(session, user, campaign.id, case_file_id)
    st.markdown(f"**{t('cmp.ud.reviews')}**")
    table(pd.DataFrame(listed), hide_index=True, width="stretch",
          column_config={t("cmp.col.score"): st.column_config.NumberColumn(format="%.2f")})
    if comparison.reviews:
        st.markdown(f"**{t('cmp.ud.side_by_side')}**")
        table(totals_frame(comparison), hide_index=True, width="stretch")
        only = st.toggle(t("cmp.ud.only_differing"), value=True, key="ud_only_diff")
        table(items_frame(comparison, only_differing=only), hide_index=True, width="stretch")


def _drill_down(campaign: ChosenCampaign, rows: list[FileRow]) -> None:
    st.subheader(t("cmp.ud.drill"))
    if not rows:
        return
    labels = {r.case_file_id: f"{r.case_number} · {fmt2(r.score)} · {r.grade}" for r in rows}
    chosen = st.selectbox(t("cmp.ud.file"), list(labels), format_func=labels.__getitem__, key="ud_file")
    _final_result(campaign, chosen)
    with state.acting() as (session, actor):
        lead = is_lead(actor)
    if lead:
        _reviews(campaign, chosen)
    else:
        st.caption(t("cmp.ud.final_only"))


def _difference(mine: Decimal | None, theirs: Decimal | None) -> float | None:
    return num(mine - theirs) if mine is not None and theirs is not None else None


def _profile(campaign: ChosenCampaign, unit: UnitFigures) -> None:
    st.subheader(t("cmp.ud.profile"))
    with state.acting() as (session, user):
        average = focus_rates(session, user, campaign.id, by_unit=False).get(None, [])
    show_chart(charts.profile_chart(unit.focus, average, unit.unit, chart_labels(), focus_labels()), "ud_profile")
    theirs = {f.focus: f for f in average}
    table(pd.DataFrame(
        [{t("cmp.col.focus"): focus_label(f.focus), t("cmp.col.files"): f.files,
          t("cmp.col.unit_rate"): num(f.rate),
          t("cmp.col.campaign_rate"): num(theirs[f.focus].rate) if f.focus in theirs else None,
          t("cmp.col.difference"): _difference(f.rate, theirs[f.focus].rate if f.focus in theirs else None)}
         for f in unit.focus]),
        hide_index=True, width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%.2f") for c in
                (t("cmp.col.unit_rate"), t("cmp.col.campaign_rate"), t("cmp.col.difference"))})


def render() -> None:
    st.title(t("cmp.ud.title"))
    with reported():
        campaign = choose_campaign("ud_campaign")
        if campaign is None:
            return
        with state.acting() as (session, user):
            units = {u.unit_id: u for u in unit_summary(session, user, campaign.id, top_n=0)}
        if not units:
            st.info(t("cmp.no_rows"))
            return
        unit_id = choose_unit("ud_unit", [(u.unit_id, u.unit) for u in units.values()])
        if unit_id is None:  # only when there are no units, handled above
            return
        unit = units[unit_id]
        _summary(campaign, unit)
        rows = _files(campaign, unit_id)
        _deductions(campaign, unit_id)
        _drill_down(campaign, rows)
        _profile(campaign, unit)


if __name__ == "__main__":
    render()
