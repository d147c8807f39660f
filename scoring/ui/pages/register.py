"""Register (lead): import a case-file register (preview, then commit), browse it, import the unit list.

Nothing is written when a file is uploaded: the import runs as a dry run first and shows the counts by
unit and case type and every problem found; only "Commit import" writes, all rows or none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from scoring import policy
from scoring.domain import FILE_FLAGS
from scoring.errors import CaseReviewError
from scoring.file_attributes import lead_attributes, set_file_attributes
from scoring.register.upload import (
    commit_register,
    commit_units,
    preview_register,
    preview_units,
)
from scoring.rubric.vocabulary import active_vocabulary
from scoring.ui import pdf_attach, register_preview, state
from scoring.ui.attribute_inputs import answer_of, attribute_input, widget_value
from scoring.ui.common import flag_label, reported, show_error, show_problems, table
from scoring.ui.i18n import t
from scoring.views import search_register, unit_names

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls"]
PAGE_SIZE = 50


@dataclass
class Upload:
    """What the page keeps between runs for one uploaded file: its preview report."""

    file_id: str
    name: str
    report: Any  # ImportReport or UnitImportReport


def counts_frame(counts: dict[str, int], label: str) -> pd.DataFrame:
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(rows, columns=[label, t("col.count")])


def _uploader_key(kind: str) -> str:
    return f"{kind}_upload_{st.session_state.get(f'{kind}_upload_n', 0)}"


def _reset(kind: str) -> None:
    st.session_state.pop(f"{kind}_preview", None)
    st.session_state[f"{kind}_upload_n"] = st.session_state.get(f"{kind}_upload_n", 0) + 1


def _preview(kind: str, uploaded: Any, run: Any) -> Upload | None:
    """The dry-run report for this upload, computed once per uploaded file."""
    cached: Upload | None = st.session_state.get(f"{kind}_preview")
    if cached is not None and cached.file_id == uploaded.file_id:
        return cached
    try:
        with st.spinner(t("register.checking")):
            report = run(state.engine(), state.acting_id(), uploaded.getvalue(), uploaded.name)
    except CaseReviewError as exc:
        show_error(exc)
        return None
    upload = Upload(uploaded.file_id, uploaded.name, report)
    st.session_state[f"{kind}_preview"] = upload
    return upload


def _import_tab() -> None:
    st.write(t("register.import_intro"))
    uploaded = st.file_uploader(t("register.upload"), type=UPLOAD_TYPES, key=_uploader_key("reg"))
    if uploaded is None:
        st.session_state.pop("reg_preview", None)
        return
    upload = _preview("reg", uploaded, preview_register)
    if upload is None:
        return
    report = upload.report
    if report.header_row is not None:
        where = t("register.sheet", sheet=report.sheet) if report.sheet else ""
        st.caption(t("register.header_at", row=report.header_row, where=where))
    if report.ok:
        st.success(t("register.preview_ok", name=upload.name, rows=report.rows_read))
    else:
        st.error(t("register.preview_bad", name=upload.name, rows=report.rows_read, problems=report.problem_count))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('register.by_unit')}**")
        table(counts_frame(report.by_unit, t("col.unit")), hide_index=True, width="stretch")
    with c2:
        st.markdown(f"**{t('register.by_case_type')}**")
        table(counts_frame(report.by_case_type, t("col.case_type")), hide_index=True, width="stretch")
    register_preview.show(report, uploaded.file_id, uploaded.getvalue(), uploaded.name)
    if not report.ok:
        st.markdown(f"**{t('register.problems')}**")
        show_problems(report.problems, report.problem_count)
    b1, b2 = st.columns(2)
    commit = b1.button(t("register.commit"), type="primary", disabled=not report.ok, key="reg_commit")
    cancel = b2.button(t("register.cancel"), key="reg_cancel")
    if cancel:
        _reset("reg")
        st.rerun()
    if commit:
        try:
            with st.spinner(t("register.importing")):
                done = commit_register(state.engine(), state.acting_id(), uploaded.getvalue(), uploaded.name)
        except CaseReviewError as exc:
            show_error(exc)
            return
        if not done.ok:  # the database changed since the preview
            st.session_state["reg_preview"] = Upload(upload.file_id, upload.name, done)
            st.error(t("register.commit_refused", problems=done.problem_count))
            show_problems(done.problems, done.problem_count)
            return
        _reset("reg")
        state.flash(t("register.committed", rows=done.rows_imported, name=done.source_name, batch=done.batch_id))
        st.rerun()


def _browse_tab() -> None:
    with state.db_session() as session:
        units = unit_names(session)
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    text = c1.text_input(t("register.search"), key="reg_search", placeholder=t("register.search_hint"))
    everything = t("all")  # labels made in this run, in its language (format_func may be called later)
    unit = c2.selectbox(t("col.unit"), ["", *units], format_func=lambda u: u or everything, key="reg_unit")
    case_type = c3.selectbox(t("col.case_type"), ["", *active_vocabulary().case_types], format_func=lambda c: c or everything,
                             key="reg_case_type")
    flags = {f: flag_label(f) for f in FILE_FLAGS}
    flag = c4.selectbox(t("col.flags"), ["", *FILE_FLAGS], format_func=lambda f: flags[f] if f else everything,
                        key="reg_flag")
    filters: dict[str, Any] = dict(text=text, unit=unit or None, case_type=case_type or None, flag=flag or None)
    page_key = f"reg_page_{abs(hash(tuple(filters.items())))}"
    with state.acting() as (session, actor):
        page_no = int(st.session_state.get(page_key, 1))
        result = search_register(session, actor, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, **filters)
        if not result.entries and page_no > 1:  # the register shrank or the filters changed
            page_no = 1
            result = search_register(session, actor, limit=PAGE_SIZE, offset=0, **filters)
    total = result.total
    st.caption(t("register.found", total=total, first=min(total, result.offset + 1),
                 last=result.offset + len(result.entries)))
    frame = pd.DataFrame(
        [
            {
                t("col.case_number"): e.case_number,
                t("col.unit"): e.unit,
                t("col.case_type"): e.case_type + (f"（{e.procedure}）" if e.procedure else ""),
                t("col.decision_date"): e.decision_date,
                t("col.flags"): "、".join(flag_label(f) for f in e.flags),
                t("col.amount"): float(e.penalty_amount) if e.penalty_amount is not None else None,
                t("col.description"): e.description,
            }
            for e in result.entries
        ],
        columns=[t("col.case_number"), t("col.unit"), t("col.case_type"), t("col.decision_date"), t("col.flags"),
                 t("col.amount"), t("col.description")],
    )
    table(frame, hide_index=True, width="stretch",
          column_config={t("col.amount"): st.column_config.NumberColumn(format="%.2f")})
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if pages > 1:
        st.pagination(pages, default=min(page_no, pages), key=page_key)
    _attributes_editor({e.id: e.case_number for e in result.entries})


def _attributes_editor(files: dict[int, str]) -> None:
    """The lead sets the declared attributes of one file (those `set_by` the lead): saved through the
    core (policy check, audit), only what changed."""
    if not files:
        return
    with state.db_session() as session:
        if not policy.allowed(state.current_user(session), policy.Action.FILE_ATTRIBUTES):
            return
    with st.expander(t("leadattr.title"), icon=":material/tune:"):
        st.caption(t("leadattr.help"))
        case_file_id = st.selectbox(t("leadattr.file"), list(files), key="reg_attr_file", index=None,
                                    format_func=files.__getitem__, placeholder=t("leadattr.pick"))
        if case_file_id is None:
            return
        with state.acting() as (session, actor):
            known = lead_attributes(session, actor, case_file_id)
        sources = {s: t(f"attrq.source.{s}") for s in ("register", "lead", "reviewer")}
        with st.form(f"reg_attr_form_{case_file_id}"):
            given: dict[str, Any] = {}
            cols = st.columns(3)
            for i, a in enumerate(known):
                key = f"reg_attr|{case_file_id}|{a.decl.key}"
                if key not in st.session_state:
                    st.session_state[key] = widget_value(a.decl, a.value)
                with cols[i % 3]:
                    given[a.decl.key] = answer_of(a.decl, attribute_input(a.decl, key))
                    if a.source in sources:
                        st.caption(t("leadattr.source", source=sources[a.source]))
            saved = st.form_submit_button(t("leadattr.save"), type="primary")
        if not saved:
            return
        try:
            with state.acting(write=True) as (session, actor):
                changed = set_file_attributes(session, actor, case_file_id, given)
        except CaseReviewError as exc:
            show_error(exc)
            return
        state.flash(t("leadattr.saved", case_number=files[case_file_id], n=len(changed)))
        st.rerun()


def _units_tab() -> None:
    st.write(t("register.units_intro"))
    with state.db_session() as session:
        units = unit_names(session)
    st.caption(t("register.units_count", n=len(units)))
    uploaded = st.file_uploader(t("register.units_upload"), type=UPLOAD_TYPES, key=_uploader_key("units"))
    if uploaded is None:
        st.session_state.pop("units_preview", None)
        return
    upload = _preview("units", uploaded, preview_units)
    if upload is None:
        return
    report = upload.report
    if report.ok:
        st.success(t("register.units_preview_ok", new=len(report.new_units), existing=report.rows_existing))
        if report.new_units:
            st.write("、".join(report.new_units))
    else:
        st.error(t("register.preview_bad", name=upload.name, rows=report.rows_read, problems=report.problem_count))
        show_problems(report.problems, report.problem_count)
    b1, b2 = st.columns(2)
    commit = b1.button(t("register.units_commit"), type="primary", disabled=not report.ok or not report.new_units,
                       key="units_commit")
    if b2.button(t("register.cancel"), key="units_cancel"):
        _reset("units")
        st.rerun()
    if commit:
        try:
            done = commit_units(state.engine(), state.acting_id(), uploaded.getvalue(), uploaded.name)
        except CaseReviewError as exc:
            show_error(exc)
            return
        if not done.ok:
            st.error(t("register.commit_refused", problems=done.problem_count))
            show_problems(done.problems, done.problem_count)
            return
        _reset("units")
        state.flash(t("register.units_committed", n=done.rows_imported))
        st.rerun()


def render() -> None:
    st.title(t("register.title"))
    with reported():
        tab_import, tab_browse, tab_units, tab_pdfs = st.tabs(
            [t("register.tab_import"), t("register.tab_browse"), t("register.tab_units"), t("pdfattach.title")])
        with tab_import, reported():
            _import_tab()
        with tab_browse, reported():
            _browse_tab()
        with tab_units, reported():
            _units_tab()
        with tab_pdfs, reported():
            pdf_attach.section()


if __name__ == "__main__":
    render()
