"""Standards: the shipped scoring standards, each shown section by section with its version hash."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from scoring.rubric.model import CItem, Standard
from scoring.rubric.schema import Condition, Deduction, VetoEffect
from scoring.ui import state
from scoring.ui.common import focus_label, reported, yes_no
from scoring.ui.i18n import t


def _num(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _conditions(conds: list[Condition]) -> str:
    return "；".join(c.describe() for c in conds if c.describe())


def deduction_text(d: Deduction) -> str:
    if d.points is not None:
        return t("standards.ded_fixed", reason=d.reason, points=_num(d.points))
    text = t("standards.ded_each", reason=d.reason, points=_num(d.per_occurrence or Decimal(0)))
    if d.cap is not None:
        text += t("standards.ded_cap", cap=_num(d.cap))
    return text


def effect_text(effect: VetoEffect) -> str:
    if effect.kind == "cap":
        return t("standards.effect_cap", band=effect.band)
    return t(f"standards.effect_{effect.kind}")


def items_frame(items: list[CItem]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("col.id"): item.id,
                t("col.item"): item.title,
                t("col.focus"): focus_label(item.focus),
                t("col.max"): _num(item.max),
                t("col.na"): yes_no(item.allow_na),
                t("col.applies_when"): _conditions(item.conditions),
                t("col.deductions"): "\n".join(deduction_text(d) for d in item.deductions),
            }
            for item in items
        ]
    )


def show_standard(std: Standard) -> None:
    st.subheader(std.title)
    meta = [f"`{std.id}`"]
    if std.version_label:
        meta.append(std.version_label)
    meta.append(t("standards.applies_to", types="、".join(std.applies_to.case_types),
                  procs="、".join(std.applies_to.procedures or []) or t("all")))
    st.caption(" · ".join(meta))
    if std.description:
        st.write(std.description)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("standards.total"), _num(std.total))
    c2.metric(t("standards.pass_line"), _num(std.pass_line))
    c3.metric(t("standards.bands"), " / ".join(f"{b.name}≥{_num(b.min)}" for b in std.grade_bands))
    st.markdown(f"**{t('standards.hash')}**")
    st.code(std.hash, language=None)
    for section in std.sections:
        label = t("standards.section", title=section.title, max=_num(section.max), n=len(section.items))
        with st.expander(label, expanded=True):
            if section.module:
                st.caption(t("standards.module", module=section.module))
            if section.conditions:
                st.caption(t("standards.only_when", cond=_conditions(section.conditions)))
            st.dataframe(items_frame(section.items), hide_index=True, width="stretch")
    st.markdown(f"#### {t('standards.vetoes')}")
    if not std.vetoes:
        st.write(t("standards.no_vetoes"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col.id"): v.id,
                    t("col.veto"): v.title,
                    t("col.focus"): focus_label(v.focus),
                    t("col.effect"): effect_text(v.effect),
                    t("col.applies_when"): _conditions(v.conditions),
                }
                for v in std.vetoes
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def render() -> None:
    st.title(t("standards.title"))
    with reported():
        library = state.rubric_library()
        standards = sorted(library.standards.values(), key=lambda s: s.id)
        if not standards:
            st.info(t("standards.none"))
            return
        by_id = {s.id: s for s in standards}
        chosen = st.selectbox(t("standards.choose"), list(by_id), key="std_choose",
                              format_func=lambda i: f"{by_id[i].title} ({i})")
        show_standard(by_id[chosen])


if __name__ == "__main__":
    render()
