"""The read-only result view: a submitted review's result and, after submitting, the other reviews."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring.engine import ScoreResult
from scoring.marks import Marks
from scoring.rubric.model import Standard
from scoring.ui.common import table
from scoring.ui.i18n import t
from scoring.ui.score_form.labels import num, score_text
from scoring.ui.score_form.widgets import show_metrics


def deductions_frame(result: ScoreResult) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("scorep.col.item"): f"{d.item_id} {d.item_title}", t("scorep.col.reason"): d.reason,
          t("scorep.occurrences"): d.occurrences, t("scorep.col.points"): num(d.points),
          t("scorep.col.location"): d.location, t("scorep.comment"): d.comment} for d in result.deductions],
        columns=[t("scorep.col.item"), t("scorep.col.reason"), t("scorep.occurrences"), t("scorep.col.points"),
                 t("scorep.col.location"), t("scorep.comment")],
    )


def show_result(result: ScoreResult, standard: Standard, marks: Marks) -> None:
    """A submitted review, read-only: the result, each deduction with its location, vetoes, sections."""
    show_metrics(result, standard)
    st.markdown(f"#### {t('scorep.deductions')}")
    if result.deductions:
        table(deductions_frame(result), hide_index=True, width="stretch")
    else:
        st.caption(t("scorep.no_deductions"))
    if result.awards:
        st.markdown(f"#### {t('bonus.result')}")
        table(pd.DataFrame(
            [{t("scorep.col.item"): f"{d.item_id} {d.item_title}", t("scorep.col.reason"): d.reason,
              t("scorep.occurrences"): d.occurrences, t("scorep.col.points"): num(d.points),
              t("scorep.col.location"): d.location} for d in result.awards]), hide_index=True, width="stretch")
    if marks.vetoes:
        st.markdown(f"#### {t('scorep.vetoes')}")
        table(pd.DataFrame([
            {t("scorep.col.item"): standard.vetoes_by_id[v].title if v in standard.vetoes_by_id else v,
             t("scorep.col.location"): vm.location.describe(), t("scorep.comment"): vm.comment}
            for v, vm in marks.vetoes.items()]), hide_index=True, width="stretch")
    na = [standard.items_by_id[i][1] for i, im in marks.items.items() if im.na and i in standard.items_by_id]
    if na:
        st.caption(t("scorep.marked_na", items="、".join(f"{i.id} {i.title}" for i in na)))
    with st.expander(t("scorep.by_section")):
        table(pd.DataFrame([
            {t("scorep.col.section"): p.title, t("scorep.col.max"): num(p.applicable_max),
             t("scorep.col.earned"): num(p.earned), t("scorep.col.rate"): score_text(p.rate)}
            for p in result.sections]), hide_index=True, width="stretch")


def comparison_frame(standard: Standard, mine: ScoreResult, others: list[tuple[str, ScoreResult]]) -> pd.DataFrame:
    """Per item (and veto) where anyone deducted: my deduction beside each other reviewer's; differences flagged."""
    def per_item(result: ScoreResult) -> dict[str, Decimal]:
        return {i.item_id: i.deducted for i in result.items if i.deducted}

    mine_items = per_item(mine)
    theirs = [(name, per_item(r), set(r.veto.triggered)) for name, r in others]
    ids = [i for i in standard.items_by_id if i in mine_items or any(i in d for _, d, _ in theirs)]
    rows = []
    for item_id in ids:
        item = standard.items_by_id[item_id][1]
        row: dict[str, Any] = {t("scorep.col.item"): f"{item_id} {item.title}",
                               t("scorep.col.mine_points"): num(mine_items.get(item_id, Decimal(0)))}
        values = {mine_items.get(item_id, Decimal(0))}
        for name, d, _ in theirs:
            row[name] = num(d.get(item_id, Decimal(0)))
            values.add(d.get(item_id, Decimal(0)))
        row[t("scorep.col.differs")] = "≠" if len(values) > 1 else ""
        rows.append(row)
    mine_vetoes = set(mine.veto.triggered)
    for veto in standard.vetoes:
        flags = [veto.id in mine_vetoes] + [veto.id in v for _, _, v in theirs]
        if not any(flags):
            continue
        row = {t("scorep.col.item"): t("scorep.where_veto", title=veto.title),
               t("scorep.col.mine_points"): t("scorep.veto_on") if flags[0] else ""}
        for (name, _, _), flag in zip(theirs, flags[1:], strict=True):
            row[name] = t("scorep.veto_on") if flag else ""
        row[t("scorep.col.differs")] = "≠" if len(set(flags)) > 1 else ""
        rows.append(row)
    return pd.DataFrame(rows)


def show_others(standard: Standard, mine: ScoreResult, others: list) -> None:  # noqa: ANN001
    """Other reviewers' submitted reviews (only ever called with what `others_after_submission` returned)."""
    st.subheader(t("scorep.others"))
    if not others:
        st.caption(t("scorep.others_none"))
        return
    cols = st.columns(len(others) + 1)
    cols[0].metric(t("scorep.mine"), score_text(mine.score), border=True)
    cols[0].caption(f"{mine.grade} · {t('scorep.veto_count', n=len(mine.veto.triggered))}")
    for col, other in zip(cols[1:], others, strict=True):
        col.metric(other.reviewer, score_text(other.result.score), border=True)
        col.caption(f"{other.result.grade} · {t('scorep.veto_count', n=len(other.result.veto.triggered))}")
    frame = comparison_frame(standard, mine, [(o.reviewer, o.result) for o in others])
    if not frame.empty:
        table(frame, hide_index=True, width="stretch")
    for other in others:
        with st.expander(t("scorep.others_detail", name=other.reviewer)):
            if other.result.deductions:
                table(deductions_frame(other.result), hide_index=True, width="stretch")
            else:
                st.caption(t("scorep.no_deductions"))
