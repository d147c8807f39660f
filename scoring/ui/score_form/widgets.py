"""The score metrics of a review as read-only views show them (the editable form is scoring.ui.live_form)."""

from __future__ import annotations

import streamlit as st

from scoring.engine import ScoreResult
from scoring.rubric.model import Standard
from scoring.ui.i18n import t
from scoring.ui.score_form.labels import num, score_text


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
