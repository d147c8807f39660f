"""Sampling (lead): set quota, strata, forced inclusions and seed; preview; draw; show, export, verify, enlarge.

"Preview" runs the draw without storing anything. "Draw" stores it (the core refuses a second draw that
is not a pure enlargement). Once a campaign has a sample, the page shows it, offers the record (JSON)
and its files (CSV) for download, verifies it on request, and can enlarge it with a larger quota.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter

import pandas as pd
import streamlit as st

from scoring import timefmt
from scoring.desk.lead_sampling import (
    SampleView,
    enlarged_rules,
    sample_draw,
    sample_exports,
    sample_preview,
    sample_verify,
    sample_view,
)
from scoring.domain import FILE_FLAGS
from scoring.errors import CaseReviewError
from scoring.precheck.rules import load_rules
from scoring.precheck.run import flagged_for_sample
from scoring.rubric.vocabulary import active_vocabulary
from scoring.ui import state
from scoring.ui.common import flag_label, reported, show_error, table
from scoring.ui.i18n import lang, t
from scoring.ui.widgets import choose_campaign
from scoring.views import unit_names
from scoring.workflow.campaigns import get_campaign
from scoring.workflow.sampling import DrawnFile

SEED_KEY = "sampling_seed"  # the seed shown, generated once per session
PREVIEW_KEY = "sampling_preview"  # (inputs, picks) of the last preview
SEED_DIGITS = 10**9


# ------------------------------------------------------------------------------------------ shared bits

def reason_label(reason: str) -> str:
    kind, _, arg = reason.partition(":")
    if kind == "forced":
        if arg == "file":
            return t("pc.force")
        return t("sampling.reason_forced", flag=flag_label(arg) if arg in FILE_FLAGS else arg)
    if kind == "stratum":
        return t("sampling.reason_stratum", case_type=arg)
    if kind == "random":
        return t("sampling.reason_random")
    return reason


def pivot(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    """Files by unit (rows, in the order given) and case type (columns), with totals."""
    units = list(dict.fromkeys(u for u, _ in counts))
    types = [c for c in active_vocabulary().case_types if any(ct == c for _, ct in counts)]
    types += sorted({ct for _, ct in counts} - set(types))
    total = t("sampling.total")
    rows = []
    for unit in units:
        row: dict[str, str | int] = {t("col.unit"): unit}
        row.update({ct: counts.get((unit, ct), 0) for ct in types})
        row[total] = sum(counts.get((unit, ct), 0) for ct in types)
        rows.append(row)
    last: dict[str, str | int] = {t("col.unit"): total}
    last.update({ct: sum(counts.get((u, ct), 0) for u in units) for ct in types})
    last[total] = sum(counts.values())
    rows.append(last)
    return pd.DataFrame(rows, columns=[t("col.unit"), *types, total])


def files_frame(items: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("sampling.col_order"): i["draw_order"],
                t("col.case_number"): i["case_number"],
                t("col.unit"): i["unit"],
                t("col.case_type"): i["case_type"],
                t("sampling.col_reason"): reason_label(i["reason"]),
            }
            for i in items
        ],
        columns=[t("sampling.col_order"), t("col.case_number"), t("col.unit"), t("col.case_type"),
                 t("sampling.col_reason")],
    )


def _show_draw(counts: dict[tuple[str, str], int], items: list[dict]) -> None:
    tab_pivot, tab_files = st.tabs([t("sampling.by_unit_type"), t("sampling.file_list")])
    with tab_pivot:
        table(pivot(counts), hide_index=True, width="stretch")
    with tab_files:
        table(files_frame(items), hide_index=True, width="stretch")


def describe_rules(rules: dict) -> str:
    quota = rules.get("quota", {})
    if "count" in quota:
        text = t("sampling.rule_count", n=quota["count"])
    else:
        text = t("sampling.rule_percent", p=quota.get("percent"))
        if quota.get("min") is not None:
            text += t("sampling.rule_min", n=quota["min"])
        if quota.get("max") is not None:
            text += t("sampling.rule_max", n=quota["max"])
    parts = [text, t("sampling.rule_stratified") if rules.get("stratify_by_case_type") else t("sampling.rule_flat")]
    forced = rules.get("forced") or []
    if forced:
        parts.append(t("sampling.rule_forced", rules="、".join(
            t("sampling.rule_forced_one", flag=flag_label(f["flag"]), n=f["min"]) for f in forced)))
    if rules.get("units"):
        parts.append(t("sampling.rule_units", units="、".join(rules["units"])))
    return "；".join(parts)


# ------------------------------------------------------------------------------------------ drawing

def _quota_inputs(prefix: str, current: dict | None = None) -> dict:
    """The quota widgets; returns the quota as the core's rules expect it."""
    current = current or {}
    kinds = ["count", "percent"]
    kind = st.radio(t("sampling.quota_kind"), kinds, horizontal=True, key=f"{prefix}_quota_kind",
                    index=1 if "percent" in current else 0, format_func=lambda k: t(f"sampling.quota_{k}"))
    if kind == "count":
        count = st.number_input(t("sampling.count"), min_value=0, step=1, value=int(current.get("count", 3)),
                                key=f"{prefix}_count", help=t("sampling.count_help"))
        return {"count": int(count)}
    c1, c2, c3 = st.columns(3)
    percent = c1.number_input(t("sampling.percent"), min_value=0.0, max_value=100.0, step=0.5,
                              value=float(current.get("percent", 5.0)), key=f"{prefix}_percent")
    low = c2.number_input(t("sampling.min"), min_value=0, step=1, value=current.get("min"), key=f"{prefix}_min",
                          placeholder=t("sampling.optional"))
    high = c3.number_input(t("sampling.max"), min_value=0, step=1, value=current.get("max"), key=f"{prefix}_max",
                           placeholder=t("sampling.optional"))
    return {"percent": float(percent), "min": None if low is None else int(low),
            "max": None if high is None else int(high)}


def _seed_input() -> int | None:
    st.session_state.setdefault(SEED_KEY, str(secrets.randbelow(SEED_DIGITS)))
    if "smp_seed" not in st.session_state:
        st.session_state["smp_seed"] = st.session_state[SEED_KEY]
    text = st.text_input(t("sampling.seed"), key="smp_seed", help=t("sampling.seed_help"))
    st.session_state[SEED_KEY] = text
    try:
        return int(text.strip())
    except ValueError:
        st.error(t("sampling.bad_seed", value=text))
        return None


def _rules_inputs(campaign_id: int) -> dict:
    quota = _quota_inputs("smp")
    stratify = st.checkbox(t("sampling.stratify"), value=True, key="smp_stratify", help=t("sampling.stratify_help"))
    st.markdown(f"**{t('sampling.forced')}**")
    st.caption(t("sampling.forced_help"))
    forced = []
    for flag in FILE_FLAGS:
        c1, c2 = st.columns([3, 1])
        on = c1.checkbox(flag_label(flag), key=f"smp_force_{flag}")
        k = c2.number_input(t("sampling.forced_min"), min_value=1, step=1, value=1, key=f"smp_force_min_{flag}",
                            disabled=not on)
        if on:
            forced.append({"flag": flag, "min": int(k)})
    with state.db_session() as session:
        units = unit_names(session)
    chosen_units = st.multiselect(t("sampling.units"), units, key="smp_units", placeholder=t("sampling.units_all"))
    forced_files: list[str] = []
    if st.checkbox(t("pc.force"), key="smp_force_precheck"):
        rule_ids = st.multiselect(t("pc.force_rules"), [r.id for r in load_rules()], key="smp_force_precheck_rules", placeholder=t("widget.choose"))
        with state.db_session() as session:
            forced_files = flagged_for_sample(session, state.current_user(session), get_campaign(session, campaign_id),
                                              rule_ids or None, units=chosen_units or None)
        st.caption(t("pc.force_count", n=len(forced_files)))
    return {"quota": quota, "stratify_by_case_type": stratify, "forced": forced, "units": chosen_units or None,
            "forced_files": forced_files}


def _draw_section(campaign) -> None:  # noqa: ANN001
    st.info(t("sampling.none_yet"))
    st.caption(t("sampling.window", start=campaign.window_start, end=campaign.window_end))
    rules = _rules_inputs(campaign.id)
    seed = _seed_input()
    inputs = (campaign.id, json.dumps(rules, sort_keys=True, ensure_ascii=False), seed)
    c1, c2 = st.columns(2)
    preview = c1.button(t("sampling.preview"), key="smp_preview_btn", disabled=seed is None)
    draw = c2.button(t("sampling.draw"), key="smp_draw", type="primary", disabled=seed is None)
    engine, uid = state.engine(), state.acting_id()
    if preview and seed is not None:
        try:
            previewed = sample_preview(engine, uid, campaign.id, rules, seed)
        except CaseReviewError as exc:
            st.session_state.pop(PREVIEW_KEY, None)
            show_error(exc)
            return
        st.session_state[PREVIEW_KEY] = (inputs, previewed)
    if draw and seed is not None:
        try:
            record_id = sample_draw(engine, uid, campaign.id, rules, seed)
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state.pop(PREVIEW_KEY, None)
        state.flash(t("sampling.drawn", record=record_id, seed=seed))
        st.rerun()
    stored = st.session_state.get(PREVIEW_KEY)
    if stored is None:
        return
    if stored[0] != inputs:  # the inputs changed since: the preview no longer shows them
        st.session_state.pop(PREVIEW_KEY, None)
        return
    picks: list[DrawnFile] = stored[1]
    st.subheader(t("sampling.preview_title"))
    if not picks:
        st.warning(t("sampling.preview_empty"))
        return
    st.info(t("sampling.preview_info", n=len(picks), seed=seed))
    _show_draw(Counter((p.unit, p.case_type) for p in picks),
               [{"draw_order": p.draw_order, "case_number": p.case_number, "unit": p.unit,
                 "case_type": p.case_type, "reason": p.reason} for p in picks])


# ------------------------------------------------------------------------------------------ the sample

def _verify(view: SampleView) -> None:
    if not st.button(t("sampling.verify"), key="smp_verify", icon=":material/verified:"):
        return
    result = sample_verify(state.engine(), state.acting_id(), view.record_id)
    if result.ok:
        st.success(t("sampling.verify_ok", n=result.drawn, candidates=result.candidate_count,
                     fingerprint=(result.register_fingerprint or "")[:12]))
    else:
        st.error(t("sampling.verify_bad", n=len(result.messages)))
        st.markdown("\n".join(f"- {p.render(lang())}" for p in result.messages))


def _enlarge(campaign, view: SampleView) -> None:  # noqa: ANN001
    st.subheader(t("sampling.enlarge"))
    st.caption(t("sampling.enlarge_help", seed=view.seed))
    quota = _quota_inputs("enl", view.rules.get("quota"))
    if not st.button(t("sampling.enlarge_submit"), key="enl_submit"):
        return
    try:
        rules = enlarged_rules(view.rules, quota)
        record_id = sample_draw(state.engine(), state.acting_id(), campaign.id, rules, view.seed)
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.flash(t("sampling.enlarged", record=record_id))
    st.rerun()


def _sample_section(campaign, view: SampleView) -> None:  # noqa: ANN001
    st.success(t("sampling.has_sample", n=len(view.items), record=view.record_id))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("sampling.files_drawn"), len(view.items), border=True)
    c2.metric(t("sampling.candidates"), view.candidate_count, border=True)
    c3.metric(t("sampling.seed"), str(view.seed), border=True)
    st.caption(t("sampling.rules_were", rules=describe_rules(view.rules)))
    st.caption(t("sampling.drawn_at", at=timefmt.show(view.created_at)))
    if view.parent_record_hash:
        st.caption(t("sampling.enlarges", parent=view.parent_record_hash[:12]))
    st.markdown(t("sampling.fingerprints"))
    st.code(f"record_hash          {view.record_hash}\nregister_fingerprint {view.register_fingerprint}",
            language=None)
    counts = {(r["unit"], r["case_type"]): r["drawn"] for r in view.summary if r["drawn"]}
    _show_draw(counts, view.items)
    record_json, record_csv = sample_exports(state.engine(), state.acting_id(), view.record_id)
    d1, d2 = st.columns(2)
    d1.download_button(t("sampling.download_json"), record_json, key="smp_dl_json", mime="application/json",
                       file_name=f"sample-{campaign.id}-{view.record_id}.json", icon=":material/download:")
    d2.download_button(t("sampling.download_csv"), record_csv, key="smp_dl_csv", mime="text/csv",
                       file_name=f"sample-{campaign.id}-{view.record_id}.csv", icon=":material/download:")
    with reported():
        _verify(view)
    st.divider()
    with reported():
        _enlarge(campaign, view)


def render() -> None:
    st.title(t("sampling.title"))
    with reported():
        campaign = choose_campaign("smp_campaign", workflow=True)
        if campaign is None:
            return
        view = sample_view(state.engine(), state.acting_id(), campaign.id)
        if view is None:
            _draw_section(campaign)
        else:
            _sample_section(campaign, view)


if __name__ == "__main__":
    render()
