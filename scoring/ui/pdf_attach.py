"""Attaching electronic case files on the register page (lead): one PDF to a chosen case number, or a ZIP
previewed first (matched / not matched / ambiguous / refused) and stored only on "Store"."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from scoring import case_pdfs
from scoring.db.models import CaseFile
from scoring.errors import CaseReviewError
from scoring.settings import pdf_limits
from scoring.ui import state
from scoring.ui.common import show_error, table
from scoring.ui.i18n import lang, t

PLAN_KEY = "pdfattach_plan"
UPLOAD_N = "pdfattach_upload_n"


def _case_numbers() -> list[str]:
    with state.db_session() as session:
        return list(session.scalars(select(CaseFile.case_number).order_by(CaseFile.case_number)))


def _fresh_uploaders() -> None:
    st.session_state[UPLOAD_N] = st.session_state.get(UPLOAD_N, 0) + 1


def _one() -> None:
    n = st.session_state.get(UPLOAD_N, 0)
    case_number = st.selectbox(t("pdfattach.case"), _case_numbers(), index=None, key="pdfattach_case",
                               placeholder=t("pdfattach.case"))
    upload = st.file_uploader(t("pdfattach.file"), type=["pdf"], key=f"pdfattach_one_{n}")
    if st.button(t("pdfattach.attach"), key="pdfattach_go", type="primary",
                 disabled=upload is None or case_number is None):
        assert upload is not None and case_number is not None
        try:
            with state.acting(write=True) as (session, actor):
                outcome = case_pdfs.attach(session, actor, case_number, upload.name,
                                           upload.getvalue())
        except CaseReviewError as exc:
            show_error(exc)
            return
        _fresh_uploaders()
        state.flash(t(f"pdfattach.done.{outcome}", case=case_number, name=upload.name))
        st.rerun()


def _plan_tables(plan: case_pdfs.BulkPlan) -> None:
    file_col, case_col = t("pdfattach.col.file"), t("pdfattach.col.case")
    st.markdown(f"**{t('pdfattach.matched', n=len(plan.matched))}**")
    if plan.matched:
        table(pd.DataFrame([{file_col: n, case_col: c, t("pdfattach.col.pages"): p.pages}
                            for n, c, p in plan.matched]), hide_index=True, width="stretch")
    if plan.unmatched:
        st.markdown(f"**{t('pdfattach.unmatched', n=len(plan.unmatched))}**")
        table(pd.DataFrame({file_col: plan.unmatched}), hide_index=True, width="stretch")
    if plan.ambiguous:
        st.markdown(f"**{t('pdfattach.ambiguous', n=len(plan.ambiguous))}**")
        table(pd.DataFrame([{file_col: n, case_col: " / ".join(c)} for n, c in plan.ambiguous]),
              hide_index=True, width="stretch")
    if plan.rejected:
        st.markdown(f"**{t('pdfattach.rejected', n=len(plan.rejected))}**")
        table(pd.DataFrame([{file_col: n, t("pdfattach.col.why"): w.localized(lang())}
                            for n, w in plan.rejected]),
              hide_index=True, width="stretch")


def _bulk() -> None:
    n = st.session_state.get(UPLOAD_N, 0)
    upload = st.file_uploader(t("pdfattach.zip"), type=["zip"], key=f"pdfattach_zip_{n}")
    if upload is None:
        st.session_state.pop(PLAN_KEY, None)
        return
    cached = st.session_state.get(PLAN_KEY)
    if cached is None or cached[0] != upload.file_id:
        try:
            with state.acting() as (session, actor):
                plan = case_pdfs.plan_bulk(session, actor,
                                           case_pdfs.read_bundle(upload.getvalue()))
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state[PLAN_KEY] = cached = (upload.file_id, plan)
    plan = cached[1]
    _plan_tables(plan)
    if st.button(t("pdfattach.store", n=len(plan.matched)), key="pdfattach_store", type="primary",
                 disabled=not plan.matched):
        try:
            with state.acting(write=True) as (session, actor):
                counts = case_pdfs.apply_bulk(session, actor, plan)
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state.pop(PLAN_KEY, None)
        _fresh_uploaders()
        state.flash(t("pdfattach.stored", **counts))
        st.rerun()


def section() -> None:
    """The register page's tab for electronic case files."""
    limits = pdf_limits()
    st.write(t("pdfattach.hint"))
    st.caption(t("pdfattach.limits", mb=f"{limits.max_bytes / 1048576:g}", pages=limits.max_pages))
    one, bulk = st.tabs([t("pdfattach.one"), t("pdfattach.bulk")])
    with one:
        _one()
    with bulk:
        _bulk()
