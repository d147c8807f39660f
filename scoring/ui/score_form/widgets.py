"""The scoring form's input widgets: an item, a section, the vetoes, a location, and the score metrics."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scoring.engine import ScoreResult
from scoring.mark_entry import (
    CHOICES,
    DEDUCT,
    MAX_OCCURRENCES,
    NA,
    OK,
    empty_detail,
    empty_item,
    empty_veto,
)
from scoring.rubric.model import CItem, CSection, Standard
from scoring.rubric.schema import FileAttributes
from scoring.ui import score_store
from scoring.ui.common import focus_label
from scoring.ui.i18n import t
from scoring.ui.score_form.labels import (
    conditions_text,
    deduction_label,
    effect_label,
    num,
    score_text,
)


def _widget_value(key: str, seed: Any, draw) -> Any:  # noqa: ANN001
    score_store.bind(key, seed)
    return draw(key)


def _location_inputs(rid: int, gen: int, values: dict[str, Any], *parts: str, occurrences: bool = False) -> None:
    """Page / media file / time / comment inputs for one deduction or veto, written back into `values`."""
    cols = st.columns([1, 1.2, 2, 1.2, 3] if occurrences else [1.2, 2, 1.2, 3])
    if occurrences:
        cols = list(cols)
        occ_col = cols.pop(0)
        n = values.get("occurrences", 1)
        values["occurrences"] = _widget_value(
            score_store.widget_key(rid, gen, *parts, "occ"), int(n) if isinstance(n, int | float) else 1,
            lambda k: occ_col.number_input(t("scorep.occurrences"), min_value=1, max_value=MAX_OCCURRENCES,
                                           step=1, key=k))
    c_page, c_file, c_time, c_comment = cols
    values["page"] = _widget_value(score_store.widget_key(rid, gen, *parts, "page"), values.get("page", ""),
                                   lambda k: c_page.text_input(t("scorep.page"), key=k, placeholder="12 / 3-5"))
    values["media_file"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "media"), values.get("media_file", ""),
        lambda k: c_file.text_input(t("scorep.media_file"), key=k, placeholder=t("scorep.media_file_hint")))
    values["media_time"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "time"), values.get("media_time", ""),
        lambda k: c_time.text_input(t("scorep.media_time"), key=k, placeholder="00:12:30"))
    values["comment"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "comment"), values.get("comment", ""),
        lambda k: c_comment.text_input(t("scorep.comment"), key=k, max_chars=2000))


def _item(rid: int, gen: int, item: CItem, entry: dict[str, Any], slot_for: dict[str, Any]) -> None:
    items = entry["items"]
    current = items.get(item.id) or empty_item()
    with st.container(border=True):
        head, choice_col = st.columns([3, 2], vertical_alignment="center")
        head.markdown(f"**{item.title}**  \n:gray[{item.id} · {t('scorep.points', max=num(item.max))} · "
                      f"{focus_label(item.focus)}]")
        options = [OK, DEDUCT] + ([NA] if item.allow_na or current["choice"] == NA else [])
        seed = current["choice"] if current["choice"] in CHOICES else OK
        choice = _widget_value(
            score_store.widget_key(rid, gen, item.id, "choice"), seed,
            lambda k: choice_col.segmented_control(
                item.title, options, key=k, required=True, label_visibility="collapsed",
                format_func=lambda c: t(f"scorep.choice.{c}"),
                help=item.guidance or item.recommendation))
        choice = choice or OK
        if choice == OK and item.id not in items:
            slot_for[item.id] = st.empty()
            return
        it = items.setdefault(item.id, empty_item())
        it["choice"] = choice
        if choice == DEDUCT:
            reason_ids = [d.id for d in item.deductions]
            by_id = {d.id: d for d in item.deductions}
            chosen = _widget_value(
                score_store.widget_key(rid, gen, item.id, "reasons"),
                [r for r in it.get("reasons", []) if r in by_id],
                lambda k: st.multiselect(t("scorep.reasons"), reason_ids, key=k,
                                         format_func=lambda r: deduction_label(by_id[r]),
                                         placeholder=t("scorep.reasons_hint"), select_all=False))
            unknown = [r for r in it.get("reasons", []) if r not in by_id]  # not listed: kept for the engine to refuse
            it["reasons"] = list(chosen) + unknown
            details = it.setdefault("details", {})
            for reason in chosen:
                d = by_id[reason]
                values = details.setdefault(reason, empty_detail())
                st.caption(f"**{d.reason}**")
                _location_inputs(rid, gen, values, item.id, reason, occurrences=d.points is None)
        elif choice == NA:
            it["comment"] = _widget_value(
                score_store.widget_key(rid, gen, item.id, "na_comment"), it.get("comment", ""),
                lambda k: st.text_input(t("scorep.na_comment"), key=k, max_chars=2000))
        slot_for[item.id] = st.empty()


def section_inputs(rid: int, gen: int, standard: Standard, section: CSection, attrs: FileAttributes,
             entry: dict[str, Any], slot_for: dict[str, Any]) -> None:
    applicable = [i for i in section.items if standard.item_applies(i.id, attrs)]
    skipped = [i for i in section.items if not standard.item_applies(i.id, attrs)]
    focus = list(dict.fromkeys(focus_label(i.focus) for i in section.items))
    label = t("scorep.section", title=section.title, max=num(section.max))
    if not applicable:
        label += t("scorep.section_na")
    with st.expander(label, expanded=bool(applicable), icon=None if applicable else ":material/block:"):
        st.caption(t("scorep.focus", areas="、".join(focus)))
        for item in applicable:
            _item(rid, gen, item, entry, slot_for)
        for item in skipped:
            cond = conditions_text(section.conditions + item.conditions)
            st.markdown(f":gray[~~{item.id} {item.title}~~ · {t('scorep.not_applicable', cond=cond)}]")


def veto_inputs(rid: int, gen: int, standard: Standard, attrs: FileAttributes, entry: dict[str, Any]) -> None:
    vetoes = entry["vetoes"]
    shown = [v for v in standard.vetoes if standard.veto_applies(v.id, attrs) or (vetoes.get(v.id) or {}).get("on")]
    skipped = [v for v in standard.vetoes if v not in shown]
    st.subheader(t("scorep.vetoes"))
    if not shown:
        st.caption(t("scorep.no_vetoes"))
    else:
        st.caption(t("scorep.vetoes_hint"))
    for veto in shown:
        with st.container(border=True):
            current = vetoes.get(veto.id) or empty_veto()
            on = _widget_value(
                score_store.widget_key(rid, gen, "veto", veto.id, "on"), bool(current.get("on")),
                lambda k: st.checkbox(f"{veto.title} · {effect_label(veto)}", key=k,
                                      help=veto.guidance or veto.recommendation))
            if not on and veto.id not in vetoes:
                continue
            v = vetoes.setdefault(veto.id, empty_veto())
            v["on"] = bool(on)
            if on:
                _location_inputs(rid, gen, v, "veto", veto.id)
    for veto in skipped:
        st.markdown(f":gray[~~{veto.title}~~ · "
                    f"{t('scorep.not_applicable', cond=conditions_text(veto.conditions))}]")


def veto_text(result: ScoreResult, standard: Standard) -> str:
    if not result.veto.triggered:
        return t("scorep.veto_none")
    titles = "、".join(standard.vetoes_by_id[v].title for v in result.veto.triggered if v in standard.vetoes_by_id)
    if result.veto.effect == "cap":
        effect = t("scorep.effect_cap", band=result.veto.cap_band)
    else:
        effect = t(f"scorep.effect_{result.veto.effect}")
    return f"{effect}（{titles}）"


def show_metrics(result: ScoreResult, standard: Standard) -> None:
    c1, c2, c3, c4 = st.columns(4)
    veto_note = t("scorep.score_help", rate=score_text(result.rate)) if result.score != result.rate else ""
    c1.metric(t("scorep.score"), score_text(result.score), border=True, help=t("scorep.rate_help") + veto_note)
    c2.metric(t("scorep.earned"), f"{num(result.earned)} / {num(result.applicable_max)}", border=True,
              help=t("scorep.earned_help"))
    c3.metric(t("scorep.grade"), result.grade, border=True,
              help=t("scorep.grade_help", grade=result.points_grade) if result.grade != result.points_grade else None)
    c4.metric(t("scorep.veto"), t("scorep.veto_count", n=len(result.veto.triggered)), border=True)
    if result.veto.triggered:
        st.error(t("scorep.veto_outcome", outcome=veto_text(result, standard)))
