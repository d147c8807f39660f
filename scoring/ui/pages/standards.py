"""Standards: the shipped scoring standards, each shown section by section with its version hash."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from scoring.documents.standard_docx import standard_docx
from scoring.rubric.loader import RubricLibrary, load_rubric_file
from scoring.rubric.model import CItem, Standard
from scoring.rubric.schema import Condition, Deduction, StandardFile, VetoEffect
from scoring.rubric.upload_check import check_uploaded
from scoring.rubric.workbook import export_workbook
from scoring.ui import state
from scoring.ui.common import focus_label, reported, table, yes_no
from scoring.ui.i18n import t
from scoring.ui.impact_view import impact_section


def _num(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _conditions(conds: list[Condition]) -> str:
    return "；".join(c.describe() for c in conds if c.describe())


def deduction_text(d: Deduction) -> str:
    if d.points is not None:
        return t("standards.ded_fixed", reason=d.reason, points=_num(d.points))
    if d.range is not None:
        key = "stdx.ded_range_each" if d.range.per == "occurrence" else "stdx.ded_range"
        text = t(key, reason=d.reason, low=_num(d.range.min), high=_num(d.range.max))
    else:
        text = t("standards.ded_each", reason=d.reason, points=_num(d.per_occurrence or Decimal(0)))
    if d.cap is not None:
        text += t("standards.ded_cap", cap=_num(d.cap))
    return text


def award_text(d: Deduction) -> str:
    if d.points is not None:
        text = t("stdx.award_fixed", reason=d.reason, points=_num(d.points))
    elif d.range is not None:
        text = t("stdx.award_range", reason=d.reason, low=_num(d.range.min), high=_num(d.range.max))
    else:
        text = t("stdx.award_each", reason=d.reason, points=_num(d.per_occurrence or Decimal(0)))
    return text + (t("stdx.award_cap", cap=_num(d.cap)) if d.cap is not None else "")


def rules_text(item: CItem) -> str:
    lines = [award_text(d) if item.bonus else deduction_text(d) for d in item.deductions]
    if item.allow_other is not None:
        lines.append(t("stdx.other", max=_num(item.allow_other)))
    return "\n".join(lines)


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
                t("col.deductions"): rules_text(item),
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
            table(items_frame(section.items), hide_index=True, width="stretch")
    if std.bonus:
        st.markdown(f"#### {t('stdx.bonus')}")
        table(pd.DataFrame([{t("col.id"): b.id, t("col.item"): b.title, t("col.max"): _num(b.max),
                             t("stdx.col_awards"): rules_text(b)} for b in std.bonus]),
              hide_index=True, width="stretch")
    st.markdown(f"#### {t('standards.vetoes')}")
    if not std.vetoes:
        st.write(t("standards.no_vetoes"))
        return
    table(
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
        downloads(library, by_id[chosen])
    upload_check()
    impact_section()


def downloads(library: RubricLibrary, std: Standard) -> None:
    """The standard as the Excel template (its own file) and as a Word table (composed)."""
    c1, c2 = st.columns(2)
    source = library.sources.get(std.id)
    model = load_rubric_file(source, library.vocabulary).model if source is not None else None
    if isinstance(model, StandardFile):
        c1.download_button(t("stdx.download_xlsx"), export_workbook(model), file_name=f"{std.id}.xlsx",
                           key="std_xlsx")
    c2.download_button(t("stdx.download_docx"), standard_docx(std), file_name=f"{std.id}.docx", key="std_docx")


def upload_check() -> None:
    st.markdown(f"#### {t('stdx.check_title')}")
    st.caption(t("stdx.check_help"))
    upload = st.file_uploader(t("stdx.upload"), type=["yaml", "yml", "xlsx"], key="std_upload")
    if upload is None:
        return
    with reported():
        checked = check_uploaded(upload.name, upload.getvalue())
        st.success(t("stdx.valid", n=len(checked.standards)))
        for std in checked.standards.values():
            show_standard(std)


if __name__ == "__main__":
    render()
